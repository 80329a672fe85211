package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// TestOutage: the network fails every attempt for a while. Once it is
// back every message is delivered exactly once, and while it was down the
// Sender probed it one send at a time instead of trying every message.
func TestOutage(t *testing.T) {
	const msgs, failures, inFlight = 30, 8, 4
	var left atomic.Int64
	left.Store(failures)
	var s *outbox.Sender
	var mu sync.Mutex
	var crowded []string // attempts made during the outage alongside another
	var entered atomic.Int64
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		// The first wave went out before any failure came back; every
		// later attempt made while the Sender knows of the outage is a
		// probe, and must be alone.
		if st := s.Stats(); entered.Add(1) > inFlight && st.FailStreak > 0 && st.InFlight != 1 {
			mu.Lock()
			crowded = append(crowded, fmt.Sprintf("%s with %d in flight", c.text, st.InFlight))
			mu.Unlock()
		}
		if left.Add(-1) >= 0 {
			time.Sleep(5 * time.Millisecond) // a timeout takes a while: others could start meanwhile
			return &cchcbot.TemporaryError{Err: errors.New("dial tcp: connect: network is unreachable")}
		}
		return nil
	}}
	st := newMemStore()
	opts := fast()
	opts.MaxInFlight = inFlight
	opts.Backoff = func(int) time.Duration { return time.Millisecond }
	s = newSender(t, st, ch, opts)
	for i := range msgs {
		st.Queue(msg(i, fmt.Sprint("m", i)))
	}
	drain(t, s)

	got := ch.successes()
	for i := range msgs {
		text := fmt.Sprint("m", i)
		if got[text] != 1 {
			t.Errorf("%s delivered %d times, want once", text, got[text])
		}
		if d, ok := st.outcome(uint64(i + 1)); !ok || d.State != cchcbot.Delivered {
			t.Errorf("message %d: outcome %+v, want delivered", i+1, d)
		}
	}
	if n := ch.total(); n != msgs+failures {
		t.Errorf("%d attempts, want %d deliveries + %d failures", n, msgs, failures)
	}
	if len(crowded) > 0 {
		t.Errorf("attempts made alongside others while the network was down: %v", crowded)
	}
	if s := s.Stats(); s.FailStreak != 0 || s.Retried != failures || s.Sent != msgs {
		t.Errorf("stats = %+v, want no fail streak, %d retried, %d sent", s, failures, msgs)
	}
}

// TestOutageBacksOff: with the network down for good, the Sender stops
// trying after a couple of failures (the backoff here is an hour from the
// second one), so a long outage costs a few attempts, not one per queued
// message; the messages stay in the store, and the next start delivers
// each once.
func TestOutageBacksOff(t *testing.T) {
	const msgs, inFlight = 30, 4
	down := &channel{Fn: func(context.Context, call, int) error {
		return &cchcbot.TemporaryError{Err: errors.New("502 bad gateway")}
	}}
	st := newMemStore()
	opts := fast()
	opts.MaxInFlight = inFlight
	opts.Backoff = func(n int) time.Duration {
		if n >= 2 {
			return time.Hour
		}
		return 0
	}
	s := newSender(t, st, down, opts)
	for i := range msgs {
		st.Queue(msg(i, fmt.Sprint("m", i)))
	}
	waitFor(t, "the Sender backing off", func() bool {
		s := s.Stats()
		return s.FailStreak >= 2 && s.InFlight == 0 && s.QueuedBulk == msgs
	})
	if n := down.total(); n > inFlight+1 {
		t.Errorf("%d attempts before backing off, want at most the %d in flight and one probe", n, inFlight)
	}
	s.Close()
	if st.pending() != msgs {
		t.Fatalf("%d rows left in the store, want all %d", st.pending(), msgs)
	}

	up := &channel{}
	drain(t, newSender(t, st, up, fast()))
	for text, n := range up.successes() {
		if n != 1 {
			t.Errorf("%s delivered %d times", text, n)
		}
	}
	if n := len(up.successes()); n != msgs || st.pending() != 0 {
		t.Errorf("%d messages delivered after the restart, %d rows left; want %d and 0", n, st.pending(), msgs)
	}
}

