package zalotest

import (
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by the wait helpers once the server is closed and
// the condition does not hold: nothing can change any more.
var ErrClosed = errors.New("zalotest: server closed")

// WaitFor waits until cond holds or timeout passes. cond is evaluated now
// and after every change the server records (a request, a message sent, a
// token rotated, a webhook post answered, a download...), never by
// sleeping, so tests neither waste time nor depend on timing. cond may
// call the Server's methods; it must not block.
func (s *Server) WaitFor(cond func(*Server) bool, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		// Take the channel before evaluating cond: a change in between
		// closes it, so no change goes unnoticed.
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("zalotest: condition not met within %s", timeout)
		case <-s.done:
			s.workers.Wait() // deliveries end with Close: let them record
			if cond(s) {
				return nil
			}
			return ErrClosed
		}
	}
}

// WaitMessages waits until the bot has sent at least n messages to the
// user and returns all of them (also on timeout, with the error).
func (s *Server) WaitMessages(userID string, n int, timeout time.Duration) ([]Message, error) {
	err := s.WaitFor(func(s *Server) bool { return s.MessageCount(userID) >= n }, timeout)
	if err != nil {
		err = fmt.Errorf("zalotest: user %s got %d of %d messages: %w", userID, s.MessageCount(userID), n, err)
	}
	return s.Messages(userID), err
}

// NextMessage returns the first message to the user that NextMessage has
// not returned yet, waiting for it up to timeout. It suits conversations:
// send a text, take the reply, press a button, take the next reply.
func (s *Server) NextMessage(userID string, timeout time.Duration) (Message, error) {
	var m Message
	err := s.WaitFor(func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		u := s.users[userID]
		if u == nil || u.cursor >= len(u.sent) {
			return false
		}
		m = s.messages[u.sent[u.cursor]]
		u.cursor++
		return true
	}, timeout)
	if err != nil {
		return Message{}, fmt.Errorf("zalotest: no new message to user %s: %w", userID, err)
	}
	return m, nil
}

// WaitEvent waits until the event id is done (delivered, or given up
// after its last try) and returns it; the error says only that it did not
// finish in time.
func (s *Server) WaitEvent(id string, timeout time.Duration) (Event, error) {
	err := s.WaitFor(func(s *Server) bool {
		ev, ok := s.Event(id)
		return ok && ev.Done
	}, timeout)
	ev, _ := s.Event(id)
	if err != nil {
		return ev, fmt.Errorf("zalotest: event %s not done: %w", id, err)
	}
	return ev, nil
}

// WaitIdle waits until every event made so far is done.
func (s *Server) WaitIdle(timeout time.Duration) error {
	err := s.WaitFor(func(s *Server) bool { return s.PendingEvents() == 0 }, timeout)
	if err != nil {
		return fmt.Errorf("zalotest: %d webhook events still pending: %w", s.PendingEvents(), err)
	}
	return nil
}
