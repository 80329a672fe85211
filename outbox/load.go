package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"cchcbot"
)

// loadPage bounds one read of the store, so that no read transaction stays
// open long while a backlog of thousands loads.
const loadPage = 500

// loadLoop loads what the store holds at the start, then what each commit
// queues, until the Sender stops. A failed read is retried with backoff.
func (s *Sender) loadLoop() {
	defer close(s.loaded)
	failures := 0
	for {
		queued := s.st.Queued()
		err := s.load(s.ctx)
		if s.ctx.Err() != nil {
			return
		}
		wait := queued
		if err != nil {
			failures++
			d := s.opts.Backoff(failures)
			s.opts.Logger.Error("outbox: reading the messages to send; retrying", "err", err, "in", d)
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		failures = 0
		select {
		case <-wait:
		case <-s.ctx.Done():
			return
		}
	}
}

// load queues every message in the store after the highest ID loaded so
// far. A commit's IDs are above every earlier commit's, so nothing is
// missed and nothing is loaded twice.
func (s *Sender) load(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	for {
		s.mu.Lock()
		after := s.lastID
		s.mu.Unlock()
		rows, err := s.st.PendingOutgoing(ctx, after, loadPage)
		if err != nil {
			return fmt.Errorf("outbox: pending messages: %w", err)
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrStopped
		}
		for i := range rows {
			if o := &rows[i]; o.ID > s.lastID {
				s.lastID = o.ID
				if s.opts.Network != "" && o.To.Channel() != s.opts.Network {
					continue // another network's Sender delivers it
				}
				s.pending[o.ID] = o
				j := s.durableJob(o)
				s.queues[j.prio] = append(s.queues[j.prio], j)
			}
		}
		s.mu.Unlock()
		s.poke()
		if len(rows) < loadPage {
			return nil
		}
	}
}

// durableJob makes the job that sends a row of the store. It is sent with
// the Sender's ctx, which Close cancels.
func (s *Sender) durableJob(o *cchcbot.Outgoing) *job {
	j := &job{out: o, ctx: s.ctx, to: o.To, prio: normalize(o.Priority)}
	switch {
	case o.EditID != "":
		ref := cchcbot.MessageRef{To: o.To, ID: o.EditID}
		m := cchcbot.OutMessage{To: o.To, Text: o.Text, Buttons: o.Buttons, Priority: o.Priority}
		j.method = "editMessageText"
		j.do = func(ctx context.Context) (cchcbot.MessageRef, error) {
			err := s.next.Edit(ctx, ref, o.Text, o.Buttons)
			if refusedForGood(err) {
				// The message is gone or too old to edit: the person
				// gets the new text as a new message instead.
				s.opts.Logger.Info("outbox: edit refused; sending the text anew", "to", string(o.To), "err", err)
				return s.next.Send(ctx, m)
			}
			return ref, err
		}
	case o.Document != nil:
		f := *o.Document
		d := cchcbot.OutDocument{To: o.To, ChannelFileID: f.ChannelFileID, Name: f.Name, Size: f.Size, Caption: o.Text, Priority: o.Priority}
		if f.SHA256 != "" {
			d.Open = func() (io.ReadCloser, error) { return s.st.OpenFile(f.SHA256) }
		}
		j.method = "sendDocument"
		j.do = func(ctx context.Context) (cchcbot.MessageRef, error) {
			ref, err := s.next.SendDocument(ctx, d)
			if d.ChannelFileID != "" && d.Open != nil && refusedForGood(err) {
				// The network forgot its id for the file: upload it
				// from the file store.
				s.opts.Logger.Info("outbox: resending a file by its id failed; uploading it", "to", string(o.To), "err", err)
				up := d
				up.ChannelFileID = ""
				return s.next.SendDocument(ctx, up)
			}
			return ref, err
		}
	default:
		m := cchcbot.OutMessage{To: o.To, Text: o.Text, Buttons: o.Buttons, Priority: o.Priority}
		j.method = "sendMessage"
		j.do = func(ctx context.Context) (cchcbot.MessageRef, error) { return s.next.Send(ctx, m) }
	}
	return j
}

// refusedForGood reports whether err is a refusal that retrying the same
// request cannot change and that is not about the recipient: a 400 such as
// "message can't be edited" or "wrong file identifier".
func refusedForGood(err error) bool {
	var ra *cchcbot.RetryAfterError
	var temp *cchcbot.TemporaryError
	var quota *cchcbot.QuotaError
	return err != nil && !errors.As(err, &ra) && !errors.As(err, &temp) && !errors.As(err, &quota) && !isContextError(err) &&
		cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE
}
