package outbox

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"cchcbot"
)

// pruneEvery is how often chats gone quiet are forgotten, so that the map
// of per-chat limiters does not grow with every person ever messaged. A
// variable so that tests can shorten it.
var pruneEvery = time.Minute

// idleWait is how long the dispatcher sleeps with nothing queued; a new
// job wakes it at once.
const idleWait = time.Hour

// dispatch hands jobs to senders, at most MaxInFlight at a time, in the
// order pick chooses. The queue's pace is wall-clock time: it is the
// network's, so it is read here rather than injected.
func (q *Queue) dispatch(ctx context.Context) {
	defer q.shutdown()
	timer := time.NewTimer(idleWait)
	defer timer.Stop()
	for {
		// Take a slot first, so that a job is picked only when it can
		// go: an interactive one queued meanwhile is not stuck behind it.
		select {
		case q.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		for {
			j, wait := q.pick(time.Now())
			if j != nil {
				q.sending.Add(1)
				q.inFlight.Add(1)
				go q.send(ctx, j)
				break
			}
			timer.Reset(wait)
			select {
			case <-q.wake:
			case <-timer.C:
			case <-ctx.Done():
				<-q.slots
				return
			}
		}
	}
}

// shutdown fails every job still queued; callers stop waiting.
func (q *Queue) shutdown() {
	q.mu.Lock()
	q.closed = true
	pending := append(q.queues[cchcbot.PriorityInteractive], q.queues[cchcbot.PriorityBulk]...)
	q.queues = [2][]*job{}
	q.mu.Unlock()
	for _, j := range pending {
		j.done <- result{err: ErrStopped}
	}
	close(q.stopped)
}

// pick takes the first job, interactive before bulk, whose chat may be sent
// to now: a chat at its own limit waits without holding up the others, so
// a fan-out to many chats runs at the global pace even while one chat has
// a backlog. When nothing may go it returns how long to wait.
func (q *Queue) pick(now time.Time) (*job, time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.prune(now)
	if now.Before(q.globalUntil) {
		return nil, q.globalUntil.Sub(now)
	}
	if t := q.global.TokensAt(now); t < 1 {
		return nil, tokenWait(t, q.opts.GlobalPerSecond)
	}
	wait := idleWait
	for p := cchcbot.PriorityInteractive; p >= cchcbot.PriorityBulk; p-- {
		queue := q.queues[p]
		for i := 0; i < len(queue); {
			j := queue[i]
			if j.ctx.Err() != nil { // the caller gave up: drop it
				queue = remove(queue, i)
				continue
			}
			if c := q.chats[j.to]; c != nil {
				if now.Before(c.until) {
					wait = min(wait, c.until.Sub(now))
					i++
					continue
				}
				if t := c.lim.TokensAt(now); t < 1 {
					wait = min(wait, tokenWait(t, q.opts.PerChatPerSecond))
					i++
					continue
				}
			}
			c := q.chat(j.to)
			c.lim.AllowN(now, 1)
			c.lastSend = now
			q.global.AllowN(now, 1)
			q.queues[p] = remove(queue, i)
			return j, 0
		}
		q.queues[p] = queue
	}
	return nil, wait
}

// remove deletes queue[i] keeping the order; taking the head, the common
// case, costs nothing.
func remove(queue []*job, i int) []*job {
	if i == 0 {
		queue[0] = nil
		return queue[1:]
	}
	return slices.Delete(queue, i, i+1)
}

// tokenWait is how long a limiter at perSecond takes to refill from tokens
// to one.
func tokenWait(tokens, perSecond float64) time.Duration {
	return time.Duration(math.Ceil((1 - tokens) / perSecond * float64(time.Second)))
}

func (q *Queue) chat(to cchcbot.UserID) *chatState {
	c := q.chats[to]
	if c == nil {
		c = &chatState{lim: rate.NewLimiter(rate.Limit(q.opts.PerChatPerSecond), 1)}
		q.chats[to] = c
	}
	return c
}

// prune forgets chats that have been quiet long enough for their limiter to
// be full again: a new state for them paces exactly as the old one would.
func (q *Queue) prune(now time.Time) {
	if now.Sub(q.lastPrune) < pruneEvery {
		return
	}
	q.lastPrune = now
	idle := max(pruneEvery, time.Duration(2/q.opts.PerChatPerSecond*float64(time.Second)))
	for to, c := range q.chats {
		if !now.Before(c.until) && now.Sub(c.lastSend) >= idle {
			delete(q.chats, to)
		}
	}
}

// requeue puts a job back at the head of its queue; its chat waits until
// `until`. It reports false when the queue has stopped.
func (q *Queue) requeue(j *job, until time.Time) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	if c := q.chat(j.to); until.After(c.until) {
		c.until = until
	}
	q.queues[j.prio] = append([]*job{j}, q.queues[j.prio]...)
	q.mu.Unlock()
	q.poke()
	return true
}

