package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestTallyMatches: the check of a compacted copy finds a missing key, a
// missing or extra bucket, a sequence or a schema version that differs.
func TestTallyMatches(t *testing.T) {
	fill := func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		meta.Put(keySchemaVersion, []byte("8"))
		b, _ := tx.CreateBucket([]byte("a"))
		b.SetSequence(3)
		b.Put([]byte("k1"), []byte("v"))
		b.Put([]byte("k2"), []byte{})
		n, err := b.CreateBucket([]byte("nested"))
		if err != nil {
			return err
		}
		return n.Put([]byte("x"), []byte("y"))
	}
	for _, tc := range []struct {
		name   string
		change func(tx *bolt.Tx) error
		want   string // in the error; "" for none
	}{
		{"same", func(*bolt.Tx) error { return nil }, ""},
		{"key missing", func(tx *bolt.Tx) error { return tx.Bucket([]byte("a")).Delete([]byte("k2")) }, `bucket "a": 1 keys`},
		{"nested key missing", func(tx *bolt.Tx) error { return tx.Bucket([]byte("a")).Bucket([]byte("nested")).Delete([]byte("x")) }, `bucket "a/nested": 0 keys`},
		{"sequence", func(tx *bolt.Tx) error { return tx.Bucket([]byte("a")).SetSequence(2) }, "sequence 2 in the copy"},
		{"bucket missing", func(tx *bolt.Tx) error { return tx.Bucket([]byte("a")).DeleteBucket([]byte("nested")) }, `bucket "a/nested" missing`},
		{"extra bucket", func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }, `bucket "b" not in the database`},
		{"schema version", func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchemaVersion, []byte("7")) }, "schema version 7 in the copy, 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := func(name string) *bolt.DB {
				b, err := bolt.Open(filepath.Join(t.TempDir(), name), 0o600, &bolt.Options{Timeout: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				if err := b.Update(fill); err != nil {
					t.Fatal(err)
				}
				return b
			}
			src, dst := open("src.db"), open("dst.db")
			if err := dst.Update(tc.change); err != nil {
				t.Fatal(err)
			}
			var want tally
			if err := src.View(func(tx *bolt.Tx) (err error) { want, err = tallyOf(tx); return err }); err != nil {
				t.Fatal(err)
			}
			if keys, buckets := want.keys(); keys != 4 || buckets != 3 {
				t.Errorf("tally counts %d keys in %d buckets, want 4 in 3", keys, buckets)
			}
			err := dst.View(want.matches)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("identical copies differ: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("matches = %v, want an error with %q", err, tc.want)
			}
		})
	}
}
