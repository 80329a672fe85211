package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// channel is a fake chat network. Fn, when set, decides each attempt's
// outcome (n counts the attempts of that text); every attempt is recorded
// with its time.
type channel struct {
	Fn func(ctx context.Context, c call, n int) error

	mu    sync.Mutex
	calls []call
	tries map[string]int
}

// call is one attempt: text is a message's text, an edit's new text or a
// document's caption.
type call struct {
	method  string
	to      cchcbot.UserID
	text    string
	buttons [][]cchcbot.Button
	prio    cchcbot.Priority
	editID  string
	doc     *cchcbot.OutDocument
	body    string // what the document's Open yielded
	at      time.Time
	err     error
}

func (c *channel) attempt(ctx context.Context, x call) error {
	c.mu.Lock()
	if c.tries == nil {
		c.tries = map[string]int{}
	}
	c.tries[x.text]++
	n := c.tries[x.text]
	c.mu.Unlock()
	x.at = time.Now()
	if c.Fn != nil {
		x.err = c.Fn(ctx, x, n)
	}
	if x.err == nil && x.doc != nil && x.doc.ChannelFileID == "" {
		x.err = readDoc(x.doc, &x.body)
	}
	c.mu.Lock()
	c.calls = append(c.calls, x)
	c.mu.Unlock()
	return x.err
}

func readDoc(d *cchcbot.OutDocument, body *string) error {
	if d.Open == nil {
		return fmt.Errorf("document %s has neither an id nor a file", d.Name)
	}
	r, err := d.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	*body = string(b)
	return err
}

func (c *channel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	err := c.attempt(ctx, call{method: "send", to: m.To, text: m.Text, buttons: m.Buttons, prio: m.Priority})
	return cchcbot.MessageRef{To: m.To, ID: m.Text}, err
}

func (c *channel) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	return c.attempt(ctx, call{method: "edit", to: ref.To, text: text, buttons: buttons, editID: ref.ID})
}

func (c *channel) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	err := c.attempt(ctx, call{method: "document", to: d.To, text: d.Caption, prio: d.Priority, doc: &d})
	return cchcbot.MessageRef{To: d.To, ID: "doc:" + d.Caption}, err
}

func (c *channel) AnswerCallback(context.Context, string, string) error { return nil }
func (c *channel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, nil
}

// all returns every attempt in the order it started.
func (c *channel) all() []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.calls)
	slices.SortStableFunc(out, func(a, b call) int { return a.at.Compare(b.at) })
	return out
}

// delivered returns the successful attempts in the order they started.
func (c *channel) delivered() []call {
	var out []call
	for _, x := range c.all() {
		if x.err == nil {
			out = append(out, x)
		}
	}
	return out
}

func (c *channel) attempts(text string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries[text]
}

func (c *channel) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls)
}

func (c *channel) texts() []string {
	var out []string
	for _, x := range c.delivered() {
		out = append(out, x.text)
	}
	return out
}

// successes counts the successful attempts of each text.
func (c *channel) successes() map[string]int {
	out := map[string]int{}
	for _, x := range c.delivered() {
		out[x.text]++
	}
	return out
}

// clock is a settable cchcbot.Clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2024, 3, 11, 8, 0, 0, 0, time.UTC)

// newSender starts a Sender that Close stops at the end of the test. The
// test's backoff is short, so that retries do not slow the tests.
func newSender(t *testing.T, st outbox.Store, next cchcbot.Channel, opts outbox.Options) *outbox.Sender {
	t.Helper()
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := outbox.New(context.Background(), st, next, opts)
	t.Cleanup(s.Close)
	return s
}

// fast are options under which pacing never binds.
func fast() outbox.Options {
	return outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000}
}

// drain waits until every message of the store has an outcome recorded.
func drain(t *testing.T, s *outbox.Sender) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("WaitIdle: %v", err)
	}
}

// waitFor polls cond: the Sender works on its own goroutines. It fails the
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

// sendAsync sends m directly on its own goroutine; the result arrives on
// the channel.
func sendAsync(s *outbox.Sender, m cchcbot.OutMessage) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := s.Send(context.Background(), m)
		done <- err
	}()
	return done
}

func sendAll(t *testing.T, s *outbox.Sender, msgs []cchcbot.OutMessage) {
	t.Helper()
	var errs []<-chan error
	for _, m := range msgs {
		errs = append(errs, sendAsync(s, m))
	}
	for i, e := range errs {
		if err := <-e; err != nil {
			t.Errorf("%s: %v", msgs[i].Text, err)
		}
	}
}
