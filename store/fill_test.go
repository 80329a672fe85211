package store_test

import (
	"fmt"
	"testing"
	"time"

	"cchcbot"
)

// TestSequenceBucketsSplitFull: the buckets keyed by a sequence fill
// their pages before splitting them. At bbolt's default they stayed half
// empty, a third of the five-year file at a province's size.
func TestSequenceBucketsSplitFull(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	for i := range 3000 {
		if err := db.Audit(ctx, cchcbot.AuditEntry{Actor: "system", Action: "test", Subject: fmt.Sprintf("unit-%d", i), Detail: "a line of some length, as audit details are"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 500 {
		s := &cchcbot.Submission{PeriodID: fmt.Sprintf("bao-cao-thang/2024-%02d", 1+i%12), UnitCode: "xa-chau-loc", Files: []cchcbot.File{putFile(t, db, fmt.Sprint(i))},
			SubmittedBy: cchcbot.TelegramUser(11), SubmitterName: "Lê Văn Lộc", SubmittedAt: time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC)}
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"audit", "submissions"} {
		fill, err := db.BucketFill(name)
		if err != nil {
			t.Fatal(err)
		}
		if fill < 0.75 {
			t.Errorf("%s: leaf pages %.0f%% full, want at least 75%%", name, 100*fill)
		}
	}
}
