// Package outbox paces every message the bot sends to Telegram's limits
// (about 30 messages a second overall and one a second per chat), puts
// replies to a waiting person ahead of bulk reminders, and turns the
// network's answers into waits, retries or a member marked unreachable.
// Chat replies and reminders share one queue, so together they never
// exceed the limits.
package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"cchcbot"
)

// ErrStopped is returned for messages still queued when the queue stops.
var ErrStopped = errors.New("outbox: stopped")

// Options tune the queue. Zero values take the defaults, which are
// Telegram's documented limits.
type Options struct {
	GlobalPerSecond  float64 // default 30
	PerChatPerSecond float64 // default 1
	MaxRetries       int     // for temporary failures; default 5
	// MaxInFlight bounds concurrent sends, so that network latency does
	// not cap the pace: at 200 ms a request, one at a time would reach only
	// 5 messages a second. Default 32.
	MaxInFlight int
	// Backoff is the wait before retry n (1, 2, ...) of a temporary
	// failure. Default: 500 ms doubling to 30 s, with jitter.
	Backoff func(n int) time.Duration
	// OnUnreachable is told, once per refusal, that a person can no longer
	// be messaged (they blocked the bot, the account is gone), so that the
	// member is marked and the admins told. It runs on its own goroutine
	// because it usually sends messages through this very queue.
	OnUnreachable func(ctx context.Context, to cchcbot.UserID, err error)
	// Observer, when set, is told each send's outcome, for metrics.
	Observer Observer
	Logger   *slog.Logger
}

// Observer is told the outcome of each send, labelled with the Bot API
// method (sendMessage, sendDocument, editMessageText). Its methods run on
// the send path: they must be quick and safe for concurrent use.
type Observer interface {
	MessageSent(method string)
	// MessageFailed: reason is unreachable, retries_exhausted, canceled or
	// error.
	MessageFailed(method, reason string)
	// MessageRetried: reason is rate_limited or temporary.
	MessageRetried(method, reason string)
}

// Stats is what the queue did since it started, for metrics.
type Stats struct {
	Sent        int64 // delivered
	Failed      int64 // given up: unreachable, retries spent, other errors
	Retried     int64 // temporary failures tried again
	RateLimited int64 // 429 answers

	QueuedInteractive int // waiting now
	QueuedBulk        int
	InFlight          int // being sent now
	Chats             int // chats whose pace is being tracked
}

// Queue is a cchcbot.Channel that paces another. Send, SendDocument and
// Edit wait in the queue and return once the message is delivered or has
// failed for good; AnswerCallback and FetchFile are not messages and go
// straight through.
type Queue struct {
	next cchcbot.Channel
	opts Options

	mu          sync.Mutex
	queues      [2][]*job // by priority: bulk, interactive; FIFO each
	chats       map[cchcbot.UserID]*chatState
	global      *rate.Limiter
	globalUntil time.Time // after a 429: nothing goes out before it
	lastPrune   time.Time
	closed      bool

	wake    chan struct{} // a job was queued or requeued
	slots   chan struct{} // one per send in flight
	cancel  context.CancelFunc
	stopped chan struct{} // the dispatcher has returned
	sending sync.WaitGroup

	sent, failed, retried, limited atomic.Int64
	inFlight                       atomic.Int64
}

var _ cchcbot.Channel = (*Queue)(nil)

type chatState struct {
	lim      *rate.Limiter
	until    time.Time // no send before this: a 429 or a retry's backoff
	lastSend time.Time
}

type job struct {
	ctx      context.Context // the caller's
	to       cchcbot.UserID
	prio     cchcbot.Priority
	method   string // the Bot API method, for the Observer
	do       func(ctx context.Context) (cchcbot.MessageRef, error)
	done     chan result // buffered: the caller may have gone
	attempts int         // temporary failures so far
}

type result struct {
	ref cchcbot.MessageRef
	err error
}

