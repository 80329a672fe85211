// Package store keeps cchcbot's durable record in bbolt, with report files
// on disk under their sha256. bbolt holds metadata only: every file is
// written, fsynced and renamed before the record naming it is committed, so
// a crash leaves at worst an unreferenced file, never a record without one.
//
// Every commit costs two fsyncs, so each method is one short transaction
// that writes only when something changed, and nothing slow (the network,
// a file copy) ever runs inside one.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"cchcbot"
)

// FileName is the database file inside the data directory.
const FileName = "cchcbot.db"

// DefaultLockTimeout bounds the wait for another process's lock on the
// database file when Options.LockTimeout is zero.
const DefaultLockTimeout = 2 * time.Second

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for the file lock: another process
	// holding it gets ELOCKED after this, never a hang.
	LockTimeout time.Duration
	// ReadOnly opens without writing anything: no migration, no clean-up.
	// The schema must then already be the current one.
	ReadOnly bool
	// Now stamps records whose caller gave no time. Default time.Now.
	Now func() time.Time
	// SeenTTL is how long the key of an accepted chat event is remembered,
	// so that a redelivery is recognised. Default DefaultSeenTTL. It must
	// outlast the network's redelivery (Telegram keeps an unconfirmed
	// update 24 hours) yet end: Telegram may reuse ids after a week idle.
	SeenTTL time.Duration
	// Logger hears of long work at Open, such as a migration's progress
	// through a province's records. Nil: silent.
	Logger *slog.Logger

	// migrateBatch and migrateHook tune migration 0009 in tests: records
	// per transaction, and a call after each committed batch whose error
	// stops the migration there, as a crash would.
	migrateBatch int
	migrateHook  func(batches int) error
}

// DefaultSeenTTL is Options.SeenTTL when zero: twice Telegram's 24 hours.
const DefaultSeenTTL = 48 * time.Hour

// DB is the store: a bbolt file and a directory of report files. It is safe
// for concurrent use; bbolt lets one writer and many readers run at once.
type DB struct {
	// bolt is the open file. Compact replaces it, so once Open has
	// returned a transaction reads it only under a gate: writes (update, batch) under writes,
	// reads (view) under handle. Compact holds writes while it copies
	// (writes wait, reads go on) and handle too for the moment it swaps
	// the file, so neither gate is ever contended otherwise.
	bolt   *bolt.DB
	writes sync.RWMutex
	handle sync.RWMutex
	// compactMu makes one compaction at a time, and Close wait for it.
	compactMu sync.Mutex
	closed    bool
	// compactHook, when set (by tests), runs at each stage of a
	// compaction; an error fails it there.
	compactHook func(stage string) error

	dir string
	now func() time.Time

	// seenTTL and maxSeen bound the remembered keys of chat events, by
	// age and by count.
	seenTTL time.Duration
	maxSeen int

	// queued is closed, and replaced, after every commit that queued
	// messages: every sender listening hears of it.
	queuedMu sync.Mutex
	queued   chan struct{}

	// fileMu orders PutFile's rename against CollectOrphanFiles' removal,
	// so that a file put again is never removed under it.
	fileMu sync.Mutex
	// wrapTemp, when set (by tests), wraps the writer of an upload's
	// temp file.
	wrapTemp func(io.Writer) io.Writer

	cache caches

	// log, migrateBatch and migrateHook: see Options.
	log          *slog.Logger
	migrateBatch int
	migrateHook  func(batches int) error
}

var (
	_ cchcbot.UnitService       = (*DB)(nil)
	_ cchcbot.InviteService     = (*DB)(nil)
	_ cchcbot.SubmissionService = (*DB)(nil)
	_ cchcbot.ReminderLog       = (*DB)(nil)
	_ cchcbot.FileStore         = (*DB)(nil)
	_ cchcbot.DraftService      = (*DB)(nil)
	_ cchcbot.AuditLog          = (*DB)(nil)
	_ cchcbot.Outbox            = (*DB)(nil)
)

