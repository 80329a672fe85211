package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

func TestBackupOpens(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	dst := filepath.Join(t.TempDir(), store.FileName)
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dst + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temp copy left behind: %v", err)
	}
	if fi, err := os.Stat(dst); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
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

func TestBackupRefusesItsOwnFile(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	wantCode(t, "backup over the live file", db.Backup(ctx, db.Path()), cchcbot.EINVALID)
	wantCode(t, "backup over the live file, relative path", db.Backup(ctx, filepath.Join(db.Dir(), ".", store.FileName)), cchcbot.EINVALID)
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	if units, err := db.Units(ctx); err != nil || len(units) != 3 {
		t.Fatalf("units after a refused backup = %d, %v", len(units), err)
	}
}

func TestBackupIntoMissingDir(t *testing.T) {
	db := MustOpen(t)
	if err := db.Backup(ctx, filepath.Join(t.TempDir(), "khong-co", "b.db")); err == nil {
		t.Fatal("a backup into a missing directory reported success")
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
