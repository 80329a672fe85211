package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// migration is one step of the schema's history. Each runs once, in its own
// transaction, and is recorded in that same transaction (by name, and as
// the new schema version), so a half-done migration never sticks: a crash
// mid-way leaves the previous version, and the next Open runs it again. A
// batched one (batchedMigrations) runs in many transactions and is recorded
// in its last; a crash mid-way leaves the previous version and its saved
// position, from which the next Open goes on.
type migration struct {
	name string
	fn   func(tx *bolt.Tx, now time.Time) error // nil for a batched one
}

// batchedMigrations are the migrations too big for one transaction
// (every record of a province), by name: each runs in many, saving its
// position as it goes, and calls finish in its last one, which records
// it. A crash between them resumes where it stopped.
var batchedMigrations = map[string]func(db *DB, finish func(tx *bolt.Tx) error) error{
	recordsMigration: convertRecords,
}

// migrations is the schema's history, oldest first. Append only: a
// database records how many it has run, never which code ran them.
var migrations = [...]migration{
	{"0001-create-buckets", createBuckets},
	{"0002-unit-index-updates-order", unitIndexUpdatesOrder},
	{"0003-reminders-in-flight-index", remindersInFlightIndex},
	{"0004-reminder-counts", reminderCounts},
	{"0005-submission-keys", submissionKeys},
	{"0006-outbox-inbox", outboxInbox},
	{"0007-channels", channels},
	{"0008-workflow", workflow},
	{recordsMigration, nil}, // batched: convertRecords
}

// Names of earlier schemas, kept only for the migrations that made and
// dropped them: code reads the current schema alone.
var (
	legacyUpdates     = []byte("updates")           // be64 chat update id → be64 insertion number
	legacyUpdateOrder = []byte("update_order")      // be64 insertion number → be64 update id
	legacySending     = []byte("reminders_sending") // reminder key → empty: the records left "sending"
	legacyLastUpdate  = []byte("last_update_id")    // in meta: be64, the highest update id handled
)

// SchemaVersion is the schema this code reads and writes: the number of
// migrations it knows. A database with a higher version is refused.
const SchemaVersion = len(migrations)

// createBuckets makes the buckets of the first release.
func createBuckets(tx *bolt.Tx, _ time.Time) error {
	return createIfMissing(tx, bucketMeta, bucketUnits, bucketMembers, bucketAdmins, bucketInvites,
		bucketSubmissions, bucketSubByPU, bucketReminders, bucketDrafts, bucketAudit)
}

// unitIndexUpdatesOrder adds the per-unit submission index (a unit's
// history without scanning every submission) and fills it from the
// submissions there are; adds the buckets of update-id bookkeeping and
// keyed state; and numbers the units written before Unit.Order existed, in
// code order, so that lists keep a stable order until the next config sync
// sets the real one.
func unitIndexUpdatesOrder(tx *bolt.Tx, _ time.Time) error {
	if err := createIfMissing(tx, bucketSubByUnit, legacyUpdates, legacyUpdateOrder, bucketState); err != nil {
		return err
	}
	idx := tx.Bucket(bucketSubByUnit)
	if err := tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
		var s cchcbot.Submission
		if err := decodeLegacy(k, v, &s); err != nil {
			return err
		}
		return idx.Put(subByUnitKey(s.UnitCode, s.PeriodID, s.Version), clone(k))
	}); err != nil {
		return err
	}

	units := tx.Bucket(bucketUnits)
	order, fixes := 0, map[string]cchcbot.Unit{}
	if err := eachRecord(units, nil, func(k []byte, u cchcbot.Unit) error {
		order++
		if u.Order == 0 {
			u.Order = order
			fixes[string(k)] = u
		}
		return nil
	}); err != nil {
		return err
	}
	// Written after the walk: a Put during ForEach may move the cursor.
	for k, u := range fixes {
		if err := put(units, []byte(k), u); err != nil {
			return err
		}
	}
	return nil
}

// remindersInFlightIndex adds the index of reminders left "sending", so
// that recovery at start-up reads those few records instead of the whole
// log, and fills it from the log.
func remindersInFlightIndex(tx *bolt.Tx, _ time.Time) error {
	if err := createIfMissing(tx, legacySending); err != nil {
		return err
	}
	idx := tx.Bucket(legacySending)
	return tx.Bucket(bucketReminders).ForEach(func(k, v []byte) error {
		var r cchcbot.Reminder
		if err := decodeLegacy(k, v, &r); err != nil {
			return err
		}
		if r.State != cchcbot.ReminderSending {
			return nil
		}
		return idx.Put(clone(k), []byte{})
	})
}