// Open opens the store in dir, creating it if needed, and brings its schema
// up to date. The directory is made 0700 and the files in it 0600: they hold
// every unit's reports. If another process holds the database the error is
// ELOCKED, after opts.LockTimeout.
func Open(dir string, opts Options) (*DB, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SeenTTL <= 0 {
		opts.SeenTTL = DefaultSeenTTL
	}
	path := filepath.Join(dir, FileName)
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Join(dir, filesDir, tmpDir), 0o700); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("secure data dir: %w", err)
		}
	}

	b, err := openCurrent(path, opts)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, cchcbot.Errorf(cchcbot.ELOCKED,
			"Kho dữ liệu %s đang được một tiến trình khác sử dụng (thường là bot đang chạy bằng lệnh cchcbot run). Xin thực hiện qua bot đang chạy, hoặc dừng bot rồi thử lại.", path)
	case opts.ReadOnly && errors.Is(err, os.ErrNotExist):
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có kho dữ liệu tại %s. Xin kiểm tra mục data_dir trong tệp cấu hình.", path)
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}

	b.MaxBatchDelay = batchDelay
	if opts.migrateBatch <= 0 {
		opts.migrateBatch = defaultMigrateBatch
	}
	db := &DB{bolt: b, dir: dir, now: opts.Now, seenTTL: opts.SeenTTL, maxSeen: defaultMaxSeen, queued: make(chan struct{}),
		log: opts.Logger, migrateBatch: opts.migrateBatch, migrateHook: opts.migrateHook}
	if opts.ReadOnly {
		err = db.checkVersion()
	} else if err = os.Chmod(path, 0o600); err != nil {
		err = fmt.Errorf("secure %s: %w", path, err)
	} else if err = db.migrate(); err == nil {
		err = db.cleanTemp()
	}
	if err == nil && !opts.ReadOnly {
		err = removeStaleCompaction(dir)
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database. Files already opened with OpenFile stay
// readable.
func (db *DB) Close() error {
	// A compaction in progress ends first (its context, cancelled at
	// shutdown, stops it early): it may be about to swap the file.
	db.compactMu.Lock()
	defer db.compactMu.Unlock()
	db.closed = true
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.Path(), err)
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return filepath.Join(db.dir, FileName) }

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// errNoChange ends an update transaction that found nothing to write: it
// is rolled back instead of committed, which saves the commit's fsyncs.
var errNoChange = errors.New("no change")

// update runs fn in a write transaction. Domain errors pass through as
// they are; others are wrapped with op.
func (db *DB) update(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := db.write(func(b *bolt.DB) error { return b.Update(fn) })
	switch {
	case errors.Is(err, errNoChange):
		return nil
	case errors.Is(err, syscall.ENOSPC):
		return errFull() // rolled back: nothing of it was recorded
	}
	return wrap(op, err)
}

// batch is update for writes that many goroutines make at once (replies
// queued by the handlers of many chats): bbolt gathers the calls of a few
// milliseconds into one commit, two fsyncs for all. fn may run more than
// once (when another call of the batch fails, the rest run again) and must
// not return errNoChange.
func (db *DB) batch(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := db.write(func(b *bolt.DB) error { return b.Batch(fn) })
	if errors.Is(err, syscall.ENOSPC) {
		return errFull()
	}
	return wrap(op, err)
}

// batchDelay is how long bbolt waits for more calls to join a batch: a
// reply waits at most this long for its commit, and under load one commit
// carries the replies of many chats.
const batchDelay = 2 * time.Millisecond

// errFull is what a person is told when the disk is full. It wraps
// nothing, so that no path reaches a chat.
func errFull() error {
	return cchcbot.Errorf(cchcbot.EFULL, "Máy chủ đã hết dung lượng lưu trữ nên chưa ghi nhận được. Báo cáo CHƯA được nộp; xin thử lại sau ít phút hoặc báo phòng Nội vụ.")
}

// view runs fn in a read transaction; fn must not linger, since a long
// read keeps the file from reusing pages (and a compaction's swap waits
// for it). fn must not call back into the DB: a nested transaction could
// wait behind a compaction that waits for this one.
func (db *DB) view(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	db.handle.RLock()
	defer db.handle.RUnlock() // deferred: a panic recovered above must not leave it held
	return wrap(op, db.bolt.View(fn))
}

// write runs a write transaction, f, on the open file, waiting while a
// compaction copies it.
func (db *DB) write(f func(*bolt.DB) error) error {
	db.writes.RLock()
	defer db.writes.RUnlock() // deferred: a panic recovered above must not leave it held
	return f(db.bolt)
}

func wrap(op string, err error) error {
	var e *cchcbot.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// stamp returns t, or now if the caller gave no time.
func (db *DB) stamp(t time.Time) time.Time {
	if t.IsZero() {
		return db.now()
	}
	return t
}

// clone copies a slice bbolt returned: those are valid only inside their
// transaction.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
