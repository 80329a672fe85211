// Package outbox paces every message the bot sends to Telegram's limits
// (about 30 messages a second overall and one a second per chat), puts
// replies to a waiting person ahead of bulk reminders, and turns the
// network's answers into waits, retries or a member marked unreachable.
// Chat replies and reminders share it, so together they never exceed the
// limits.
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

// Options tune the queue.
type Options struct {
	GlobalPerSecond  float64 // default 30
	PerChatPerSecond float64 // default 1
	MaxRetries       int     // for temporary failures; default 5
	MaxInFlight      int     // concurrent sends, so latency does not cap the pace; default 32
	// Backoff is the wait before retry n of a temporary failure. Default:
	// 500 ms doubling to 30 s, with jitter.
	Backoff func(n int) time.Duration
	// OnUnreachable is told, once per refusal, that a person can no longer
	// be messaged (they blocked the bot); it runs on its own goroutine.
	OnUnreachable func(ctx context.Context, to cchcbot.UserID, err error)
	Logger        *slog.Logger
}

// Stats counts what the queue did.
type Stats struct {
	Sent, Failed, Retried, RateLimited int64
	Queued                             int
}

// Queue is a cchcbot.Channel that paces another.
type Queue struct {
	next cchcbot.Channel
	opts Options

	global *rate.Limiter

	mu          sync.Mutex
	queues      [2][]*job // by priority: bulk, interactive
	chats       map[cchcbot.UserID]*chatState
	globalUntil time.Time // after a 429 not explained by one chat's pace
	wake        chan struct{}
	slots       chan struct{}
	closed      bool

	sent, failed, retried, limited atomic.Int64
}

type chatState struct {
	lim      *rate.Limiter
	until    time.Time // no send before this: a 429 or a retry backoff
	lastSend time.Time
}

type job struct {
	ctx      context.Context
	to       cchcbot.UserID
	prio     cchcbot.Priority
	do       func(ctx context.Context) (cchcbot.MessageRef, error)
	done     chan result
	attempts int
	gap      time.Duration // since the previous send to the same chat
}

type result struct {
	ref cchcbot.MessageRef
	err error
}

var _ cchcbot.Channel = (*Queue)(nil)

// New returns a queue in front of next and starts its dispatcher, which
// runs until ctx ends.
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
		opts.Backoff = defaultBackoff
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	q := &Queue{
		next:   next,
		opts:   opts,
		global: rate.NewLimiter(rate.Limit(opts.GlobalPerSecond), 1),
		chats:  map[cchcbot.UserID]*chatState{},
		wake:   make(chan struct{}, 1),
		slots:  make(chan struct{}, opts.MaxInFlight),
	}
	go q.dispatch(ctx)
	return q
}

func defaultBackoff(n int) time.Duration {
	d := min(500*time.Millisecond<<min(n-1, 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// Stats returns the counters.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	n := len(q.queues[0]) + len(q.queues[1])
	q.mu.Unlock()
	return Stats{Sent: q.sent.Load(), Failed: q.failed.Load(), Retried: q.retried.Load(), RateLimited: q.limited.Load(), Queued: n}
}

// Send queues a message and waits until it is sent or has failed for good.
func (q *Queue) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	return q.submit(ctx, m.To, m.Priority, func(c context.Context) (cchcbot.MessageRef, error) { return q.next.Send(c, m) })
}

// Edit counts against the chat's pace like a message.
func (q *Queue) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	_, err := q.submit(ctx, ref.To, cchcbot.PriorityInteractive, func(c context.Context) (cchcbot.MessageRef, error) {
		return ref, q.next.Edit(c, ref, text, buttons)
	})
	return err
}

// SendDocument queues a document.
func (q *Queue) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return q.submit(ctx, d.To, d.Priority, func(c context.Context) (cchcbot.MessageRef, error) { return q.next.SendDocument(c, d) })
}

// AnswerCallback is not a message: it goes straight through.
func (q *Queue) AnswerCallback(ctx context.Context, id, text string) error {
	return q.next.AnswerCallback(ctx, id, text)
}

// FetchFile goes straight through.
func (q *Queue) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	return q.next.FetchFile(ctx, f)
}

func (q *Queue) submit(ctx context.Context, to cchcbot.UserID, prio cchcbot.Priority, do func(context.Context) (cchcbot.MessageRef, error)) (cchcbot.MessageRef, error) {
	if prio != cchcbot.PriorityInteractive {
		prio = cchcbot.PriorityBulk
	}
	j := &job{ctx: ctx, to: to, prio: prio, do: do, done: make(chan result, 1)}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return cchcbot.MessageRef{}, errors.New("outbox: stopped")
	}
	q.queues[prio] = append(q.queues[prio], j)
	q.mu.Unlock()
	q.poke()
	select {
	case r := <-j.done:
		return r.ref, r.err
	case <-ctx.Done():
		return cchcbot.MessageRef{}, ctx.Err()
	}
}