// send makes one attempt, then frees its slot before telling the caller,
// so that the counts a caller sees once it has its answer are settled.
func (q *Queue) send(ctx context.Context, j *job) {
	r, final := q.attempt(ctx, j)
	q.inFlight.Add(-1)
	<-q.slots
	if final {
		j.done <- r
	}
	q.sending.Done()
}

// attempt sends once and decides what the outcome means: a final result,
// or the job queued again (final false).
func (q *Queue) attempt(ctx context.Context, j *job) (r result, final bool) {
	ref, err := j.do(j.ctx)
	var ra *cchcbot.RetryAfterError
	var temp *cchcbot.TemporaryError
	switch {
	case err == nil:
		q.sent.Add(1)
		q.opts.Observer.MessageSent(j.method)
		return result{ref: ref}, true
	case errors.As(err, &ra):
		// Nothing was sent; this is not a failure of the message, so it
		// does not count against MaxRetries. Telegram does not say which
		// limit was hit, and the one bulk sending hits is the bot-wide
		// one: the chat and everything else wait.
		wait := ra.Wait
		if wait <= 0 { // Telegram's waits are whole seconds
			wait = time.Second
		}
		until := time.Now().Add(wait)
		q.mu.Lock()
		if until.After(q.globalUntil) {
			q.globalUntil = until
		}
		q.mu.Unlock()
		q.opts.Observer.MessageRetried(j.method, "rate_limited")
		q.limited.Add(1) // after the pause is in force: tests wait on it
		q.opts.Logger.Warn("telegram asked to slow down", "to", string(j.to), "retry_after", ra.Wait)
		return result{err: ErrStopped}, !q.requeue(j, until)
	case cchcbot.ErrorCode(err) == cchcbot.EUNREACHABLE:
		q.opts.Observer.MessageFailed(j.method, "unreachable")
		q.failed.Add(1)
		if q.opts.OnUnreachable != nil {
			go q.opts.OnUnreachable(context.WithoutCancel(ctx), j.to, err)
		}
		return result{err: err}, true
	case errors.As(err, &temp) && j.attempts < q.opts.MaxRetries && j.ctx.Err() == nil:
		j.attempts++
		q.opts.Observer.MessageRetried(j.method, "temporary")
		q.retried.Add(1)
		return result{err: ErrStopped}, !q.requeue(j, time.Now().Add(q.opts.Backoff(j.attempts)))
	}
	q.opts.Observer.MessageFailed(j.method, failReason(j, err))
	q.failed.Add(1)
	return result{err: err}, true
}

// failReason names, for metrics, why a send that was not unreachable was
// given up on: a short fixed list, never the error's text.
func failReason(j *job, err error) string {
	var temp *cchcbot.TemporaryError
	switch {
	case j.ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.As(err, &temp):
		return "retries_exhausted"
	}
	return "error"
}
