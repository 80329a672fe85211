package store

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// ReleasePages unmaps from this process the database pages that reads
// brought in; the kernel keeps them in its page cache, and the next read
// of one maps it again without touching the disk. bbolt reads through a
// shared mmap of the whole file, and the kernel maps up to 64 KB around
// every page a read faults in (fault-around), so a long read such as a
// year's export at 10,000 units left 170 MB of the file counted in the
// bot's resident memory until the kernel needed it back. Call it after
// such a read; it costs the next reads a few page faults. A no-op where
// the system has no madvise.
func (db *DB) ReleasePages(ctx context.Context) error {
	return db.view(ctx, "release pages", releasePages)
}

// releasePages is ReleasePages in a read transaction, so that no writer
// remaps the file between reading the mapping's address and advising on
// it.
func releasePages(tx *bolt.Tx) error {
	return dropPages(tx.DB().Info().Data, tx.Size())
}
