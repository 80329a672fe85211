package store

import (
	"context"
	"math"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// Audit appends an entry to the audit log; e.Seq is assigned and e.At
// defaults to now.
func (db *DB) Audit(ctx context.Context, e cchcbot.AuditEntry) error {
	e.At = db.stamp(e.At)
	return db.update(ctx, "audit", func(tx *bolt.Tx) error { return appendAudit(tx, e) })
}

// appendAudit writes e in tx, so that an entry commits with the change it
// records or not at all.
func appendAudit(tx *bolt.Tx, e cchcbot.AuditEntry) error {
	b := appendOnly(tx, bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	return put(b, be64(seq), e)
}

// AuditEntries returns up to limit entries (all if limit <= 0) with a
// sequence number above afterSeq, oldest first: pass the last Seq seen to
// page on.
func (db *DB) AuditEntries(ctx context.Context, afterSeq uint64, limit int) ([]cchcbot.AuditEntry, error) {
	if afterSeq == math.MaxUint64 {
		return nil, nil // nothing can follow, and afterSeq+1 would wrap to the start
	}
	var out []cchcbot.AuditEntry
	err := db.view(ctx, "audit entries", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(be64(afterSeq + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var e cchcbot.AuditEntry
			if err := decode(k, v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
