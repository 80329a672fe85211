package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// defaultMigrateBatch is how many records convertRecords converts per
// transaction: a few megabytes of dirty pages, and two fsyncs per ten
// thousand records.
const defaultMigrateBatch = 10_000

// keyCompactProgress, in meta, is where convertRecords stands while it
// runs: be64 records walked so far, the index in binaryBuckets of the
// bucket being walked, and the last key converted in it (none: from its
// start). It is deleted in the transaction that records the migration.
var keyCompactProgress = []byte("progress/" + recordsMigration)

// recordsMigration is convertRecords' name in the schema's history.
const recordsMigration = "0009-compact-records"

// binaryBuckets are the buckets of binary records, in the order the
// migration converts them.
var binaryBuckets = [][]byte{bucketMembers, bucketSubmissions, bucketReminders}

// migrateProgressEvery is how often convertRecords logs its progress.
const migrateProgressEvery = 5 * time.Second

// convertRecords rewrites every JSON member, submission and reminder in
// its binary layout (codec.go). A province's log is millions of records,
// more than one transaction should hold, so it converts a batch per
// transaction and saves its position with it; a crash loses at most the
// batch being written, and the next Open goes on from the saved position.
// A record already binary is left as it is, so running a batch twice
// changes nothing.
func convertRecords(db *DB, finish func(tx *bolt.Tx) error) error {
	var total uint64
	log := db.log
	if log != nil {
		// Counting visits every page once: paid only for an operator who
		// watches.
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			for _, name := range binaryBuckets {
				b := tx.Bucket(name)
				if b == nil {
					continue
				}
				c := b.Cursor()
				for k, _ := c.First(); k != nil; k, _ = c.Next() {
					// A walk maps every page: give them back as it goes.
					if total++; total%(1<<16) == 0 {
						if err := releasePages(tx); err != nil {
							return err
						}
					}
				}
			}
			return releasePages(tx)
		}); err != nil {
			return err
		}
		if total == 0 {
			log = nil // a new store: nothing to tell
		} else {
			log.Info("migrating records", "migration", recordsMigration, "total", total)
		}
	}
	// The wall clock only paces the log; it decides nothing.
	start := time.Now()
	logged := start
	for batches := 1; ; batches++ {
		var p migrateProgress
		var converted int
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			var err error
			if p, err = readCompactProgress(meta.Get(keyCompactProgress)); err != nil {
				return err
			}
			if converted, err = migrateBatch(tx, &p, db.migrateBatch); err != nil {
				return err
			}
			if p.bucket >= len(binaryBuckets) {
				if err := meta.Delete(keyCompactProgress); err != nil {
					return err
				}
				return finish(tx)
			}
			return meta.Put(keyCompactProgress, p.encode())
		})
		if err != nil {
			return err
		}
		// The pages converted stay mapped otherwise: the process's
		// resident memory would grow to the file's size (5 GB at a
		// province's 10,000 units) for nothing.
		if err := db.bolt.View(releasePages); err != nil {
			return err
		}
		if p.bucket >= len(binaryBuckets) {
			if log != nil {
				log.Info("migrated records", "migration", recordsMigration, "done", p.done, "elapsed", time.Since(start).Round(time.Millisecond))
			}
			return nil
		}
		if log != nil && time.Since(logged) >= migrateProgressEvery {
			logged = time.Now()
			log.Info("migrating records", "migration", recordsMigration, "done", p.done, "total", total,
				"bucket", string(binaryBuckets[p.bucket]), "converted", converted)
		}
		if db.migrateHook != nil {
			if err := db.migrateHook(batches); err != nil {
				return err
			}
		}
	}
}

// migrateProgress is where convertRecords stands.
type migrateProgress struct {
	done   uint64 // records walked
	bucket int    // index in binaryBuckets
	after  []byte // the last key walked in it; nil: none yet
}

func readCompactProgress(v []byte) (migrateProgress, error) {
	if v == nil {
		return migrateProgress{}, nil
	}
	if len(v) < 9 || int(v[8]) > len(binaryBuckets) {
		return migrateProgress{}, fmt.Errorf("bad migration progress %q", v)
	}
	p := migrateProgress{done: binary.BigEndian.Uint64(v), bucket: int(v[8])}
	if len(v) > 9 {
		p.after = clone(v[9:])
	}
	return p, nil
}

func (p migrateProgress) encode() []byte {
	return append(append(be64(p.done), byte(p.bucket)), p.after...)
}

// migrateBatch converts up to n records after p and moves p past them,
// to the next bucket at the end of one. It walks, then writes: bbolt's
// cursors must not walk across a Put.
func migrateBatch(tx *bolt.Tx, p *migrateProgress, n int) (converted int, err error) {
	name := binaryBuckets[p.bucket]
	b := tx.Bucket(name)
	if b == nil {
		return 0, fmt.Errorf("no bucket %s", name)
	}
	type record struct{ k, v []byte }
	var batch []record
	c := b.Cursor()
	k, v := c.First()
	if p.after != nil {
		if k, v = c.Seek(p.after); bytes.Equal(k, p.after) {
			k, v = c.Next()
		}
	}
	var last []byte
	walked := 0
	for ; k != nil && walked < n; k, v = c.Next() {
		walked, last = walked+1, k
		if len(v) == 0 || v[0] != '{' {
			continue // binary already; anything else the readers will name
		}
		data, err := reencode(name, k, v)
		if err != nil {
			return 0, err
		}
		batch = append(batch, record{clone(k), data})
	}
	p.done += uint64(walked)
	if k == nil {
		p.bucket, p.after = p.bucket+1, nil
	} else {
		p.after = clone(last)
	}
	for _, r := range batch { // the walk is over
		if err := b.Put(r.k, r.v); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}

// reencode turns a JSON record of bucket name into its binary form.
func reencode(name, k, v []byte) ([]byte, error) {
	rec, err := newRecord(name)
	if err != nil {
		return nil, err
	}
	if err := decodeLegacy(k, v, rec); err != nil {
		return nil, err
	}
	return encode(k, rec)
}

// newRecord returns a new record of the type bucket name holds.
func newRecord(name []byte) (any, error) {
	switch {
	case bytes.Equal(name, bucketMembers):
		return new(cchcbot.Member), nil
	case bytes.Equal(name, bucketSubmissions):
		return new(cchcbot.Submission), nil
	case bytes.Equal(name, bucketReminders):
		return new(cchcbot.Reminder), nil
	}
	return nil, errors.New("no binary records in bucket " + string(name))
}
