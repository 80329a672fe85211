package outbox

import (
	"time"

	"cchcbot"
)

// finalTries bounds the attempts at the last commit, when Close has been
// called: a store that keeps failing must not hold the shutdown forever.
const finalTries = 3

// finishLoop commits outcomes in groups: whatever finished while the
// previous commit ran goes into the next one, so that a fan-out costs a
// few commits rather than two fsyncs per message. A failed commit keeps
// its outcomes and is tried again; their messages are never sent again.
func (s *Sender) finishLoop() {
	defer close(s.finisherDone)
	failures := 0
	for {
		batch := s.takeFinished()
		if len(batch) == 0 {
			select {
			case <-s.finishWake:
				continue
			case <-s.finishStop:
				s.finalCommit()
				return
			}
		}
		if err := s.commit(batch); err != nil {
			failures++
			d := s.opts.Backoff(failures)
			s.opts.Logger.Error("outbox: recording sent messages failed; retrying", "messages", len(batch), "err", err, "in", d)
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.finishStop:
				t.Stop()
				s.finalCommit()
				return
			}
			continue
		}
		failures = 0
	}
}

// finalCommit records the outcomes left once every send has returned.
// What it cannot record stays in the store, and the next start sends
// those messages again: that is the only way one is sent twice.
func (s *Sender) finalCommit() {
	for failures := 0; ; {
		batch := s.takeFinished()
		if len(batch) == 0 {
			return
		}
		err := s.commit(batch)
		if err == nil {
			continue
		}
		if failures++; failures == finalTries {
			s.opts.Logger.Error("outbox: could not record sent messages at shutdown; they will be sent again at the next start",
				"messages", len(batch), "err", err)
			return
		}
		time.Sleep(s.opts.Backoff(failures))
	}
}

// takeFinished moves the outcomes waiting for a commit to the commit
// about to run.
func (s *Sender) takeFinished() []cchcbot.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := s.finished
	s.finished = nil
	s.committing = len(batch)
	return batch
}

// commit records batch; on failure the outcomes go back to wait for the
// next commit, ahead of those that came meanwhile.
func (s *Sender) commit(batch []cchcbot.Delivery) error {
	err := s.st.FinishOutgoing(s.bg, batch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.committing = 0
	if err != nil {
		s.finished = append(batch, s.finished...)
		return err
	}
	for _, d := range batch {
		delete(s.pending, d.ID)
	}
	s.broadcast()
	return nil
}
