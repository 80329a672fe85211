package store

import (
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// openAttempts bounds how often openCurrent tries again after the file it
// locked was replaced: each replacement is a compaction, minutes apart.
const openAttempts = 3

// openCurrent opens and locks the bbolt file at path, and makes sure the
// file it locked is still the one at path. A live compaction renames a
// new file over the database and only then lets go of the old one, so a
// process that was waiting for the old file's lock would get it on a
// file no longer in the directory, and write where nobody reads. It
// then opens again, and waits for the new file's lock like any other.
//
// Comparing the path before the open with the path after the lock is
// enough: the path only ever moves on to new files, so if both name the
// same file the open did too, and while this process holds that file's
// lock nobody can replace it.
func openCurrent(path string, opts Options) (*bolt.DB, error) {
	for range openAttempts {
		before, beforeErr := os.Stat(path)
		b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly})
		if err != nil {
			return nil, err
		}
		after, err := os.Stat(path)
		if err == nil && (beforeErr != nil || os.SameFile(before, after)) {
			return b, nil // beforeErr: a new file, which this open created
		}
		b.Close()
	}
	return nil, berrors.ErrTimeout // Open's ELOCKED
}
