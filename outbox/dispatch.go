package outbox

import (
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

// idleWait is how long the dispatcher sleeps with nothing it may send; a
// new job or a returning send wakes it at once.
const idleWait = time.Hour

// holdRecheck bounds the sleep until a held message's time: the hold is on
// the Clock, which may jump (NTP, a test's clock) while the dispatcher's
// timer runs on the wall clock.
const holdRecheck = time.Minute

// dispatch hands jobs to senders, at most MaxInFlight at a time, in the
// order pick chooses. The pace is wall-clock time: it is the network's, so
// it is read here rather than injected.
func (s *Sender) dispatch() {
	defer s.shutdown()
	timer := time.NewTimer(idleWait)
	defer timer.Stop()
	for {
		// Take a slot first, so that a job is picked only when it can
		// go: an interactive one queued meanwhile is not stuck behind it.
		select {
		case s.slots <- struct{}{}:
		case <-s.ctx.Done():
			return
		}
		for {
			j, wait := s.pick(time.Now())
			if j != nil {
				go s.send(j)
				break
			}
			timer.Reset(wait)
			select {
			case <-s.wake:
			case <-timer.C:
			case <-s.ctx.Done():
				<-s.slots
				return
			}
		}
	}
}

// shutdown fails every direct send still queued, so that its caller stops
// waiting; the store's messages stay in the store for the next start.
func (s *Sender) shutdown() {
	s.mu.Lock()
	s.closed = true
	var direct []*job
	for _, q := range s.queues {
		for _, j := range q {
			if j.out == nil {
				direct = append(direct, j)
			}
		}
	}
	s.queues = [2][]*job{}
	s.broadcast()
	s.mu.Unlock()
	for _, j := range direct {
		j.done <- result{err: ErrStopped}
	}
	close(s.stopped)
}

// pick takes the first job, interactive before bulk, whose chat may be sent
// to now: a chat at its own limit waits without holding up the others, so
// a fan-out to many chats runs at the global pace even while one chat has
// a backlog. A chat gets one send at a time, so that its messages arrive
// in the order queued even when one must be retried. When nothing may go
// pick returns how long to wait.
//
// While the network seems down (a fail streak), one send at a time probes
// it, and the probe is the chat's next message that has failed the fewest
// times: a message that keeps failing on its own does not hold the others
// up, and an outage's probes go round the queue.
func (s *Sender) pick(now time.Time) (*job, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(now)
	if now.Before(s.globalUntil) {
		return nil, s.globalUntil.Sub(now)
	}
	probing := s.failStreak > 0
	if probing && s.inFlight > 0 {
		return nil, idleWait // the probe's return wakes the dispatcher
	}
	if t := s.global.TokensAt(now); t < 1 {
		return nil, tokenWait(t, s.opts.GlobalPerSecond)
	}
	clock := s.opts.Clock.Now()
	wait := idleWait
	var seen map[cchcbot.UserID]bool // probing: the chats whose next message was looked at
	if probing {
		seen = map[cchcbot.UserID]bool{}
	}
	for p := cchcbot.PriorityInteractive; p >= cchcbot.PriorityBulk; p-- {
		queue := s.queues[p]
		best := -1
		for i := 0; i < len(queue); {
			j := queue[i]
			if s.gone(j, clock) {
				queue = remove(queue, i)
				continue
			}
			if clock.Before(j.hold) {
				wait = min(wait, j.hold.Sub(clock), holdRecheck)
				i++
				continue
			}
			if probing {
				if seen[j.to] { // not the chat's next message
					i++
					continue
				}
				seen[j.to] = true
			}
			if d, ok := s.ready(j.to, now); !ok {
				wait = min(wait, d)
				i++
				continue
			}
			if s.held(j, clock) {
				wait = min(wait, j.hold.Sub(clock), holdRecheck)
				i++
				continue
			}
			if !probing {
				best = i
				break
			}
			if best < 0 || j.attempts < queue[best].attempts {
				best = i
			}
			i++
		}
		if best < 0 {
			s.queues[p] = queue
			continue
		}
		j := queue[best]
		s.queues[p] = remove(queue, best)
		c := s.chat(j.to)
		c.lim.AllowN(now, 1)
		c.lastSend = now
		c.busy = true
		s.global.AllowN(now, 1)
		s.inFlight++
		s.sending.Add(1)
		return j, 0
	}
	return nil, wait
}

// gone reports whether j is to be dropped from the queue: a direct send
// whose caller gave up, or a row whose time has passed, whose outcome is
// then recorded. s.mu is held.
func (s *Sender) gone(j *job, now time.Time) bool {
	switch {
	case j.out == nil:
		return j.ctx.Err() != nil
	case j.out.Expired(now):
		s.expire(j)
		return true
	}
	return false
}

// held asks NotBefore whether a row may go now, and remembers the answer
// if it may not. It is asked only of a message about to go, so once per
// pick and once per hold. s.mu is held.
func (s *Sender) held(j *job, now time.Time) bool {
	if j.out == nil || s.opts.NotBefore == nil {
		return false
	}
	j.hold = s.opts.NotBefore(j.out, now)
	return now.Before(j.hold)
}

// ready reports whether the chat may be sent to now, or how long it must
// wait. s.mu is held.
func (s *Sender) ready(to cchcbot.UserID, now time.Time) (time.Duration, bool) {
	c := s.chats[to]
	switch {
	case c == nil:
		return 0, true
	case c.busy:
		return idleWait, false // its send's return wakes the dispatcher
	case now.Before(c.until):
		return c.until.Sub(now), false
	case now.Sub(c.lastSend) < s.chatGap:
		return s.chatGap - now.Sub(c.lastSend), false
	}
	if t := c.lim.TokensAt(now); t < 1 {
		return tokenWait(t, s.opts.PerChatPerSecond), false
	}
	return 0, true
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

func (s *Sender) chat(to cchcbot.UserID) *chatState {
	c := s.chats[to]
	if c == nil {
		c = &chatState{lim: rate.NewLimiter(rate.Limit(s.opts.PerChatPerSecond), 1)}
		s.chats[to] = c
	}
	return c
}

// prune forgets chats that have been quiet long enough for their limiter to
// be full again: a new state for them paces exactly as the old one would.
func (s *Sender) prune(now time.Time) {
	if now.Sub(s.lastPrune) < pruneEvery {
		return
	}
	s.lastPrune = now
	idle := max(pruneEvery, time.Duration(2/s.opts.PerChatPerSecond*float64(time.Second)))
	for to, c := range s.chats {
		if !c.busy && !now.Before(c.until) && now.Sub(c.lastSend) >= idle {
			delete(s.chats, to)
		}
	}
}
