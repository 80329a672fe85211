package zalotest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// faults are the failures a test switches on while the bot runs. They have
// their own lock so that switching them never waits behind requests.
type faults struct {
	mu      sync.Mutex
	next    map[string]*pathFault    // per path: the next n calls fail
	latency map[string]time.Duration // per path, "*" for all
	code    codeFault                // the next n sends are refused with a code
}

// pathFault is how the next n calls of a path fail.
type pathFault struct {
	n          int
	status     int  // HTTP status a proxy answers with
	hang       bool // never answer
	dropAnswer bool // act, then lose the answer
}

type codeFault struct{ code, n int }

func newFaults() faults {
	return faults{next: map[string]*pathFault{}, latency: map[string]time.Duration{}}
}

// codeTake takes one pending refusal and returns its code, or 0.
func (f *faults) codeTake() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.code.n <= 0 {
		return 0
	}
	f.code.n--
	return f.code.code
}

// ErrorNext makes the next n /message/cs calls to a follower, that would
// otherwise succeed, fail with Zalo's error code, e.g.
// {"error":-32,"message":"Request limit of the application or OA per
// minute exceeded"} for CodeRateLimit, or CodeNoInteraction,
// CodeUserInactive, CodeQuota; nothing is sent. It shares one pending
// fault with QuotaNext: each replaces the other, and n = 0 clears it.
func (s *Server) ErrorNext(code, n int) {
	s.faults.mu.Lock()
	s.faults.code = codeFault{code, n}
	s.faults.mu.Unlock()
}

// QuotaNext makes the next n /message/cs calls that would otherwise
// succeed fail with a quota code: the OA API's CodeQuota (-211, also when
// code is 0) or CodeUserQuota (-218), or one of the Social API's
// 12000-series the project's issue reports (QuotaDaily...), e.g.
// {"error":12002,"message":"Daily quota exceeded"}; nothing is sent.
// n = 0 clears it. It is ErrorNext with a quota's default.
func (s *Server) QuotaNext(code, n int) {
	if code == 0 {
		code = CodeQuota
	}
	s.ErrorNext(code, n)
}

func (s *Server) setPathFault(path string, f *pathFault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if f.n <= 0 {
		delete(s.faults.next, path)
		return
	}
	s.faults.next[path] = f
}

// FailNext makes the next n calls of path (PathMessage, PathUpload,
// PathAccessToken, PathFiles) fail with HTTP status and an nginx HTML
// page, as a proxy in front of Zalo answers when Zalo is sick; Zalo itself
// never answers 5xx. The call does not reach Zalo: nothing is sent or
// rotated. Each path has one pending fault: FailNext, Hang and
// DropAnswerNext replace it, and n = 0 clears it.
func (s *Server) FailNext(path string, n, status int) {
	s.setPathFault(path, &pathFault{n: n, status: status})
}

// Hang makes the next n calls of path get no answer at all, as over a
// half-open connection: the server holds each request until the client
// gives up (its timeout or context) or the server closes, then drops it.
// Unlike SetLatency, the call is never served late.
func (s *Server) Hang(path string, n int) {
	s.setPathFault(path, &pathFault{n: n, hang: true})
}

// DropAnswerNext makes the next n calls of path take effect (the message
// is sent, the refresh token rotated) and then lose their connection
// before the answer, so the client cannot tell that they worked: a resent
// message is a duplicate, and a refresh retried with the old refresh token
// fails with -14014.
func (s *Server) DropAnswerNext(path string, n int) {
	s.setPathFault(path, &pathFault{n: n, dropAnswer: true})
}

// SetLatency delays every call of path by d before it is handled ("*" for
// every path without its own latency; 0 removes it). A delayed call ends
// early if the client gives up.
func (s *Server) SetLatency(path string, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if d <= 0 {
		delete(s.faults.latency, path)
		return
	}
	s.faults.latency[path] = d
}

// ClearFaults removes every fault: pending path and error faults,
// latencies, per-user errors, webhook tampering and file faults. Who
// follows the OA stays as it is.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	clear(s.faults.next)
	clear(s.faults.latency)
	s.faults.code = codeFault{}
	s.faults.mu.Unlock()
	s.mu.Lock()
	for _, u := range s.users {
		u.code = 0
	}
	s.tamper = tamperFault{}
	for _, f := range s.served {
		f.fault = FileOK
	}
	s.mu.Unlock()
}

// injectFault applies path's latency and pending fault. handled reports
// that it answered (or dropped) the request itself; dropAnswer that the
// request must be served and its answer lost.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, path string) (handled, dropAnswer bool) {
	s.faults.mu.Lock()
	lat, ok := s.faults.latency[path]
	if !ok {
		lat = s.faults.latency["*"]
	}
	var fail pathFault
	if f := s.faults.next[path]; f != nil {
		fail = *f
		if f.n--; f.n <= 0 {
			delete(s.faults.next, path)
		}
	}
	s.faults.mu.Unlock()
	if lat > 0 && !s.sleep(r.Context(), lat) {
		dropConn(w) // the client gave up or the server is closing
		return true, false
	}
	switch {
	case fail.hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		dropConn(w)
	case fail.dropAnswer:
		return false, true
	case fail.status != 0:
		writeProxyError(w, fail.status)
	default:
		return false, false
	}
	return true, false
}

// writeProxyError answers as nginx does in front of a sick upstream: an
// HTML page the client cannot decode as JSON.
func writeProxyError(w http.ResponseWriter, status int) {
	code := strconv.Itoa(status) + " " + http.StatusText(status)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	w.Write([]byte("<html>\r\n<head><title>" + code + "</title></head>\r\n<body>\r\n<center><h1>" +
		code + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
}

// discardWriter swallows an answer that DropAnswerNext loses.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// dropConn closes the request's connection without a word; the client
// sees a network error, never an HTTP status.
func dropConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // no hijacking: drop it the server's way
}
