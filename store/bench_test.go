package store_test

import (
	"fmt"
	"testing"

	"cchcbot"
)

// BenchmarkCreateSubmission measures one version's commit: two fsyncs
// dominate.
func BenchmarkCreateSubmission(b *testing.B) {
	db := MustOpen(b)
	f := putFile(b, db, "x")
	for i := 0; b.Loop(); i++ {
		s := &cchcbot.Submission{PeriodID: "p/1", UnitCode: fmt.Sprintf("u%d", i%1000), Files: []cchcbot.File{f}}
		if err := db.CreateSubmission(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueueFinishReminder measures one reminder's bookkeeping: two
// commits, one queueing it with its message and one recording the outcome.
func BenchmarkQueueFinishReminder(b *testing.B) {
	db := MustOpen(b)
	for i := 0; b.Loop(); i++ {
		r := cchcbot.Reminder{PeriodID: "p/1", UnitCode: fmt.Sprintf("u%d", i), Step: "before-7", Member: cchcbot.TelegramUser(int64(i))}
		msgs, _ := queueReminders(b, db, r)
		finish(b, db, cchcbot.Delivered, t0, msgs...)
	}
}

// BenchmarkMarkReminders100 records 100 skipped steps in one commit, as
// the scheduler does after downtime; compare ns/record with the above.
func BenchmarkMarkReminders100(b *testing.B) {
	db := MustOpen(b)
	rs := make([]cchcbot.Reminder, 100)
	for i := 0; b.Loop(); i++ {
		for j := range rs {
			rs[j] = cchcbot.Reminder{PeriodID: "p/1", UnitCode: fmt.Sprintf("u%d", i), Step: "before-7", Member: cchcbot.TelegramUser(int64(j)), State: cchcbot.ReminderSkipped}
		}
		if err := db.MarkReminders(ctx, rs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rs)), "ns/record")
}
