package inbox_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/inbox"
)

func msg(user int64, text string) cchcbot.Incoming {
	return cchcbot.Incoming{User: cchcbot.TelegramUser(user), Text: text}
}

// fast are options for tests: store retries without delay, logs to w.
func fast(w io.Writer) inbox.Options {
	if w == nil {
		w = io.Discard
	}
	return inbox.Options{Backoff: func(int) time.Duration { return time.Millisecond },
		Logger: slog.New(slog.NewTextHandler(w, nil))}
}

// run starts d.Run; stop cancels it and returns its error. The test's
// clean-up stops it too.
func run(t *testing.T, d *inbox.Dispatcher) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func waitIdle(t *testing.T, d *inbox.Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.WaitIdle(ctx); err != nil {
		t.Fatalf("the dispatcher did not become idle: %v", err)
	}
}

// waitUntil polls cond: for states the dispatcher does not announce.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// recorder records the texts it handled per user, in order, and fails
// the test if one user's events ever overlap.
type recorder struct {
	t        *testing.T
	mu       sync.Mutex
	seen     map[cchcbot.UserID][]string
	inFlight map[cchcbot.UserID]bool
	total    int
	// hook, when set, runs inside Handle; its result is Handle's.
	hook func(ctx context.Context, in cchcbot.Incoming) error
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, seen: map[cchcbot.UserID][]string{}, inFlight: map[cchcbot.UserID]bool{}}
}

func (r *recorder) Handle(ctx context.Context, in cchcbot.Incoming) error {
	r.mu.Lock()
	if r.inFlight[in.User] {
		r.t.Errorf("two events of %s handled at once", in.User)
	}
	r.inFlight[in.User] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight[in.User] = false
		r.seen[in.User] = append(r.seen[in.User], in.Text)
		r.total++
		r.mu.Unlock()
	}()
	if r.hook != nil {
		return r.hook(ctx, in)
	}
	return nil
}

func (r *recorder) texts(user int64) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen[cchcbot.TelegramUser(user)]...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type countObserver struct {
	mu sync.Mutex
	n  int
}

func (o *countObserver) UpdateHandled() {
	o.mu.Lock()
	o.n++
	o.mu.Unlock()
}
