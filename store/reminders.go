package store

import (
	"bytes"
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

func reminderKey(periodID, unitCode, step string, member cchcbot.UserID) []byte {
	return joinKey(periodID, unitCode, step, string(member))
}

// BeginReminder records r as "sending" unless a record with its identity
// exists, and reports whether the caller should send it. The record is
// committed before the send, so after a crash the message is either known
// sent, or left "sending": the single message in doubt.
func (db *DB) BeginReminder(ctx context.Context, r cchcbot.Reminder) (bool, error) {
	begin := false
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		k := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)
		if b.Get(k) != nil {
			return nil
		}
		r.State, r.UpdatedAt = cchcbot.ReminderSending, db.stamp(r.UpdatedAt)
		begin = true
		return put(b, k, r)
	})
	return begin, err
}

// FinishReminder records the outcome of a send; an acknowledgement already
// recorded is kept.
func (db *DB) FinishReminder(ctx context.Context, r cchcbot.Reminder) error {
	return db.MarkReminders(ctx, []cchcbot.Reminder{r})
}

// MarkReminders writes many reminder records in one transaction: each
// commit costs two fsyncs, so a bulk "skipped" after downtime is one commit.
func (db *DB) MarkReminders(ctx context.Context, rs []cchcbot.Reminder) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		for _, r := range rs {
			k := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)
			var old cchcbot.Reminder
			if _, err := get(b, k, &old); err != nil {
				return err
			}
			if r.AckedAt.IsZero() {
				r.AckedAt = old.AckedAt
			}
			r.UpdatedAt = db.stamp(r.UpdatedAt)
			if err := put(b, k, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reminders returns the log of a period.
func (db *DB) Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error) {
	return db.reminders(ctx, joinKey(periodID, ""))
}

// RemindersFor returns the log of one unit for a period.
func (db *DB) RemindersFor(ctx context.Context, periodID, unitCode string) ([]cchcbot.Reminder, error) {
	return db.reminders(ctx, joinKey(periodID, unitCode, ""))
}

func (db *DB) reminders(ctx context.Context, prefix []byte) ([]cchcbot.Reminder, error) {
	var out []cchcbot.Reminder
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var r cchcbot.Reminder
			if _, err := get(b, k, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// PendingReminders returns the records a crash left "sending".
func (db *DB) PendingReminders(ctx context.Context) ([]cchcbot.Reminder, error) {
	all, err := db.reminders(ctx, nil)
	var out []cchcbot.Reminder
	for _, r := range all {
		if r.State == cchcbot.ReminderSending {
			out = append(out, r)
		}
	}
	return out, err
}

// AckReminder records that the member pressed "Đã nhận"; a second press
// keeps the first time.
func (db *DB) AckReminder(ctx context.Context, periodID, unitCode, step string, member cchcbot.UserID, now time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReminders)
		k := reminderKey(periodID, unitCode, step, member)
		var r cchcbot.Reminder
		if found, err := get(b, k, &r); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy lời nhắc này.")
		}
		if r.Acked() {
			return nil
		}
		r.AckedAt = db.stamp(now)
		return put(b, k, r)
	})
}
