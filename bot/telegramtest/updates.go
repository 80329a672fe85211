package telegramtest

import (
	"encoding/json"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pendingUpdate is an unconfirmed update, encoded once when queued so that
// redeliveries cost no marshalling.
type pendingUpdate struct {
	id   int
	data json.RawMessage
}

// addUpdate queues an update filled in by fill (called with s.mu held and
// UpdateID already set) and returns its update_id.
func (s *Server) addUpdate(fill func(u *tgbotapi.Update)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := tgbotapi.Update{UpdateID: s.nextUpdate}
	s.nextUpdate++
	fill(&u)
	data, err := json.Marshal(u)
	if err != nil {
		panic("telegramtest: cannot encode update: " + err.Error())
	}
	s.updates = append(s.updates, pendingUpdate{id: u.UpdateID, data: data})
	s.notifyLocked()
	return u.UpdateID
}

// SetNextUpdateID makes id the next update_id. Telegram picks a new random
// start after a week without updates, so a poller that drops ids below its
// last one goes deaf; this lets a test provoke that.
func (s *Server) SetNextUpdateID(id int) {
	s.mu.Lock()
	s.nextUpdate = id
	s.mu.Unlock()
}

// Pending returns the ids of the updates the bot has not confirmed yet, in
// queue order.
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.updates))
	for i, u := range s.updates {
		ids[i] = u.id
	}
	return ids
}

// DeliveryCount returns how many times getUpdates returned the update:
// more than once means the bot polled again without confirming it.
func (s *Server) DeliveryCount(updateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered[updateID]
}

// confirmLocked applies getUpdates' offset: a positive offset confirms
// (forgets) every update with a lower id; a negative one keeps only the
// last -offset updates. s.mu must be held.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		kept := s.updates[:0]
		for _, u := range s.updates {
			if u.id >= offset {
				kept = append(kept, u)
			}
		}
		clear(s.updates[len(kept):]) // let forgotten updates be collected
		s.updates = kept
	case offset < 0 && -offset < len(s.updates):
		n := copy(s.updates, s.updates[len(s.updates)+offset:])
		clear(s.updates[n:])
		s.updates = s.updates[:n]
	}
}

// PollsInFlight returns how many getUpdates calls are being served now: a
// test waits for 1 (with WaitFor) to know the bot is long-polling before
// it acts.
func (s *Server) PollsInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls
}

const conflict = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

// getUpdates follows Telegram: the offset confirms what came before it;
// unconfirmed updates are returned again, at most limit (1-100, default
// 100) of them; with a timeout the call waits until an update arrives. A
// newer getUpdates ends one still waiting with 409 Conflict.
func (s *Server) getUpdates(c *call) (any, *apiError) {
	offset, ok1 := c.num("offset")
	limit, ok2 := c.num("limit")
	timeout, ok3 := c.num("timeout")
	if !ok1 || !ok2 || !ok3 {
		return nil, badRequest("wrong parameter type")
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout = max(timeout, 0)

	s.mu.Lock()
	s.pollGen++
	gen := s.pollGen
	s.polls++
	s.confirmLocked(offset)
	s.notifyLocked() // wakes an older poll so that it sees the conflict
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.polls--
		s.notifyLocked()
		s.mu.Unlock()
	}()

	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expired = t.C
	}
	for {
		s.mu.Lock()
		if s.pollGen != gen {
			s.mu.Unlock()
			return nil, &apiError{code: http.StatusConflict, desc: conflict}
		}
		if len(s.updates) > 0 || timeout == 0 {
			out := make([]json.RawMessage, 0, min(limit, len(s.updates)))
			for _, u := range s.updates[:min(limit, len(s.updates))] {
				out = append(out, u.data)
				s.delivered[u.id]++
			}
			s.mu.Unlock()
			return out, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-expired:
			return []json.RawMessage{}, nil
		case <-c.r.Context().Done():
			return nil, errNoResponse
		case <-s.done:
			return nil, errNoResponse
		}
	}
}
