package outbox_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
)

// TestNotBefore: a reminder held through quiet hours waits while a reply
// and a notice to the same person go, and goes once its time has come.
func TestNotBefore(t *testing.T) {
	clk := &clock{t: start}
	morning := start.Add(time.Hour)
	var asked atomic.Int64
	st := newMemStore()
	ch := &channel{}
	opts := fast()
	opts.Clock = clk
	opts.NotBefore = func(o *cchcbot.Outgoing, now time.Time) time.Time {
		if o.Kind != cchcbot.OutReminder || !now.Before(morning) {
			return time.Time{}
		}
		asked.Add(1)
		return morning
	}
	s := newSender(t, st, ch, opts)
	reply := msg(1, "reply")
	reply.Kind, reply.Priority = cchcbot.OutReply, cchcbot.PriorityInteractive
	notice := msg(1, "notice")
	notice.Kind = cchcbot.OutNotice
	st.Queue(msg(1, "reminder"), reply, notice)
	waitFor(t, "the reply and the notice recorded, the reminder held", func() bool {
		return st.pending() == 1 && asked.Load() > 0
	})
	if n := ch.attempts("reminder"); n != 0 {
		t.Fatalf("the held reminder was tried %d times", n)
	}
	clk.Add(time.Hour)
	st.Queue(msg(2, "wake")) // the test's clock moved, not the wall clock: wake the dispatcher
	drain(t, s)
	if got := ch.texts(); !slices.Equal(got, []string{"reply", "notice", "wake", "reminder"}) && !slices.Equal(got, []string{"reply", "notice", "reminder", "wake"}) {
		t.Errorf("sent %v, want the reminder after the reply and the notice", got)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("NotBefore held the reminder %d times, want once (the answer is remembered)", n)
	}
}

// TestSuperseded: a message no longer worth sending is recorded expired,
// unsent; when the question cannot be answered the message is sent.
func TestSuperseded(t *testing.T) {
	st := newMemStore()
	ch := &channel{}
	opts := fast()
	opts.Superseded = func(_ context.Context, o *cchcbot.Outgoing) (bool, error) {
		switch o.Text {
		case "submitted":
			return true, nil
		case "unknown":
			return false, errors.New("store: database not open")
		}
		return false, nil
	}
	s := newSender(t, st, ch, opts)
	st.Queue(msg(1, "submitted"), msg(2, "unknown"), msg(3, "due"))
	drain(t, s)
	for id, want := range map[uint64]cchcbot.DeliveryState{1: cchcbot.Expired, 2: cchcbot.Delivered, 3: cchcbot.Delivered} {
		if d, _ := st.outcome(id); d.State != want {
			t.Errorf("message %d: %+v, want %s", id, d, want)
		}
	}
	if n := ch.attempts("submitted"); n != 0 {
		t.Errorf("the superseded message was tried %d times", n)
	}
	if s := s.Stats(); s.Expired != 1 || s.Sent != 2 || s.InFlight != 0 {
		t.Errorf("stats = %+v", s)
	}
}
