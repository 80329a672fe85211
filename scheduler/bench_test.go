package scheduler_test

import (
	"fmt"
	"testing"

	"cchcbot"
)

// BenchmarkFanOut measures one sweep that queues one reminder step to N
// units of one member each in the real store's outbox (each log record
// with its message, 500 to a commit); delivery is the outbox's, measured
// in its own benchmarks. Each iteration is
// the first step of the next month's report, so every message is new; the
// calendar has one step a period and no late window, so that each sweep
// sends exactly N.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{50, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := newFixture(b, n)
			k := f.cal.Kinds[1]
			k.LateDays = 0
			f.cal.Kinds = []cchcbot.ReportKind{k}
			f.cal.Reminders.DaysBefore = []int{7}
			f.cal.Reminders.OverdueMax = 0
			s := f.scheduler()
			month := 0
			b.ReportAllocs()
			for b.Loop() {
				p, err := f.cal.Period(fmt.Sprintf("bao-cao-thang/%04d-%02d", 2024+month/12, month%12+1))
				if err != nil {
					b.Fatal(err)
				}
				month++
				when := f.cal.Plan(p)[0].At
				f.clock.Set(when)
				if err := s.RunDue(ctx, when); err != nil {
					b.Fatal(err)
				}
			}
			rs, err := f.db.Reminders(ctx, fmt.Sprintf("bao-cao-thang/%04d-%02d", 2024+(month-1)/12, (month-1)%12+1))
			if err != nil || len(rs) != n {
				b.Fatalf("the last sweep logged %d reminders, want %d (%v)", len(rs), n, err)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(month*n), "µs/msg")
		})
	}
}
