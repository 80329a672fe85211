package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cchcbot/store"
)

// backupTo writes db's copy to path, as package backup does (without its
// checks and renames, which backup's own tests cover).
func backupTo(t *testing.T, db *store.DB, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := db.WriteBackup(ctx, f); err != nil {
		t.Fatal(err)
	}
}

func TestBackupOpens(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	dst := filepath.Join(t.TempDir(), store.FileName)
	backupTo(t, db, dst)
	// A write after the backup is not in it.
	if err := db.PutState(ctx, "after", []byte("x")); err != nil {
		t.Fatal(err)
	}

	copyDB := mustOpenDir(t, filepath.Dir(dst)) // the copy serves as a data dir
	units, err := copyDB.Units(ctx)
	if err != nil || len(units) != 3 {
		t.Fatalf("units in backup = %d, %v; want 3", len(units), err)
	}
	if v, _ := copyDB.GetState(ctx, "after"); v != nil {
		t.Errorf("the backup holds a later write: %q", v)
	}
	if err := copyDB.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteBackupAndSize(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	var buf bytes.Buffer
	n, err := db.WriteBackup(ctx, &buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("WriteBackup = %d bytes (buffer %d), %v", n, buf.Len(), err)
	}
	size, err := db.Size()
	if err != nil || size <= 0 {
		t.Fatalf("Size = %d, %v", size, err)
	}
	// The copy is a bbolt file with the same units.
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("units")).Stats().KeyN; n != 3 {
			t.Errorf("units in the written copy = %d, want 3", n)
		}
		return nil
	})
}