// TestRetryAfterPausesAll: after a 429 no chat is sent to before the wait
// has passed, and the message that met it is sent once, not counted as a
// failed attempt.
func TestRetryAfterPausesAll(t *testing.T) {
	const wait = 300 * time.Millisecond
	ch := &channel{Fn: func(_ context.Context, c call, n int) error {
		if c.text == "x" && n == 1 {
			return &cchcbot.RetryAfterError{Wait: wait}
		}
		return nil
	}}
	st := newMemStore()
	s := newSender(t, st, ch, fast())
	st.Queue(msg(1, "x"))
	waitFor(t, "the 429", func() bool { return s.Stats().RateLimited == 1 })
	st.Queue(msg(2, "y"), msg(3, "z"))
	drain(t, s)
	calls := ch.all()
	limited := calls[0].at
	for _, c := range calls[1:] {
		if gap := c.at.Sub(limited); gap < wait {
			t.Errorf("%s sent %v after the 429, before retry_after %v", c.text, gap, wait)
		}
	}
	if s := s.Stats(); s.RateLimited != 1 || s.Sent != 3 || s.Retried != 0 || s.FailStreak != 0 || len(calls) != 4 {
		t.Errorf("stats = %+v after %d attempts", s, len(calls))
	}
}

// TestUnreachable: a person who blocked the bot gets one attempt, the
// message is recorded refused, OnUnreachable is told once, and Close waits
// for it, cancelling its ctx.
func TestUnreachable(t *testing.T) {
	blocked := cchcbot.Errorf(cchcbot.EUNREACHABLE, "Người nhận đã chặn bot.")
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.to == user(5) {
			return blocked
		}
		return nil
	}}
	hooked := make(chan cchcbot.UserID, 10)
	cancelled, release := make(chan struct{}), make(chan struct{})
	var returned atomic.Bool
	st := newMemStore()
	opts := fast()
	opts.OnUnreachable = func(ctx context.Context, to cchcbot.UserID, err error) {
		if cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE {
			t.Errorf("OnUnreachable told %v", err)
		}
		hooked <- to
		<-ctx.Done()
		close(cancelled)
		<-release
		returned.Store(true)
	}
	s := newSender(t, st, ch, opts)
	st.Queue(msg(5, "x"), msg(6, "y"))
	drain(t, s)
	if to := <-hooked; to != user(5) {
		t.Errorf("OnUnreachable told of %s", to)
	}
	if d, _ := st.outcome(1); d.State != cchcbot.Refused || d.Error != "Người nhận đã chặn bot." {
		t.Errorf("outcome %+v, want refused with the error's message", d)
	}
	if d, _ := st.outcome(2); d.State != cchcbot.Delivered {
		t.Errorf("the other chat's message: %+v", d)
	}

	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	<-cancelled
	select {
	case <-closed:
		t.Fatal("Close returned while OnUnreachable was still running")
	default:
	}
	close(release)
	<-closed
	if !returned.Load() {
		t.Error("Close returned before OnUnreachable")
	}
	if len(hooked) != 0 || ch.attempts("x") != 1 {
		t.Errorf("OnUnreachable called %d more times, %d attempts: want once and one", len(hooked), ch.attempts("x"))
	}
}

// TestRefused: a message the network rejects for good (a malformed one, a
// file gone from the store) is recorded refused with the error's text for
// staff after one attempt, and the chat's next message still goes.
func TestRefused(t *testing.T) {
	bad := errors.New("Bad Request: message is too long")
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text == "long" {
			return bad
		}
		return nil
	}}
	st := newMemStore()
	s := newSender(t, st, ch, fast())
	gone := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: user(1), Text: "file",
		Document: &cchcbot.OutFile{SHA256: "deadbeef", Name: "x.xlsx"}}
	st.Queue(msg(1, "long"), gone, msg(1, "next"))
	drain(t, s)
	if d, _ := st.outcome(1); d.State != cchcbot.Refused || d.Error != bad.Error() {
		t.Errorf("malformed message: %+v", d)
	}
	if d, _ := st.outcome(2); d.State != cchcbot.Refused || d.Error == "" {
		t.Errorf("missing file: %+v", d)
	}
	if d, _ := st.outcome(3); d.State != cchcbot.Delivered {
		t.Errorf("next message: %+v", d)
	}
	if ch.attempts("long") != 1 || ch.attempts("file") != 1 {
		t.Errorf("attempts: %d and %d, want 1 each", ch.attempts("long"), ch.attempts("file"))
	}
	if s := s.Stats(); s.Failed != 2 || s.Sent != 1 {
		t.Errorf("stats = %+v", s)
	}
}

