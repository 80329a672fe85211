package export_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"cchcbot/export"
	"cchcbot/store"
	"cchcbot/synth"
)

// countWriter counts what a workbook would weigh on disk.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// BenchmarkExportYear writes the workbook of 2026 (eleven monthly periods
// due by 30/11 and December's just opened) for a province of N units with
// five years of history: every status cell, every version's detail row and
// the per-unit summary. Targets: under 5 s and 200 MB peak RSS at 10,000
// units.
//
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench ExportYear -benchtime 3x -timeout 60m ./export
func BenchmarkExportYear(b *testing.B) {
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
			cal := d.Config.Calendar()
			var size countWriter
			var peak synth.Peak
			rows := 0
			b.ResetTimer()
			for b.Loop() {
				// A store opened afresh each time: its caches start cold,
				// as for the first export after the bot starts.
				b.StopTimer()
				db, err := store.Open(d.Config.DataDir, store.Options{ReadOnly: true, LockTimeout: time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				size = 0
				p := synth.MeasurePeak(func() {
					data, err := export.Load(context.Background(), db, cal, d.Config.Office, export.Selection{Year: 2026}, synth.End)
					if err != nil {
						b.Fatal(err)
					}
					rows = 0
					for _, k := range data.Kinds {
						for _, pd := range k.Periods {
							for us := range pd.Units() {
								if us.Latest != nil {
									rows += us.Latest.Version
								}
							}
						}
					}
					if err := export.WriteWorkbook(context.Background(), &size, db, data); err != nil {
						b.Fatal(err)
					}
				})
				peak.RSS, peak.Go = max(peak.RSS, p.RSS), max(peak.Go, p.Go)
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(peak.RSS)/(1<<20), "peak-RSS-MB")
			b.ReportMetric(float64(peak.Go)/(1<<20), "peak-Go-MB")
			b.ReportMetric(float64(size)/(1<<20), "xlsx-MB")
			b.ReportMetric(float64(rows), "versions")
		})
	}
}
