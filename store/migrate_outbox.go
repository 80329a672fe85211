package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// outboxInbox makes the store the bot's outbox and inbox. It adds the
// buckets of queued messages, accepted chat events and remembered event
// keys, and drops the bookkeeping they replace: the handled update ids
// (remembered instead as seen keys, "telegram:<id>", so that updates
// Telegram delivers again right after the upgrade are still recognised),
// the last update id, and the index of reminders in flight.
//
// A reminder left "sending" by the old code is one a crash interrupted,
// its fate unknown; no outbox message stands behind it, so it is deleted,
// as the old recovery forgot it, and the scheduler's next sweep sends the
// latest due step again.
func outboxInbox(tx *bolt.Tx, now time.Time) error {
	if err := createIfMissing(tx, bucketOutbox, bucketInbox, bucketSeen, bucketSeenOrder); err != nil {
		return err
	}
	if err := seedSeen(tx, now); err != nil {
		return err
	}
	if err := dropSending(tx); err != nil {
		return err
	}
	for _, name := range [][]byte{legacyUpdates, legacyUpdateOrder, legacySending} {
		if tx.Bucket(name) == nil {
			continue
		}
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("drop bucket %s: %w", name, err)
		}
	}
	return tx.Bucket(bucketMeta).Delete(legacyLastUpdate)
}

// seedSeen remembers the handled update ids as seen keys, oldest first,
// seen now.
func seedSeen(tx *bolt.Tx, now time.Time) error {
	old := tx.Bucket(legacyUpdateOrder)
	if old == nil {
		return nil
	}
	seen, order := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenOrder)
	at := be64(uint64(now.UnixNano()))
	return old.ForEach(func(_, id []byte) error {
		if len(id) != 8 {
			return nil
		}
		key := fmt.Appendf(nil, "telegram:%d", int64(binary.BigEndian.Uint64(id)))
		n, err := order.NextSequence()
		if err != nil {
			return err
		}
		if err := order.Put(be64(n), key); err != nil {
			return err
		}
		return seen.Put(key, append(be64(n), at...))
	})
}

// dropSending deletes the reminder records left "sending", taking back
// whatever share of the tally they had.
func dropSending(tx *bolt.Tx) error {
	b := tx.Bucket(bucketReminders)
	var drop []cchcbot.Reminder
	var keys [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		var r cchcbot.Reminder
		if err := decodeLegacy(k, v, &r); err != nil {
			return err
		}
		if r.State == cchcbot.ReminderSending {
			drop = append(drop, r)
			keys = append(keys, clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for i, r := range drop { // after the walk: deleting under a cursor skips keys
		if err := b.Delete(keys[i]); err != nil {
			return err
		}
		var d cchcbot.ReminderCount
		d.Add(r, -1)
		if err := addCount(tx, r.PeriodID, r.UnitCode, d); err != nil {
			return err
		}
	}
	return nil
}
