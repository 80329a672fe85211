package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
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
