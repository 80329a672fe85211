package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// QueueReminders records each rs[i] as "sending" and queues msgs[i], the
// message that delivers it, in one commit; msgs[i].Reminder is set to the
// record's identity, so that FinishOutgoing records the outcome when the
// message leaves the outbox. A record whose identity (period, unit, step,
// member) is already in the log is skipped with its message: each
// identity is sent at most once. So is a record of a period rolled up
// (RollUpReminders), whose rows are never written again. It returns how
// many were queued; the skipped messages keep ID 0.
func (db *DB) QueueReminders(ctx context.Context, rs []cchcbot.Reminder, msgs []*cchcbot.Outgoing) (int, error) {
	if len(rs) != len(msgs) {
		return 0, fmt.Errorf("queue reminders: %d records but %d messages", len(rs), len(msgs))
	}
	keys := make([][]byte, len(rs))
	for i, r := range rs {
		k, err := identity(r)
		if err != nil {
			return 0, err
		}
		if err := validOutgoing(msgs[i]); err != nil {
			return 0, err
		}
		keys[i] = k
	}
	now := db.now()
	var done []queued
	err := db.update(ctx, "queue reminders", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		var out, dsts []*cchcbot.Outgoing
		for i, r := range rs {
			if b.Get(keys[i]) != nil { // also a duplicate earlier in rs
				continue
			}
			if rolledUp(tx, r.PeriodID) { // its tally is the record now
				continue
			}
			r.State = cchcbot.ReminderSending
			if r.UpdatedAt.IsZero() {
				r.UpdatedAt = now
			}
			if err := put(b, keys[i], r); err != nil {
				return err
			}
			if err := recount(tx, cchcbot.Reminder{}, r); err != nil {
				return err
			}
			m := *msgs[i]
			key := r.Key()
			m.Reminder = &key
			out, dsts = append(out, &m), append(dsts, msgs[i])
		}
		if len(out) == 0 {
			return errNoChange
		}
		var err error
		if done, err = db.enqueue(tx, now, out); err != nil {
			return err
		}
		for i := range done { // the caller's messages get what was stored
			done[i].dst = dsts[i]
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	settle(done)
	return len(done), nil
}

// MarkReminders writes many reminder records in one transaction: a new
// record as given, an existing one with its State, SentAt, Error,
// MessageID, UpdatedAt (now if zero) and PlannedAt (if given) overwritten
// and its acknowledgement kept. Each commit costs two fsyncs, so the steps
// the scheduler skips after downtime are recorded in one. A record cannot
// be marked "sending": only QueueReminders, which queues its message in
// the same commit, may say that. A record of a period rolled up
// (RollUpReminders) is skipped: its rows are never written again.
func (db *DB) MarkReminders(ctx context.Context, rs []cchcbot.Reminder) error {
	keys := make([][]byte, len(rs))
	for i, r := range rs {
		k, err := identity(r)
		if err != nil {
			return err
		}
		switch r.State {
		case "":
			return fmt.Errorf("mark reminder %q: no state", k)
		case cchcbot.ReminderSending:
			return fmt.Errorf("mark reminder %q: sending without a message; use QueueReminders", k)
		}
		keys[i] = k
	}
	now := db.now()
	return db.update(ctx, "mark reminders", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		for i, r := range rs {
			if rolledUp(tx, r.PeriodID) { // its tally is the record now
				continue
			}
			var rec cchcbot.Reminder
			found, err := get(b, keys[i], &rec)
			if err != nil {
				return err
			}
			old := rec
			if !found {
				rec, old = r, cchcbot.Reminder{}
			}
			rec.State, rec.SentAt, rec.Error, rec.MessageID = r.State, r.SentAt, r.Error, r.MessageID
			if !r.PlannedAt.IsZero() {
				rec.PlannedAt = r.PlannedAt
			}
			rec.UpdatedAt = r.UpdatedAt
			if rec.UpdatedAt.IsZero() {
				rec.UpdatedAt = now
			}
			if err := put(b, keys[i], rec); err != nil {
				return err
			}
			if err := recount(tx, old, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// identity returns a reminder's key, refusing a reminder without one.
func identity(r cchcbot.Reminder) ([]byte, error) {
	if !validKeyPart(r.PeriodID) || !validKeyPart(r.UnitCode) || !validKeyPart(r.Step) || !validKeyPart(string(r.Member)) {
		return nil, fmt.Errorf("reminder (%q, %q, %q, %q): incomplete identity", r.PeriodID, r.UnitCode, r.Step, r.Member)
	}
	return reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member), nil
}

// Reminders returns the log of a period, by unit, step and member.
func (db *DB) Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error) {
	return db.reminders(ctx, joinKey(periodID, ""))
}

// RemindersFor returns the log of one unit for a period.
func (db *DB) RemindersFor(ctx context.Context, periodID, unitCode string) ([]cchcbot.Reminder, error) {
	return db.reminders(ctx, joinKey(periodID, unitCode, ""))
}

func (db *DB) reminders(ctx context.Context, prefix []byte) ([]cchcbot.Reminder, error) {
	var out []cchcbot.Reminder
	err := db.view(ctx, "reminders", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Reminder](tx.Bucket(bucketReminders), prefix)
		return err
	})
	return out, err
}

// AckReminder records that the member pressed "Đã nhận" on a reminder; a
// second press keeps the first time. An unknown reminder is ENOTFOUND, and
// so is one of a period rolled up (RollUpReminders).
func (db *DB) AckReminder(ctx context.Context, periodID, unitCode, step string, member cchcbot.UserID, now time.Time) error {
	now = db.stamp(now)
	k := reminderKey(periodID, unitCode, step, member)
	return db.update(ctx, "ack reminder", func(tx *bolt.Tx) error {
		if rolledUp(tx, periodID) {
			return errRolledUp()
		}
		b := tx.Bucket(bucketReminders)
		var r cchcbot.Reminder
		if found, err := get(b, k, &r); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy lời nhắc này trong sổ theo dõi. Xin dùng nút trên lời nhắc mới nhất.")
		}
		if r.Acked() {
			return errNoChange
		}
		old := r
		r.AckedAt = now
		if err := put(b, k, r); err != nil {
			return err
		}
		return recount(tx, old, r)
	})
}

// recount moves a record's contribution to its unit's tally from old to
// now, in the transaction that rewrites it.
func recount(tx *bolt.Tx, old, now cchcbot.Reminder) error {
	var d cchcbot.ReminderCount
	d.Add(old, -1)
	d.Add(now, 1)
	return addCount(tx, now.PeriodID, now.UnitCode, d)
}

// addCount adds d to the tally of (period, unit).
func addCount(tx *bolt.Tx, periodID, unitCode string, d cchcbot.ReminderCount) error {
	if d == (cchcbot.ReminderCount{}) {
		return nil
	}
	b := tx.Bucket(bucketRemCounts)
	k := joinKey(periodID, unitCode)
	c := decodeCount(b.Get(k))
	c.Sent, c.Acked = c.Sent+d.Sent, c.Acked+d.Acked
	return b.Put(k, encodeCount(c))
}

func encodeCount(c cchcbot.ReminderCount) []byte {
	return append(be32(uint32(c.Sent)), be32(uint32(c.Acked))...)
}

func decodeCount(v []byte) cchcbot.ReminderCount {
	if len(v) != 8 {
		return cchcbot.ReminderCount{}
	}
	return cchcbot.ReminderCount{Sent: int(binary.BigEndian.Uint32(v)), Acked: int(binary.BigEndian.Uint32(v[4:]))}
}

// ReminderCounts returns, by unit, how many reminder messages of a period
// were sent and acknowledged: the tally kept beside the log, one small
// record per unit, so a status page never reads the log itself.
func (db *DB) ReminderCounts(ctx context.Context, periodID string) (map[string]cchcbot.ReminderCount, error) {
	out := map[string]cchcbot.ReminderCount{}
	prefix := joinKey(periodID, "")
	err := db.view(ctx, "reminder counts", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRemCounts).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out[string(k[len(prefix):])] = decodeCount(v)
		}
		return nil
	})
	return out, err
}
