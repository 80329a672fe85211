package store

import (
	"io"

	bolt "go.etcd.io/bbolt"
)

// SetMaxSeen lowers the bound of remembered chat event keys, so that a
// test sees pruning without a hundred thousand events.
func (db *DB) SetMaxSeen(n int) { db.maxSeen = n }

// WrapUploads makes every upload write through wrap, so that a test can
// fail the disk under PutFile.
func (db *DB) WrapUploads(wrap func(io.Writer) io.Writer) { db.wrapTemp = wrap }

// PageWrites returns how many page writes the file's commits made: it
// stays put across a call that commits nothing.
func (db *DB) PageWrites() int64 {
	s := db.bolt.Stats()
	return s.TxStats.GetWrite()
}

// WithMigrateHook returns o with migration 0009 converting batch records
// per transaction and calling hook after each committed batch: an error
// from hook stops the migration there, as a crash would.
func WithMigrateHook(o Options, batch int, hook func(batches int) error) Options {
	o.migrateBatch, o.migrateHook = batch, hook
	return o
}

// BucketFill returns how full a bucket's leaf pages are: in use over
// allocated.
func (db *DB) BucketFill(name string) (float64, error) {
	var fill float64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		s := tx.Bucket([]byte(name)).Stats()
		fill = float64(s.LeafInuse) / float64(s.LeafAlloc)
		return nil
	})
	return fill, err
}
