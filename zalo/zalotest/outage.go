package zalotest

import "net/http"

// SetOutage cuts the bot off from Zalo, or restores it. While on, every
// request to the server (API, OAuth, file downloads) has its connection
// closed before any answer, and no webhook post reaches the bot: its
// attempts fail without a status and are retried as usual, so an event
// whose tries all fall in the outage is lost, as on a real cut line.
func (s *Server) SetOutage(on bool) {
	s.outage.Store(on)
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
}

// Dropped returns how many API requests an outage has dropped. Each drop
// is a change WaitFor sees.
func (s *Server) Dropped() int { return int(s.dropped.Load()) }

// dropIfOutage closes the request's connection without a word during an
// outage and reports whether it did.
func (s *Server) dropIfOutage(w http.ResponseWriter) bool {
	if !s.outage.Load() {
		return false
	}
	s.dropped.Add(1)
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	dropConn(w)
	return true
}
