package chat

import (
	"sync"
	"time"

	"cchcbot"
)

// attemptLimiter slows down a person who keeps trying wrong invite codes:
// after max failures within window, further attempts are refused until the
// window passes. Codes carry 128 random bits, so this is about noise and
// mistakes, not about guessing.
type attemptLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[cchcbot.UserID][]time.Time
}

func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, fails: map[cchcbot.UserID][]time.Time{}}
}

func (l *attemptLimiter) recent(u cchcbot.UserID, now time.Time) []time.Time {
	var keep []time.Time
	for _, t := range l.fails[u] {
		if now.Sub(t) < l.window {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		delete(l.fails, u)
	} else {
		l.fails[u] = keep
	}
	return keep
}

// Blocked reports whether u must wait, and until when.
func (l *attemptLimiter) Blocked(u cchcbot.UserID, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recent(u, now)
	if len(r) < l.max {
		return false, time.Time{}
	}
	return true, r[0].Add(l.window)
}

// Fail records a failed attempt.
func (l *attemptLimiter) Fail(u cchcbot.UserID, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[u] = append(l.recent(u, now), now)
}
