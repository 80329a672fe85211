package chat

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"cchcbot"
)

// Per-person limits on what reaches the conversation. A unit head sends a
// report a month, so these only bite a script, a stuck client or a person
// holding a key down; they protect the file downloads and the store.
//
// Uploads, counted per file since downloads are the cost: 30 files an hour
// after a burst of 15, one full submission (maxDraftFiles) and a few files
// sent again. Everything else (commands, text, button presses): 20 a
// minute after a burst of 20; a submission with a mistake or two is about
// ten actions, and nobody types twenty commands a minute for long.
//
// Phòng Nội vụ's staff are exempt: they are few, named in the config or
// invited by one another, and their work is bursty by nature (paging
// /status, reviewing fifty reports in a row, /xem of each). Strangers are
// limited like members, keyed by their account.
var (
	commandLimit = limit{Every: time.Minute / 20, Burst: 20}
	uploadLimit  = limit{Every: time.Hour / 30, Burst: maxDraftFiles + 5}
)

// limit is a token bucket: one token every Every, at most Burst saved.
type limit struct {
	Every time.Duration
	Burst int
}

// full is how long an idle bucket takes to fill: after that a fresh one is
// the same, so the old one can be forgotten.
func (l limit) full() time.Duration { return l.Every * time.Duration(l.Burst) }

// userLimiter holds one bucket per person and kind of action. It is in
// memory: a restart forgives everyone, which is fine.
type userLimiter struct {
	lim limit

	mu        sync.Mutex
	users     map[cchcbot.UserID]*userBucket
	lastPrune time.Time
}

type userBucket struct {
	lim      *rate.Limiter
	lastSeen time.Time
	// told is set once the person has been told to slow down, and cleared
	// by their next allowed action: a flood earns one reply, not one per
	// message.
	told bool
}

func newUserLimiter(l limit) *userLimiter {
	return &userLimiter{lim: l, users: map[cchcbot.UserID]*userBucket{}}
}

// Allow takes n tokens for u at now. When it refuses, wait is how long
// until n tokens are there, and tell whether this is the first refusal
// since the last allowed action (the one to answer).
func (l *userLimiter) Allow(u cchcbot.UserID, n int, now time.Time) (ok bool, wait time.Duration, tell bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	n = max(1, min(n, l.lim.Burst)) // more than the burst could never pass
	b := l.users[u]
	if b == nil {
		b = &userBucket{lim: rate.NewLimiter(rate.Every(l.lim.Every), l.lim.Burst)}
		l.users[u] = b
	}
	b.lastSeen = now
	if b.lim.AllowN(now, n) {
		b.told = false
		return true, 0, false
	}
	missing := float64(n) - b.lim.TokensAt(now)
	wait = time.Duration(math.Ceil(missing * float64(l.lim.Every)))
	tell = !b.told
	b.told = true
	return false, wait, tell
}

// prune forgets, at most once a minute, the buckets idle long enough to
// be full again.
func (l *userLimiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	for u, b := range l.users {
		if now.Sub(b.lastSeen) >= l.lim.full() {
			delete(l.users, u)
		}
	}
}

// size is how many people the limiter remembers.
func (l *userLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users)
}

// waitMinutes rounds a wait up to whole minutes, at least one, for people.
func waitMinutes(d time.Duration) int {
	return max(1, int(math.Ceil(d.Minutes())))
}

// throttled reports whether in must be dropped for going too fast, and
// then answers it: a press always (its spinner must stop), a message only
// the first time, so a flood earns one reply. Nothing else happens to a
// dropped event: it is not handled later.
func (s *Service) throttled(ctx context.Context, w who, in cchcbot.Incoming) bool {
	if w.admin {
		return false
	}
	lim, n, what := s.commands, 1, "Các tin nhắn, lệnh gửi trong lúc này chưa được xử lý."
	if in.Callback == nil && len(in.Files) > 0 {
		lim, n, what = s.uploads, len(in.Files), "Các tệp gửi trong lúc này CHƯA được nhận, xin gửi lại sau."
	}
	ok, wait, tell := lim.Allow(in.User, n, s.opts.Clock.Now())
	if ok {
		return false
	}
	text := fmt.Sprintf("Anh/chị thao tác quá nhanh, xin thử lại sau %d phút. %s", waitMinutes(wait), what)
	if in.Callback != nil {
		if err := s.opts.Channel.AnswerCallback(ctx, in.Callback.ID, text); err != nil {
			s.opts.Logger.Warn("answering a button press failed", "user", string(in.User), "err", err)
		}
	}
	if tell {
		s.opts.Logger.Info("slowed down a person", "user", string(in.User), "uploads", len(in.Files) > 0 && in.Callback == nil)
		if err := s.reply(ctx, in.User, text); err != nil {
			s.opts.Logger.Warn("telling a person to slow down failed", "user", string(in.User), "err", err)
		}
	}
	return true
}
