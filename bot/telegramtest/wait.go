package telegramtest

import (
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by the wait helpers once the server is closed:
// nothing can change any more.
var ErrClosed = errors.New("telegramtest: server closed")

// WaitFor waits until cond holds or timeout passes. cond is evaluated now
// and after every change the server records (an update queued, a message
// sent or edited, a callback answered, a poll started...), never by
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
			return fmt.Errorf("telegramtest: condition not met within %s", timeout)
		case <-s.done:
			if cond(s) {
				return nil
			}
			return ErrClosed
		}
	}
}

// WaitMessages waits until the bot has sent at least n messages to chatID
// and returns all of them (also on timeout, with the error).
func (s *Server) WaitMessages(chatID int64, n int, timeout time.Duration) ([]Message, error) {
	err := s.WaitFor(func(s *Server) bool { return s.MessageCount(chatID) >= n }, timeout)
	if err != nil {
		err = fmt.Errorf("telegramtest: chat %d got %d of %d messages: %w", chatID, s.MessageCount(chatID), n, err)
	}
	return s.Messages(chatID), err
}

// NextMessage returns the first message to chatID that NextMessage has not
// returned yet, waiting for it up to timeout. It suits conversations: send
// a command, take the reply, press a button, take the next reply. Edits do
// not count as new messages; the message is returned as it is now.
func (s *Server) NextMessage(chatID int64, timeout time.Duration) (Message, error) {
	var m Message
	err := s.WaitFor(func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.chats[chatID]
		if c == nil || c.cursor >= len(c.sent) {
			return false
		}
		m = s.messages[c.sent[c.cursor]]
		c.cursor++
		return true
	}, timeout)
	if err != nil {
		return Message{}, fmt.Errorf("telegramtest: no new message to chat %d: %w", chatID, err)
	}
	return m, nil
}
