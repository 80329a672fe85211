package chat

import (
	"sync"
	"time"

	"cchcbot"
)

// The slow-down of wrong invite codes: after maxBadCodes failures within
// badCodeWindow a person's attempts are refused for badCodePenalty.
const (
	maxBadCodes    = 5
	badCodeWindow  = 15 * time.Minute
	badCodePenalty = 15 * time.Minute
)

// attemptLimiter slows down a person who keeps trying wrong invite codes.
// Codes carry 128 random bits, so this is about noise and mistakes (a link
// copied with a character missing), not about guessing. It is in memory:
// a restart forgives everyone, which is fine.
type attemptLimiter struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	penalty time.Duration
	fails   map[cchcbot.UserID][]time.Time
	until   map[cchcbot.UserID]time.Time
}

func newAttemptLimiter(max int, window, penalty time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, penalty: penalty,
		fails: map[cchcbot.UserID][]time.Time{}, until: map[cchcbot.UserID]time.Time{}}
}

// Blocked reports whether u must wait, and until when.
func (l *attemptLimiter) Blocked(u cchcbot.UserID, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.until[u]
	if !ok {
		return false, time.Time{}
	}
	if !now.Before(until) {
		delete(l.until, u)
		return false, time.Time{}
	}
	return true, until
}

// Fail records a failed attempt at now. It reports whether this failure
// started a penalty, and its end.
func (l *attemptLimiter) Fail(u cchcbot.UserID, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	var recent []time.Time
	for _, t := range l.fails[u] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	recent = append(recent, now)
	if len(recent) < l.max {
		l.fails[u] = recent
		return false, time.Time{}
	}
	delete(l.fails, u)
	l.until[u] = now.Add(l.penalty)
	return true, l.until[u]
}

// Reset forgets u's failures after a good code.
func (l *attemptLimiter) Reset(u cchcbot.UserID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, u)
}

// prune drops stale entries once the maps grow, so strangers trying codes
// over months cannot grow them without bound.
func (l *attemptLimiter) prune(now time.Time) {
	if len(l.fails)+len(l.until) < 1024 {
		return
	}
	for u, ts := range l.fails {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
			delete(l.fails, u)
		}
	}
	for u, t := range l.until {
		if !now.Before(t) {
			delete(l.until, u)
		}
	}
}