func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) chat(to cchcbot.UserID) *chatState {
	c := q.chats[to]
	if c == nil {
		c = &chatState{lim: rate.NewLimiter(rate.Limit(q.opts.PerChatPerSecond), 1)}
		q.chats[to] = c
	}
	return c
}

// pick takes the first job, interactive before bulk, whose chat may be sent
// to now: a busy chat waits without holding up the others. When none is
// ready it returns how long to wait.
func (q *Queue) pick(now time.Time) (*job, time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.globalUntil) {
		return nil, q.globalUntil.Sub(now)
	}
	wait := time.Hour
	for p := len(q.queues) - 1; p >= 0; p-- {
		queue := q.queues[p]
		for i := 0; i < len(queue); i++ {
			j := queue[i]
			if j.ctx.Err() != nil { // the caller gave up: drop it
				queue = append(queue[:i:i], queue[i+1:]...)
				q.queues[p] = queue
				i--
				continue
			}
			c := q.chat(j.to)
			if now.Before(c.until) {
				wait = min(wait, c.until.Sub(now))
				continue
			}
			if tokens := c.lim.TokensAt(now); tokens < 1 {
				wait = min(wait, time.Duration((1-tokens)/q.opts.PerChatPerSecond*float64(time.Second))+time.Millisecond)
				continue
			}
			c.lim.AllowN(now, 1)
			j.gap = now.Sub(c.lastSend)
			c.lastSend = now
			q.queues[p] = append(queue[:i:i], queue[i+1:]...)
			return j, 0
		}
	}
	return nil, wait
}

func (q *Queue) dispatch(ctx context.Context) {
	defer func() {
		q.mu.Lock()
		q.closed = true
		pending := append(q.queues[0], q.queues[1]...)
		q.queues = [2][]*job{}
		q.mu.Unlock()
		for _, j := range pending {
			j.done <- result{err: errors.New("outbox: stopped")}
		}
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for ctx.Err() == nil {
		j, wait := q.pick(time.Now())
		if j == nil {
			timer.Reset(wait)
			select {
			case <-q.wake:
			case <-timer.C:
			case <-ctx.Done():
				return
			}
			continue
		}
		if err := q.global.Wait(ctx); err != nil {
			q.requeue(j, time.Time{})
			return
		}
		select {
		case q.slots <- struct{}{}:
		case <-ctx.Done():
			q.requeue(j, time.Time{})
			return
		}
		go q.send(ctx, j)
	}
}

// requeue puts a job back at the head of its queue; the chat waits until
// `until`.
func (q *Queue) requeue(j *job, until time.Time) {
	q.mu.Lock()
	c := q.chat(j.to)
	if until.After(c.until) {
		c.until = until
	}
	q.queues[j.prio] = append([]*job{j}, q.queues[j.prio]...)
	q.mu.Unlock()
	q.poke()
}

func (q *Queue) send(ctx context.Context, j *job) {
	defer func() { <-q.slots }()
	ref, err := j.do(j.ctx)
	var ra *cchcbot.RetryAfterError
	var temp *cchcbot.TemporaryError
	switch {
	case err == nil:
		q.sent.Add(1)
		j.done <- result{ref: ref}
	case errors.As(err, &ra):
		q.limited.Add(1)
		until := time.Now().Add(ra.Wait)
		// Telegram does not say which limit was hit. A chat we were sending
		// to at its full pace points at the per-chat limit: that chat
		// waits. A chat that had been quiet cannot have hit its own limit,
		// so the bot-wide one was: everything waits.
		perChat := time.Duration(float64(time.Second) / q.opts.PerChatPerSecond)
		if j.gap > perChat*3/2 {
			q.mu.Lock()
			q.globalUntil = until
			q.mu.Unlock()
		}
		q.opts.Logger.Warn("telegram asked to slow down", "to", string(j.to), "retry_after", ra.Wait)
		q.requeue(j, until)
	case errors.As(err, &temp) && j.attempts < q.opts.MaxRetries && j.ctx.Err() == nil:
		j.attempts++
		q.retried.Add(1)
		q.requeue(j, time.Now().Add(q.opts.Backoff(j.attempts)))
	case cchcbot.ErrorCode(err) == cchcbot.EUNREACHABLE:
		q.failed.Add(1)
		if q.opts.OnUnreachable != nil {
			go q.opts.OnUnreachable(context.WithoutCancel(ctx), j.to, err)
		}
		j.done <- result{err: err}
	default:
		q.failed.Add(1)
		j.done <- result{err: err}
	}
}
