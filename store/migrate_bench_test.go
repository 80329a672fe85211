package store_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot/store"
	"cchcbot/synth"
)

// migrateResult is what the child process of BenchmarkMigrate reports.
type migrateResult struct {
	Elapsed time.Duration
	Peak    synth.Peak
}

// TestMigrateChild is BenchmarkMigrate's child process: it opens (and so
// migrates) the store in $CCHCBOT_MIGRATE_CHILD, with a logger as the bot
// has one, and prints the time and the peak memory it took. A fresh
// process, so that its peak RSS is the migration's alone.
func TestMigrateChild(t *testing.T) {
	dir := os.Getenv("CCHCBOT_MIGRATE_CHILD")
	if dir == "" {
		t.Skip("BenchmarkMigrate's child process")
	}
	var res migrateResult
	var err error
	res.Peak = synth.MeasurePeak(func() {
		start := time.Now()
		var db *store.DB
		db, err = store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LockTimeout: time.Minute})
		if err == nil {
			err = db.Close()
		}
		res.Elapsed = time.Since(start)
	})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(res)
	fmt.Printf("MIGRATE %s\n", js)
}

// BenchmarkMigrate measures migration 0009 on the JSON stores the release
// before it wrote, in $CCHCBOT_MIGRATE_FROM/synth-<n>-units-v1 (copied
// first: they stay as they are), at the scales of $CCHCBOT_BENCH_SCALES:
// its time and peak memory in a fresh process, the file's size before,
// after, and after bbolt's compaction, and the bytes per record.
//
//	CCHCBOT_MIGRATE_FROM=/tmp/cchcbot-json CCHCBOT_BENCH_SCALES=50,1000 \
//	  go test -run '^$' -bench BenchmarkMigrate -benchtime 1x ./store
func BenchmarkMigrate(b *testing.B) {
	from := os.Getenv("CCHCBOT_MIGRATE_FROM")
	if from == "" {
		b.Skip("CCHCBOT_MIGRATE_FROM names no directory of JSON stores")
	}
	for _, n := range synth.Scales() {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			src := filepath.Join(from, fmt.Sprintf("synth-%d-units-v1", n), "data", store.FileName)
			if _, err := os.Stat(src); err != nil {
				b.Skip(err)
			}
			var res migrateResult
			var dir string
			for range b.N {
				b.StopTimer()
				dir = b.TempDir()
				copyFileTB(b, src, filepath.Join(dir, store.FileName))
				b.StartTimer()
				res = migrateChild(b, dir)
			}
			b.StopTimer()
			before, after := fileSize(b, src), fileSize(b, filepath.Join(dir, store.FileName))
			compacted, took := compactCopy(b, filepath.Join(dir, store.FileName))
			b.ReportMetric(res.Elapsed.Seconds(), "s/migration")
			b.ReportMetric(float64(res.Peak.RSS)/(1<<20), "MB-peak-RSS")
			b.ReportMetric(float64(res.Peak.Go)/(1<<20), "MB-peak-Go")
			b.ReportMetric(float64(before)/(1<<20), "MB-before")
			b.ReportMetric(float64(after)/(1<<20), "MB-after")
			b.ReportMetric(float64(compacted)/(1<<20), "MB-compacted")
			old, now := recordSizes(b, src), recordSizes(b, filepath.Join(dir, store.FileName))
			for _, name := range store.BinaryBuckets {
				b.Logf("%s: %d records, %.1f → %.1f bytes a value", name, old[name].n, old[name].avg(), now[name].avg())
			}
			b.Logf("file %.1f MB JSON, %.1f MB after migration, %.1f MB after bbolt's compaction (%s)",
				float64(before)/(1<<20), float64(after)/(1<<20), float64(compacted)/(1<<20), took.Round(time.Millisecond))
		})
	}
}

// migrateChild runs TestMigrateChild on dir in a new process.
func migrateChild(b *testing.B, dir string) migrateResult {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateChild$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CCHCBOT_MIGRATE_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("migration child: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if js, ok := strings.CutPrefix(sc.Text(), "MIGRATE "); ok {
			var res migrateResult
			if err := json.Unmarshal([]byte(js), &res); err != nil {
				b.Fatal(err)
			}
			return res
		}
	}
	b.Fatalf("migration child printed no result:\n%s", out)
	return migrateResult{}
}

type sizes struct{ n, bytes int }

func (s sizes) avg() float64 { return float64(s.bytes) / float64(max(s.n, 1)) }

// recordSizes sums the values of the binary buckets of the file at path.
func recordSizes(tb testing.TB, path string) map[string]sizes {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	out := map[string]sizes{}
	db.View(func(tx *bolt.Tx) error {
		for _, name := range store.BinaryBuckets {
			var s sizes
			tx.Bucket([]byte(name)).ForEach(func(_, v []byte) error {
				s.n, s.bytes = s.n+1, s.bytes+len(v)
				return nil
			})
			out[name] = s
		}
		return nil
	})
	return out
}

// compactCopy copies the file at path with bbolt's compaction, as
// `cchcbot compact` will, and returns the copy's size.
func compactCopy(tb testing.TB, path string) (int64, time.Duration) {
	tb.Helper()
	start := time.Now()
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dstPath := path + ".compact"
	dst, err := bolt.Open(dstPath, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		tb.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatal(err)
	}
	took := time.Since(start)
	size := fileSize(tb, dstPath)
	os.Remove(dstPath)
	return size, took
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

func copyFileTB(tb testing.TB, from, to string) {
	tb.Helper()
	src, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		tb.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatal(err)
	}
}
