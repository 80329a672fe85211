package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"cchcbot"
)

// bbolt never shrinks its file: pages freed by deletions (a rollup that
// folds the reminder log, pruned outbox rows) are only reused. Compact
// copies the live data into a new file with bbolt's own compaction and
// puts it in the old one's place.
//
// The new file is built beside the database, so that the rename that
// replaces the database is atomic: it is the commit point. A crash before
// it leaves the old file and a stray compactName, which the next Open or
// Compact removes; a crash after it leaves the new file, complete, checked
// and fsynced before the rename.

// compactName is the file a compaction builds, in the data directory.
const compactName = FileName + ".compact"

// compactTxSize bounds each transaction of the copy: bbolt holds a
// transaction's dirty pages in memory until it commits. 32 MiB keeps the
// copy's heap near 110 MB at any scale; 16 MiB made it a third slower
// at 1,000 units, 64 MiB twice the memory for little gain.
const compactTxSize = 32 << 20

// CompactResult is what a compaction did.
type CompactResult struct {
	SizeBefore int64 // the database file's size before, in bytes
	SizeAfter  int64 // and after
	// Duration is the whole compaction, from the start to the swap:
	// writes waited this long.
	Duration time.Duration
	Keys     int64 // key/value pairs copied, in every bucket
	Buckets  int   // buckets copied, nested ones included
}

// Compact rewrites the database into a new file without the free pages,
// checks the copy and swaps it in, while the DB stays usable: writes
// (update, batch) wait from the start (the ones in progress finish
// first), reads go on until the swap, which waits for the reads in
// progress and holds new ones for the moment it takes. Writes that waited
// then run on the new file; nobody gets an error.
//
// The disk must have free space at least the file's current size, else
// it is EFULL before anything is written. On any failure the database is
// unchanged and in use, and the partial file is removed. Cancelling ctx
// stops the copy within one of its transactions.
func (db *DB) Compact(ctx context.Context) (CompactResult, error) {
	db.compactMu.Lock()
	defer db.compactMu.Unlock()
	var res CompactResult
	if db.closed {
		return res, fmt.Errorf("store: compact: %w", berrors.ErrDatabaseNotOpen)
	}
	if db.bolt.IsReadOnly() {
		return res, fmt.Errorf("store: compact: %w", berrors.ErrDatabaseReadOnly)
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("store: compact: %w", err)
	}
	// Measured on the real clock, like a backup's duration: it is a
	// measurement for staff, not a time the records keep.
	start := time.Now()

	db.writes.Lock()
	defer db.writes.Unlock()

	fi, err := os.Lstat(db.Path())
	if err != nil {
		return res, db.compactError(err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		// The rename would replace the link by a file in data_dir.
		return res, cchcbot.Errorf(cchcbot.EINVALID,
			"%s là một liên kết tượng trưng (symlink): lệnh không thu gọn qua liên kết, vì tệp mới sẽ thay chỗ liên kết trong %s. Xin dừng bot, đặt tệp thật vào data_dir rồi thử lại.", db.Path(), db.dir)
	}
	res.SizeBefore = fi.Size()
	if err := removeStaleCompaction(db.dir); err != nil {
		return res, db.compactError(err)
	}
	if err := db.checkRoom(res.SizeBefore); err != nil {
		return res, err
	}
	tmp := filepath.Join(db.dir, compactName)
	next, t, err := db.compactTo(ctx, tmp, res.SizeBefore)
	if err != nil {
		os.Remove(tmp)
		return res, db.compactError(err)
	}
	// next holds the new file's lock already: from the rename on, a
	// process opening the database waits for it, and one that waited for
	// the old file's lock sees it replaced (openCurrent).
	err = db.hook("rename")
	if err == nil {
		err = os.Rename(tmp, db.Path())
	}
	if err != nil {
		next.Close()
		os.Remove(tmp)
		return res, db.compactError(err)
	}
	// The rename is done: the old file is gone from the directory, so
	// writing on to it would lose everything. If the directory cannot be
	// synced the swap goes on all the same, and says so.
	syncErr := syncDir(db.dir)

	db.handle.Lock() // waits for the reads in progress on the old file
	old := db.bolt
	db.bolt = next
	db.handle.Unlock()
	closeErr := old.Close()

	res.Duration = time.Since(start)
	res.Keys, res.Buckets = t.keys()
	if fi, err := os.Stat(db.Path()); err == nil {
		res.SizeAfter = fi.Size()
	}
	if syncErr != nil {
		return res, cchcbot.FileErrorf(syncErr, "Đã thu gọn kho dữ liệu %s nhưng không đồng bộ được thư mục %s xuống đĩa", db.Path(), db.dir)
	}
	if closeErr != nil {
		return res, fmt.Errorf("store: compact: close the old file: %w", closeErr)
	}
	return res, nil
}

// compactTo copies the database into a new bbolt file at path, syncs it,
// then reopens it and checks it against the database. It returns the new
// file, open, and the database's tally.
func (db *DB) compactTo(ctx context.Context, path string, size int64) (*bolt.DB, tally, error) {
	// Mapped at the old file's size from the start (the copy is no
	// bigger): growing the map mid-copy makes bbolt copy out every node
	// of the transaction under way.
	dst, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: DefaultLockTimeout, InitialMmapSize: int(size)})
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", path, err)
	}
	// Nothing reads the copy before it is synced once, at the end, and
	// checked: syncing each of its transactions would only cost time.
	dst.NoSync, dst.NoGrowSync = true, true
	// bbolt.Compact takes no context. Closing its destination makes its
	// next transaction fail, which ends it.
	stop := context.AfterFunc(ctx, func() { dst.Close() })
	err = db.hook("copy")
	if err == nil {
		err = bolt.Compact(dst, db.bolt, compactTxSize)
	}
	stop()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("copy into %s: %w", path, err)
	}
	if err := db.hook("copied"); err != nil {
		return nil, nil, err
	}

	var want tally
	if err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		want, err = tallyOf(tx)
		return err
	}); err != nil {
		return nil, nil, fmt.Errorf("count the database's keys: %w", err)
	}
	next, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: DefaultLockTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("reopen %s: %w", path, err)
	}
	next.MaxBatchDelay = batchDelay
	err = db.hook("check")
	if err == nil {
		err = next.View(func(tx *bolt.Tx) error { return want.matches(tx) })
	}
	if err != nil {
		next.Close()
		return nil, nil, fmt.Errorf("check %s: %w", path, err)
	}
	return next, want, nil
}

