package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// This file is for tests and benchmarks only: it makes and reads stores
// as the releases before migration 0009 wrote them. Nothing in the
// product calls it.

// BinaryBuckets names the buckets whose records are binary since
// migration 0009: members, submissions, reminders.
var BinaryBuckets = []string{string(bucketMembers), string(bucketSubmissions), string(bucketReminders)}

// DowngradeRecords rewrites the store file at path as the release before
// migration 0009 left it, for tests and benchmarks only: every member,
// submission and reminder as json.Marshal of the record (what that
// release's put wrote), the schema version before 0009, and no trace of 0009 (its name
// and progress). It writes in batches, so a province's store needs no
// more memory than a batch. The store must not be open.
func DowngradeRecords(path string) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: DefaultLockTimeout})
	if err != nil {
		return fmt.Errorf("downgrade %s: %w", path, err)
	}
	defer b.Close()
	for _, name := range binaryBuckets {
		for after := []byte(nil); ; {
			var next []byte
			err := b.Update(func(tx *bolt.Tx) error {
				bk := tx.Bucket(name)
				type record struct{ k, v []byte }
				var batch []record
				c := bk.Cursor()
				k, v := c.First()
				if after != nil {
					if k, v = c.Seek(after); bytes.Equal(k, after) {
						k, v = c.Next()
					}
				}
				for ; k != nil && len(batch) < defaultMigrateBatch; k, v = c.Next() {
					rec, err := newRecord(name)
					if err != nil {
						return err
					}
					if err := decodeLegacy(k, v, rec); err != nil {
						return err
					}
					data, err := json.Marshal(rec)
					if err != nil {
						return fmt.Errorf("encode %q: %w", k, err)
					}
					batch = append(batch, record{clone(k), data})
				}
				if k != nil {
					next = clone(batch[len(batch)-1].k)
				}
				for _, r := range batch {
					if err := bk.Put(r.k, r.v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("downgrade %s: %w", path, err)
			}
			if next == nil {
				break
			}
			after = next
		}
	}
	err = b.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete([]byte(prefixMigration + recordsMigration)); err != nil {
			return err
		}
		if err := meta.Delete(keyCompactProgress); err != nil {
			return err
		}
		return meta.Put(keySchemaVersion, []byte(strconv.Itoa(compactIndex())))
	})
	if err != nil {
		return fmt.Errorf("downgrade %s: %w", path, err)
	}
	return nil
}

// ReadRecords calls fn with every member, submission and reminder of the
// store file at path, decoded from either format (JSON or binary), in
// bucket then key order: rec is a *cchcbot.Member, *cchcbot.Submission or
// *cchcbot.Reminder, and key is valid only during the call. For tests and
// benchmarks only; the store must not be open for writing.
func ReadRecords(path string, fn func(bucket string, key []byte, rec any) error) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: DefaultLockTimeout})
	if err != nil {
		return fmt.Errorf("read records of %s: %w", path, err)
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		for _, name := range binaryBuckets {
			bk := tx.Bucket(name)
			if bk == nil {
				continue
			}
			if err := bk.ForEach(func(k, v []byte) error {
				rec, err := newRecord(name)
				if err != nil {
					return err
				}
				if err := decodeLegacy(k, v, rec); err != nil {
					return err
				}
				return fn(string(name), k, rec)
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// compactIndex returns how many migrations come before convertRecords.
func compactIndex() int {
	for i, m := range migrations {
		if m.name == recordsMigration {
			return i
		}
	}
	panic("no migration " + recordsMigration)
}
