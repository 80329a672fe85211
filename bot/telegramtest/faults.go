package telegramtest

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

type failure struct {
	n, status, retryAfter int
}

type faults struct {
	mu      sync.Mutex
	tooMany int
	blocks  map[int64]string
	next    map[string]*failure
	latency map[string]time.Duration
}

func newFaults() faults {
	return faults{blocks: map[int64]string{}, next: map[string]*failure{}, latency: map[string]time.Duration{}}
}

func (f *faults) blocked(chatID int64) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.blocks[chatID]
	return d, ok
}

// Block makes every message to chatID fail with 403, as when the user
// blocked the bot.
func (s *Server) Block(chatID int64) { s.setBlock(chatID, "Forbidden: bot was blocked by the user") }

// Deactivate makes every message to chatID fail as for a deleted account.
func (s *Server) Deactivate(chatID int64) { s.setBlock(chatID, "Forbidden: user is deactivated") }

// Unblock lets messages to chatID through again.
func (s *Server) Unblock(chatID int64) {
	s.faults.mu.Lock()
	delete(s.faults.blocks, chatID)
	s.faults.mu.Unlock()
}

func (s *Server) setBlock(chatID int64, desc string) {
	s.faults.mu.Lock()
	s.faults.blocks[chatID] = desc
	s.faults.mu.Unlock()
}

// FailNext makes the next n calls of method fail with status: 500 as JSON,
// 502 as a proxy's HTML page.
func (s *Server) FailNext(method string, n, status int) {
	s.faults.mu.Lock()
	s.faults.next[method] = &failure{n: n, status: status}
	s.faults.mu.Unlock()
}

// RetryAfterNext makes the next n calls of method answer 429 with
// retry_after seconds.
func (s *Server) RetryAfterNext(method string, n, seconds int) {
	s.faults.mu.Lock()
	s.faults.next[method] = &failure{n: n, status: http.StatusTooManyRequests, retryAfter: seconds}
	s.faults.mu.Unlock()
}

// SetLatency delays every call of method by d.
func (s *Server) SetLatency(method string, d time.Duration) {
	s.faults.mu.Lock()
	s.faults.latency[method] = d
	s.faults.mu.Unlock()
}

// injectFault answers a call with a configured failure; it reports whether
// it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, method string) bool {
	s.faults.mu.Lock()
	lat := s.faults.latency[method]
	f := s.faults.next[method]
	var fail failure
	if f != nil && f.n > 0 {
		f.n--
		fail = *f
	}
	s.faults.mu.Unlock()
	if lat > 0 {
		select {
		case <-time.After(lat):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case fail.status == 0:
		return false
	case fail.status == http.StatusTooManyRequests:
		s.faults.mu.Lock()
		s.faults.tooMany++
		s.faults.mu.Unlock()
		writeError(w, fail.status, "Too Many Requests: retry after "+strconv.Itoa(fail.retryAfter), fail.retryAfter)
	case fail.status == http.StatusBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fail.status)
		w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	default:
		writeError(w, fail.status, http.StatusText(fail.status), 0)
	}
	return true
}

// limits enforces Telegram's message limits when switched on.
type limits struct {
	mu       sync.Mutex
	global   *rate.Limiter
	perChat  map[int64]*rate.Limiter
	chatRate rate.Limit
	chatB    int
	tooMany  int
}

// EnforceRateLimits makes the server refuse, with 429 and retry_after, the
// messages beyond perSecond overall or perChatPerSecond to one chat, as
// Telegram does; bursts allow for network jitter. Refused messages are not
// recorded.
func (s *Server) EnforceRateLimits(perSecond, perChatPerSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = &limits{
		global:   rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/3))),
		perChat:  map[int64]*rate.Limiter{},
		chatRate: rate.Limit(perChatPerSecond),
		chatB:    2,
	}
}

// TooManyRequests returns how many 429s the server answered.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	l := s.limits
	s.mu.Unlock()
	s.faults.mu.Lock()
	injected := s.faults.tooMany
	s.faults.mu.Unlock()
	if l == nil {
		return injected
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tooMany + injected
}

// rateLimit returns 0 when a message to chatID may go now, else the
// seconds to wait.
func (s *Server) rateLimit(chatID int64) int {
	s.mu.Lock()
	l := s.limits
	s.mu.Unlock()
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	c := l.perChat[chatID]
	if c == nil {
		c = rate.NewLimiter(l.chatRate, l.chatB)
		l.perChat[chatID] = c
	}
	if c.TokensAt(now) < 1 || l.global.TokensAt(now) < 1 {
		l.tooMany++
		wait := max(c.ReserveN(now, 0).DelayFrom(now), time.Second)
		return int((wait + time.Second - 1) / time.Second)
	}
	c.AllowN(now, 1)
	l.global.AllowN(now, 1)
	return 0
}
