package store

import (
	"context"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// Queue writes msgs to the outbox in one commit and returns once they are
// durable. Each gets its ID from the outbox's sequence, so IDs only grow
// and a sender can page on with the last one it read, and CreatedAt (now)
// if it has none. A message without a recipient or a kind is refused, and
// then none is queued.
func (db *DB) Queue(ctx context.Context, msgs ...*cchcbot.Outgoing) error {
	if len(msgs) == 0 {
		return nil
	}
	for _, m := range msgs {
		if err := validOutgoing(m); err != nil {
			return err
		}
	}
	var done []queued
	err := db.batch(ctx, "queue", func(tx *bolt.Tx) (err error) {
		done, err = db.enqueue(tx, db.now(), msgs) // done is rebuilt if the batch runs it again
		return err
	})
	if err != nil {
		return err
	}
	settle(done)
	return nil
}

// Queued returns a channel closed by the next commit that puts messages in
// the outbox (by Queue, or with the change that caused them). A sender
// takes it before reading what is pending, then waits on it: a commit in
// between closes it, so nothing goes unnoticed, and every sender (one per
// network) hears of every commit.
func (db *DB) Queued() <-chan struct{} {
	db.queuedMu.Lock()
	defer db.queuedMu.Unlock()
	return db.queued
}

// queued is a message written in a transaction not yet committed: the
// caller's copy gets the stored one (its ID) only once the commit holds.
type queued struct {
	dst *cchcbot.Outgoing
	rec cchcbot.Outgoing
}

// settle gives callers their messages as stored, after the commit.
func settle(qs []queued) {
	for _, q := range qs {
		*q.dst = q.rec
	}
}

// enqueue writes msgs to the outbox in tx, every one stamped with the
// transaction's now, and arranges for Queued to be signalled when tx
// commits. An invalid message fails the whole transaction: a change and
// the messages it causes are recorded together or not at all.
func (db *DB) enqueue(tx *bolt.Tx, now time.Time, msgs []*cchcbot.Outgoing) ([]queued, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	b := appendOnly(tx, bucketOutbox)
	out := make([]queued, 0, len(msgs))
	for _, m := range msgs {
		if err := validOutgoing(m); err != nil {
			return nil, err
		}
		rec := *m
		id, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		rec.ID = id
		if rec.CreatedAt.IsZero() {
			rec.CreatedAt = now
		}
		if err := put(b, be64(id), rec); err != nil {
			return nil, err
		}
		out = append(out, queued{dst: m, rec: rec})
	}
	tx.OnCommit(db.signalQueued)
	return out, nil
}

func (db *DB) signalQueued() {
	db.queuedMu.Lock()
	defer db.queuedMu.Unlock()
	close(db.queued)
	db.queued = make(chan struct{})
}

// validOutgoing refuses a message no sender could deliver. Messages are
// made by code, not typed by people: a bad one is a fault of ours.
func validOutgoing(m *cchcbot.Outgoing) error {
	switch {
	case m == nil:
		return fmt.Errorf("queue message: nil message")
	case m.To == "":
		return fmt.Errorf("queue %s message: no recipient", m.Kind)
	case m.Kind == "":
		return fmt.Errorf("queue message to %s: no kind", m.To)
	}
	return nil
}

// PendingOutgoing returns up to limit queued messages (all if limit <= 0)
// with an ID above afterID, in ID order: the order they were queued in.
func (db *DB) PendingOutgoing(ctx context.Context, afterID uint64, limit int) ([]cchcbot.Outgoing, error) {
	if afterID == math.MaxUint64 {
		return nil, nil // nothing can follow, and afterID+1 would wrap to the start
	}
	var out []cchcbot.Outgoing
	err := db.view(ctx, "pending outgoing", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(be64(afterID + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var m cchcbot.Outgoing
			if err := decode(k, v, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// OutboxLen returns how many messages are waiting in the outbox.
func (db *DB) OutboxLen(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, "outbox length", func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	return n, err
}

// FinishOutgoing takes the messages of ds out of the outbox, in one
// commit. A message that delivers a reminder has its outcome written to
// the reminder log in that same commit: delivered is sent (with SentAt and
// the message's id), refused is failed (with the reason), expired is
// expired; an acknowledgement already recorded is kept. So the log never
// says "sending" of a message that is not in the outbox. An ID no longer
// queued is ignored, so finishing twice is harmless.
func (db *DB) FinishOutgoing(ctx context.Context, ds []cchcbot.Delivery) error {
	for _, d := range ds {
		if _, err := reminderOutcome(d.State); err != nil {
			return fmt.Errorf("finish outgoing %d: %w", d.ID, err)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	now := db.now()
	return db.update(ctx, "finish outgoing", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		changed := false
		for _, d := range ds {
			k := be64(d.ID)
			var m cchcbot.Outgoing
			if found, err := get(b, k, &m); err != nil {
				return err
			} else if !found {
				continue
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			changed = true
			if m.Reminder == nil {
				continue
			}
			if err := recordOutcome(tx, *m.Reminder, d, now); err != nil {
				return fmt.Errorf("message %d: %w", d.ID, err)
			}
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
}

// reminderOutcome is the log state of a reminder whose message left the
// outbox in state s.
func reminderOutcome(s cchcbot.DeliveryState) (cchcbot.ReminderState, error) {
	switch s {
	case cchcbot.Delivered:
		return cchcbot.ReminderSent, nil
	case cchcbot.Refused:
		return cchcbot.ReminderFailed, nil
	case cchcbot.Expired:
		return cchcbot.ReminderExpired, nil
	}
	return "", fmt.Errorf("unknown delivery state %q", s)
}

// recordOutcome writes a delivery's outcome to the reminder record its
// message delivered, and moves the record's share of the tally. A record
// that is gone, or whose period was rolled up, has nothing to record.
func recordOutcome(tx *bolt.Tx, key cchcbot.ReminderKey, d cchcbot.Delivery, now time.Time) error {
	if rolledUp(tx, key.PeriodID) { // its tally is the record now
		return nil
	}
	b := tx.Bucket(bucketReminders)
	k := reminderKey(key.PeriodID, key.UnitCode, key.Step, key.Member)
	var r cchcbot.Reminder
	if found, err := get(b, k, &r); err != nil || !found {
		return err
	}
	old := r
	r.State, _ = reminderOutcome(d.State)
	r.UpdatedAt = d.At
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = now
	}
	switch d.State {
	case cchcbot.Delivered:
		r.SentAt, r.MessageID, r.Error = r.UpdatedAt, d.MessageID, ""
	case cchcbot.Refused:
		r.Error = d.Error
	}
	if err := put(b, k, r); err != nil {
		return err
	}
	return recount(tx, old, r)
}