// checkRoom refuses a compaction the disk has no room for: the copy may
// grow as large as the file.
func (db *DB) checkRoom(size int64) error {
	free, err := freeSpace(db.dir)
	if errors.Is(err, errNoStatfs) {
		return nil // the copy fails with EFULL instead, leaving nothing
	} else if err != nil {
		return db.compactError(err)
	}
	if free < size {
		return cchcbot.Errorf(cchcbot.EFULL,
			"Không đủ chỗ trống để thu gọn kho dữ liệu: cần ít nhất %s trống trên ổ đĩa chứa %s (bằng kích thước tệp hiện tại), nhưng chỉ còn %s. Kho dữ liệu vẫn giữ nguyên; xin giải phóng dung lượng rồi thử lại.",
			cchcbot.FormatSize(size), db.dir, cchcbot.FormatSize(free))
	}
	return nil
}

// compactError is a failed compaction as staff read it: nothing changed.
func (db *DB) compactError(err error) error {
	var e *cchcbot.Error
	if errors.As(err, &e) {
		return err
	}
	return cchcbot.FileErrorf(err, "Chưa thu gọn được kho dữ liệu %s (kho vẫn giữ nguyên như trước)", db.Path())
}

// hook runs the test hook at stage, if any.
func (db *DB) hook(stage string) error {
	if db.compactHook == nil {
		return nil
	}
	return db.compactHook(stage)
}

// removeStaleCompaction removes the file a compaction interrupted by a
// crash left in dir. The caller holds the database's lock, so no
// compaction is under way.
func removeStaleCompaction(dir string) error {
	err := os.Remove(filepath.Join(dir, compactName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove a stale compaction: %w", err)
	}
	return nil
}
