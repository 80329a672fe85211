package bot_test

import (
	"context"
	"strconv"
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

// TestPollerObserver: a failed getUpdates and the polls that answer reach
// the observer, with the time from the poller's clock; a redelivered
// update is counted as a duplicate, not accepted twice.
func TestPollerObserver(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	st := newMemInbox()
	done := srv.SendText(alice, "/huongdan")
	st.remember("telegram:" + strconv.Itoa(done)) // accepted before a crash
	srv.SendText(alice, "/trangthai")
	srv.SendText(alice, "/huy")
	srv.FailNext("getUpdates", 1, 502)
	obs := &pollObserver{}
	at := time.Date(2024, 2, 6, 9, 0, 0, 0, time.UTC)
	r := runBot(t, tg, st, handlerFunc(func(context.Context, cchcbot.Incoming) error { return nil }),
		bot.PollerOptions{Observer: obs, Backoff: func(int) time.Duration { return time.Millisecond }, Now: func() time.Time { return at }})
	waitUntil(t, func() bool {
		obs.mu.Lock()
		defer obs.mu.Unlock()
		return r.d.Handled() == 2 && obs.polls >= 2
	})
	r.stop()

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.failures != 1 || !obs.lastPoll.Equal(at) || !r.p.LastPoll().Equal(at) {
		t.Errorf("failures %d, last poll %v (%v): want 1 failure, a poll at %v", obs.failures, obs.lastPoll, r.p.LastPoll(), at)
	}
	if accepted, dupes := r.p.Accepted(); accepted != 2 || dupes != 1 {
		t.Errorf("accepted %d, duplicates %d: want 2 and 1", accepted, dupes)
	}
}
