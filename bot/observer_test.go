package bot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
)

// pollObserver records what the poller reports.
type pollObserver struct {
	mu              sync.Mutex
	polls, failures int
	lastPoll        time.Time
	handled         int
}

func (o *pollObserver) PollSucceeded(at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polls++
	o.lastPoll = at
}

func (o *pollObserver) PollFailed() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures++
}

func (o *pollObserver) UpdateHandled() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.handled++
}

// TestPollerObserver: a failed getUpdates, the polls that answer and each
// handled update reach the observer; a redelivered update is not counted
// twice.
func TestPollerObserver(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	db := memUpdates(t)
	done := srv.SendText(alice, "/huongdan")
	if err := db.MarkUpdateHandled(ctx, int64(done)); err != nil { // handled before a crash
		t.Fatal(err)
	}
	srv.SendText(alice, "/trangthai")
	srv.SendText(alice, "/huy")
	srv.FailNext("getUpdates", 1, 502)
	obs := &pollObserver{}
	start := time.Now()
	pctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		bot.NewPoller(tg, db, handlerFunc(func(context.Context, cchcbot.Incoming) error { return nil }),
			bot.PollerOptions{Observer: obs, Backoff: func(int) time.Duration { return time.Millisecond }}).Run(pctx)
	}()
	waitUntil(t, func() bool {
		obs.mu.Lock()
		defer obs.mu.Unlock()
		return obs.handled >= 2 && obs.polls >= 2
	})
	cancel()
	<-stopped

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.failures != 1 || obs.handled != 2 || obs.lastPoll.Before(start) || obs.lastPoll.After(time.Now()) {
		t.Errorf("failures %d, handled %d, last poll %v: want 1 failure, 2 handled, a poll since %v", obs.failures, obs.handled, obs.lastPoll, start)
	}
}
