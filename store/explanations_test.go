package store_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

func TestAddExplanation(t *testing.T) {
	db := MustOpen(t)
	x := &cchcbot.Explanation{PeriodID: feb, UnitCode: "xa-chau-loc", Text: " Mất điện kéo dài, chưa tổng hợp được số liệu. ", By: member, ByName: "Lê Thị B"}
	err := db.AddExplanation(ctx, x, func(rec *cchcbot.Explanation) []*cchcbot.Outgoing {
		rec.Text = "changed by the callback" // not recorded
		return notices("Giải trình", admin)
	})
	if err != nil {
		t.Fatal(err)
	}
	if x.ID != 1 || !x.At.Equal(t0) || x.Text != "Mất điện kéo dài, chưa tổng hợp được số liệu." || x.SubmissionID != 0 {
		t.Errorf("added = %+v; want id 1 at t0, text trimmed", x)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"explain"}) || es[0].Actor != string(member) {
		t.Errorf("audit = %+v; want one explain entry", es)
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 || msgs[0].To != admin || !signalled(db) {
		t.Errorf("outbox = %+v; want the admins told", msgs)
	}
	x2 := &cchcbot.Explanation{PeriodID: feb, UnitCode: "xa-chau-loc", Text: strings.Repeat("ạ", 1000), By: member}
	if err := db.AddExplanation(ctx, x2, nil); err != nil || x2.ID != 2 {
		t.Errorf("an explanation of exactly 1000 characters = id %d, %v", x2.ID, err)
	}
	adj, _ := db.Adjustments(ctx, feb)
	if got := adj.Explanations["xa-chau-loc"]; len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 || got[0].Text != x.Text {
		t.Errorf("explanations = %+v; want both, oldest first", got)
	}

	m := takeMark(t, db)
	for name, x := range map[string]*cchcbot.Explanation{
		"empty":     {PeriodID: feb, UnitCode: "xa-chau-loc", Text: " \n "},
		"too long":  {PeriodID: feb, UnitCode: "xa-chau-loc", Text: strings.Repeat("ạ", 1001)},
		"no unit":   {PeriodID: feb, Text: "r"},
		"no period": {UnitCode: "xa-chau-loc", Text: "r"},
	} {
		err := db.AddExplanation(ctx, x, nil)
		wantCode(t, name, err, cchcbot.EINVALID)
		if !hasVietnamese(cchcbot.ErrorMessage(err)) {
			t.Errorf("%s: message %q is not a Vietnamese sentence", name, cchcbot.ErrorMessage(err))
		}
		m.unchanged(t, db, name)
	}
	bad := &cchcbot.Explanation{PeriodID: feb, UnitCode: "xa-chau-loc", Text: "r"}
	if err := db.AddExplanation(ctx, bad, func(*cchcbot.Explanation) []*cchcbot.Outgoing { return badMessage }); err == nil || bad.ID != 0 {
		t.Errorf("an explanation whose notice has no recipient = id %d, %v; want refused", bad.ID, err)
	}
	m.unchanged(t, db, "an explanation whose notice failed")
}

// TestRecordSubmissionWithExplanation: a late report's reason is recorded
// with it, in the same commit, once.
func TestRecordSubmissionWithExplanation(t *testing.T) {
	db := MustOpen(t)
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedBy: member, SubmitterName: "Lê Thị B", DaysLate: 2,
		Explanation: "Cán bộ phụ trách nghỉ ốm", Key: "k1", Note: "Đã hoàn thành"}
	created, err := db.RecordSubmission(ctx, s, receiptFor)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	adj, err := db.Adjustments(ctx, feb)
	if err != nil {
		t.Fatal(err)
	}
	got := adj.Explanations["xa-chau-loc"]
	if len(got) != 1 || got[0].SubmissionID != s.ID || got[0].Text != "Cán bộ phụ trách nghỉ ốm" || got[0].By != member ||
		got[0].ByName != "Lê Thị B" || !got[0].At.Equal(t0) {
		t.Errorf("explanations = %+v; want one naming submission %d", got, s.ID)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"submission.create", "explain"}) {
		t.Errorf("audit = %v; want the submission and the explanation", actions(es))
	}
	if n, _ := db.OutboxLen(ctx); n != 2 {
		t.Errorf("outbox = %d; want the receipt and the notice", n)
	}

	// The confirm delivered again: no second explanation.
	m := takeMark(t, db)
	again := *s
	again.ID, again.Version = 0, 0
	if created, err := db.RecordSubmission(ctx, &again, receiptFor); err != nil || created {
		t.Errorf("a repeated confirm = %v, %v", created, err)
	}
	m.unchanged(t, db, "a repeated confirm")

	// Refused submissions leave no explanation behind.
	long := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedBy: member, Explanation: strings.Repeat("ạ", 1001)}
	_, err = db.RecordSubmission(ctx, long, receiptFor)
	wantCode(t, "an explanation too long", err, cchcbot.EINVALID)
	m.unchanged(t, db, "a submission with an explanation too long")
	failed := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedBy: member, Explanation: "Lý do"}
	if _, err := db.RecordSubmission(ctx, failed, func(*cchcbot.Submission) []*cchcbot.Outgoing { return badMessage }); err == nil {
		t.Error("a submission whose receipt has no recipient was recorded")
	}
	m.unchanged(t, db, "a submission whose receipt failed")

	// No reason, no record.
	plain := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-dong-hop", SubmittedBy: "telegram:12", Explanation: "  "}
	if _, err := db.RecordSubmission(ctx, plain, nil); err != nil {
		t.Fatal(err)
	}
	if adj, _ := db.Adjustments(ctx, feb); len(adj.Explanations["xa-dong-hop"]) != 0 || len(adj.Explanations["xa-chau-loc"]) != 1 {
		t.Errorf("explanations = %+v; want only the first", adj.Explanations)
	}
}
