package telegramtest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// faults are the failures a test switches on while the bot runs. They have
// their own lock so that switching them never waits for a long poll or a
// big inspection.
type faults struct {
	mu      sync.Mutex
	chats   map[int64]*apiError      // per chat: blocked, deactivated...
	next    map[string]*methodFault  // per method: the next n calls fail
	latency map[string]time.Duration // per method, "*" for all
}

// methodFault is how the next n calls of a method fail.
type methodFault struct {
	n          int
	status     int  // HTTP status to answer
	retryAfter int  // for 429
	reset      bool // drop the connection instead of answering
	hang       bool // never answer: hold the request until the client gives up
}

func newFaults() faults {
	return faults{chats: map[int64]*apiError{}, next: map[string]*methodFault{}, latency: map[string]time.Duration{}}
}

// chat returns the error sending to chatID must fail with, if any.
func (f *faults) chat(chatID int64) *apiError {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chats[chatID]
}

func (s *Server) setChatFault(chatID int64, e *apiError) {
	s.faults.mu.Lock()
	s.faults.chats[chatID] = e
	s.faults.mu.Unlock()
}

// Block makes sending to chatID (and editing there) fail with 403
// "Forbidden: bot was blocked by the user", as after the user blocked the
// bot.
func (s *Server) Block(chatID int64) {
	s.setChatFault(chatID, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"})
}

// Deactivate makes sending to chatID fail with 403 "Forbidden: user is
// deactivated", as for a deleted account.
func (s *Server) Deactivate(chatID int64) {
	s.setChatFault(chatID, &apiError{code: http.StatusForbidden, desc: "Forbidden: user is deactivated"})
}

// ChatNotFound makes sending to chatID fail with 400 "Bad Request: chat
// not found", as for an id the bot never talked to.
func (s *Server) ChatNotFound(chatID int64) {
	s.setChatFault(chatID, badRequest("chat not found"))
}

// Migrate makes sending to the group chatID fail with 400 and
// parameters.migrate_to_chat_id = newID, as after the group became a
// supergroup.
func (s *Server) Migrate(chatID, newID int64) {
	s.setChatFault(chatID, &apiError{code: http.StatusBadRequest,
		desc: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: newID})
}

// Unblock undoes Block, Deactivate, ChatNotFound and Migrate for chatID.
func (s *Server) Unblock(chatID int64) {
	s.faults.mu.Lock()
	delete(s.faults.chats, chatID)
	s.faults.mu.Unlock()
}

func (s *Server) setMethodFault(method string, f *methodFault) {
	method = canonicalMethod(method)
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if f.n <= 0 {
		delete(s.faults.next, method)
		return
	}
	s.faults.next[method] = f
}

// FailNext makes the next n calls of method fail with HTTP status: 502,
// 503 and 504 with an HTML page as a reverse proxy sends (the client sees
// a JSON syntax error), any other status with Telegram's JSON error, e.g.
// {"ok":false,"error_code":500,"description":"Internal Server Error"}.
// Each method has one pending fault: FailNext, RetryAfterNext,
// ResetConnection and HangNext replace it, and n = 0 clears it. File downloads are the
// method "download".
func (s *Server) FailNext(method string, n, status int) {
	s.setMethodFault(method, &methodFault{n: n, status: status})
}

// RetryAfterNext makes the next n calls of method answer 429 "Too Many
// Requests: retry after <seconds>" with parameters.retry_after, as
// Telegram's flood control does.
func (s *Server) RetryAfterNext(method string, n, seconds int) {
	s.setMethodFault(method, &methodFault{n: n, status: http.StatusTooManyRequests, retryAfter: seconds})
}

// ResetConnection makes the next n calls of method lose their connection
// before any answer, as a network failure does: the client gets an EOF or
// a reset, and cannot tell whether Telegram acted.
func (s *Server) ResetConnection(method string, n int) {
	s.setMethodFault(method, &methodFault{n: n, reset: true})
}

// HangNext makes the next n calls of method get no answer at all, as over
// a half-open connection: the server holds each request until the client
// gives up (its timeout or context) or the server closes. Unlike SetLatency
// the call is never served late, so only a client timeout ends it.
func (s *Server) HangNext(method string, n int) {
	s.setMethodFault(method, &methodFault{n: n, hang: true})
}

// SetLatency delays every call of method by d before it is handled ("*"
// for every method without its own latency; 0 removes it). A delayed call
// ends early if the client gives up.
func (s *Server) SetLatency(method string, d time.Duration) {
	if method != "*" {
		method = canonicalMethod(method)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if d <= 0 {
		delete(s.faults.latency, method)
		return
	}
	s.faults.latency[method] = d
}

// ClearFaults removes every fault: chat faults, pending method faults and
// latencies. Rate limits stay as set.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.chats)
	clear(s.faults.next)
	clear(s.faults.latency)
}

// injectFault applies method's latency and pending fault; it reports
// whether it answered the request (or dropped it) itself.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, method string) bool {
	s.faults.mu.Lock()
	lat, ok := s.faults.latency[method]
	if !ok {
		lat = s.faults.latency["*"]
	}
	var fail methodFault
	if f := s.faults.next[method]; f != nil {
		fail = *f
		if f.n--; f.n <= 0 {
			delete(s.faults.next, method)
		}
	}
	s.faults.mu.Unlock()
	if lat > 0 && !s.sleep(r, lat) {
		return true // the client gave up or the server is closing
	}
	switch {
	case fail.hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		abort(w)
	case fail.reset:
		abort(w)
	case fail.status == 0:
		return false
	case fail.status == http.StatusTooManyRequests:
		s.tooMany.Add(1)
		writeError(w, tooManyRequests(fail.retryAfter))
	case fail.status == http.StatusBadGateway, fail.status == http.StatusServiceUnavailable, fail.status == http.StatusGatewayTimeout:
		text := http.StatusText(fail.status)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fail.status)
		w.Write([]byte("<html>\r\n<head><title>" + strconv.Itoa(fail.status) + " " + text + "</title></head>\r\n<body>\r\n<center><h1>" +
			strconv.Itoa(fail.status) + " " + text + "</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"))
	default:
		writeError(w, &apiError{code: fail.status, desc: http.StatusText(fail.status)})
	}
	return true
}