// TestExpired: a message whose time has passed is recorded expired, not
// sent: one already expired when it is loaded, and one that expires while
// it waits for a retry.
func TestExpired(t *testing.T) {
	clk := &clock{t: start}
	ch := &channel{Fn: func(_ context.Context, c call, n int) error {
		if c.text == "late" && n == 1 {
			clk.Add(2 * time.Minute) // the outage outlasts the reminder's step
			return &cchcbot.TemporaryError{Err: errors.New("timeout")}
		}
		return nil
	}}
	st := newMemStore()
	opts := fast()
	opts.Clock = clk
	s := newSender(t, st, ch, opts)
	stale, late, fresh := msg(1, "stale"), msg(2, "late"), msg(3, "fresh")
	stale.ExpiresAt = start
	late.ExpiresAt = start.Add(time.Minute)
	fresh.ExpiresAt = start.Add(time.Hour)
	st.Queue(stale, late, fresh, msg(4, "never expires"))
	drain(t, s)
	for _, c := range []struct {
		o        *cchcbot.Outgoing
		state    cchcbot.DeliveryState
		attempts int
	}{{stale, cchcbot.Expired, 0}, {late, cchcbot.Expired, 1}, {fresh, cchcbot.Delivered, 1}} {
		d, _ := st.outcome(c.o.ID)
		if d.State != c.state || ch.attempts(c.o.Text) != c.attempts || d.At.IsZero() {
			t.Errorf("%s: %+v after %d attempts, want %s after %d", c.o.Text, d, ch.attempts(c.o.Text), c.state, c.attempts)
		}
	}
	if s := s.Stats(); s.Expired != 2 || s.Sent != 2 {
		t.Errorf("stats = %+v, want 2 expired, 2 sent", s)
	}
}

// TestFailingMessageDoesNotBlock: one message that keeps failing while the
// network works for everyone else is retried on its own; the messages
// behind it are delivered.
func TestFailingMessageDoesNotBlock(t *testing.T) {
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text == "bad" {
			return &cchcbot.TemporaryError{Err: errors.New("upload timed out")}
		}
		return nil
	}}
	st := newMemStore()
	s := newSender(t, st, ch, fast())
	st.Queue(msg(1, "bad"))
	waitFor(t, "bad failing", func() bool { return ch.attempts("bad") > 0 })
	for i := 2; i <= 11; i++ {
		st.Queue(msg(i, fmt.Sprint("m", i)))
	}
	waitFor(t, "the others delivered", func() bool { return st.pending() == 1 })
	if _, ok := st.outcome(1); ok || s.Stats().Sent != 10 {
		t.Errorf("stats = %+v", s.Stats())
	}
}

// TestRefusedEditAndFileIDFallBack: an edit the network refuses for good
// (the message is too old to edit) goes out as a new message, and a
// document the network no longer knows by its id is uploaded from the file
// store; neither is retried as it was.
func TestRefusedEditAndFileIDFallBack(t *testing.T) {
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		switch {
		case c.method == "edit":
			return errors.New("Bad Request: message can't be edited")
		case c.method == "document" && c.doc.ChannelFileID != "":
			return errors.New("Bad Request: wrong file identifier")
		}
		return nil
	}}
	st := newMemStore()
	st.files["abc123"] = "%PDF report"
	s := newSender(t, st, ch, fast())
	st.Queue(&cchcbot.Outgoing{Kind: cchcbot.OutReply, To: user(1), Text: "đã xác nhận", EditID: "77"},
		&cchcbot.Outgoing{Kind: cchcbot.OutReply, To: user(1), Text: "tệp 1/1",
			Document: &cchcbot.OutFile{SHA256: "abc123", ChannelFileID: "forgotten", Name: "bc.pdf"}})
	drain(t, s)
	var got []string
	for _, c := range ch.all() {
		got = append(got, c.method+":"+c.text+":"+c.body)
	}
	want := []string{"edit:đã xác nhận:", "send:đã xác nhận:", "document:tệp 1/1:", "document:tệp 1/1:%PDF report"}
	if !slices.Equal(got, want) {
		t.Errorf("attempts = %q, want %q", got, want)
	}
	for id := uint64(1); id <= 2; id++ {
		if d, _ := st.outcome(id); d.State != cchcbot.Delivered {
			t.Errorf("message %d: %+v", id, d)
		}
	}
}

