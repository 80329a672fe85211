package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// WriteBackup writes a consistent copy of the database to w while the bot
// keeps running (bbolt's Tx.WriteTo inside a read transaction).
func (db *DB) WriteBackup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Backup writes a verified copy of the database to path: to a temp file,
// fsynced, renamed, the directory fsynced, then opened and checked. Report
// files are not copied: they are immutable, content-addressed files that a
// plain file copy of data_dir/files backs up.
func (db *DB) Backup(ctx context.Context, path string) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp)
	if _, err := db.WriteBackup(ctx, f); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	copyDB, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return fmt.Errorf("backup written but does not open: %w", err)
	}
	defer copyDB.Close()
	return copyDB.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("backup written but fails its check: %w", err)
		}
		return nil
	})
}
