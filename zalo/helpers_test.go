package zalo_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

var ctx = context.Background()

// clock is a settable clock shared by the client and the fake servers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// vn parses "2006-01-02 15:04" in Vietnam's time.
func vn(s string) time.Time {
	loc, err := time.LoadLocation(cchcbot.DefaultTimezone)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// trail is one ordered record of what the token store and the API saw,
// so that a test can tell which came first.
type trail struct {
	mu    sync.Mutex
	lines []string
}

func (t *trail) add(s string) {
	t.mu.Lock()
	t.lines = append(t.lines, s)
	t.mu.Unlock()
}

func (t *trail) all() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.lines...)
}

// index returns the position of the first line equal to s, or -1.
func (t *trail) index(s string) int {
	for i, l := range t.all() {
		if l == s {
			return i
		}
	}
	return -1
}

// memTokens is an in-memory TokenStore. PutFn, when set, runs first and
// its error fails the commit (nothing stored).
type memTokens struct {
	mu    sync.Mutex
	t     *cchcbot.ChannelTokens
	puts  int
	trail *trail
	PutFn func(cchcbot.ChannelTokens) error
	GetFn func() error
}

func (m *memTokens) Tokens(ctx context.Context, channel string) (cchcbot.ChannelTokens, error) {
	if channel != cchcbot.ChannelZalo {
		return cchcbot.ChannelTokens{}, cchcbot.Errorf(cchcbot.EINVALID, "channel %q", channel)
	}
	if m.GetFn != nil {
		if err := m.GetFn(); err != nil {
			return cchcbot.ChannelTokens{}, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.t == nil {
		return cchcbot.ChannelTokens{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "no tokens")
	}
	return *m.t, nil
}

func (m *memTokens) PutTokens(ctx context.Context, channel string, t cchcbot.ChannelTokens) error {
	if m.PutFn != nil {
		if err := m.PutFn(t); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = &t
	m.puts++
	if m.trail != nil {
		m.trail.add("put " + t.Access)
	}
	return nil
}

func (m *memTokens) get() (cchcbot.ChannelTokens, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.t == nil {
		return cchcbot.ChannelTokens{}, m.puts
	}
	return *m.t, m.puts
}

func (m *memTokens) set(t cchcbot.ChannelTokens) {
	m.mu.Lock()
	m.t = &t
	m.mu.Unlock()
}

// memInbox is an in-memory Acceptor with the store's semantics: a Key is
// accepted once; events with an Incoming get the next Seq.
type memInbox struct {
	mu       sync.Mutex
	keys     map[string]bool
	seq      uint64
	events   []cchcbot.Inbound
	calls    int
	AcceptFn func(ctx context.Context, evs []cchcbot.Inbound) error
}

func newMemInbox() *memInbox { return &memInbox{keys: map[string]bool{}} }

func (m *memInbox) AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error) {
	if m.AcceptFn != nil {
		if err := m.AcceptFn(ctx, evs); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	var out []cchcbot.Inbound
	for _, ev := range evs {
		if m.keys[ev.Key] {
			continue
		}
		m.keys[ev.Key] = true
		if ev.In == nil {
			continue
		}
		m.seq++
		ev.Seq = m.seq
		m.events = append(m.events, ev)
		out = append(out, ev)
	}
	return out, nil
}

func (m *memInbox) accepted() []cchcbot.Inbound {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]cchcbot.Inbound(nil), m.events...)
}

func (m *memInbox) seen(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.keys[key]
}

// dispatched records what the webhook handed on, and wakes waiters.
type dispatched struct {
	mu  sync.Mutex
	evs []cchcbot.Inbound
	ch  chan struct{}
}

func newDispatched() *dispatched { return &dispatched{ch: make(chan struct{}, 1024)} }

func (d *dispatched) Add(evs ...cchcbot.Inbound) {
	d.mu.Lock()
	d.evs = append(d.evs, evs...)
	d.mu.Unlock()
	for range evs {
		d.ch <- struct{}{}
	}
}

func (d *dispatched) all() []cchcbot.Inbound {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]cchcbot.Inbound(nil), d.evs...)
}

// wait waits for the n-th event handed on.
func (d *dispatched) wait(t *testing.T, n int) []cchcbot.Inbound {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(d.all()) < n {
		select {
		case <-d.ch:
		case <-timeout:
			t.Fatalf("dispatched %d events, want %d", len(d.all()), n)
		}
	}
	return d.all()
}

// logBuffer is a log destination safe for concurrent writers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// secretWatch collects the secrets of a test and every error it saw, and
// at the end checks that no log line and no error holds a secret.
type secretWatch struct {
	mu      sync.Mutex
	secrets map[string]string // value -> what it is
	errs    []error
	logs    *logBuffer
}

func newSecretWatch(t *testing.T, logs *logBuffer) *secretWatch {
	w := &secretWatch{secrets: map[string]string{}, logs: logs}
	t.Cleanup(func() { w.check(t) })
	return w
}

func (w *secretWatch) secret(what, value string) {
	if value == "" {
		return
	}
	w.mu.Lock()
	w.secrets[value] = what
	w.mu.Unlock()
}

// err records err (if any) for the final check and returns it.
func (w *secretWatch) err(err error) error {
	if err != nil {
		w.mu.Lock()
		w.errs = append(w.errs, err)
		w.mu.Unlock()
	}
	return err
}

func (w *secretWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, line := range strings.Split(w.logs.String(), "\n") {
		for s, what := range w.secrets {
			if strings.Contains(line, s) {
				t.Errorf("log line %d holds %s: %s", i+1, what, strings.ReplaceAll(line, s, "<"+what+">"))
			}
		}
	}
	for _, err := range w.errs {
		for s, what := range w.secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("an error holds %s: %s", what, strings.ReplaceAll(err.Error(), s, "<"+what+">"))
			}
		}
	}
}

// readAll reads rc to its end and closes it.
func readAll(rc io.ReadCloser) ([]byte, error) {
	defer rc.Close()
	return io.ReadAll(rc)
}

func itoa(n int) string { return strconv.Itoa(n) }

var _ zalo.TokenStore = (*memTokens)(nil)
var _ zalo.Acceptor = (*memInbox)(nil)
var _ zalo.Dispatcher = (*dispatched)(nil)
