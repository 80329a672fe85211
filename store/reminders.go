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

// BeginReminder records r as "sending" unless a record with its identity
// (period, unit, step, member) exists, and reports whether the caller
// should send it. The record is committed before the send, so after a
// crash a message is either known sent or left "sending" (PendingReminders):
// at most one message per identity is ever in doubt.
func (db *DB) BeginReminder(ctx context.Context, r cchcbot.Reminder) (bool, error) {
	k, err := identity(r)
	if err != nil {
		return false, err
	}
	r.State, r.UpdatedAt = cchcbot.ReminderSending, db.stamp(r.UpdatedAt)
	begun := false
	err = db.update(ctx, "begin reminder", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		if b.Get(k) != nil {
			return errNoChange
		}
		if err := put(b, k, r); err != nil {
			return err
		}
		begun = true
		return tx.Bucket(bucketSending).Put(k, []byte{})
	})
	return begun && err == nil, err
}

// FinishReminder records the outcome of a send begun by BeginReminder: the
// state, SentAt, Error, MessageID and UpdatedAt (now if zero) are
// overwritten; an acknowledgement already recorded is kept.
func (db *DB) FinishReminder(ctx context.Context, r cchcbot.Reminder) error {
	return db.MarkReminders(ctx, []cchcbot.Reminder{r})
}

// MarkReminders writes many reminder records in one transaction, as
// FinishReminder writes one. Each commit costs two fsyncs, so the steps
// the scheduler skips after downtime are recorded in one.
func (db *DB) MarkReminders(ctx context.Context, rs []cchcbot.Reminder) error {
	keys := make([][]byte, len(rs))
	for i, r := range rs {
		k, err := identity(r)
		if err != nil {
			return err
		}
		if r.State == "" {
			return fmt.Errorf("mark reminder %q: no state", k)
		}
		keys[i] = k
	}
	now := db.now()
	return db.update(ctx, "mark reminders", func(tx *bolt.Tx) error {
		b, sending := tx.Bucket(bucketReminders), tx.Bucket(bucketSending)
		for i, r := range rs {
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
			if rec.State == cchcbot.ReminderSending {
				err = sending.Put(keys[i], []byte{})
			} else {
				err = sending.Delete(keys[i])
			}
			if err != nil {
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
	err := db.view(ctx, "reminders", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketReminders).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r cchcbot.Reminder
			if err := decode(k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// PendingReminders returns the records left "sending": the sends a crash
// interrupted, whose fate is unknown. It reads an index of those few, not
// the whole log.
func (db *DB) PendingReminders(ctx context.Context) ([]cchcbot.Reminder, error) {
	var out []cchcbot.Reminder
	err := db.view(ctx, "pending reminders", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		return tx.Bucket(bucketSending).ForEach(func(k, _ []byte) error {
			var r cchcbot.Reminder
			if found, err := get(b, k, &r); err != nil {
				return err
			} else if !found {
				return fmt.Errorf("in-flight index names %q, which is not in the log", k)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// AckReminder records that the member pressed "Đã nhận" on a reminder; a
// second press keeps the first time. An unknown reminder is ENOTFOUND.
func (db *DB) AckReminder(ctx context.Context, periodID, unitCode, step string, member cchcbot.UserID, now time.Time) error {
	now = db.stamp(now)
	k := reminderKey(periodID, unitCode, step, member)
	return db.update(ctx, "ack reminder", func(tx *bolt.Tx) error {
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
	if d == (cchcbot.ReminderCount{}) {
		return nil
	}
	b := tx.Bucket(bucketRemCounts)
	k := joinKey(now.PeriodID, now.UnitCode)
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
