package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// TestDeliver: each kind of row becomes the right call to the network,
// with every field, and its outcome is recorded with the network's id and
// the injected clock's time.
func TestDeliver(t *testing.T) {
	st := newMemStore()
	st.files["abc123"] = "PK workbook bytes"
	ch := &channel{}
	clk := &clock{t: start}
	opts := fast()
	opts.Clock = clk
	s := newSender(t, st, ch, opts)
	buttons := [][]cchcbot.Button{{{Text: "Đã nhận", Data: "ack:1"}}}
	text := &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: user(1), Priority: cchcbot.PriorityInteractive, Text: "Xin chào", Buttons: buttons}
	edit := &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: user(2), Text: "Đã cập nhật", EditID: "777", Buttons: buttons}
	stored := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: user(3), Text: "Báo cáo tháng 3",
		Document: &cchcbot.OutFile{SHA256: "abc123", Name: "bao-cao.xlsx", Size: 17}}
	byID := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: user(4), Text: "Bản đã nộp",
		Document: &cchcbot.OutFile{SHA256: "abc123", ChannelFileID: "BQACAgUAA", Name: "a.pdf", Size: 9}}
	st.Queue(text, edit, stored, byID)
	drain(t, s)

	calls := map[cchcbot.UserID]call{}
	for _, c := range ch.all() {
		calls[c.to] = c
	}
	if c := calls[user(1)]; c.method != "send" || c.text != "Xin chào" || !slices.Equal(c.buttons[0], buttons[0]) || c.prio != cchcbot.PriorityInteractive {
		t.Errorf("text message sent as %+v", c)
	}
	if c := calls[user(2)]; c.method != "edit" || c.editID != "777" || c.text != "Đã cập nhật" || len(c.buttons) != 1 {
		t.Errorf("edit sent as %+v", c)
	}
	if c := calls[user(3)]; c.method != "document" || c.body != "PK workbook bytes" || c.doc.Name != "bao-cao.xlsx" || c.doc.Size != 17 || c.text != "Báo cáo tháng 3" {
		t.Errorf("stored document sent as %+v (document %+v)", c, c.doc)
	}
	if c := calls[user(4)]; c.method != "document" || c.doc.ChannelFileID != "BQACAgUAA" || c.body != "" {
		t.Errorf("document by id sent as %+v (document %+v)", c, c.doc)
	}
	for _, c := range []struct {
		o      *cchcbot.Outgoing
		wantID string
	}{{text, "Xin chào"}, {edit, "777"}, {stored, "doc:Báo cáo tháng 3"}, {byID, "doc:Bản đã nộp"}} {
		d, ok := st.outcome(c.o.ID)
		if !ok || d.State != cchcbot.Delivered || d.MessageID != c.wantID || !d.At.Equal(start) || d.Error != "" {
			t.Errorf("message %d: outcome %+v (recorded %v), want delivered as %q at %v", c.o.ID, d, ok, c.wantID, start)
		}
	}
	if n := ch.total(); n != 4 || st.pending() != 0 {
		t.Errorf("%d attempts, %d rows left: want 4 and 0", n, st.pending())
	}
}

// TestChatOrder: a chat's messages arrive in the order they were queued,
// even when one of them must be retried: a later one never overtakes it.
func TestChatOrder(t *testing.T) {
	st := newMemStore()
	ch := &channel{Fn: func(_ context.Context, c call, n int) error {
		if c.text == "a2" && n <= 2 {
			// The network's latency: while a2 is in flight, a3 could
			// overtake it if the chat were not held.
			time.Sleep(5 * time.Millisecond)
			return &cchcbot.TemporaryError{Err: errors.New("connection reset")}
		}
		return nil
	}}
	opts := fast()
	opts.MaxInFlight = 8
	s := newSender(t, st, ch, opts)
	for i := 1; i <= 5; i++ {
		st.Queue(msg(1, fmt.Sprint("a", i)), msg(2, fmt.Sprint("b", i)))
	}
	drain(t, s)
	byChat := map[cchcbot.UserID][]string{}
	for _, c := range ch.delivered() {
		byChat[c.to] = append(byChat[c.to], c.text)
	}
	for to, want := range map[cchcbot.UserID][]string{
		user(1): {"a1", "a2", "a3", "a4", "a5"},
		user(2): {"b1", "b2", "b3", "b4", "b5"},
	} {
		if !slices.Equal(byChat[to], want) {
			t.Errorf("%s got %v, want %v", to, byChat[to], want)
		}
	}
	if n := ch.attempts("a2"); n != 3 {
		t.Errorf("a2 tried %d times, want 3", n)
	}
}

// TestPriority: while the network is busy the store's messages queue up;
// then replies go before every bulk message, and each class keeps its
// order.
func TestPriority(t *testing.T) {
	gate := make(chan struct{})
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text == "bulk0" {
			<-gate
		}
		return nil
	}}
	st := newMemStore()
	opts := fast()
	opts.MaxInFlight = 1
	s := newSender(t, st, ch, opts)
	st.Queue(msg(0, "bulk0"))
	waitFor(t, "bulk0 in flight", func() bool { return s.Stats().InFlight == 1 })
	for i := 1; i <= 5; i++ {
		st.Queue(msg(i, fmt.Sprint("bulk", i)))
	}
	for i := range 2 {
		r := msg(100+i, fmt.Sprint("reply", i))
		r.Kind, r.Priority = cchcbot.OutReply, cchcbot.PriorityInteractive
		st.Queue(r)
	}
	waitFor(t, "all loaded", func() bool { s := s.Stats(); return s.QueuedBulk == 5 && s.QueuedInteractive == 2 })
	close(gate)
	drain(t, s)
	want := []string{"bulk0", "reply0", "reply1", "bulk1", "bulk2", "bulk3", "bulk4", "bulk5"}
	if got := ch.texts(); !slices.Equal(got, want) {
		t.Errorf("sent in order %v, want %v", got, want)
	}
}

// TestWaitIdle: WaitIdle reads the store itself, so a message queued just
// before it is delivered when it returns; it gives up with its ctx, and
// with ErrStopped once the Sender has stopped with messages undelivered.
func TestWaitIdle(t *testing.T) {
	st := newMemStore()
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text == "down" {
			return &cchcbot.TemporaryError{Err: errors.New("503 service unavailable")}
		}
		return nil
	}}
	s := newSender(t, st, ch, fast())
	drain(t, s) // an empty store is idle

	st.Queue(msg(1, "one"), msg(2, "two"))
	drain(t, s)
	if got := ch.successes(); got["one"] != 1 || got["two"] != 1 || st.pending() != 0 {
		t.Fatalf("after WaitIdle: sent %v, %d rows left", got, st.pending())
	}

	st.Queue(msg(3, "down"))
	ctx, cancel := context.WithCancel(context.Background())
	waitFor(t, "a failed attempt", func() bool { return ch.attempts("down") > 0 })
	cancel()
	if err := s.WaitIdle(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitIdle with a message undeliverable: %v, want its ctx's error", err)
	}
	s.Close()
	if err := s.WaitIdle(context.Background()); !errors.Is(err, outbox.ErrStopped) {
		t.Errorf("WaitIdle after Close: %v, want ErrStopped", err)
	}
}
