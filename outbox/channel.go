package outbox

import (
	"context"
	"io"

	"cchcbot"
)

// Send sends a message directly, not through the store, and waits until it
// is delivered, has failed for good, or ctx ends. A temporary failure is
// retried up to Options.MaxRetries times.
func (s *Sender) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	return s.submit(ctx, "sendMessage", m.To, m.Priority, func(c context.Context) (cchcbot.MessageRef, error) {
		return s.next.Send(c, m)
	})
}

// Edit counts against the chat's pace like a message. Edits answer a
// button press, so they are interactive.
func (s *Sender) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	_, err := s.submit(ctx, "editMessageText", ref.To, cchcbot.PriorityInteractive, func(c context.Context) (cchcbot.MessageRef, error) {
		return ref, s.next.Edit(c, ref, text, buttons)
	})
	return err
}

// SendDocument sends a document directly, like Send: the chat uses it for
// workbooks exported to a temporary file, which the store does not keep.
func (s *Sender) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return s.submit(ctx, "sendDocument", d.To, d.Priority, func(c context.Context) (cchcbot.MessageRef, error) {
		return s.next.SendDocument(c, d)
	})
}

// AnswerCallback is not a message: it goes straight through.
func (s *Sender) AnswerCallback(ctx context.Context, id, text string) error {
	return s.next.AnswerCallback(ctx, id, text)
}

// FetchFile is a download, not a message: it goes straight through.
func (s *Sender) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	return s.next.FetchFile(ctx, f)
}

func (s *Sender) submit(ctx context.Context, method string, to cchcbot.UserID, prio cchcbot.Priority, do func(context.Context) (cchcbot.MessageRef, error)) (cchcbot.MessageRef, error) {
	// The send ends when its caller gives up or the Sender closes,
	// whichever comes first: Close must not wait on a caller's patience.
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	j := &job{ctx: jctx, to: to, prio: normalize(prio), method: method, do: do, done: make(chan result, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return cchcbot.MessageRef{}, ErrStopped
	}
	s.queues[j.prio] = append(s.queues[j.prio], j)
	s.mu.Unlock()
	s.poke()
	select {
	case r := <-j.done:
		return r.ref, r.err
	case <-ctx.Done():
		// The dispatcher drops the job when it next looks at it; one in
		// flight finishes on its own, with the cancelled ctx.
		return cchcbot.MessageRef{}, ctx.Err()
	}
}

// normalize maps any priority but interactive to bulk, the two queues.
func normalize(p cchcbot.Priority) cchcbot.Priority {
	if p != cchcbot.PriorityInteractive {
		return cchcbot.PriorityBulk
	}
	return p
}
