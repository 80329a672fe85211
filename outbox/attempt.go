package outbox

import (
	"context"
	"errors"
	"time"

	"cchcbot"
)

// send makes one attempt and settles it, frees its slot, then tells a
// direct send's caller and OnUnreachable. The slot is freed first so that
// the counts a caller sees once it has its answer are settled.
func (s *Sender) send(j *job) {
	defer s.sending.Done()
	var r result
	var final bool
	if s.superseded(j) {
		r, final = s.drop(j)
	} else {
		ref, err := j.do(j.ctx)
		r, final = s.settle(j, ref, err)
	}
	<-s.slots
	s.poke()
	if !final {
		return
	}
	if j.done != nil {
		j.done <- r
	}
	if r.err != nil && cchcbot.ErrorCode(r.err) == cchcbot.EUNREACHABLE && s.opts.OnUnreachable != nil {
		s.opts.OnUnreachable(s.ctx, j.to, r.err)
	}
	var quota *cchcbot.QuotaError
	if j.out != nil && s.opts.OnRefused != nil && (errors.As(r.err, &quota) || cchcbot.ErrorCode(r.err) == cchcbot.EUNREACHABLE) {
		s.opts.OnRefused(s.ctx, j.out, r.err)
	}
}

// settle decides what an attempt's outcome means: a final result (for a
// row of the store, an outcome to commit), or the job queued again, or,
// for a row whose send Close interrupted, left in the store (final false).
func (s *Sender) settle(j *job, ref cchcbot.MessageRef, err error) (r result, final bool) {
	var ra *cchcbot.RetryAfterError
	var temp *cchcbot.TemporaryError
	var quota *cchcbot.QuotaError
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if c := s.chats[j.to]; c != nil {
		// The chat's next message is paced from now, when this one came
		// back, not from when it left: the network counts arrivals, and
		// two sends a pace apart at dispatch arrive closer when the first
		// travelled slower (BenchmarkDeadlineRush: 2% of a rush's
		// messages drew a 429, which holds every chat for a second).
		c.busy, c.lastSend = false, now
	}
	switch {
	case err == nil:
		s.failStreak = 0
		s.sent.Add(1)
		s.opts.Observer.MessageSent(j.method)
		s.finish(j, cchcbot.Delivered, ref.ID, "")
		return result{ref: ref}, true

	case errors.As(err, &ra):
		// Nothing was sent; this is not a failure of the message, so it
		// is no attempt. Telegram does not say which limit was hit, and
		// the one bulk sending hits is the bot-wide one: everything waits.
		wait := ra.Wait
		if wait <= 0 { // Telegram's waits are whole seconds
			wait = time.Second
		}
		if until := now.Add(wait); until.After(s.globalUntil) {
			s.globalUntil = until
		}
		s.opts.Observer.MessageRetried(j.method, "rate_limited")
		s.limited.Add(1) // after the pause is in force: tests wait on it
		s.opts.Logger.Warn("telegram asked to slow down", "to", string(j.to), "retry_after", ra.Wait)
		return s.requeue(j, now)

	case errors.As(err, &quota):
		// The network will take no more of these for now (Zalo's quota of
		// proactive messages): retrying cannot help, another network might.
		s.failed.Add(1)
		s.opts.Observer.MessageFailed(j.method, "quota")
		if j.out != nil {
			s.opts.Logger.Warn("outbox: the network's quota refused a message", "id", j.out.ID, "kind", string(j.out.Kind), "to", string(j.to))
		}
		s.finish(j, cchcbot.Refused, "", quota.Message)
		return result{err: err}, true

	case cchcbot.ErrorCode(err) == cchcbot.EUNREACHABLE:
		s.failed.Add(1)
		s.opts.Observer.MessageFailed(j.method, "unreachable")
		if j.out != nil {
			s.opts.Logger.Info("outbox: recipient unreachable", "id", j.out.ID, "kind", string(j.out.Kind), "to", string(j.to), "err", err)
		}
		s.finish(j, cchcbot.Refused, "", cchcbot.ErrorMessage(err))
		return result{err: err}, true

	case errors.As(err, &temp) || isContextError(err):
		if s.closed || s.ctx.Err() != nil || j.ctx.Err() != nil {
			// Close or the caller interrupted the send: a row stays in
			// the store, a direct send ends.
			if j.out != nil {
				return result{}, false
			}
			break
		}
		if j.out == nil && j.attempts >= s.opts.MaxRetries {
			break
		}
		j.attempts++
		// Consecutive failures across chats mean the network is down:
		// the whole Sender backs off, so that an outage costs a probe
		// now and then rather than every queued message's attempts.
		s.failStreak++
		if until := now.Add(s.opts.Backoff(s.failStreak)); until.After(s.globalUntil) {
			s.globalUntil = until
		}
		s.retried.Add(1)
		s.opts.Observer.MessageRetried(j.method, "temporary")
		if s.failStreak == 1 || j.out != nil && j.attempts%10 == 0 {
			s.opts.Logger.Warn("outbox: send failed, retrying", "to", string(j.to), "attempts", j.attempts, "err", err)
		}
		return s.requeue(j, now.Add(s.opts.Backoff(j.attempts)))

	default:
		s.failed.Add(1)
		s.opts.Observer.MessageFailed(j.method, "error")
		if j.out != nil {
			s.opts.Logger.Error("outbox: message refused", "id", j.out.ID, "kind", string(j.out.Kind), "to", string(j.to), "err", err)
			s.finish(j, cchcbot.Refused, "", err.Error())
		}
		return result{err: err}, true
	}
	// A direct send given up.
	s.failed.Add(1)
	s.opts.Observer.MessageFailed(j.method, failReason(j, err))
	return result{err: err}, true
}

