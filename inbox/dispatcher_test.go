package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"cchcbot"
	"cchcbot/inbox"
)

// TestOrderPerPerson: each person's events are handled one at a time in
// arrival order, everyone's are handled once, and all are finished.
func TestOrderPerPerson(t *testing.T) {
	st := newMemStore()
	rec := newRecorder(t)
	obs := &countObserver{}
	opts := fast(nil)
	opts.Observer = obs
	d := inbox.New(st, rec, opts)
	run(t, d)
	var want [3][]string
	for i := range 30 {
		for u := range 3 {
			text := fmt.Sprintf("/trangthai %d-%d", u, i)
			want[u] = append(want[u], text)
			d.Add(st.accept(msg(int64(100+u), text))...)
		}
	}
	waitIdle(t, d)
	for u := range 3 {
		if got := rec.texts(int64(100 + u)); !slices.Equal(got, want[u]) {
			t.Errorf("user %d handled %v, want %v", u, got, want[u])
		}
	}
	if st.pending() != 0 {
		t.Errorf("%d events left unfinished", st.pending())
	}
	if d.Handled() != 90 || obs.n != 90 {
		t.Errorf("handled %d, observed %d, want 90", d.Handled(), obs.n)
	}
}

// TestSlowPersonHoldsNobodyElse: while one person's handler is stuck (a
// long download), another person's events are all handled; the stuck
// person's next event waits behind the stuck one.
func TestSlowPersonHoldsNobodyElse(t *testing.T) {
	st := newMemStore()
	release := make(chan struct{})
	entered := make(chan struct{})
	rec := newRecorder(t)
	rec.hook = func(ctx context.Context, in cchcbot.Incoming) error {
		if in.Text == "A1" {
			close(entered)
			<-release
		}
		return nil
	}
	d := inbox.New(st, rec, fast(nil))
	run(t, d)
	d.Add(st.accept(msg(1, "A1"), msg(1, "A2"))...)
	<-entered
	for i := range 10 {
		d.Add(st.accept(msg(2, fmt.Sprint("B", i)))...)
	}
	waitUntil(t, "B's events handled", func() bool { return len(rec.texts(2)) == 10 })
	if got := rec.texts(1); len(got) != 0 {
		t.Errorf("A handled %v while A1 was stuck", got)
	}
	close(release)
	waitIdle(t, d)
	if got := rec.texts(1); !slices.Equal(got, []string{"A1", "A2"}) {
		t.Errorf("A handled %v", got)
	}
}

// TestFinishedWhateverTheOutcome: an event is finished when its handler
// returns, with an error or a panic too; the log names the person and the
// command, never the /start argument (an invite code).
func TestFinishedWhateverTheOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func() error
		log  string // expected in the log
	}{
		{"success", func() error { return nil }, ""},
		{"error", func() error { return errors.New("disk on fire") }, "disk on fire"},
		{"panic", func() error { panic("nil map") }, "nil map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newMemStore()
			logs := &syncBuffer{}
			d := inbox.New(st, inbox.HandlerFunc(func(context.Context, cchcbot.Incoming) error { return tc.h() }), fast(logs))
			run(t, d)
			d.Add(st.accept(msg(42, "/start MAGICINVITE123\nxin chào"))...)
			d.Add(st.accept(msg(42, "/start\nMAGICINVITE456"))...)
			waitIdle(t, d)
			if st.pending() != 0 || d.Handled() != 2 {
				t.Errorf("pending %d, handled %d: want every event finished", st.pending(), d.Handled())
			}
			out := logs.String()
			if strings.Contains(out, "MAGICINVITE") || strings.Contains(out, "xin chào") {
				t.Errorf("the log holds the text:\n%s", out)
			}
			if tc.log != "" && (!strings.Contains(out, tc.log) || !strings.Contains(out, "command=/start") || !strings.Contains(out, "user=telegram:42")) {
				t.Errorf("the log lacks the failure, the command or the user:\n%s", out)
			}
		})
	}
}

