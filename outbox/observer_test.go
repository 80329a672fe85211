package outbox_test

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// observer records what the queue reports, as "method reason" counts.
type observer struct {
	mu                    sync.Mutex
	sent, failed, retried map[string]int
}

func newObserver() *observer {
	return &observer{sent: map[string]int{}, failed: map[string]int{}, retried: map[string]int{}}
}

func (o *observer) MessageSent(method string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent[method]++
}

func (o *observer) MessageFailed(method, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed[method+" "+reason]++
}

func (o *observer) MessageRetried(method, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retried[method+" "+reason]++
}

// TestObserver: every outcome reaches the observer with its method and a
// reason from the fixed list, in step with Stats.
func TestObserver(t *testing.T) {
	ch := &channel{Fn: func(_ context.Context, m call, n int) error {
		switch m.text {
		case "limited":
			if n == 1 {
				return &cchcbot.RetryAfterError{Wait: time.Millisecond}
			}
		case "flaky":
			if n == 1 {
				return &cchcbot.TemporaryError{Err: errors.New("connection reset")}
			}
		case "down":
			return &cchcbot.TemporaryError{Err: errors.New("connection reset")}
		case "blocked":
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
		case "bad":
			return errors.New("Bad Request: message text is empty")
		}
		return nil
	}}
	obs := newObserver()
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxRetries: 2, Observer: obs})
	ctx := context.Background()
	for _, text := range []string{"ok", "limited", "flaky", "down", "blocked", "bad"} {
		q.Send(ctx, cchcbot.OutMessage{To: user(1), Text: text})
	}
	if _, err := q.SendDocument(ctx, cchcbot.OutDocument{To: user(2), ChannelFileID: "file-1"}); err != nil {
		t.Fatal(err)
	}
	if err := q.Edit(ctx, cchcbot.MessageRef{To: user(3), ID: "1"}, "edited", nil); err != nil {
		t.Fatal(err)
	}

	obs.mu.Lock()
	defer obs.mu.Unlock()
	for _, c := range []struct {
		what      string
		got, want map[string]int
	}{
		{"sent", obs.sent, map[string]int{"sendMessage": 3, "sendDocument": 1, "editMessageText": 1}},
		{"failed", obs.failed, map[string]int{"sendMessage retries_exhausted": 1, "sendMessage unreachable": 1, "sendMessage error": 1}},
		{"retried", obs.retried, map[string]int{"sendMessage rate_limited": 1, "sendMessage temporary": 3}},
	} {
		if !maps.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if s := q.Stats(); s.Sent != 5 || s.Failed != 3 || s.Retried != 3 || s.RateLimited != 1 {
		t.Errorf("stats = %+v, want 5 sent, 3 failed, 3 retried, 1 rate limited", s)
	}
}

// TestObserverStored: the store's messages report their outcomes too,
// expiry included.
func TestObserverStored(t *testing.T) {
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		switch c.text {
		case "blocked":
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
		case "bad":
			return errors.New("Bad Request: message text is empty")
		}
		return nil
	}}
	obs := newObserver()
	st := newMemStore()
	opts := fast()
	opts.Observer = obs
	s := newSender(t, st, ch, opts)
	old := msg(4, "old")
	old.ExpiresAt = time.Now().Add(-time.Hour) // the default clock is the wall clock
	edit := msg(5, "edited")
	edit.EditID = "12"
	st.Queue(msg(1, "ok"), msg(2, "blocked"), msg(3, "bad"), old, edit)
	drain(t, s)

	obs.mu.Lock()
	defer obs.mu.Unlock()
	for _, c := range []struct {
		what      string
		got, want map[string]int
	}{
		{"sent", obs.sent, map[string]int{"sendMessage": 1, "editMessageText": 1}},
		{"failed", obs.failed, map[string]int{"sendMessage unreachable": 1, "sendMessage error": 1, "sendMessage expired": 1}},
		{"retried", obs.retried, map[string]int{}},
	} {
		if !maps.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}