// New returns a queue in front of next and starts its dispatcher, which
// runs until ctx ends or Close is called.
func New(ctx context.Context, next cchcbot.Channel, opts Options) *Queue {
	if opts.GlobalPerSecond <= 0 {
		opts.GlobalPerSecond = 30
	}
	if opts.PerChatPerSecond <= 0 {
		opts.PerChatPerSecond = 1
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 5
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 32
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	ctx, cancel := context.WithCancel(ctx)
	q := &Queue{
		next:    next,
		opts:    opts,
		chats:   map[cchcbot.UserID]*chatState{},
		global:  rate.NewLimiter(rate.Limit(opts.GlobalPerSecond), 1),
		wake:    make(chan struct{}, 1),
		slots:   make(chan struct{}, opts.MaxInFlight),
		cancel:  cancel,
		stopped: make(chan struct{}),
	}
	go q.dispatch(ctx)
	return q
}

// Close stops the queue: messages still waiting fail with ErrStopped, and
// Close returns once the sends in flight have returned, so the store their
// callers write to can be closed after it.
func (q *Queue) Close() {
	q.cancel()
	<-q.stopped
	q.sending.Wait()
}

// DefaultBackoff waits 500 ms before the first retry and doubles up to
// 30 s, each wait drawn from its upper half so that many chats failing
// together do not retry in step.
func DefaultBackoff(n int) time.Duration {
	d := min(500*time.Millisecond<<min(max(n-1, 0), 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// Stats returns the counters and the queue's current lengths.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	s := Stats{
		QueuedBulk:        len(q.queues[cchcbot.PriorityBulk]),
		QueuedInteractive: len(q.queues[cchcbot.PriorityInteractive]),
		Chats:             len(q.chats),
	}
	q.mu.Unlock()
	s.InFlight = int(q.inFlight.Load())
	s.Sent, s.Failed, s.Retried, s.RateLimited = q.sent.Load(), q.failed.Load(), q.retried.Load(), q.limited.Load()
	return s
}

// Send queues a message and waits until it is delivered, has failed for
// good, or ctx ends.
func (q *Queue) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	return q.submit(ctx, "sendMessage", m.To, m.Priority, func(c context.Context) (cchcbot.MessageRef, error) { return q.next.Send(c, m) })
}

// Edit counts against the chat's pace like a message. Edits answer a
// button press, so they are interactive.
func (q *Queue) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	_, err := q.submit(ctx, "editMessageText", ref.To, cchcbot.PriorityInteractive, func(c context.Context) (cchcbot.MessageRef, error) {
		return ref, q.next.Edit(c, ref, text, buttons)
	})
	return err
}

// SendDocument queues a document like a message.
func (q *Queue) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return q.submit(ctx, "sendDocument", d.To, d.Priority, func(c context.Context) (cchcbot.MessageRef, error) { return q.next.SendDocument(c, d) })
}

// AnswerCallback is not a message: it goes straight through.
func (q *Queue) AnswerCallback(ctx context.Context, id, text string) error {
	return q.next.AnswerCallback(ctx, id, text)
}

// FetchFile is a download, not a message: it goes straight through.
func (q *Queue) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	return q.next.FetchFile(ctx, f)
}

func (q *Queue) submit(ctx context.Context, method string, to cchcbot.UserID, prio cchcbot.Priority, do func(context.Context) (cchcbot.MessageRef, error)) (cchcbot.MessageRef, error) {
	if prio != cchcbot.PriorityInteractive {
		prio = cchcbot.PriorityBulk
	}
	j := &job{ctx: ctx, to: to, prio: prio, method: method, do: do, done: make(chan result, 1)}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return cchcbot.MessageRef{}, ErrStopped
	}
	q.queues[prio] = append(q.queues[prio], j)
	q.mu.Unlock()
	q.poke()
	select {
	case r := <-j.done:
		return r.ref, r.err
	case <-ctx.Done():
		// The dispatcher drops the job when it next looks at it; one in
		// flight finishes on its own, with the cancelled ctx.
		return cchcbot.MessageRef{}, ctx.Err()
	}
}

type noObserver struct{}

func (noObserver) MessageSent(string)            {}
func (noObserver) MessageFailed(string, string)  {}
func (noObserver) MessageRetried(string, string) {}

func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