// TestQuota: a message the network refuses for its quota is recorded
// refused with the network's Vietnamese reason, tried once, handed to
// OnRefused (which Close waits for), and the others still go.
func TestQuota(t *testing.T) {
	full := &cchcbot.QuotaError{Message: "Zalo đã hết hạn mức tin nhắn chủ động của tháng này"}
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.to == user(1) {
			return full
		}
		return nil
	}}
	st := newMemStore()
	var mu sync.Mutex
	var handed []string
	opts := fast()
	opts.OnRefused = func(_ context.Context, o *cchcbot.Outgoing, err error) {
		mu.Lock()
		defer mu.Unlock()
		var qe *cchcbot.QuotaError
		if errors.As(err, &qe) {
			handed = append(handed, o.Text+": "+qe.Message)
		}
	}
	s := newSender(t, st, ch, opts)
	st.Queue(msg(1, "nhắc việc"), msg(2, "nhắc việc khác"))
	drain(t, s)
	s.Close()
	if d, _ := st.outcome(1); d.State != cchcbot.Refused || d.Error != full.Message {
		t.Errorf("quota refusal recorded as %+v", d)
	}
	if d, _ := st.outcome(2); d.State != cchcbot.Delivered {
		t.Errorf("the other message: %+v", d)
	}
	if ch.attempts("nhắc việc") != 1 {
		t.Errorf("%d attempts at a quota refusal, want 1", ch.attempts("nhắc việc"))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handed) != 1 || handed[0] != "nhắc việc: "+full.Message {
		t.Errorf("OnRefused got %q", handed)
	}
}

// TestResume: after an outage has backed the Sender off, Resume (the
// network is back) sends the waiting messages at once instead of at the
// next probe.
func TestResume(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	ch := &channel{Fn: func(context.Context, call, int) error {
		if down.Load() {
			return &cchcbot.TemporaryError{Err: errors.New("connection refused")}
		}
		return nil
	}}
	st := newMemStore()
	opts := fast()
	opts.Backoff = func(int) time.Duration { return time.Hour } // the next probe would be an hour away
	s := newSender(t, st, ch, opts)
	st.Queue(msg(1, "biên nhận"))
	waitFor(t, "a failed attempt", func() bool { return ch.attempts("biên nhận") >= 1 })
	down.Store(false)
	s.Resume()
	drain(t, s)
	if d, _ := st.outcome(1); d.State != cchcbot.Delivered {
		t.Errorf("after Resume: %+v", d)
	}
}

// TestRefusedHandedOn: a row refused because the recipient is unreachable
// there is handed to OnRefused too (the wiring sends a reminder to the
// person's other network); a row refused for another reason is not.
func TestRefusedHandedOn(t *testing.T) {
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		switch c.text {
		case "ngoài cửa sổ":
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Zalo chỉ gửi được khi người dùng nhắn cho OA trong 7 ngày qua")
		case "sai":
			return errors.New("Bad Request: malformed")
		}
		return nil
	}}
	st := newMemStore()
	var mu sync.Mutex
	var handed []string
	opts := fast()
	opts.OnRefused = func(_ context.Context, o *cchcbot.Outgoing, err error) {
		mu.Lock()
		defer mu.Unlock()
		handed = append(handed, o.Text)
	}
	s := newSender(t, st, ch, opts)
	st.Queue(msg(1, "ngoài cửa sổ"), msg(2, "sai"), msg(3, "được"))
	drain(t, s)
	s.Close()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(handed, []string{"ngoài cửa sổ"}) {
		t.Errorf("OnRefused got %q, want the unreachable one only", handed)
	}
}
