// Package store keeps cchcbot's durable record in bbolt, with report files
// on disk under their sha256. bbolt holds metadata only: every file is
// written, fsynced and renamed before the record naming it is committed, so
// a crash leaves at worst an unreferenced file, never a record without one.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for the file lock; another process
	// holding it gets ELOCKED after this, never a hang. Default 2s.
	LockTimeout time.Duration
	ReadOnly    bool
	// Now stamps records whose caller gave no time. Default time.Now.
	Now func() time.Time
}

// DB is the store.
type DB struct {
	bolt *bolt.DB
	dir  string
	now  func() time.Time
}

var (
	_ cchcbot.UnitService       = (*DB)(nil)
	_ cchcbot.InviteService     = (*DB)(nil)
	_ cchcbot.SubmissionService = (*DB)(nil)
	_ cchcbot.ReminderLog       = (*DB)(nil)
	_ cchcbot.FileStore         = (*DB)(nil)
	_ cchcbot.DraftService      = (*DB)(nil)
	_ cchcbot.AuditLog          = (*DB)(nil)
)

// FileName is the database file inside the data directory.
const FileName = "cchcbot.db"

// Open opens (creating if needed) the store in dir. The directory is made
// 0700 and the files in it 0600: they hold every unit's reports.
func Open(dir string, opts Options) (*DB, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Join(dir, filesDir, tmpDir), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secure data dir: %w", err)
	}
	path := filepath.Join(dir, FileName)
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, cchcbot.Errorf(cchcbot.ELOCKED, "Kho dữ liệu %s đang được một tiến trình khác sử dụng (cchcbot run đang chạy?)", path)
	} else if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{bolt: b, dir: dir, now: opts.Now}
	if !opts.ReadOnly {
		if err := db.migrate(); err != nil {
			b.Close()
			return nil, err
		}
		db.cleanTemp()
	} else if err := db.checkVersion(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.bolt.Close() }

// Path returns the database file's path.
func (db *DB) Path() string { return db.bolt.Path() }

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// Size returns the database file's size in bytes.
func (db *DB) Size() (int64, error) {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Check verifies the database's internal consistency (bbolt's tx.Check).
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("store check: %w", err)
		}
		return nil
	})
}

func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(fn)
}

func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

func (db *DB) stamp(t time.Time) time.Time {
	if t.IsZero() {
		return db.now()
	}
	return t
}

func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put(key, data)
}

// get decodes the value at key into v and reports whether it existed. The
// decode copies, so v stays valid after the transaction.
func get(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}
