package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// prefixQuotaRefused starts the state keys that record a network's quota
// keeping a period's reminders from a unit: period \0 unit \0 network →
// the time. They live in the state bucket: a few per period at most.
const prefixQuotaRefused = "quota-refused/"

// MarkQuotaRefused records that network (Zalo) refused, for its quota, a
// reminder of the period to the unit, so that /status, the digest and the
// exports can say the unit was not reached there.
func (db *DB) MarkQuotaRefused(ctx context.Context, periodID, unitCode, network string, now time.Time) error {
	if !validKeyPart(periodID) || !validKeyPart(unitCode) || !validKeyPart(network) {
		return fmt.Errorf("mark quota refused: invalid key %q %q %q", periodID, unitCode, network)
	}
	key := append([]byte(prefixQuotaRefused), joinKey(periodID, unitCode, network)...)
	return db.update(ctx, "mark quota refused", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketState)
		if b.Get(key) != nil {
			return errNoChange
		}
		return b.Put(key, []byte(db.stamp(now).UTC().Format(time.RFC3339)))
	})
}

// QuotaRefused returns, for a period, the networks whose quota kept a
// reminder from each unit, by unit code.
func (db *DB) QuotaRefused(ctx context.Context, periodID string) (map[string][]string, error) {
	out := map[string][]string{}
	prefix := append([]byte(prefixQuotaRefused), joinKey(periodID, "")...)
	err := db.view(ctx, "quota refused", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketState).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			unit, network, ok := bytes.Cut(k[len(prefix):], []byte{0})
			if !ok {
				continue
			}
			u := string(unit)
			if n := string(network); !slices.Contains(out[u], n) {
				out[u] = append(out[u], n)
			}
		}
		return nil
	})
	return out, err
}
