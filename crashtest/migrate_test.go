package crashtest

import (
	"cmp"
	be "encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/synth"
)

// migrateUnits is the size of the synthetic province the migration is
// killed in: 1,000 units, five years, half a million reminder rows.
const migrateUnits = 1000

// TestMigrationSurvivesSIGKILL upgrades a store written by the release
// before the binary records (the 1,000-unit synthetic province, downgraded
// to JSON), killing the real binary with SIGKILL while migration 0009 is
// under way, a few times, then lets a last run finish it. Every record
// must then equal the one the old release wrote, and the file must pass
// bbolt's check.
//
// It takes about a minute on two cores: generating the province (unless
// CCHCBOT_BENCH_DIR holds it already), downgrading it, and the runs.
func TestMigrationSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash tests build and kill the real binary")
	}
	rng := rand.New(rand.NewPCG(seed(t), 0))
	bin := binary(t)
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(root, "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	if os.Getenv("CCHCBOT_BENCH_DIR") != "" {
		cache = synth.CacheDir()
	}
	d, err := synth.Prepare(cache, base, migrateUnits)
	if err != nil {
		t.Fatal(err)
	}

	// The old release's store, and a copy of it as it was: the snapshot
	// every record is compared to.
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	path := filepath.Join(dataDir, store.FileName)
	copyFile(t, filepath.Join(d.Config.DataDir, store.FileName), path)
	if err := store.DowngradeRecords(path); err != nil {
		t.Fatal(err)
	}
	snapshot := filepath.Join(dir, "snapshot.db")
	copyFile(t, path, snapshot)

	cfg, err := synth.Config(base, synth.Units(migrateUnits), dataDir, cchcbot.D(synth.End.Year()-synth.Years+1, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	// `cchcbot status` opens the store, which migrates it, and logs the
	// migration's progress to stderr.
	start := func() (*exec.Cmd, *syncBuffer, chan error) {
		cmd := exec.Command(bin, "status", "-config", cfgPath)
		cmd.Env = append(os.Environ(), "CCHCBOT_NOW="+synth.End.Format(time.RFC3339))
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = io.Discard, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { cmd.Process.Kill() })
		return cmd, out, done
	}

	midway := 0
	for kill := 1; kill <= 3; kill++ {
		cmd, out, done := start()
		// Under way: it has told the total, then works for a while.
		deadline := time.Now().Add(2 * time.Minute)
		for !strings.Contains(out.String(), "migrating records") {
			select {
			case err := <-done:
				t.Fatalf("run %d ended before the migration began: %v\n%s", kill, err, out.String())
			case <-time.After(10 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %d: no migration after 2 minutes\n%s", kill, out.String())
			}
		}
		// Later kills wait longer, to land in the reminders too.
		time.Sleep(time.Duration(kill*500+rng.IntN(1000)) * time.Millisecond)
		cmd.Process.Signal(os.Kill)
		<-done
		p, version := progress(t, path)
		t.Logf("kill %d: %s", kill, p)
		if version == strconv.Itoa(store.SchemaVersion) {
			t.Logf("kill %d came after the migration ended", kill)
			break
		}
		if strings.Contains(out.String(), "migrated records") {
			t.Fatalf("run %d logged the migration's end, yet the store is at version %s", kill, version)
		}
		if p != "" {
			midway++
		}
	}
	if midway == 0 {
		t.Fatal("no kill landed after a batch of the migration was committed: lower the delays")
	}

	_, out, done := start()
	if err := <-done; err != nil {
		t.Fatalf("the run after the kills: %v\n%s", err, out.String())
	}
	t.Logf("the last run:\n%s", out.String())
	if p, version := progress(t, path); version != strconv.Itoa(store.SchemaVersion) || p != "" {
		t.Fatalf("after the last run: schema version %s, progress %q", version, p)
	}
	db, err := store.Open(dataDir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("bbolt check after the kills: %v", err)
	}
	db.Close()
	n := compareRecords(t, snapshot, path)
	t.Logf("%d records equal to the old release's after %d kills mid-migration", n, midway)
}

// progress reads migration 0009's progress key and the schema version
// from the store file at path, with bbolt directly.
func progress(t *testing.T, path string) (string, string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var p, v string
	b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		if raw := meta.Get([]byte("progress/0009-compact-records")); len(raw) >= 9 {
			p = fmt.Sprintf("%d records done, in bucket %d", be.BigEndian.Uint64(raw), raw[8])
		}
		v = string(meta.Get([]byte("schema_version")))
		return nil
	})
	return p, v
}

// compareRecords walks the snapshot and the migrated store side by side,
// both in bucket and key order, and fails the test for every record that
// differs, is missing or is extra. It holds one record of each at a time.
func compareRecords(t *testing.T, snapshot, migrated string) int {
	t.Helper()
	type record struct {
		bucket int // in store.BinaryBuckets
		key    string
		rec    any
	}
	index := func(bucket string) int { return slices.Index(store.BinaryBuckets, bucket) }
	order := func(a, b record) int { return cmp.Or(cmp.Compare(a.bucket, b.bucket), strings.Compare(a.key, b.key)) }
	want := make(chan record, 1024)
	walked := make(chan error, 1)
	go func() {
		defer close(want)
		walked <- store.ReadRecords(snapshot, func(bucket string, key []byte, rec any) error {
			want <- record{index(bucket), string(key), rec}
			return nil
		})
	}()
	n, bad := 0, 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf(format, args...)
		}
	}
	name := func(r record) string { return fmt.Sprintf("%s/%q", store.BinaryBuckets[r.bucket], r.key) }
	var next *record // the snapshot's record not yet matched
	err := store.ReadRecords(migrated, func(bucket string, key []byte, rec any) error {
		got := record{index(bucket), string(key), rec}
		for {
			if next == nil {
				w, ok := <-want
				if !ok {
					fail("%s is not in the snapshot", name(got))
					return nil
				}
				next = &w
			}
			switch c := order(*next, got); {
			case c > 0:
				fail("%s is not in the snapshot", name(got))
				return nil
			case c < 0:
				fail("%s is missing after the migration", name(*next))
				next = nil
				continue
			}
			if !reflect.DeepEqual(got.rec, next.rec) {
				fail("%s =\n%+v\nwant\n%+v", name(got), got.rec, next.rec)
			}
			next, n = nil, n+1
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != nil {
		fail("%s is missing after the migration", name(*next))
	}
	for w := range want {
		fail("%s is missing after the migration", name(w))
	}
	if err := <-walked; err != nil {
		t.Fatal(err)
	}
	if bad > 10 {
		t.Errorf("... %d records wrong in all", bad)
	}
	return n
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