// superseded asks Options.Superseded about a row about to be sent.
func (s *Sender) superseded(j *job) bool {
	if j.out == nil || s.opts.Superseded == nil {
		return false
	}
	sup, err := s.opts.Superseded(j.ctx, j.out)
	if err != nil {
		s.opts.Logger.Warn("outbox: cannot tell whether a message is still due; sending it", "id", j.out.ID, "err", err)
		return false
	}
	return sup
}

// drop ends an attempt that was not made: the row is recorded expired.
func (s *Sender) drop(j *job) (result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if c := s.chats[j.to]; c != nil {
		c.busy = false
	}
	s.expire(j)
	return result{}, true
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// requeue puts a job back at the head of its queue, ahead of its chat's
// later messages; its chat waits until `until`. Once the Sender has
// stopped, a row stays in the store and a direct send fails. s.mu is held.
func (s *Sender) requeue(j *job, until time.Time) (result, bool) {
	if s.closed {
		if j.out != nil {
			return result{}, false
		}
		return result{err: ErrStopped}, true
	}
	if c := s.chat(j.to); until.After(c.until) {
		c.until = until
	}
	s.queues[j.prio] = append([]*job{j}, s.queues[j.prio]...)
	return result{}, false
}

// finish queues a row's outcome for the next commit. s.mu is held.
func (s *Sender) finish(j *job, state cchcbot.DeliveryState, messageID, why string) {
	if j.out == nil {
		return
	}
	s.finished = append(s.finished, cchcbot.Delivery{
		ID: j.out.ID, State: state, At: s.opts.Clock.Now(), MessageID: messageID, Error: why,
	})
	select {
	case s.finishWake <- struct{}{}:
	default:
	}
}

// expire drops a row whose time has passed, unsent. s.mu is held.
func (s *Sender) expire(j *job) {
	s.expired.Add(1)
	s.opts.Observer.MessageFailed(j.method, "expired")
	s.finish(j, cchcbot.Expired, "", "")
}

// failReason names, for metrics, why a direct send that was not
// unreachable was given up on: a short fixed list, never the error's text.
func failReason(j *job, err error) string {
	var temp *cchcbot.TemporaryError
	switch {
	case j.ctx.Err() != nil || isContextError(err):
		return "canceled"
	case errors.As(err, &temp):
		return "retries_exhausted"
	}
	return "error"
}
