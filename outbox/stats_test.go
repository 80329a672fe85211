package outbox_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"cchcbot"
)

// TestStats: the pending messages are counted by kind, every kind present,
// with the age of the oldest on the injected clock; delivered ones leave
// the count once their outcome is committed.
func TestStats(t *testing.T) {
	gate := make(chan struct{})
	ch := &channel{Fn: func(context.Context, call, int) error { <-gate; return nil }}
	clk := &clock{t: start}
	st := newMemStore()
	opts := fast()
	opts.Clock = clk
	s := newSender(t, st, ch, opts)
	row := func(kind cchcbot.OutKind, to int, age time.Duration) *cchcbot.Outgoing {
		return &cchcbot.Outgoing{Kind: kind, To: user(to), Text: string(kind), CreatedAt: start.Add(-age)}
	}
	st.Queue(row(cchcbot.OutReminder, 1, time.Minute), row(cchcbot.OutReminder, 2, 5*time.Minute),
		row(cchcbot.OutReply, 3, 0), row(cchcbot.OutDigest, 4, 2*time.Minute))
	waitFor(t, "all loaded", func() bool { return s.Stats().InFlight+s.Stats().QueuedBulk == 4 })
	want := map[cchcbot.OutKind]int{cchcbot.OutReply: 1, cchcbot.OutReceipt: 0, cchcbot.OutReminder: 2, cchcbot.OutNotice: 0, cchcbot.OutDigest: 1}
	if got := s.Stats(); !maps.Equal(got.Pending, want) || got.OldestAge != 5*time.Minute {
		t.Errorf("pending %v, oldest %v: want %v and 5m", got.Pending, got.OldestAge, want)
	}
	close(gate)
	drain(t, s)
	got := s.Stats()
	for _, k := range cchcbot.OutKinds {
		if n, ok := got.Pending[k]; !ok || n != 0 {
			t.Errorf("after delivery %s: %d (present %v), want 0", k, n, ok)
		}
	}
	if got.OldestAge != 0 || got.Sent != 4 || got.Finishing != 0 {
		t.Errorf("after delivery: %+v", got)
	}
}
