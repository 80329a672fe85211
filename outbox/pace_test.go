package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"cchcbot/outbox"
)

// TestChatPace: a chat with a backlog is sent to at its own rate, while the
// chats queued behind it go at once.
func TestChatPace(t *testing.T) {
	st := newMemStore()
	ch := &channel{}
	s := newSender(t, st, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 2})
	for i := range 3 {
		st.Queue(msg(1, fmt.Sprint("busy", i)))
	}
	for i := range 20 {
		st.Queue(msg(100+i, fmt.Sprint("other", i)))
	}
	drain(t, s)
	var busy []time.Time
	var lastOther time.Time
	for _, c := range ch.delivered() {
		if c.to == user(1) {
			busy = append(busy, c.at)
		} else if c.at.After(lastOther) {
			lastOther = c.at
		}
	}
	// 2 a second is one every 500 ms; the slack is for the moment of
	// recording, which trails the limiter's decision.
	for i := 1; i < len(busy); i++ {
		if gap := busy[i].Sub(busy[i-1]); gap < 450*time.Millisecond {
			t.Errorf("busy chat sent to %v after the previous message, want ≥ 500ms", gap)
		}
	}
	if len(busy) != 3 || !lastOther.Before(busy[1]) {
		t.Error("the other chats waited behind the busy one")
	}
}

// TestGlobalPace: a fan-out to many chats goes no faster than the global
// rate: 21 messages at 20 a second take at least a second.
func TestGlobalPace(t *testing.T) {
	st := newMemStore()
	ch := &channel{}
	s := newSender(t, st, ch, outbox.Options{GlobalPerSecond: 20, PerChatPerSecond: 1})
	for i := range 21 {
		st.Queue(msg(i, fmt.Sprint("m", i)))
	}
	drain(t, s)
	calls := ch.delivered()
	if len(calls) != 21 {
		t.Fatalf("%d delivered, want 21", len(calls))
	}
	if span := calls[20].at.Sub(calls[0].at); span < 900*time.Millisecond {
		t.Errorf("21 messages went out in %v, want ≥ 1s at 20 a second", span)
	}
}

// TestChatPaceFromArrival: a chat's next message leaves a pace after the
// previous one came back, so that it cannot arrive sooner than a pace
// after it even when the previous one travelled slowly. Paced from
// dispatch, the second arrived 100 ms after the first, and Telegram
// answers that with a 429 that holds every chat.
func TestChatPaceFromArrival(t *testing.T) {
	st := newMemStore()
	var mu sync.Mutex
	var arrived []time.Time
	ch := &channel{Fn: func(ctx context.Context, c call, n int) error {
		if c.text == "slow" {
			time.Sleep(150 * time.Millisecond) // on its way to the network
		}
		mu.Lock()
		arrived = append(arrived, time.Now())
		mu.Unlock()
		return nil
	}}
	s := newSender(t, st, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 4})
	st.Queue(msg(1, "slow"))
	st.Queue(msg(1, "fast"))
	drain(t, s)
	if len(arrived) != 2 {
		t.Fatalf("%d arrived, want 2", len(arrived))
	}
	if gap := arrived[1].Sub(arrived[0]); gap < 250*time.Millisecond {
		t.Errorf("the chat's second message arrived %v after the first, want ≥ 250ms at 4 a second", gap)
	}
}
