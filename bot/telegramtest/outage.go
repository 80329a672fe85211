package telegramtest

import "net/http"

// SetOutage cuts the bot off from Telegram, or restores it: while on,
// every request, to the API or for a file, has its connection closed
// before any answer, as when the office's line or Telegram itself is
// down. The bot sees a network error, never an HTTP status.
func (s *Server) SetOutage(on bool) { s.outage.Store(on) }

// Dropped returns how many requests an outage has dropped. Each drop is a
// change WaitFor sees.
func (s *Server) Dropped() int { return int(s.dropped.Load()) }

// dropIfOutage closes the request's connection without a word during an
// outage and reports whether it did.
func (s *Server) dropIfOutage(w http.ResponseWriter) bool {
	if !s.outage.Load() {
		return false
	}
	s.dropped.Add(1)
	s.mu.Lock()
	s.notifyLocked() // WaitFor conditions may count drops
	s.mu.Unlock()
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return true
		}
	}
	panic(http.ErrAbortHandler) // no hijacking: drop it the server's way
}
