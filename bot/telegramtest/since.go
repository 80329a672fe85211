package telegramtest

import "slices"

// MessagesSince returns the messages the bot sent after the first n, in
// order, as they are now. A harness that follows a long run reads only
// what is new at each change, instead of copying every message each time
// (AllMessages), which grows quadratic over thousands of messages.
func (s *Server) MessagesSince(n int) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n >= len(s.messages) {
		return nil
	}
	return slices.Clone(s.messages[max(n, 0):])
}
