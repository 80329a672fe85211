package bot_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/store"
)

// gatedMarks is the store with its marking held at a gate, to see what
// the poller confirms to Telegram before its marks are committed.
type gatedMarks struct {
	*store.DB
	gate    chan struct{} // receives once per commit allowed
	mu      sync.Mutex
	commits [][]int64
}

func (g *gatedMarks) MarkUpdatesHandled(ctx context.Context, ids []int64) error {
	<-g.gate
	g.mu.Lock()
	g.commits = append(g.commits, slices.Clone(ids))
	g.mu.Unlock()
	return g.DB.MarkUpdatesHandled(ctx, ids)
}

func (g *gatedMarks) MarkUpdateHandled(ctx context.Context, id int64) error {
	return g.MarkUpdatesHandled(ctx, []int64{id})
}

// TestPollerMarksBeforeConfirming: the marks of a batch are committed
// together (few commits for many updates), and nothing is confirmed to
// Telegram before its mark is committed; a crash with marks pending has
// those updates delivered and handled again (at least once) while the
// marked ones are skipped (no second effect).
func TestPollerMarksBeforeConfirming(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	g := &gatedMarks{DB: memUpdates(t), gate: make(chan struct{})}
	var ids []int
	for i := range 60 {
		u := telegramtest.User{ID: int64(5000 + i%20), FirstName: "Cán bộ"}
		ids = append(ids, srv.SendText(u, fmt.Sprintf("/trangthai %d", i)))
	}
	rec := &recorder{}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		bot.NewPoller(tg, g, rec, bot.PollerOptions{Workers: 4}).Run(pctx)
		close(done)
	}()
	waitUntil(t, func() bool { return rec.count() == 60 })
	// Every update is handled but no mark is committed: none may be
	// confirmed, whatever the poller does meanwhile.
	if got := srv.Pending(); len(got) != 60 {
		t.Fatalf("%d updates unconfirmed before any mark was committed, want 60", len(got))
	}
	// One commit, then the crash: the poller stops while the rest wait.
	g.gate <- struct{}{}
	waitUntil(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.commits) == 1 })
	cancel()
	go func() { // the shutdown must not hang on the gate: let the rest through
		for {
			select {
			case g.gate <- struct{}{}:
			case <-done:
				return
			}
		}
	}()
	<-done
	g.mu.Lock()
	first := g.commits[0]
	commits := len(g.commits)
	g.mu.Unlock()
	if commits > 8 {
		t.Errorf("%d commits for 60 updates: the marks are not grouped", commits)
	}
	if len(first) == 0 {
		t.Fatal("the first commit marked nothing")
	}
	if pending := srv.Pending(); len(pending) == 0 {
		t.Fatal("everything was confirmed: the test proves nothing")
	}

	// A restart with a store that marked only the first commit: the
	// updates of that commit are skipped when Telegram redelivers them,
	// the others are handled again.
	db2 := memUpdates(t)
	if err := db2.MarkUpdatesHandled(ctx, first); err != nil {
		t.Fatal(err)
	}
	rec2 := &recorder{}
	stop := runPoller(t, tg, db2, rec2)
	want := 60 - len(first)
	waitUntil(t, func() bool { return rec2.count() >= want && len(srv.Pending()) == 0 })
	stop()
	if rec2.count() != want {
		t.Errorf("after the restart %d updates handled, want %d", rec2.count(), want)
	}
	again := map[string]bool{}
	for _, in := range rec2.all {
		again[in.Text] = true
	}
	for i, id := range ids {
		text := fmt.Sprintf("/trangthai %d", i)
		if slices.Contains(first, int64(id)) == again[text] {
			t.Errorf("update %d (%s): marked before the crash %v, handled again %v", id, text, slices.Contains(first, int64(id)), again[text])
		}
		if handled, _ := db2.UpdateHandled(ctx, int64(id)); !handled {
			t.Errorf("update %d not marked after the restart", id)
		}
	}
}

// TestMarkUpdatesHandled: the batch form marks like the single one, and
// marking again changes nothing.
func TestMarkUpdatesHandled(t *testing.T) {
	db := memUpdates(t)
	if err := db.MarkUpdatesHandled(ctx, []int64{12, 10, 11, 10}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{10, 11, 12} {
		if ok, _ := db.UpdateHandled(ctx, id); !ok {
			t.Errorf("%d not marked", id)
		}
	}
	if last, _ := db.LastUpdateID(ctx); last != 12 {
		t.Errorf("last = %d, want 12", last)
	}
	if err := db.MarkUpdatesHandled(ctx, []int64{10, 11}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.UpdateHandled(ctx, 13); ok {
		t.Error("13 marked")
	}
}
