package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

const feb = "bao-cao-thang/2024-02"

func TestSubmissionVersionsAndReview(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	f := putFile(t, db, "kế hoạch")
	staff := cchcbot.TelegramUser(1)

	s1 := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedBy: cchcbot.TelegramUser(11), SubmittedAt: t0}
	if err := db.CreateSubmission(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if s1.ID != 1 || s1.Version != 1 || s1.State != cchcbot.StateSubmitted || s1.ReceiptNo() != "CCHC-2024-000001" {
		t.Fatalf("first submission = %+v", s1)
	}

	_, err := db.ReviewSubmission(ctx, s1.ID, cchcbot.StateReturned, "  ", staff, t0, nil)
	wantCode(t, "return without a reason", err, cchcbot.EINVALID)
	_, err = db.ReviewSubmission(ctx, s1.ID, cchcbot.StateSubmitted, "", staff, t0, nil)
	wantCode(t, "review to 'submitted'", err, cchcbot.EINVALID)
	_, err = db.ReviewSubmission(ctx, 99, cchcbot.StateAccepted, "", staff, t0, nil)
	wantCode(t, "review of an unknown id", err, cchcbot.ENOTFOUND)
	s, err := db.ReviewSubmission(ctx, s1.ID, cchcbot.StateReturned, "Thiếu phụ lục", staff, t0.Add(time.Minute), nil)
	if err != nil || s.State != cchcbot.StateReturned || s.ReviewedBy != staff || !s.ReviewedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("return = %+v, %v", s, err)
	}

	s2 := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", Files: []cchcbot.File{f, putFile(t, db, "phụ lục")}}
	if err := db.CreateSubmission(ctx, s2); err != nil || s2.ID != 2 || s2.Version != 2 || !s2.SubmittedAt.Equal(t0) {
		t.Fatalf("second version = %+v, %v; want id 2, version 2, stamped now", s2, err)
	}
	_, err = db.ReviewSubmission(ctx, s1.ID, cchcbot.StateAccepted, "", staff, t0, nil)
	wantCode(t, "review of a superseded version", err, cchcbot.ECONFLICT)
	if !strings.Contains(cchcbot.ErrorMessage(err), s2.ReceiptNo()) {
		t.Errorf("message %q does not name the latest version", cchcbot.ErrorMessage(err))
	}
	if s, err := db.ReviewSubmission(ctx, s2.ID, cchcbot.StateAccepted, "ignored", staff, t0, nil); err != nil || s.State != cchcbot.StateAccepted || s.Reason != "" {
		t.Fatalf("accept = %+v, %v", s, err)
	}
	seq := lastAuditSeq(t, db)
	if _, err := db.ReviewSubmission(ctx, s2.ID, cchcbot.StateAccepted, "", staff, t0, nil); err != nil {
		t.Errorf("accepting twice = %v, want nil", err)
	}
	if lastAuditSeq(t, db) != seq {
		t.Error("accepting twice wrote a second audit entry")
	}

	other := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-dong-hop", Files: []cchcbot.File{f}}
	if err := db.CreateSubmission(ctx, other); err != nil || other.Version != 1 {
		t.Fatalf("another unit = %+v, %v; want version 1", other, err)
	}
	march := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-chau-loc"}
	if err := db.CreateSubmission(ctx, march); err != nil || march.Version != 1 {
		t.Fatalf("another period = %+v, %v; want version 1", march, err)
	}

	latest, err := db.LatestSubmissions(ctx, feb)
	if err != nil || len(latest) != 2 || latest["xa-chau-loc"].ID != s2.ID || latest["xa-chau-loc"].State != cchcbot.StateAccepted || latest["xa-dong-hop"].ID != other.ID {
		t.Fatalf("latest = %+v, %v", latest, err)
	}
	versions, _ := db.Submissions(ctx, feb, "xa-chau-loc")
	if ids(versions) != "[1 2]" || versions[0].State != cchcbot.StateReturned || versions[0].Reason != "Thiếu phụ lục" {
		t.Errorf("versions = %s %+v", ids(versions), versions)
	}
	if got, _ := db.SubmissionsForPeriod(ctx, feb); ids(got) != "[1 2 3]" {
		t.Errorf("period submissions = %s, want [1 2 3]", ids(got))
	}
	if got, _ := db.UnitSubmissions(ctx, "xa-chau-loc"); ids(got) != "[1 2 4]" {
		t.Errorf("unit history = %s, want [1 2 4] (by period, then version)", ids(got))
	}
	if got, err := db.Submission(ctx, s2.ID); err != nil || len(got.Files) != 2 || got.Files[1].Name != "bao-cao.pdf" {
		t.Errorf("Submission(%d) = %+v, %v", s2.ID, got, err)
	}
}

func ids(subs []*cchcbot.Submission) string {
	var out []uint64
	for _, s := range subs {
		out = append(out, s.ID)
	}
	return fmt.Sprint(out)
}

func lastAuditSeq(tb testing.TB, db *store.DB) uint64 {
	tb.Helper()
	es, err := db.AuditEntries(ctx, 0, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].Seq
}

// TestNoRecordWithoutItsFile: a submission naming a file the store does
// not hold is an internal error and leaves no trace.
func TestNoRecordWithoutItsFile(t *testing.T) {
	db := MustOpen(t)
	f := putFile(t, db, "có thật")
	seq := lastAuditSeq(t, db)
	for name, files := range map[string][]cchcbot.File{
		"missing file":   {f, {SHA256: strings.Repeat("0", 64), Name: "mat.pdf"}},
		"not a hash":     {{SHA256: "../cchcbot.db", Name: "x.pdf"}},
		"no hash at all": {{Name: "y.pdf", ChannelFileID: "F1"}},
	} {
		err := db.CreateSubmission(ctx, &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", Files: files})
		wantCode(t, name, err, cchcbot.EINTERNAL)
	}
	if subs, _ := db.Submissions(ctx, feb, "xa-a"); len(subs) != 0 {
		t.Errorf("refused submissions left %d records", len(subs))
	}
	if lastAuditSeq(t, db) != seq {
		t.Error("a refused submission was audited")
	}
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", Files: []cchcbot.File{f}}
	if err := db.CreateSubmission(ctx, s); err != nil || s.ID != 1 {
		t.Errorf("the next good submission = id %d, %v; want id 1 (no id spent on refusals)", s.ID, err)
	}
	for name, s := range map[string]*cchcbot.Submission{
		"no period": {UnitCode: "xa-a"},
		"no unit":   {PeriodID: feb},
	} {
		wantCode(t, name, db.CreateSubmission(ctx, s), cchcbot.EINVALID)
	}
}

func TestAllSubmissions(t *testing.T) {
	db := MustOpen(t)
	const n = 300 // more than one batch
	for i := range n {
		s := &cchcbot.Submission{PeriodID: fmt.Sprintf("p/%d", i%7), UnitCode: fmt.Sprintf("u%d", i%13)}
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint64
	if err := db.AllSubmissions(ctx, func(s *cchcbot.Submission) error {
		got = append(got, s.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("AllSubmissions gave %d, want %d", len(got), n)
	}
	for i, id := range got {
		if id != uint64(i+1) {
			t.Fatalf("position %d holds id %d", i, id)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := db.AllSubmissions(ctx, func(*cchcbot.Submission) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("AllSubmissions after fn failed = %v after %d calls, want stop after 3", err, calls)
	}
}
