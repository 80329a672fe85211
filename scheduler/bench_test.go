package scheduler_test

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFanOut measures one reminder step to N units through the real
// store (two commits per message) and a channel that costs nothing: the
// bot's own cost per message, apart from Telegram's pace.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{50, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := newFixture(b, n)
			s := f.scheduler()
			day := at("2024-03-05 08:00")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				f.db.Close()
				f = newFixture(b, n) // a fresh log: every message is new
				s = f.scheduler()
				b.StartTimer()
				f.runAt(b, s, day)
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N*n)/float64(time.Microsecond), "µs/msg")
		})
	}
}
