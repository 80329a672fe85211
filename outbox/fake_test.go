package outbox_test

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// channel is a fake next channel. SendFn, when set, decides each attempt's
// outcome (n counts the attempts of that text); every attempt is recorded
// with its time.
type channel struct {
	SendFn func(ctx context.Context, m cchcbot.OutMessage, n int) error

	mu    sync.Mutex
	calls []call
	tries map[string]int
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
	at := time.Now()
	var err error
	if c.SendFn != nil {
		err = c.SendFn(ctx, m, n)
	}
	c.mu.Lock()
	c.calls = append(c.calls, call{m.To, m.Text, at, err})
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

// delivered returns the successful attempts in the order they started.
func (c *channel) delivered() []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []call
	for _, x := range c.calls {
		if x.err == nil {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b call) int { return a.at.Compare(b.at) })
	return out
}

func (c *channel) attempts(text string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries[text]
}

func (c *channel) texts() []string {
	var out []string
	for _, x := range c.delivered() {
		out = append(out, x.text)
	}
	return out
}

func newQueue(t *testing.T, next cchcbot.Channel, opts outbox.Options) *outbox.Queue {
	t.Helper()
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	q := outbox.New(context.Background(), next, opts)
	t.Cleanup(q.Close)
	return q
}

// waitFor polls cond: the queue works on its own goroutines. It fails the
// test rather than hang when cond never holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func user(i int) cchcbot.UserID { return cchcbot.TelegramUser(int64(i)) }

// sendAsync sends m on its own goroutine; the result arrives on the channel.
func sendAsync(q *outbox.Queue, m cchcbot.OutMessage) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := q.Send(context.Background(), m)
		done <- err
	}()
	return done
}

func sendAll(t *testing.T, q *outbox.Queue, msgs []cchcbot.OutMessage) {
	t.Helper()
	var errs []<-chan error
	for _, m := range msgs {
		errs = append(errs, sendAsync(q, m))
	}
	for i, e := range errs {
		if err := <-e; err != nil {
			t.Errorf("%s: %v", msgs[i].Text, err)
		}
	}
}
