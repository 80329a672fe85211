package store_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cchcbot/store"
	"cchcbot/synth"
)

// BenchmarkCompact compacts the store of a province of N units with five
// years of history (a fresh copy of it each time, so that every run
// compacts the same file): the time writes wait while `cchcbot compact`
// runs in the bot, the sizes before and after, and the peak memory.
//
//	CCHCBOT_BENCH_SCALES=50,1000 go test -run xxx -bench Compact -benchtime 3x -timeout 60m ./store
func BenchmarkCompact(b *testing.B) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range synth.Scales() {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			d, err := synth.Prepare(synth.CacheDir(), base, n)
			if err != nil {
				b.Fatal(err)
			}
			src := filepath.Join(d.Config.DataDir, store.FileName)
			var res store.CompactResult
			var peak synth.Peak
			var copying, checking time.Duration
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				copyDBFile(b, src, filepath.Join(dir, store.FileName))
				db, err := store.Open(dir, store.Options{LockTimeout: time.Minute, Now: func() time.Time { return synth.End }})
				if err != nil {
					b.Fatal(err)
				}
				// The stages' times: the copy (with its fsync), the count
				// of the database's keys and the check of the copy.
				var at = map[string]time.Time{}
				db.OnCompact(func(stage string) error { at[stage] = time.Now(); return nil })
				b.StartTimer()
				p := synth.MeasurePeak(func() {
					if res, err = db.Compact(ctx); err != nil {
						b.Fatal(err)
					}
				})
				b.StopTimer()
				peak.RSS, peak.Go = max(peak.RSS, p.RSS), max(peak.Go, p.Go)
				copying += at["copied"].Sub(at["copy"])
				checking += at["rename"].Sub(at["copied"])
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(res.SizeBefore)/(1<<20), "before-MB")
			b.ReportMetric(float64(res.SizeAfter)/(1<<20), "after-MB")
			b.ReportMetric(float64(res.Keys), "keys")
			b.ReportMetric(copying.Seconds()/float64(b.N), "copy-s/op")
			b.ReportMetric(checking.Seconds()/float64(b.N), "check-s/op")
			b.ReportMetric(float64(peak.RSS)/(1<<20), "peak-RSS-MB")
			b.ReportMetric(float64(peak.Go)/(1<<20), "peak-Go-MB")
		})
	}
}

func copyDBFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}