// TestCancelledHandlerStaysInInbox: a handler cut short by shutdown leaves
// its event (and the person's next ones) in the store, and the next Run
// handles them, before newer events, in order.
func TestCancelledHandlerStaysInInbox(t *testing.T) {
	st := newMemStore()
	entered := make(chan struct{}, 2)
	rec := newRecorder(t)
	rec.hook = func(ctx context.Context, in cchcbot.Incoming) error {
		if strings.HasPrefix(in.Text, "stuck") {
			entered <- struct{}{}
			<-ctx.Done()
			if in.Text == "stuck-swallows" {
				return nil // a handler that hides the cancellation
			}
			return ctx.Err()
		}
		return nil
	}
	d := inbox.New(st, rec, fast(nil))
	stop := run(t, d)
	d.Add(st.accept(msg(1, "done"), msg(1, "stuck"), msg(1, "after"), msg(2, "stuck-swallows"))...)
	<-entered
	<-entered
	waitUntil(t, "the first event finished", func() bool { return st.pending() == 3 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if st.pending() != 3 {
		t.Fatalf("%d events left in the store, want 3 (the two cut short and the one behind)", st.pending())
	}

	rec2 := newRecorder(t)
	d2 := inbox.New(st, rec2, fast(nil))
	d2.Add(st.accept(msg(1, "new"))...)
	run(t, d2)
	waitIdle(t, d2)
	if got := rec2.texts(1); !slices.Equal(got, []string{"stuck", "after", "new"}) {
		t.Errorf("after the restart user 1 handled %v", got)
	}
	if got := rec2.texts(2); !slices.Equal(got, []string{"stuck-swallows"}) {
		t.Errorf("after the restart user 2 handled %v", got)
	}
	if st.pending() != 0 {
		t.Errorf("%d events left", st.pending())
	}
}

// TestFinishesGroupCommitted: what finishes while a commit runs goes into
// the next commit, not one commit each.
func TestFinishesGroupCommitted(t *testing.T) {
	st := newMemStore()
	gate := make(chan struct{})
	var calls atomic.Int32
	st.FinishFn = func([]uint64) error {
		if calls.Add(1) == 1 {
			<-gate
		}
		return nil
	}
	d := inbox.New(st, newRecorder(t), fast(nil))
	run(t, d)
	for i := range 50 {
		d.Add(st.accept(msg(int64(i), "/trangthai"))...)
	}
	waitUntil(t, "all handled", func() bool { return d.Handled() == 50 })
	close(gate)
	waitIdle(t, d)
	if n := st.commitCount(); n > 2 {
		t.Errorf("%d commits for 50 events finished during one commit, want at most 2", n)
	}
	if st.pending() != 0 {
		t.Errorf("%d events left", st.pending())
	}
}

// TestFailedFinishRetried: a failing commit is retried; no finish is
// dropped, none is handled twice.
func TestFailedFinishRetried(t *testing.T) {
	st := newMemStore()
	var fails atomic.Int32
	st.FinishFn = func([]uint64) error {
		if fails.Add(1) <= 3 {
			return errors.New("disk full")
		}
		return nil
	}
	rec := newRecorder(t)
	logs := &syncBuffer{}
	d := inbox.New(st, rec, fast(logs))
	run(t, d)
	for i := range 20 {
		d.Add(st.accept(msg(int64(i%4), fmt.Sprint(i)))...)
	}
	waitIdle(t, d)
	if st.pending() != 0 || rec.count() != 20 {
		t.Errorf("pending %d, handled %d, want 0 and 20", st.pending(), rec.count())
	}
	if !strings.Contains(logs.String(), "disk full") {
		t.Error("the failed commits were not logged")
	}
}

// TestDuplicateAddIgnored: an event added twice, or added and also read
// from the store at start, is handled once.
func TestDuplicateAddIgnored(t *testing.T) {
	st := newMemStore()
	rec := newRecorder(t)
	d := inbox.New(st, rec, fast(nil))
	evs := st.accept(msg(1, "a"), msg(1, "b"))
	d.Add(evs...)
	d.Add(evs[0])
	run(t, d)
	waitIdle(t, d)
	d.Add(evs...) // stale copies after the finish
	later := st.accept(msg(1, "c"))
	d.Add(later...)
	d.Add(later...)
	d.Add(cchcbot.Inbound{Seq: 99, Key: "telegram:99"}) // ignored update: no event
	waitIdle(t, d)
	if got := rec.texts(1); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("handled %v, want a b c once each", got)
	}
}

// TestPendingFirstInSeqOrder: events left from before the restart come
// first, merged by Seq with those added before Run.
func TestPendingFirstInSeqOrder(t *testing.T) {
	st := newMemStore()
	st.accept(msg(1, "1"), msg(2, "2"))
	added := st.accept(msg(1, "3"), msg(2, "4"))
	var reads atomic.Int32
	st.PendingFn = func() error {
		if reads.Add(1) <= 2 {
			return errors.New("store busy")
		}
		return nil
	}
	rec := newRecorder(t)
	d := inbox.New(st, rec, fast(nil))
	d.Add(added[1], added[0]) // out of order, and also in the store
	run(t, d)
	waitIdle(t, d)
	if got1, got2 := rec.texts(1), rec.texts(2); !slices.Equal(got1, []string{"1", "3"}) || !slices.Equal(got2, []string{"2", "4"}) {
		t.Errorf("handled %v and %v", got1, got2)
	}
}

// TestMaxHandlers: no more handlers run at once than the cap, and people
// beyond it take turns, one event each.
func TestMaxHandlers(t *testing.T) {
	st := newMemStore()
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	rec := newRecorder(t)
	rec.hook = func(ctx context.Context, in cchcbot.Incoming) error {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		inFlight.Add(-1)
		return nil
	}
	opts := fast(nil)
	opts.MaxHandlers = 2
	d := inbox.New(st, rec, opts)
	for u := range 5 {
		d.Add(st.accept(msg(int64(u), "x"))...)
	}
	run(t, d)
	waitUntil(t, "two handlers running", func() bool { return inFlight.Load() == 2 })
	for range 5 {
		release <- struct{}{}
	}
	waitIdle(t, d)
	if peak.Load() != 2 || rec.count() != 5 {
		t.Errorf("peak %d handlers, %d handled: want 2 and 5", peak.Load(), rec.count())
	}
}

// TestTakingTurns: with one slot, a person with many events lets another
// in after each of them.
func TestTakingTurns(t *testing.T) {
	st := newMemStore()
	var mu sync.Mutex
	var order []string
	h := inbox.HandlerFunc(func(ctx context.Context, in cchcbot.Incoming) error {
		mu.Lock()
		order = append(order, in.Text)
		mu.Unlock()
		return nil
	})
	opts := fast(nil)
	opts.MaxHandlers = 1
	d := inbox.New(st, h, opts)
	d.Add(st.accept(msg(1, "A1"), msg(1, "A2"), msg(1, "A3"), msg(2, "B1"))...)
	run(t, d)
	waitIdle(t, d)
	if want := []string{"A1", "B1", "A2", "A3"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// TestShutdownCommitsFinishes: Run returns only after the handlers in
// flight returned and their finishes are committed.
func TestShutdownCommitsFinishes(t *testing.T) {
	st := newMemStore()
	gate := make(chan struct{})
	var calls atomic.Int32
	st.FinishFn = func([]uint64) error {
		if calls.Add(1) == 1 {
			<-gate
		}
		return nil
	}
	d := inbox.New(st, newRecorder(t), fast(nil))
	stop := run(t, d)
	for i := range 10 {
		d.Add(st.accept(msg(int64(i), "x"))...)
	}
	waitUntil(t, "all handled", func() bool { return d.Handled() == 10 })
	stopped := make(chan error)
	go func() { stopped <- stop() }()
	close(gate)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if st.pending() != 0 {
		t.Errorf("%d handled events left in the store after shutdown", st.pending())
	}
	d.Add(st.accept(msg(1, "late"))...) // after Run: stays in the store
	if st.pending() != 1 || d.Handled() != 10 {
		t.Errorf("an event added after Run: pending %d, handled %d", st.pending(), d.Handled())
	}
}

// TestShutdownCommitFails: if the store cannot record the last finishes,
// Run says so and the events stay, to be handled again.
func TestShutdownCommitFails(t *testing.T) {
	st := newMemStore()
	var broken atomic.Bool
	st.FinishFn = func([]uint64) error {
		if broken.Load() {
			return errors.New("disk gone")
		}
		return nil
	}
	entered := make(chan struct{})
	release := make(chan struct{})
	rec := newRecorder(t)
	rec.hook = func(ctx context.Context, in cchcbot.Incoming) error {
		close(entered)
		<-release
		return nil
	}
	d := inbox.New(st, rec, fast(nil))
	stop := run(t, d)
	d.Add(st.accept(msg(1, "x"))...)
	<-entered
	broken.Store(true)
	// The handler returns before the shutdown: its event is finished,
	// yet cannot be recorded.
	close(release)
	waitUntil(t, "handled", func() bool { return d.Handled() == 1 })
	if err := stop(); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("Run = %v, want the store's error", err)
	}
	if st.pending() != 1 {
		t.Errorf("%d events in the store, want 1", st.pending())
	}
}

// TestRunTwice: a dispatcher runs once.
func TestRunTwice(t *testing.T) {
	d := inbox.New(newMemStore(), newRecorder(t), fast(nil))
	run(t, d)
	waitIdle(t, d)
	if err := d.Run(context.Background()); err == nil {
		t.Error("a second Run was accepted")
	}
}
