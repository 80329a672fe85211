package telegramtest

import (
	"math"
	"sync"
	"time"
)

// RateLimits are Telegram's flood limits as the server enforces them: a
// token bucket over all chats and one per chat. Telegram documents about
// 30 messages per second in bulk and 1 per second to one chat.
type RateLimits struct {
	PerSecond        float64 // messages per second over all chats; 0 for no limit
	Burst            int     // messages allowed at once over all chats; 0 for max(1, PerSecond/3)
	PerChatPerSecond float64 // messages per second to one chat; 0 for no limit
	PerChatBurst     int     // messages allowed at once to one chat; 0 for 1
}

// rateLimiter applies RateLimits to sendMessage and sendDocument. It costs
// O(1) per message: the fan-out benchmark sends tens of thousands.
type rateLimiter struct {
	mu      sync.Mutex
	on      bool
	cfg     RateLimits
	global  bucket
	chats   map[int64]bucket
	pruneAt int // map size that triggers dropping full buckets
	refused int
}

// bucket is a token bucket: tokens as of at, refilled continuously.
type bucket struct {
	tokens float64
	at     time.Time
}

// level returns the tokens available at now.
func (b bucket) level(now time.Time, perSecond float64, burst int) float64 {
	return math.Min(float64(burst), b.tokens+now.Sub(b.at).Seconds()*perSecond)
}

// EnforceRateLimits makes the server answer 429 with retry_after, as
// Telegram does, to messages beyond perSecond overall or perChatPerSecond
// to one chat, with the default bursts (see RateLimits). Refused messages
// are not recorded.
func (s *Server) EnforceRateLimits(perSecond, perChatPerSecond float64) {
	s.SetRateLimits(RateLimits{PerSecond: perSecond, PerChatPerSecond: perChatPerSecond})
}

// SetRateLimits enforces l from now on, with full buckets.
func (s *Server) SetRateLimits(l RateLimits) {
	if l.Burst <= 0 {
		l.Burst = max(1, int(l.PerSecond/3))
	}
	if l.PerChatBurst <= 0 {
		l.PerChatBurst = 1
	}
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	s.limits.on, s.limits.cfg = true, l
	s.limits.global = bucket{tokens: float64(l.Burst), at: time.Now()}
	s.limits.chats = map[int64]bucket{}
	s.limits.pruneAt = 1 << 16
}

// DisableRateLimits stops enforcing rate limits (the default).
func (s *Server) DisableRateLimits() {
	s.limits.mu.Lock()
	s.limits.on, s.limits.chats = false, nil
	s.limits.mu.Unlock()
}

// RateLimited returns how many messages the enforced rate limits refused.
func (s *Server) RateLimited() int {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	return s.limits.refused
}

// TooManyRequests returns how many 429 answers the server gave: those of
// the enforced rate limits and those injected by RetryAfterNext.
func (s *Server) TooManyRequests() int { return int(s.tooMany.Load()) }

// allow takes a token from chatID's bucket and the global one, or takes
// none and returns the whole seconds (at least 1) until both have one.
func (l *rateLimiter) allow(chatID int64, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.on {
		return 0
	}
	cfg := l.cfg
	var wait float64 // seconds
	chat, known := l.chats[chatID]
	if !known {
		chat = bucket{tokens: float64(cfg.PerChatBurst), at: now}
	}
	chatTokens := chat.level(now, cfg.PerChatPerSecond, cfg.PerChatBurst)
	if cfg.PerChatPerSecond > 0 && chatTokens < 1 {
		wait = (1 - chatTokens) / cfg.PerChatPerSecond
	}
	globalTokens := l.global.level(now, cfg.PerSecond, cfg.Burst)
	if cfg.PerSecond > 0 && globalTokens < 1 {
		wait = max(wait, (1-globalTokens)/cfg.PerSecond)
	}
	if wait > 0 {
		l.refused++
		return max(1, int(math.Ceil(wait)))
	}
	if cfg.PerChatPerSecond > 0 {
		if !known && len(l.chats) >= l.pruneAt {
			l.pruneLocked(now)
		}
		l.chats[chatID] = bucket{tokens: chatTokens - 1, at: now}
	}
	if cfg.PerSecond > 0 {
		l.global = bucket{tokens: globalTokens - 1, at: now}
	}
	return 0
}

// pruneLocked forgets chats whose bucket has refilled: a new full bucket
// is the same. Doubling the threshold keeps this amortised O(1).
func (l *rateLimiter) pruneLocked(now time.Time) {
	for id, b := range l.chats {
		if b.level(now, l.cfg.PerChatPerSecond, l.cfg.PerChatBurst) >= float64(l.cfg.PerChatBurst) {
			delete(l.chats, id)
		}
	}
	l.pruneAt = max(1<<16, 2*len(l.chats))
}
