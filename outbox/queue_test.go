package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// channel is a fake next channel: SendFn decides each outcome; every call
// is recorded with its time.
type channel struct {
	mu     sync.Mutex
	calls  []call
	SendFn func(m cchcbot.OutMessage, attempt int) error
	tries  map[string]int
}

type call struct {
	to   cchcbot.UserID
	text string
	at   time.Time
	err  error
}

func (c *channel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	if c.tries == nil {
		c.tries = map[string]int{}
	}
	c.tries[m.Text]++
	n := c.tries[m.Text]
	c.mu.Unlock()
	var err error
	if c.SendFn != nil {
		err = c.SendFn(m, n)
	}
	c.mu.Lock()
	c.calls = append(c.calls, call{m.To, m.Text, time.Now(), err})
	c.mu.Unlock()
	return cchcbot.MessageRef{To: m.To, ID: m.Text}, err
}

func (c *channel) Edit(context.Context, cchcbot.MessageRef, string, [][]cchcbot.Button) error {
	return nil
}
func (c *channel) SendDocument(context.Context, cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return cchcbot.MessageRef{}, nil
}
func (c *channel) AnswerCallback(context.Context, string, string) error { return nil }
func (c *channel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, nil
}

func (c *channel) sent() []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []call
	for _, x := range c.calls {
		if x.err == nil {
			out = append(out, x)
		}
	}
	return out
}

func newQueue(t *testing.T, next cchcbot.Channel, opts outbox.Options) *outbox.Queue {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	return outbox.New(ctx, next, opts)
}

func user(i int) cchcbot.UserID { return cchcbot.TelegramUser(int64(i)) }

func sendAll(q *outbox.Queue, msgs []cchcbot.OutMessage) []error {
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = q.Send(context.Background(), m)
		}()
	}
	wg.Wait()
	return errs
}

func TestInteractiveGoesFirst(t *testing.T) {
	ch := &channel{}
	q := newQueue(t, ch, outbox.Options{GlobalPerSecond: 20, PerChatPerSecond: 100})
	var msgs []cchcbot.OutMessage
	for i := range 20 {
		msgs = append(msgs, cchcbot.OutMessage{To: user(i), Text: fmt.Sprint("bulk", i)})
	}
	done := make(chan []error)
	go func() { done <- sendAll(q, msgs) }()
	time.Sleep(60 * time.Millisecond) // let the bulk fan-out start
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(99), Text: "reply", Priority: cchcbot.PriorityInteractive}); err != nil {
		t.Fatal(err)
	}
	<-done
	sent := ch.sent()
	pos := -1
	for i, c := range sent {
		if c.text == "reply" {
			pos = i
		}
	}
	// At 20/s the bulk takes a second; the reply must not wait behind it.
	if pos < 0 || pos > 5 {
		t.Fatalf("reply sent at position %d of %d", pos, len(sent))
	}
}

func TestBusyChatDoesNotBlockOthers(t *testing.T) {
	ch := &channel{}
	q := newQueue(t, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 5})
	var msgs []cchcbot.OutMessage
	for i := range 5 {
		msgs = append(msgs, cchcbot.OutMessage{To: user(1), Text: fmt.Sprint("busy", i)})
	}
	for i := range 10 {
		msgs = append(msgs, cchcbot.OutMessage{To: user(100 + i), Text: fmt.Sprint("other", i)})
	}
	for _, err := range sendAll(q, msgs) {
		if err != nil {
			t.Fatal(err)
		}
	}
	var busy []time.Time
	var lastOther time.Time
	for _, c := range ch.sent() {
		if c.to == user(1) {
			busy = append(busy, c.at)
		} else if c.at.After(lastOther) {
			lastOther = c.at
		}
	}
	for i := 1; i < len(busy); i++ {
		if gap := busy[i].Sub(busy[i-1]); gap < 190*time.Millisecond {
			t.Errorf("chat paced at %v between messages, want ≥ 200ms", gap)
		}
	}
	if !lastOther.Before(busy[2]) {
		t.Error("other chats waited behind the busy one")
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	ch := &channel{SendFn: func(m cchcbot.OutMessage, n int) error {
		if n == 1 {
			return &cchcbot.RetryAfterError{Wait: 300 * time.Millisecond}
		}
		return nil
	}}
	q := newQueue(t, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000})
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "x"}); err != nil {
		t.Fatal(err)
	}
	ch.mu.Lock()
	first, second := ch.calls[0].at, ch.calls[1].at
	ch.mu.Unlock()
	if gap := second.Sub(first); gap < 300*time.Millisecond {
		t.Errorf("resent after %v, before retry_after 300ms", gap)
	}
	if s := q.Stats(); s.RateLimited != 1 || s.Sent != 1 || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestTemporaryRetriedThenGivenUp(t *testing.T) {
	flaky := errors.New("502 bad gateway")
	ch := &channel{SendFn: func(m cchcbot.OutMessage, n int) error {
		if m.Text == "recovers" && n <= 2 || m.Text == "never" {
			return &cchcbot.TemporaryError{Err: flaky}
		}
		return nil
	}}
	q := newQueue(t, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, MaxRetries: 3})
	if _, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "recovers"}); err != nil {
		t.Fatalf("recovers: %v", err)
	}
	_, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(2), Text: "never"})
	if !errors.Is(err, flaky) {
		t.Fatalf("never: %v", err)
	}
	if n := ch.tries["never"]; n != 4 {
		t.Errorf("gave up after %d attempts, want 1 + 3 retries", n)
	}
}

func TestUnreachableCallsHookOnce(t *testing.T) {
	ch := &channel{SendFn: func(cchcbot.OutMessage, int) error {
		return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
	}}
	var calls atomic.Int32
	hooked := make(chan cchcbot.UserID, 2)
	q := newQueue(t, ch, outbox.Options{OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) {
		calls.Add(1)
		hooked <- to
	}})
	_, err := q.Send(context.Background(), cchcbot.OutMessage{To: user(5), Text: "x"})
	if cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE {
		t.Fatalf("err = %v", err)
	}
	if to := <-hooked; to != user(5) || calls.Load() != 1 || ch.tries["x"] != 1 {
		t.Errorf("hook for %s, %d calls, %d attempts", to, calls.Load(), ch.tries["x"])
	}
}

func TestCancelledSendReturns(t *testing.T) {
	ch := &channel{}
	q := newQueue(t, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 0.5})
	q.Send(context.Background(), cchcbot.OutMessage{To: user(1), Text: "first"})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The chat may not be sent to for two seconds: the caller gives up.
	if _, err := q.Send(ctx, cchcbot.OutMessage{To: user(1), Text: "second"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}
