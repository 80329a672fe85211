package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// SaveDraft stores the user's draft, replacing any older one.
func (db *DB) SaveDraft(ctx context.Context, d cchcbot.Draft) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		d.UpdatedAt = db.stamp(d.UpdatedAt)
		return put(tx.Bucket(bucketDrafts), []byte(d.User), d)
	})
}

// Draft returns the user's draft, ENOTFOUND if none.
func (db *DB) Draft(ctx context.Context, user cchcbot.UserID) (cchcbot.Draft, error) {
	var d cchcbot.Draft
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketDrafts), []byte(user), &d)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có hồ sơ đang soạn.")
		}
		return err
	})
	return d, err
}

// DeleteDraft drops the user's draft.
func (db *DB) DeleteDraft(ctx context.Context, user cchcbot.UserID) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketDrafts).Delete([]byte(user)) })
}

// Audit appends an entry to the audit log.
func (db *DB) Audit(ctx context.Context, e cchcbot.AuditEntry) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		e.At = db.stamp(e.At)
		return appendAudit(tx, e)
	})
}

func appendAudit(tx *bolt.Tx, e cchcbot.AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	return put(b, be64(seq), e)
}

// AuditEntries returns up to limit entries after afterSeq.
func (db *DB) AuditEntries(ctx context.Context, afterSeq uint64, limit int) ([]cchcbot.AuditEntry, error) {
	var out []cchcbot.AuditEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		c := b.Cursor()
		for k, _ := c.Seek(be64(afterSeq + 1)); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
			var e cchcbot.AuditEntry
			if _, err := get(b, k, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// maxHandledUpdates bounds the set of remembered update ids. Telegram keeps
// unconfirmed updates 24 hours; far fewer than this arrive in that time.
const maxHandledUpdates = 10000

// LastUpdateID returns the highest chat update id handled.
func (db *DB) LastUpdateID(ctx context.Context) (int64, error) {
	var id int64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyLastUpdate); v != nil {
			id = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return id, err
}

// UpdateHandled reports whether the update with this id was handled. Only
// the stored set decides: Telegram may restart ids lower after a week
// without updates, so "lower than the last" proves nothing.
func (db *DB) UpdateHandled(ctx context.Context, id int64) (bool, error) {
	var seen bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketUpdates).Get(be64(uint64(id))) != nil
		return nil
	})
	return seen, err
}

// MarkUpdateHandled remembers an update id and advances the last id, in
// one transaction, forgetting the oldest ids beyond the bound.
func (db *DB) MarkUpdateHandled(ctx context.Context, id int64) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		ups, order := tx.Bucket(bucketUpdates), tx.Bucket(bucketUpdateOrder)
		if ups.Get(be64(uint64(id))) != nil {
			return nil
		}
		seq, err := order.NextSequence()
		if err != nil {
			return err
		}
		if err := ups.Put(be64(uint64(id)), be64(seq)); err != nil {
			return err
		}
		if err := order.Put(be64(seq), be64(uint64(id))); err != nil {
			return err
		}
		if seq > maxHandledUpdates {
			old := be64(seq - maxHandledUpdates)
			if v := order.Get(old); v != nil {
				if err := ups.Delete(append([]byte(nil), v...)); err != nil {
					return err
				}
				if err := order.Delete(old); err != nil {
					return err
				}
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyLastUpdate); v == nil || int64(binary.BigEndian.Uint64(v)) < id {
			return meta.Put(keyLastUpdate, be64(uint64(id)))
		}
		return nil
	})
}

// Secret returns a random secret kept under name, made on first use (the
// key that signs button data).
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var out []byte
	err := db.update(ctx, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		k := []byte(prefixSecret + name)
		if v := meta.Get(k); v != nil {
			out = append([]byte(nil), v...)
			return nil
		}
		out = make([]byte, size)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		return meta.Put(k, out)
	})
	return out, err
}

// GetState returns the value stored under key, nil if none.
func (db *DB) GetState(ctx context.Context, key string) ([]byte, error) {
	var out []byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketState).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// PutState stores a small value under key.
func (db *DB) PutState(ctx context.Context, key string, val []byte) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketState).Put([]byte(key), val) })
}
