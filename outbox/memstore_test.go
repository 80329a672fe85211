package outbox_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"cchcbot"
)

// memStore is an in-memory outbox.Store whose commits can be made to fail,
// for the faults a real store cannot be made to show on demand.
type memStore struct {
	// FinishFn, when set, runs at each FinishOutgoing (n counts them);
	// an error fails the commit, which then records nothing.
	FinishFn func(ds []cchcbot.Delivery, n int) error

	mu       sync.Mutex
	seq      uint64
	rows     map[uint64]cchcbot.Outgoing
	outcomes map[uint64]cchcbot.Delivery
	commits  [][]cchcbot.Delivery // the successful ones
	finishes int
	files    map[string]string
	queued   chan struct{}
}

func newMemStore() *memStore {
	return &memStore{
		rows:     map[uint64]cchcbot.Outgoing{},
		outcomes: map[uint64]cchcbot.Delivery{},
		files:    map[string]string{},
		queued:   make(chan struct{}, 1),
	}
}

// Queue commits msgs, setting their IDs, and signals the sender.
func (m *memStore) Queue(msgs ...*cchcbot.Outgoing) {
	m.mu.Lock()
	for _, o := range msgs {
		m.seq++
		o.ID = m.seq
		m.rows[o.ID] = *o
	}
	m.mu.Unlock()
	select {
	case m.queued <- struct{}{}:
	default:
	}
}

func (m *memStore) Queued() <-chan struct{} { return m.queued }

func (m *memStore) PendingOutgoing(_ context.Context, afterID uint64, limit int) ([]cchcbot.Outgoing, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []cchcbot.Outgoing
	for _, id := range slices.Sorted(maps.Keys(m.rows)) {
		if id > afterID && (limit <= 0 || len(out) < limit) {
			out = append(out, m.rows[id])
		}
	}
	return out, nil
}

func (m *memStore) FinishOutgoing(_ context.Context, ds []cchcbot.Delivery) error {
	m.mu.Lock()
	m.finishes++
	n, fn := m.finishes, m.FinishFn
	m.mu.Unlock()
	if fn != nil {
		if err := fn(ds, n); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range ds {
		if _, ok := m.rows[d.ID]; ok {
			delete(m.rows, d.ID)
			m.outcomes[d.ID] = d
		}
	}
	m.commits = append(m.commits, slices.Clone(ds))
	return nil
}

func (m *memStore) OpenFile(sum string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	body, ok := m.files[sum]
	if !ok {
		return nil, errors.New("open " + sum + ": no such file or directory")
	}
	return io.NopCloser(strings.NewReader(body)), nil
}

// outcome returns the recorded outcome of message id.
func (m *memStore) outcome(id uint64) (cchcbot.Delivery, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.outcomes[id]
	return d, ok
}

func (m *memStore) pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.rows)
}

func (m *memStore) commitSizes() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []int
	for _, c := range m.commits {
		out = append(out, len(c))
	}
	return out
}

// msg is a plain bulk message to user i.
func msg(i int, text string) *cchcbot.Outgoing {
	return &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: user(i), Text: text, CreatedAt: start}
}

func (m *memStore) finishCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.finishes
}
