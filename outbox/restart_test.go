package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"cchcbot"
)

// TestRestartResumes: a new Sender on the same store delivers what the
// last one could not, and never what it delivered.
func TestRestartResumes(t *testing.T) {
	st := newMemStore()
	first := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text != "a" {
			return &cchcbot.TemporaryError{Err: errors.New("502 bad gateway")}
		}
		return nil
	}}
	s1 := newSender(t, st, first, fast())
	st.Queue(msg(1, "a"), msg(2, "b"), msg(3, "c"))
	waitFor(t, "a recorded, b and c tried", func() bool {
		_, ok := st.outcome(1)
		return ok && first.attempts("b") > 0 && first.attempts("c") > 0
	})
	s1.Close()

	second := &channel{}
	s2 := newSender(t, st, second, fast())
	drain(t, s2)
	if got := slices.Sorted(slices.Values(second.texts())); !slices.Equal(got, []string{"b", "c"}) { // two chats: any order
		t.Errorf("after the restart sent %v, want [b c]", got)
	}
	if got := first.successes(); got["a"] != 1 || got["b"]+got["c"] != 0 {
		t.Errorf("before the restart delivered %v, want only a", got)
	}
}

// TestCloseInterruptsSend: Close cancels a send in flight; its message
// stays in the store, and the next start delivers it.
func TestCloseInterruptsSend(t *testing.T) {
	st := newMemStore()
	hung := &channel{Fn: func(ctx context.Context, _ call, _ int) error {
		<-ctx.Done() // a half-open connection: only the ctx ends it
		return &cchcbot.TemporaryError{Err: ctx.Err()}
	}}
	s1 := newSender(t, st, hung, fast())
	st.Queue(msg(1, "x"))
	waitFor(t, "the send in flight", func() bool { return s1.Stats().InFlight == 1 })
	s1.Close()
	if _, ok := st.outcome(1); ok || st.pending() != 1 {
		t.Fatalf("the interrupted message left the store (%d rows left)", st.pending())
	}
	up := &channel{}
	drain(t, newSender(t, st, up, fast()))
	if got := up.texts(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("after the restart sent %v, want [x]", got)
	}
}

// TestFinishRetried: when recording the outcomes fails, the Sender keeps
// them and commits again; nothing is sent a second time, now or after a
// restart.
func TestFinishRetried(t *testing.T) {
	st := newMemStore()
	st.FinishFn = func(_ []cchcbot.Delivery, n int) error {
		if n <= 2 {
			return errors.New("write cchcbot.db: no space left on device")
		}
		return nil
	}
	ch := &channel{}
	s := newSender(t, st, ch, fast())
	st.Queue(msg(1, "a"), msg(2, "b"), msg(3, "c"))
	drain(t, s)
	for id := uint64(1); id <= 3; id++ {
		if d, ok := st.outcome(id); !ok || d.State != cchcbot.Delivered {
			t.Errorf("message %d: %+v (recorded %v)", id, d, ok)
		}
	}
	if n := st.finishCount(); n < 3 {
		t.Errorf("%d commits tried, want the two failures and a success", n)
	}
	s.Close()
	again := &channel{}
	drain(t, newSender(t, st, again, fast()))
	if got := ch.successes(); got["a"] != 1 || got["b"] != 1 || got["c"] != 1 || ch.total() != 3 || again.total() != 0 {
		t.Errorf("sent %v (%d attempts), then %d after a restart: want each once", got, ch.total(), again.total())
	}
}

// TestGroupCommit: outcomes that arrive while a commit runs go together in
// the next one.
func TestGroupCommit(t *testing.T) {
	st := newMemStore()
	entered, release := make(chan struct{}), make(chan struct{})
	st.FinishFn = func(_ []cchcbot.Delivery, n int) error {
		if n == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	ch := &channel{}
	s := newSender(t, st, ch, fast())
	st.Queue(msg(0, "first"))
	<-entered
	for i := 1; i <= 10; i++ {
		st.Queue(msg(i, fmt.Sprint("m", i)))
	}
	waitFor(t, "ten outcomes waiting for the commit", func() bool { return s.Stats().Finishing == 11 })
	close(release)
	drain(t, s)
	if got := st.commitSizes(); !slices.Equal(got, []int{1, 10}) {
		t.Errorf("commits of %v outcomes, want [1 10]", got)
	}
}

// TestCloseCommits: Close records the outcomes of the sends that returned,
// so the next start sends none of them again.
func TestCloseCommits(t *testing.T) {
	st := newMemStore()
	entered, release := make(chan struct{}), make(chan struct{})
	st.FinishFn = func(_ []cchcbot.Delivery, n int) error {
		if n == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	ch := &channel{}
	s := newSender(t, st, ch, fast())
	st.Queue(msg(0, "first"))
	<-entered
	st.Queue(msg(1, "second"), msg(2, "third"))
	waitFor(t, "outcomes waiting", func() bool { return s.Stats().Finishing == 3 })
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	close(release)
	<-closed
	if st.pending() != 0 {
		t.Errorf("%d rows left after Close, want every outcome recorded", st.pending())
	}
}
