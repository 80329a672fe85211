package store

import (
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// tally is what a compaction must keep, read from one transaction: the
// schema version and, for every bucket by its path, its key count and
// sequence. The copy is checked against the database's tally, taken
// while writes wait, so both saw the same data.
type tally map[string]bucketTally

// bucketTally is one bucket's part of a tally.
type bucketTally struct {
	keys    int64  // key/value pairs, nested buckets not counted
	buckets int    // nested buckets
	seq     uint64 // NextSequence's counter: submission and outbox ids
}

// versionKey holds the schema version in a tally: no bucket path is
// empty.
const versionKey = ""

// tallyOf counts every bucket of tx.
func tallyOf(tx *bolt.Tx) (tally, error) {
	v, err := readVersion(tx)
	if err != nil {
		return nil, err
	}
	t := tally{versionKey: {seq: uint64(v)}}
	err = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		t.count(string(name), b)
		return nil
	})
	return t, err
}

// count adds b, at path, and the buckets nested in it.
func (t tally) count(path string, b *bolt.Bucket) {
	bt := bucketTally{seq: b.Sequence()}
	var nested []string
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil && b.Bucket(k) != nil {
			bt.buckets++
			nested = append(nested, string(k))
			continue
		}
		bt.keys++
	}
	t[path] = bt
	for _, name := range nested {
		// A zero byte joins the names: bucket names here never hold one.
		t.count(path+"\x00"+name, b.Bucket([]byte(name)))
	}
}

// keys returns the tally's key/value pairs and buckets, all together.
func (t tally) keys() (keys int64, buckets int) {
	for path, bt := range t {
		if path == versionKey {
			continue
		}
		keys += bt.keys
		buckets++
	}
	return keys, buckets
}

// matches checks tx, the copy, against t, the database's tally: bbolt's
// consistency check, then the same schema version, the same buckets with
// the same key counts and sequences.
func (t tally) matches(tx *bolt.Tx) error {
	if err := check(tx); err != nil {
		return err
	}
	got, err := tallyOf(tx)
	if err != nil {
		return err
	}
	if a, b := t[versionKey].seq, got[versionKey].seq; a != b {
		return fmt.Errorf("schema version %d in the copy, %d in the database", b, a)
	}
	var diffs []string
	for path, want := range t {
		if g, ok := got[path]; !ok {
			diffs = append(diffs, fmt.Sprintf("bucket %s missing", printable(path)))
		} else if g != want {
			diffs = append(diffs, fmt.Sprintf("bucket %s: %d keys, %d buckets, sequence %d in the copy; %d, %d, %d in the database",
				printable(path), g.keys, g.buckets, g.seq, want.keys, want.buckets, want.seq))
		}
	}
	for path := range got {
		if _, ok := t[path]; !ok {
			diffs = append(diffs, fmt.Sprintf("bucket %s not in the database", printable(path)))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("the copy differs: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// printable names a bucket path in an error.
func printable(path string) string { return fmt.Sprintf("%q", strings.ReplaceAll(path, "\x00", "/")) }
