package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// CollectOrphanFiles removes the report files no record names and the
// temp files of interrupted uploads, of those last modified before
// olderThan, and returns how many it removed. A file is an orphan when
// PutFile stored it and the submission meant to name it was never
// recorded (a crash, a person who gave up, a disk that filled up between
// the two). A file named by a submission, a draft or a queued message is
// never removed.
//
// olderThan must be well in the past (a day, say): a file is named by its
// record moments after PutFile stores it, and PutFile renews the
// modification time even of content already stored, so a young file may
// be about to be named and is left alone.
func (db *DB) CollectOrphanFiles(ctx context.Context, olderThan time.Time) (removed int, err error) {
	removed, err = db.collectTemp(olderThan)
	if err != nil {
		return removed, err
	}
	old, err := db.oldBlobs(olderThan)
	if err != nil || len(old) == 0 {
		return removed, err
	}
	// Read after the listing: a record committed later names a file whose
	// upload renewed its time, which removeOld checks again.
	refs, err := db.referencedFiles(ctx)
	if err != nil {
		return removed, err
	}
	for _, sum := range old {
		if err := ctx.Err(); err != nil {
			return removed, fmt.Errorf("collect orphan files: %w", err)
		}
		if refs[sum] {
			continue
		}
		ok, err := db.removeOld(sum, olderThan)
		if err != nil {
			return removed, err
		}
		if ok {
			removed++
		}
	}
	return removed, nil
}

// collectTemp removes temp files older than olderThan: an upload still
// running writes to its file, which keeps it young.
func (db *DB) collectTemp(olderThan time.Time) (int, error) {
	dir := filepath.Join(db.dir, filesDir, tmpDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("collect temp files: %w", err)
	}
	n := 0
	for _, e := range entries {
		fi, err := e.Info()
		if errors.Is(err, os.ErrNotExist) {
			continue // finished meanwhile
		} else if err != nil {
			return n, fmt.Errorf("collect temp files: %w", err)
		}
		if !fi.ModTime().Before(olderThan) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return n, fmt.Errorf("collect temp files: %w", err)
		}
		n++
	}
	return n, nil
}

// oldBlobs lists the stored files last modified before olderThan. Only
// names of the store's own layout count: anything else in the directory
// is not ours to remove.
func (db *DB) oldBlobs(olderThan time.Time) ([]string, error) {
	root := filepath.Join(db.dir, filesDir)
	dirs, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	var out []string
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 || d.Name() == tmpDir {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			return nil, fmt.Errorf("list files: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !validSHA256(name) || name[:2] != d.Name() {
				continue
			}
			fi, err := e.Info()
			if errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, fmt.Errorf("list files: %w", err)
			}
			if fi.ModTime().Before(olderThan) {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// referencedFiles returns the hashes some record names: every version of
// every submission, a draft, a message waiting in the outbox.
func (db *DB) referencedFiles(ctx context.Context) (map[string]bool, error) {
	refs := map[string]bool{}
	err := db.AllSubmissions(ctx, func(s *cchcbot.Submission) error {
		for _, f := range s.Files {
			refs[f.SHA256] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.view(ctx, "referenced files", func(tx *bolt.Tx) error {
		if err := eachRecord(tx.Bucket(bucketDrafts), nil, func(_ []byte, d cchcbot.Draft) error {
			for _, f := range d.Files {
				refs[f.SHA256] = true
			}
			return nil
		}); err != nil {
			return err
		}
		// An ad-hoc request's instruction letter goes out with each unit's
		// first reminder, long after the message that first carried it.
		if err := eachRecord(tx.Bucket(bucketRequests), nil, func(_ []byte, r cchcbot.Request) error {
			if r.Instruction != nil {
				refs[r.Instruction.SHA256] = true
			}
			return nil
		}); err != nil {
			return err
		}
		return eachRecord(tx.Bucket(bucketOutbox), nil, func(_ []byte, m cchcbot.Outgoing) error {
			if m.Document != nil {
				refs[m.Document.SHA256] = true
			}
			return nil
		})
	})
	return refs, err
}

// removeOld removes the stored file sum if it is still older than
// olderThan, under the lock PutFile takes to rename: a file put again
// meanwhile is young and stays.
func (db *DB) removeOld(sum string, olderThan time.Time) (bool, error) {
	db.fileMu.Lock()
	defer db.fileMu.Unlock()
	path := db.blobPath(sum)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("collect orphan file: %w", err)
	}
	if !fi.Mode().IsRegular() || !fi.ModTime().Before(olderThan) {
		return false, nil
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("collect orphan file %.12s: %w", sum, err)
	}
	return true, nil
}
