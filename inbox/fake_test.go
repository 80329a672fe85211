package inbox_test

import (
	"context"
	"slices"
	"sync"

	"cchcbot"
)

// memStore is an in-memory inbox.Store with the semantics of the bbolt
// one, for tests that need to hold or fail its calls.
type memStore struct {
	mu      sync.Mutex
	nextSeq uint64
	events  map[uint64]cchcbot.Inbound
	commits [][]uint64

	// FinishFn, when set, runs before each FinishIncoming; an error fails
	// the commit.
	FinishFn func(seqs []uint64) error
	// PendingFn, when set, runs before each PendingIncoming.
	PendingFn func() error
}

func newMemStore() *memStore { return &memStore{events: map[uint64]cchcbot.Inbound{}} }

// accept appends events for ins, as AcceptIncoming does, and returns them.
func (m *memStore) accept(ins ...cchcbot.Incoming) []cchcbot.Inbound {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []cchcbot.Inbound
	for _, in := range ins {
		m.nextSeq++
		ev := cchcbot.Inbound{Seq: m.nextSeq, Key: "test:" + in.Text, In: &in}
		m.events[ev.Seq] = ev
		out = append(out, ev)
	}
	return out
}

func (m *memStore) PendingIncoming(ctx context.Context) ([]cchcbot.Inbound, error) {
	if m.PendingFn != nil {
		if err := m.PendingFn(); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []cchcbot.Inbound
	for _, ev := range m.events {
		out = append(out, ev)
	}
	slices.SortFunc(out, func(a, b cchcbot.Inbound) int { return int(a.Seq) - int(b.Seq) })
	return out, nil
}

func (m *memStore) FinishIncoming(ctx context.Context, seqs []uint64) error {
	if m.FinishFn != nil {
		if err := m.FinishFn(seqs); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range seqs {
		delete(m.events, s)
	}
	m.commits = append(m.commits, slices.Clone(seqs))
	return nil
}

func (m *memStore) pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.events)
}

func (m *memStore) commitCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.commits)
}
