package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// WriteBackup writes a consistent copy of the database to w while the bot
// keeps running: bbolt's Tx.WriteTo inside a read transaction, which
// writers do not wait for.
func (db *DB) WriteBackup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, "backup", func(tx *bolt.Tx) (err error) {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Backup writes a verified copy of the database to path: to path+".tmp",
// fsynced, opened read-only and checked, then renamed and the directory
// fsynced. Checking before the rename means a bad copy never replaces the
// previous good backup. Report files are not copied: they are immutable
// and content-addressed, so a plain copy of dir/files backs them up.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.isOwnFile(path) {
		return cchcbot.Errorf(cchcbot.EINVALID, "Không thể sao lưu đè lên chính kho dữ liệu %s. Xin chọn một đường dẫn khác.", db.Path())
	}
	tmp := path + ".tmp"
	if err := db.writeBackupFile(ctx, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := verify(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: the copy fails its check, nothing replaced: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

func (db *DB) writeBackupFile(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := db.WriteBackup(ctx, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync: %w", err)
	}
	return f.Close()
}

// isOwnFile reports whether path names the live database file: renaming a
// copy over it would leave bbolt writing to an unlinked file.
func (db *DB) isOwnFile(path string) bool {
	a, errA := filepath.Abs(path)
	b, errB := filepath.Abs(db.Path())
	if errA == nil && errB == nil && a == b {
		return true
	}
	fa, errA := os.Stat(path)
	fb, errB := os.Stat(db.Path())
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// verify opens a bbolt file read-only and runs its consistency check.
func verify(path string) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: DefaultLockTimeout})
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	err = b.View(check)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	return err
}

// Check runs bbolt's consistency check on the database.
func (db *DB) Check() error {
	return db.view(context.Background(), "check", check)
}

// maxCheckErrors bounds the problems a check reports; a damaged file can
// yield one per page.
const maxCheckErrors = 10

// check runs tx.Check and drains its channel to the end: the checking
// goroutine reads the transaction's pages, so stopping at the first error
// would leave it blocked on a send, reading a closed transaction.
func check(tx *bolt.Tx) error {
	var errs []error
	n := 0
	for err := range tx.Check() {
		if n++; n <= maxCheckErrors {
			errs = append(errs, err)
		}
	}
	if n > maxCheckErrors {
		errs = append(errs, fmt.Errorf("and %d more problems", n-maxCheckErrors))
	}
	if len(errs) > 0 {
		return fmt.Errorf("consistency check: %w", errors.Join(errs...))
	}
	return nil
}

// Size returns the database file's size in bytes. bbolt never shrinks the
// file: freed pages are reused.
func (db *DB) Size() (int64, error) {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return 0, fmt.Errorf("store size: %w", err)
	}
	return fi.Size(), nil
}
