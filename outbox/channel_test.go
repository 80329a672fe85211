package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// TestPriorityOrder: with one send at a time and the network busy, jobs
// queue up; then replies go before every bulk message, and each class keeps
// its order.
func TestPriorityOrder(t *testing.T) {
	gate := make(chan struct{})
	ch := &channel{Fn: func(_ context.Context, m call, _ int) error {
		if m.text == "bulk0" {
			<-gate // the network is slow: everything else queues
		}
		return nil
	}}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxInFlight: 1})
	var errs []<-chan error
	enqueue := func(m cchcbot.OutMessage, cond func(outbox.Stats) bool) {
		errs = append(errs, sendAsync(q, m))
		waitFor(t, m.Text+" queued", func() bool { return cond(q.Stats()) })
	}
	enqueue(cchcbot.OutMessage{To: user(0), Text: "bulk0"}, func(st outbox.Stats) bool { return st.InFlight == 1 })
	for i := 1; i <= 5; i++ {
		enqueue(cchcbot.OutMessage{To: user(i), Text: fmt.Sprint("bulk", i)}, func(st outbox.Stats) bool { return st.QueuedBulk == i })
	}
	for i := range 2 {
		enqueue(cchcbot.OutMessage{To: user(100 + i), Text: fmt.Sprint("reply", i), Priority: cchcbot.PriorityInteractive},
			func(st outbox.Stats) bool { return st.QueuedInteractive == i+1 })
	}
	close(gate)
	for _, e := range errs {
		if err := <-e; err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"bulk0", "reply0", "reply1", "bulk1", "bulk2", "bulk3", "bulk4", "bulk5"}
	if got := ch.texts(); !slices.Equal(got, want) {
		t.Errorf("sent in order %v, want %v", got, want)
	}
	if s := q.Stats(); s.Sent != 8 || s.QueuedBulk+s.QueuedInteractive+s.InFlight != 0 {
		t.Errorf("stats = %+v", s)
	}
}

// TestBusyChatDoesNotBlockOthers: one chat with a backlog at the head of
// the queue is paced at its own rate while the chats behind it go at once.
func TestBusyChatDoesNotBlockOthers(t *testing.T) {
	ch := &channel{}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 2})
	var errs []<-chan error
	for i := range 3 {
		errs = append(errs, sendAsync(q, cchcbot.OutMessage{To: user(1), Text: fmt.Sprint("busy", i)}))
		waitFor(t, "busy queued", func() bool { s := q.Stats(); return s.QueuedBulk+s.InFlight+int(s.Sent) == i+1 })
	}
	var others []cchcbot.OutMessage
	for i := range 20 {
		others = append(others, cchcbot.OutMessage{To: user(100 + i), Text: fmt.Sprint("other", i)})
	}
	sendAll(t, q, others)
	for _, e := range errs {
		if err := <-e; err != nil {
			t.Fatal(err)
		}
	}
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

// TestSendsOverlap: sends run concurrently up to MaxInFlight and no more,
// so the network's latency does not cut the pace. The fake network holds
// every send until four are in flight at once.
func TestSendsOverlap(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight, peak := 0, 0
	ch := &channel{Fn: func(context.Context, call, int) error {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil
	}}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxInFlight: 4})
	var errs []<-chan error
	for i := range 10 {
		errs = append(errs, sendAsync(q, cchcbot.OutMessage{To: user(i), Text: fmt.Sprint("m", i)}))
	}
	waitFor(t, "four sends in flight, six queued", func() bool {
		mu.Lock()
		defer mu.Unlock()
		s := q.Stats()
		return inFlight == 4 && s.InFlight == 4 && s.QueuedBulk == 6
	})
	close(release)
	for _, e := range errs {
		if err := <-e; err != nil {
			t.Fatal(err)
		}
	}
	if peak != 4 {
		t.Errorf("%d sends in flight at the peak, want MaxInFlight = 4", peak)
	}
}

// TestRetryAfterHonoured: after a 429 the chat is sent to again no sooner
// than the wait, and so is every other chat (the limit is the bot's).
func TestRetryAfterHonoured(t *testing.T) {
	const wait = 300 * time.Millisecond
	ch := &channel{Fn: func(_ context.Context, m call, n int) error {
		if m.text == "x" && n == 1 {
			return &cchcbot.RetryAfterError{Wait: wait}
		}
		return nil
	}}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxRetries: 1})
	x := sendAsync(q, cchcbot.OutMessage{To: user(1), Text: "x"})
	waitFor(t, "the 429", func() bool { return q.Stats().RateLimited == 1 })
	y := sendAsync(q, cchcbot.OutMessage{To: user(2), Text: "y"})
	if err := <-x; err != nil {
		t.Fatal(err)
	}
	if err := <-y; err != nil {
		t.Fatal(err)
	}
	ch.mu.Lock()
	calls := slices.Clone(ch.calls)
	ch.mu.Unlock()
	limited := calls[0].at
	for _, c := range calls[1:] {
		if gap := c.at.Sub(limited); gap < wait {
			t.Errorf("%s sent %v after the 429, before retry_after %v", c.text, gap, wait)
		}
	}
	if s := q.Stats(); s.RateLimited != 1 || s.Sent != 2 || s.Retried != 0 || s.Failed != 0 || len(calls) != 3 {
		t.Errorf("stats = %+v after %d attempts", s, len(calls))
	}
}

