package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// migration is one step of the schema. Each runs once, in its own
// transaction, and is recorded by name in that same transaction, so a
// half-done migration never sticks.
type migration struct {
	name string
	fn   func(tx *bolt.Tx) error
}

// migrations is the schema's history; append only. SchemaVersion is its
// length.
var migrations = []migration{
	{"0001-create-buckets", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketUnits, bucketMembers, bucketAdmins, bucketInvites,
			bucketSubmissions, bucketSubByPU, bucketReminders, bucketDrafts, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	// Version 2 added the per-unit submission index (for a unit's history
	// without scanning every submission), update-id bookkeeping, keyed
	// state, and the units' config order.
	{"0002-unit-index-updates-order", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSubByUnit, bucketUpdates, bucketUpdateOrder, bucketState} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		subs, idx := tx.Bucket(bucketSubmissions), tx.Bucket(bucketSubByUnit)
		if err := subs.ForEach(func(k, v []byte) error {
			var s cchcbot.Submission
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("submission %x: %w", k, err)
			}
			return idx.Put(append(joinKey(s.UnitCode, s.PeriodID, ""), be32(uint32(s.Version))...), append([]byte(nil), k...))
		}); err != nil {
			return err
		}
		// Units written before Order existed keep their code order.
		units := tx.Bucket(bucketUnits)
		order, fixes := 0, map[string]cchcbot.Unit{}
		if err := units.ForEach(func(k, v []byte) error {
			var u cchcbot.Unit
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			order++
			if u.Order == 0 {
				u.Order = order
				fixes[string(k)] = u
			}
			return nil
		}); err != nil {
			return err
		}
		for k, u := range fixes {
			if err := put(units, []byte(k), u); err != nil {
				return err
			}
		}
		return nil
	}},
}

// SchemaVersion is the schema this code writes.
var SchemaVersion = len(migrations)

func (db *DB) migrate() error {
	for i, m := range migrations {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			v, err := readVersion(tx)
			if err != nil {
				return err
			}
			if v > SchemaVersion {
				return fmt.Errorf("kho dữ liệu có phiên bản cấu trúc %d, mới hơn phiên bản %d mà chương trình này hiểu: hãy dùng bản cchcbot mới hơn", v, SchemaVersion)
			}
			if v > i {
				return nil // applied before
			}
			if err := m.fn(tx); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			if err := meta.Put([]byte(prefixMigration+m.name), []byte(db.now().UTC().Format("2006-01-02T15:04:05Z"))); err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, []byte(strconv.Itoa(i+1)))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) checkVersion() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		v, err := readVersion(tx)
		if err != nil {
			return err
		}
		if v != SchemaVersion {
			return fmt.Errorf("kho dữ liệu có phiên bản cấu trúc %d, chương trình cần %d: hãy mở một lần ở chế độ ghi để nâng cấp", v, SchemaVersion)
		}
		return nil
	})
}

// cleanTemp removes temp files a crash left mid-write: they were never
// renamed to a content address, so no record names them.
func (db *DB) cleanTemp() {
	dir := filepath.Join(db.dir, filesDir, tmpDir)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.Remove(filepath.Join(dir, e.Name()))
	}
}
