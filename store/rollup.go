package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// bucketRolledUp records the periods whose reminder log was folded into
// its tally: period → RFC 3339 time the roll-up began. It is made by the
// first roll-up, so a store that never rolled up has none, and readers
// take a missing bucket for "nothing rolled up". No migration makes it:
// it holds nothing that could be derived from older data.
var bucketRolledUp = []byte("reminders_rolled_up")

// rollUpBatch is how many rows one roll-up transaction deletes: a
// province's period holds about 100,000, and one transaction of them all
// would hold their pages in memory and keep writers waiting. Tests lower
// it.
var rollUpBatch = 20_000

// afterRollUpBatch, when set (by tests), runs inside each roll-up
// transaction after its deletions, with the period and the batch's
// number from 1; an error rolls that batch back and ends the roll-up, as
// a crash would.
var afterRollUpBatch func(periodID string, batch int) error

// RollUpReminders folds the reminder log of a period into the tally kept
// beside it (ReminderCounts): the per-message rows are deleted and the
// tally is left exactly as it is, being from then on the only record of
// how many reminders each unit was sent and acknowledged. The store does
// not know the calendar: the caller names a period that is closed and old
// enough (the scheduler's RunRollUp).
//
// The period is first recorded rolled up (RolledUp), in the transaction
// of the first batch, and from then on no row of it is written again:
// QueueReminders and MarkReminders skip its records, a delivery's outcome
// is not recorded, AckReminder is ENOTFOUND. Its rows are then deleted in
// transactions of a bounded size, so memory and a transaction stay small;
// a crash part-way leaves the period recorded with some rows left, which
// the next call deletes (the tally is right either way). It returns how
// many rows this call deleted; a period already done costs one read and
// no commit.
func (db *DB) RollUpReminders(ctx context.Context, periodID string, now time.Time) (int, error) {
	if !validKeyPart(periodID) {
		return 0, fmt.Errorf("roll up reminders: invalid period %q", periodID)
	}
	now = db.stamp(now)
	prefix := joinKey(periodID, "")
	rows := 0
	for batch := 1; ; batch++ {
		n := 0
		err := db.update(ctx, "roll up reminders of "+periodID, func(tx *bolt.Tx) error {
			n = 0
			marked := false
			done, err := tx.CreateBucketIfNotExists(bucketRolledUp)
			if err != nil {
				return err
			}
			if done.Get([]byte(periodID)) == nil {
				if err := done.Put([]byte(periodID), []byte(now.UTC().Format(time.RFC3339))); err != nil {
					return err
				}
				marked = true
			}
			// Collected, then deleted: a delete under a cursor moves it.
			b := tx.Bucket(bucketReminders)
			var keys [][]byte
			c := b.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(keys) < rollUpBatch; k, _ = c.Next() {
				keys = append(keys, clone(k))
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(keys)
			if afterRollUpBatch != nil {
				if err := afterRollUpBatch(periodID, batch); err != nil {
					return err
				}
			}
			if n == 0 && !marked {
				return errNoChange
			}
			return nil
		})
		if err != nil {
			return rows, err
		}
		rows += n
		if n < rollUpBatch {
			return rows, nil
		}
	}
}

// RolledUp returns the periods whose reminder log was folded into its
// tally, with when the roll-up began: for them, no rows in Reminders
// means "folded", not "no reminders sent", and ReminderCounts is the
// record.
func (db *DB) RolledUp(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := db.view(ctx, "rolled up periods", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRolledUp)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			t, err := time.Parse(time.RFC3339, string(v))
			if err != nil {
				return fmt.Errorf("rolled up %q: %w", k, err)
			}
			out[string(k)] = t
			return nil
		})
	})
	return out, err
}

// ReminderPeriods returns the periods that have rows in the reminder log,
// in key order: what a roll-up may still fold. It seeks past each
// period's rows instead of reading them, so it costs a few page reads per
// period however long the log.
func (db *DB) ReminderPeriods(ctx context.Context) ([]string, error) {
	var out []string
	err := db.view(ctx, "reminder periods", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketReminders).Cursor()
		for k, _ := c.First(); k != nil; {
			i := bytes.IndexByte(k, 0)
			if i <= 0 {
				return fmt.Errorf("reminder key %q has no period", k)
			}
			out = append(out, string(k[:i]))
			// Past every key "period \0 ...": \x01 sorts right after \0,
			// and before any longer period id that starts with this one.
			k, _ = c.Seek(append(clone(k[:i]), 1))
		}
		return nil
	})
	return out, err
}

// ReminderCountFor returns how many reminder messages of a period one
// unit was sent and acknowledged: its tally, which outlives the rows of a
// rolled-up period.
func (db *DB) ReminderCountFor(ctx context.Context, periodID, unitCode string) (cchcbot.ReminderCount, error) {
	var c cchcbot.ReminderCount
	err := db.view(ctx, "reminder count", func(tx *bolt.Tx) error {
		c = decodeCount(tx.Bucket(bucketRemCounts).Get(joinKey(periodID, unitCode)))
		return nil
	})
	return c, err
}

// rolledUp reports whether the period is recorded rolled up in tx.
func rolledUp(tx *bolt.Tx, periodID string) bool {
	b := tx.Bucket(bucketRolledUp)
	return b != nil && b.Get([]byte(periodID)) != nil
}

// errRolledUp is AckReminder's answer for a period folded into its tally.
func errRolledUp() error {
	return cchcbot.Errorf(cchcbot.ENOTFOUND, "Kỳ báo cáo của lời nhắc này đã kết thúc từ lâu; sổ theo dõi nhắc việc của kỳ đã được tổng hợp nên không ghi nhận thêm xác nhận. Xin cảm ơn đồng chí.")
}
