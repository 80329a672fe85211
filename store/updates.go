package store

import (
	"context"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// defaultMaxUpdates bounds the set of remembered chat update ids. Telegram
// keeps an unconfirmed update 24 hours; far fewer than this arrive in that
// time.
const defaultMaxUpdates = 10000

// LastUpdateID returns the highest chat update id handled, 0 if none: where
// the bot resumes polling.
func (db *DB) LastUpdateID(ctx context.Context) (int64, error) {
	var id int64
	err := db.view(ctx, "last update id", func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyLastUpdate); len(v) == 8 {
			id = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return id, err
}

// UpdateHandled reports whether the update with this id was handled
// before. Only the stored set decides: after a week without updates
// Telegram may restart ids lower, so "lower than the last" proves nothing.
func (db *DB) UpdateHandled(ctx context.Context, id int64) (bool, error) {
	var seen bool
	err := db.view(ctx, "update handled", func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketUpdates).Get(be64(uint64(id))) != nil
		return nil
	})
	return seen, err
}

// MarkUpdateHandled remembers an update id and raises the last id to it if
// higher, in one transaction; the set keeps the most recently marked ids
// and forgets the oldest beyond its bound.
func (db *DB) MarkUpdateHandled(ctx context.Context, id int64) error {
	return db.MarkUpdatesHandled(ctx, []int64{id})
}

// MarkUpdatesHandled marks several update ids, in order, as
// MarkUpdateHandled does, in one transaction: one commit (two fsyncs) for
// all of them, which is what lets the poller keep up with a burst.
func (db *DB) MarkUpdatesHandled(ctx context.Context, ids []int64) error {
	return db.update(ctx, "mark update handled", func(tx *bolt.Tx) error {
		changed := false
		for _, id := range ids {
			c, err := db.markUpdate(tx, id)
			if err != nil {
				return err
			}
			changed = changed || c
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
}

// markUpdate marks one id in tx and reports whether it wrote anything.
func (db *DB) markUpdate(tx *bolt.Tx, id int64) (bool, error) {
	ups, order := tx.Bucket(bucketUpdates), tx.Bucket(bucketUpdateOrder)
	key := be64(uint64(id))
	if ups.Get(key) != nil {
		return false, nil
	}
	n, err := order.NextSequence()
	if err != nil {
		return false, err
	}
	if err := ups.Put(key, be64(n)); err != nil {
		return false, err
	}
	if err := order.Put(be64(n), key); err != nil {
		return false, err
	}
	if err := db.forgetOldUpdates(ups, order, n); err != nil {
		return false, err
	}
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(keyLastUpdate); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) >= id {
		return true, nil
	}
	return true, meta.Put(keyLastUpdate, key)
}

// forgetOldUpdates drops the ids marked before the last maxUpdates (by
// insertion number n). Usually that is exactly one; more after the bound
// was lowered.
func (db *DB) forgetOldUpdates(ups, order *bolt.Bucket, n uint64) error {
	if n <= uint64(db.maxUpdates) {
		return nil
	}
	keep := n - uint64(db.maxUpdates) + 1 // the oldest insertion number kept
	var drop [][2][]byte
	c := order.Cursor()
	for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) < keep; k, v = c.Next() {
		drop = append(drop, [2][]byte{clone(k), clone(v)})
	}
	for _, d := range drop { // after the walk: deleting under a cursor skips keys
		if err := order.Delete(d[0]); err != nil {
			return err
		}
		if err := ups.Delete(d[1]); err != nil {
			return err
		}
	}
	return nil
}
