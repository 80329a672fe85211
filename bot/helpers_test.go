package bot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/inbox"
)

// memInbox is an in-memory store for the poller and the dispatcher, with
// the semantics of the bbolt one: a Key is accepted once, events with an
// Incoming get the next Seq and stay until finished.
type memInbox struct {
	mu     sync.Mutex
	keys   map[string]bool
	seq    uint64
	events map[uint64]cchcbot.Inbound
	// AcceptFn, when set, runs before each AcceptIncoming; an error fails
	// it and nothing is accepted.
	AcceptFn func(evs []cchcbot.Inbound) error
}

func newMemInbox() *memInbox {
	return &memInbox{keys: map[string]bool{}, events: map[uint64]cchcbot.Inbound{}}
}

// remember marks keys as seen, as if accepted (and finished) before.
func (m *memInbox) remember(keys ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.keys[k] = true
	}
}

func (m *memInbox) AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error) {
	if m.AcceptFn != nil {
		if err := m.AcceptFn(evs); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
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
		m.events[ev.Seq] = ev
		out = append(out, ev)
	}
	return out, nil
}

func (m *memInbox) PendingIncoming(ctx context.Context) ([]cchcbot.Inbound, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []cchcbot.Inbound
	for _, ev := range m.events {
		out = append(out, ev)
	}
	slices.SortFunc(out, func(a, b cchcbot.Inbound) int { return int(a.Seq) - int(b.Seq) })
	return out, nil
}

func (m *memInbox) FinishIncoming(ctx context.Context, seqs []uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range seqs {
		delete(m.events, s)
	}
	return nil
}

// pendingTexts returns the texts of the unfinished events.
func (m *memInbox) pendingTexts() []string {
	evs, _ := m.PendingIncoming(context.Background())
	var out []string
	for _, ev := range evs {
		out = append(out, ev.In.Text)
	}
	return out
}

// inboxStore is what the poller and the dispatcher need of the store.
type inboxStore interface {
	bot.IncomingStore
	inbox.Store
}

// running is a poller and its dispatcher at work.
type running struct {
	d *inbox.Dispatcher
	p *bot.Poller
	// stop cancels both and waits for them (handlers included).
	stop func()
}

// runBot starts the poller and a dispatcher feeding h; the test's
// clean-up stops them.
func runBot(t *testing.T, tg *bot.Telegram, st inboxStore, h inbox.Handler, opts bot.PollerOptions) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := inbox.New(st, h, inbox.Options{Backoff: func(int) time.Duration { return time.Millisecond },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	p := bot.NewPoller(tg, st, d, opts)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := d.Run(ctx); err != nil {
			t.Errorf("dispatcher: %v", err)
		}
	})
	wg.Go(func() { p.Run(ctx) })
	var once sync.Once
	r := &running{d: d, p: p, stop: func() { once.Do(func() { cancel(); wg.Wait() }) }}
	t.Cleanup(r.stop)
	return r
}

type handlerFunc func(context.Context, cchcbot.Incoming) error

func (f handlerFunc) Handle(ctx context.Context, in cchcbot.Incoming) error { return f(ctx, in) }

// recorder is a handler that records what it saw, per user, in order.
type recorder struct {
	mu   sync.Mutex
	seen map[cchcbot.UserID][]string
	all  []cchcbot.Incoming
	hook func(context.Context, cchcbot.Incoming) error
}

func (r *recorder) Handle(ctx context.Context, in cchcbot.Incoming) error {
	var err error
	if r.hook != nil {
		err = r.hook(ctx, in)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[cchcbot.UserID][]string{}
	}
	r.seen[in.User] = append(r.seen[in.User], in.Text)
	r.all = append(r.all, in)
	return err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

func (r *recorder) texts(u cchcbot.UserID) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen[u])
}

// waitUntil polls cond, for states nothing announces.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
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

// sweep runs the scheduler's sweep at the harness clock's time once the
// bot has handled what it took in (a request made is in the scheduler's
// calendar only once its handler has returned), then waits for the
// outbox to deliver (or drop) everything queued.
func (h *e2e) sweep() {
	h.t.Helper()
	h.idle()
	if err := h.sched.RunDue(context.Background(), h.now.Now()); err != nil {
		h.t.Fatal(err)
	}
	h.idle()
}

// idle waits until every event the bot has taken in is handled and every
// queued message has an outcome: what a test then does not find among the
// sent messages was never sent. An update sent but not yet polled is not
// waited for: call it after the answer to the last update was seen.
func (h *e2e) idle() {
	h.t.Helper()
	waitUntil(h.t, func() bool {
		evs, err := h.db.PendingIncoming(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		return len(evs) == 0
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.queue.WaitIdle(ctx); err != nil {
		h.t.Fatalf("outbox not idle: %v", err)
	}
}

// since returns the messages to u after mark.
func (h *e2e) since(u telegramtest.User, mark int) []telegramtest.Message {
	return h.srv.Messages(u.ID)[mark:]
}

// textOf is a message's text, or its document's caption.
func textOf(m telegramtest.Message) string {
	if m.Document != nil {
		return m.Document.Caption
	}
	return m.Text
}

// count returns how many messages to u after mark contain text.
func (h *e2e) count(u telegramtest.User, mark int, text string) int {
	n := 0
	for _, m := range h.since(u, mark) {
		if strings.Contains(textOf(m), text) {
			n++
		}
	}
	return n
}

// none fails the test when a message to u after mark contains text. Call
// it once the outbox is idle.
func (h *e2e) none(u telegramtest.User, mark int, text string) {
	h.t.Helper()
	for _, m := range h.since(u, mark) {
		if strings.Contains(textOf(m), text) {
			h.t.Errorf("%d got a message containing %q:\n%s", u.ID, text, textOf(m))
		}
	}
}

// edited waits for the bot to edit m (in u's chat) to a text containing
// want, and returns the message as it now stands, buttons included.
func (h *e2e) edited(u telegramtest.User, m telegramtest.Message, want string) telegramtest.Message {
	h.t.Helper()
	var found telegramtest.Message
	err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
		for _, x := range s.Messages(u.ID) {
			if x.ID == m.ID && x.Edited && strings.Contains(x.Text, want) {
				found = x
				return true
			}
		}
		return false
	}, 10*time.Second)
	if err != nil {
		h.t.Fatalf("message %d to %d was not edited to contain %q", m.ID, u.ID, want)
	}
	return found
}

// buttonData returns the data of the button labelled label on m.
func (h *e2e) buttonData(m telegramtest.Message, label string) string {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.CallbackData
			}
		}
	}
	h.t.Fatalf("no button %q on %q", label, m.Text)
	return ""
}

// staleAnswer is how the bot answers a press it refuses.
const staleAnswer = "Nút bấm này không còn hiệu lực."

// answered returns how many presses were answered with text so far.
func (h *e2e) answered(text string) int {
	n := 0
	for _, a := range h.srv.CallbackAnswers() {
		if a.Text == text {
			n++
		}
	}
	return n
}

// waitAnswered waits until n presses in all were answered with text.
func (h *e2e) waitAnswered(text string, n int) {
	h.t.Helper()
	if err := h.srv.WaitFor(func(*telegramtest.Server) bool { return h.answered(text) >= n }, 10*time.Second); err != nil {
		h.t.Fatalf("%d presses answered %q, want %d: %+v", h.answered(text), text, n, h.srv.CallbackAnswers())
	}
}

// tgUser is u's account as the store keys it.
func tgUser(u telegramtest.User) cchcbot.UserID { return cchcbot.TelegramUser(u.ID) }
