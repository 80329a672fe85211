//go:build unix

package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cchcbot/store"
)

// TestModesIgnoreUmask: the data directory and everything the store
// creates in it are private to the bot's user (0700 directories, 0600
// files) even under a umask of 0, so that no mode depends on how the
// server was set up. Not parallel: the umask is the process's.
func TestModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	dir := filepath.Join(t.TempDir(), "data")
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	f := putFile(t, db, "báo cáo tháng")
	putFile(t, db, "một tệp khác")
	backup := filepath.Join(t.TempDir(), "b.db")
	backupTo(t, db, backup)
	blob, err := db.FilePath(f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, backup, 0o600)
	wantMode(t, db.Path(), 0o600)
	wantMode(t, blob, 0o600)

	// Every directory and file under the data directory.
	n := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n++
		if d.IsDir() {
			wantMode(t, path, 0o700)
		} else {
			wantMode(t, path, 0o600)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 { // data, cchcbot.db, files, files/tmp, two blob dirs or one, blobs
		t.Errorf("walked only %d entries under %s", n, dir)
	}
}

// TestVerifyFile: a backup verifies with the current schema; anything
// that is not a whole cchcbot database does not.
func TestVerifyFile(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	good := filepath.Join(t.TempDir(), "good.db")
	backupTo(t, db, good)
	if v, err := store.VerifyFile(good); err != nil || v != store.SchemaVersion {
		t.Errorf("VerifyFile(backup) = %d, %v; want %d", v, err, store.SchemaVersion)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, make([]byte, 16384), 0o600)
	other := filepath.Join(dir, "other.db") // bbolt, but not ours
	b, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("x")); return err })
	b.Close()
	for _, path := range []string{empty, garbage, other, filepath.Join(dir, "missing.db")} {
		if _, err := store.VerifyFile(path); err == nil {
			t.Errorf("VerifyFile(%s) passed", filepath.Base(path))
		}
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Error("VerifyFile wrote to the file it checked")
	}
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s mode = %v, want %v", path, got, want)
	}
}