func createIfMissing(tx *bolt.Tx, names ...[]byte) error {
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrate runs the migrations the database has not run yet.
func (db *DB) migrate() error {
	var version int
	if err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		version, err = readVersion(tx)
		return err
	}); err != nil {
		return fmt.Errorf("read schema version of %s: %w", db.Path(), err)
	}
	if version > SchemaVersion {
		return db.newerSchema(version)
	}
	for i := version; i < len(migrations); i++ {
		m, version := migrations[i], i+1
		finish := func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			ran := db.now().UTC().Format(time.RFC3339)
			if err := meta.Put([]byte(prefixMigration+m.name), []byte(ran)); err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, []byte(strconv.Itoa(version)))
		}
		var err error
		if batched := batchedMigrations[m.name]; batched != nil {
			err = batched(db, finish)
		} else {
			err = db.bolt.Update(func(tx *bolt.Tx) error {
				if err := m.fn(tx, db.now()); err != nil {
					return err
				}
				return finish(tx)
			})
		}
		if err != nil {
			return fmt.Errorf("migration %s of %s: %w", m.name, db.Path(), err)
		}
	}
	return nil
}

// checkVersion refuses a read-only open of any schema but this code's: it
// cannot migrate without writing.
func (db *DB) checkVersion() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		v, err := readVersion(tx)
		switch {
		case err != nil:
			return fmt.Errorf("read schema version of %s: %w", db.Path(), err)
		case v > SchemaVersion:
			return db.newerSchema(v)
		case v < SchemaVersion:
			return cchcbot.Errorf(cchcbot.ECONFLICT,
				"Kho dữ liệu %s có phiên bản cấu trúc %d, cũ hơn phiên bản %d của chương trình. Xin khởi động bot (cchcbot run) một lần để nâng cấp kho dữ liệu.",
				db.Path(), v, SchemaVersion)
		}
		return nil
	})
}

func (db *DB) newerSchema(v int) error {
	return cchcbot.Errorf(cchcbot.ECONFLICT,
		"Kho dữ liệu %s có phiên bản cấu trúc %d, mới hơn phiên bản %d mà chương trình này hiểu. Xin dùng bản cchcbot mới hơn; chương trình không mở kho để tránh làm hỏng dữ liệu.",
		db.Path(), v, SchemaVersion)
}

// cleanTemp removes temp files a crash left mid-upload: they were never
// renamed to a content address, so no record names them.
func (db *DB) cleanTemp() error {
	dir := filepath.Join(db.dir, filesDir, tmpDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("clean temp files: %w", err)
		}
	}
	return nil
}

// reminderCounts adds the per-(period, unit) tally of reminders sent and
// acknowledged, which status pages read instead of a province's whole log,
// and fills it from the log.
func reminderCounts(tx *bolt.Tx, _ time.Time) error {
	if err := createIfMissing(tx, bucketRemCounts); err != nil {
		return err
	}
	counts := map[string]*cchcbot.ReminderCount{}
	if err := tx.Bucket(bucketReminders).ForEach(func(k, v []byte) error {
		var r cchcbot.Reminder
		if err := decodeLegacy(k, v, &r); err != nil {
			return err
		}
		key := string(joinKey(r.PeriodID, r.UnitCode))
		c := counts[key]
		if c == nil {
			c = &cchcbot.ReminderCount{}
			counts[key] = c
		}
		c.Add(r, 1)
		return nil
	}); err != nil {
		return err
	}
	b := tx.Bucket(bucketRemCounts)
	for k, c := range counts {
		if err := b.Put([]byte(k), encodeCount(*c)); err != nil {
			return err
		}
	}
	return nil
}

// submissionKeys adds the index that makes recording a submission with a
// Key idempotent. Submissions before it carry no key.
func submissionKeys(tx *bolt.Tx, _ time.Time) error {
	return createIfMissing(tx, bucketSubByKey)
}

// channels adds what a second chat network needs: the OAuth tokens a
// network gives the bot, each user's last-seen time (the start of Zalo's
// free reply window) and the monthly count of proactive messages. Users
// seen before it have no last-seen time until they write again.
func channels(tx *bolt.Tx, _ time.Time) error {
	return createIfMissing(tx, bucketTokens, bucketLastSeen, bucketProactive)
}

// workflow adds the buckets of an office's workflow beyond submissions:
// ad-hoc requests, extensions and their indexes, exemptions, late
// explanations, absences and escalations. Databases before it had none of
// these, so there is nothing to fill.
func workflow(tx *bolt.Tx, _ time.Time) error {
	return createIfMissing(tx, bucketRequests, bucketExtensions, bucketExtByPU, bucketExtByUnit,
		bucketExemptions, bucketExplanations, bucketAbsences, bucketAbsByUnit, bucketEscalations)
}