func TestTemporaryRetriedThenGivenUp(t *testing.T) {
	flaky := errors.New("502 bad gateway")
	ch := &channel{Fn: func(_ context.Context, m call, n int) error {
		if m.text == "recovers" && n <= 2 || m.text == "never" {
			return &cchcbot.TemporaryError{Err: flaky}
		}
		return nil
	}}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxRetries: 3})
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "recovers"}); err != nil {
		t.Fatalf("recovers: %v", err)
	}
	_, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(2), Text: "never"})
	if !errors.Is(err, flaky) {
		t.Fatalf("never: err = %v, want the cause", err)
	}
	if n := ch.attempts("never"); n != 4 {
		t.Errorf("gave up after %d attempts, want 1 + 3 retries", n)
	}
	if s := q.Stats(); s.Retried != 5 || s.Sent != 1 || s.Failed != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestOtherErrorsFailAtOnce(t *testing.T) {
	bad := cchcbot.Errorf(cchcbot.EINVALID, "Bad Request: message is too long")
	ch := &channel{Fn: func(context.Context, call, int) error { return bad }}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000})
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "x"}); !errors.Is(err, bad) {
		t.Fatalf("err = %v", err)
	}
	if n := ch.attempts("x"); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestUnreachableCallsHookOnce(t *testing.T) {
	ch := &channel{Fn: func(context.Context, call, int) error {
		return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
	}}
	hooked := make(chan cchcbot.UserID, 10)
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000,
		OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) { hooked <- to }})
	_, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(5), Text: "x"})
	if cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE {
		t.Fatalf("err = %v", err)
	}
	if to := <-hooked; to != user(5) {
		t.Errorf("hook told of %s", to)
	}
	if n := ch.attempts("x"); n != 1 {
		t.Errorf("%d attempts at an unreachable member, want 1", n)
	}
	q.Close() // waits for the sends; hooks run on their own
	if len(hooked) != 0 {
		t.Errorf("hook called %d more times", len(hooked))
	}
	if s := q.Stats(); s.Failed != 1 || s.Retried != 0 {
		t.Errorf("stats = %+v", s)
	}
}

// TestCancelledSendReturns: a caller who gives up while its chat is held
// back gets its ctx's error, and the message never goes out.
func TestCancelledSendReturns(t *testing.T) {
	ch := &channel{}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 0.2})
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "first"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The chat may not be sent to for five seconds: the caller gives up.
	if _, err := q.Send(ctx, cchcbot.OutMessage{To: user(1), Text: "second"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// The dropped job is gone from the queue once the dispatcher looks.
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(2), Text: "third"}); err != nil {
		t.Fatal(err)
	}
	if s := q.Stats(); s.QueuedBulk != 0 || ch.attempts("second") != 0 {
		t.Errorf("stats = %+v, %d attempts of the cancelled message", s, ch.attempts("second"))
	}
}

// TestCloseFailsQueued: Close fails what waits, lets the send in flight
// finish, and refuses new messages.
func TestCloseFailsQueued(t *testing.T) {
	gate := make(chan struct{})
	ch := &channel{Fn: func(_ context.Context, m call, _ int) error {
		if m.text == "slow" {
			<-gate
		}
		return nil
	}}
	q := outbox.New(context.Background(), nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxInFlight: 1})
	slow := sendAsync(q, cchcbot.OutMessage{To: user(1), Text: "slow"})
	waitFor(t, "slow in flight", func() bool { return q.Stats().InFlight == 1 })
	queued := sendAsync(q, cchcbot.OutMessage{To: user(2), Text: "queued"})
	waitFor(t, "queued", func() bool { return q.Stats().QueuedBulk == 1 })
	closed := make(chan struct{})
	go func() { q.Close(); close(closed) }()
	if err := <-queued; !errors.Is(err, outbox.ErrStopped) {
		t.Errorf("queued: err = %v, want ErrStopped", err)
	}
	close(gate)
	<-closed
	if err := <-slow; err != nil {
		t.Errorf("in flight: %v", err)
	}
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(3), Text: "late"}); !errors.Is(err, outbox.ErrStopped) {
		t.Errorf("after Close: err = %v", err)
	}
}

// TestQuietChatsForgotten: the per-chat limiters of chats gone quiet are
// dropped, so the map does not grow with everyone ever messaged.
func TestQuietChatsForgotten(t *testing.T) {
	// Restored after the queue's Close (cleanups run last first): its
	// dispatcher reads the setting.
	t.Cleanup(outbox.SetPruneEvery(20 * time.Millisecond))
	ch := &channel{}
	q := newSender(t, nil, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000})
	var msgs []cchcbot.OutMessage
	for i := range 5 {
		msgs = append(msgs, cchcbot.OutMessage{To: user(i), Text: fmt.Sprint("m", i)})
	}
	sendAll(t, q, msgs)
	if n := q.Stats().Chats; n != 5 {
		t.Fatalf("%d chats tracked after five sends, want 5", n)
	}
	time.Sleep(30 * time.Millisecond) // the five go quiet; what is asserted is the pruning, not a time
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(9), Text: "later"}); err != nil {
		t.Fatal(err)
	}
	if n := q.Stats().Chats; n != 1 {
		t.Errorf("%d chats tracked, want only the one just sent to", n)
	}
}

// BenchmarkFanOut sends N messages to N chats through a network with 20 ms
// of latency, at a global pace high enough not to bind: what it shows is
// that overlapping sends keep latency from setting the pace.
func BenchmarkFanOut(b *testing.B) {
	const n = 500
	ch := &channel{Fn: func(context.Context, call, int) error {
		time.Sleep(20 * time.Millisecond)
		return nil
	}}
	for b.Loop() {
		q := outbox.New(context.Background(), nil, ch, outbox.Options{GlobalPerSecond: 5000, PerChatPerSecond: 1})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { q.Send(context.Background(), cchcbot.OutMessage{To: user(i), Text: "m"}) })
		}
		wg.Wait()
		q.Close()
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msgs/s")
}
