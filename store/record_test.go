package store_test

import (
	"sync"
	"testing"

	"cchcbot"
)

// receiptFor is what the chat queues with a recorded submission: a receipt
// to the person and a notice to an admin.
func receiptFor(s *cchcbot.Submission) []*cchcbot.Outgoing {
	return []*cchcbot.Outgoing{
		{Kind: cchcbot.OutReceipt, To: s.SubmittedBy, Priority: cchcbot.PriorityInteractive, Text: "Biên nhận " + s.ReceiptNo()},
		{Kind: cchcbot.OutNotice, To: "telegram:900", Text: "Đơn vị " + s.UnitCode + " đã nộp " + s.ReceiptNo()},
	}
}

func TestRecordSubmission(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	who := cchcbot.TelegramUser(11)
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: who, UnitCode: "xa-chau-loc", PeriodID: feb, Nonce: "n1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: "telegram:12", UnitCode: "xa-chau-loc", PeriodID: feb}); err != nil {
		t.Fatal(err)
	}
	f := putFile(t, db, "báo cáo tháng 2")
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedBy: who, Key: "telegram:11/n1"}
	var seen *cchcbot.Submission
	created, err := db.RecordSubmission(ctx, s, func(rec *cchcbot.Submission) []*cchcbot.Outgoing {
		seen = rec
		rec.Note = "changed by the callback" // not recorded
		return receiptFor(rec)
	})
	if err != nil || !created || s.ID != 1 || s.Version != 1 || s.Note != "" {
		t.Fatalf("RecordSubmission = %v, %v, %+v; want created id 1 v1, the callback's change not recorded", created, err, s)
	}
	if seen == nil || seen.ID != s.ID || seen.Version != 1 || !seen.SubmittedAt.Equal(t0) {
		t.Errorf("the callback saw %+v; want the recorded version", seen)
	}
	msgs, _ := db.PendingOutgoing(ctx, 0, 0)
	if len(msgs) != 2 || msgs[0].To != who || msgs[0].Text != "Biên nhận CCHC-2024-000001" || msgs[1].Kind != cchcbot.OutNotice {
		t.Fatalf("outbox = %+v; want the receipt and the notice", msgs)
	}
	if !signalled(db) {
		t.Error("Queued not signalled")
	}
	_, err = db.Draft(ctx, who)
	wantCode(t, "the submitter's draft after recording", err, cchcbot.ENOTFOUND)
	if _, err := db.Draft(ctx, "telegram:12"); err != nil {
		t.Errorf("another person's draft: %v", err)
	}

	// The confirm delivered again: the same version, nothing queued,
	// nothing written.
	writes, seq := db.PageWrites(), lastAuditSeq(t, db)
	again := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedBy: who, Key: "telegram:11/n1"}
	called := false
	created, err = db.RecordSubmission(ctx, again, func(*cchcbot.Submission) []*cchcbot.Outgoing { called = true; return receiptFor(again) })
	if err != nil || created || again.ID != s.ID || again.Version != 1 || called {
		t.Errorf("second RecordSubmission = %v, %v, id %d, callback called %v; want the first version, nothing made", created, err, again.ID, called)
	}
	if n, _ := db.OutboxLen(ctx); n != 2 || db.PageWrites() != writes || lastAuditSeq(t, db) != seq || signalled(db) {
		t.Errorf("a repeated confirm wrote: outbox %d, page writes %d more", n, db.PageWrites()-writes)
	}

	// Without a key or a callback, it records a new version.
	s2 := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedBy: who}
	if created, err := db.RecordSubmission(ctx, s2, nil); err != nil || !created || s2.Version != 2 {
		t.Errorf("record without callback = %v, %v, v%d; want version 2", created, err, s2.Version)
	}
	if n, _ := db.OutboxLen(ctx); n != 2 {
		t.Errorf("a nil callback queued: outbox %d", n)
	}
}

// TestRecordSubmissionIsAtomic: a message that cannot be queued undoes the
// whole record: no version, no audit entry, no id spent, the draft kept.
func TestRecordSubmissionIsAtomic(t *testing.T) {
	db := MustOpen(t)
	who := cchcbot.TelegramUser(11)
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: who, UnitCode: "xa-a", PeriodID: feb}); err != nil {
		t.Fatal(err)
	}
	seq := lastAuditSeq(t, db)
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", SubmittedBy: who, Key: "k1"}
	_, err := db.RecordSubmission(ctx, s, func(rec *cchcbot.Submission) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{{Kind: cchcbot.OutReceipt, To: rec.SubmittedBy}, {Kind: cchcbot.OutNotice}} // the notice has no recipient
	})
	if err == nil {
		t.Fatal("a record with an undeliverable message was committed")
	}
	if subs, _ := db.Submissions(ctx, feb, "xa-a"); len(subs) != 0 {
		t.Errorf("versions after a failed record: %+v", subs)
	}
	if _, err := db.SubmissionByKey(ctx, "k1"); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("the key was indexed: %v", err)
	}
	if n, _ := db.OutboxLen(ctx); n != 0 || lastAuditSeq(t, db) != seq || signalled(db) {
		t.Errorf("a failed record left %d messages or an audit entry", n)
	}
	if _, err := db.Draft(ctx, who); err != nil {
		t.Errorf("the draft was deleted by a failed record: %v", err)
	}
	if created, err := db.RecordSubmission(ctx, s, receiptFor); err != nil || !created || s.ID != 1 {
		t.Errorf("the retry = %v, %v, id %d; want created with id 1", created, err, s.ID)
	}
}

// TestRecordSubmissionConcurrentConfirms: a confirm pressed twice at once
// makes one version and one receipt.
func TestRecordSubmissionConcurrentConfirms(t *testing.T) {
	db := MustOpen(t)
	const n = 8
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", SubmittedBy: "telegram:1", Key: "once"}
			created, err := db.RecordSubmission(ctx, s, receiptFor)
			if err != nil {
				t.Error(err)
			}
			results <- created
		}()
	}
	wg.Wait()
	close(results)
	made := 0
	for c := range results {
		if c {
			made++
		}
	}
	if subs, _ := db.Submissions(ctx, feb, "xa-a"); made != 1 || len(subs) != 1 {
		t.Errorf("%d created, %d versions; want 1 and 1", made, len(subs))
	}
	if q, _ := db.OutboxLen(ctx); q != 2 {
		t.Errorf("outbox holds %d, want one receipt and one notice", q)
	}
}

func TestReviewSubmissionQueuesNotices(t *testing.T) {
	db := MustOpen(t)
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", SubmittedBy: "telegram:11"}
	if err := db.CreateSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	tell := func(rec *cchcbot.Submission) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{{Kind: cchcbot.OutNotice, To: rec.SubmittedBy, Text: rec.ReceiptNo() + ": " + rec.State.Label() + " " + rec.Reason}}
	}
	got, err := db.ReviewSubmission(ctx, s.ID, cchcbot.StateReturned, "Thiếu chữ ký", "telegram:9", t0, tell)
	if err != nil || got.State != cchcbot.StateReturned {
		t.Fatal(got, err)
	}
	msgs, _ := db.PendingOutgoing(ctx, 0, 0)
	if len(msgs) != 1 || msgs[0].Text != "CCHC-2024-000001: Bị trả lại Thiếu chữ ký" {
		t.Fatalf("outbox = %+v; want the unit told of the return", msgs)
	}
	// The same press again changes nothing and tells no one twice.
	if _, err := db.ReviewSubmission(ctx, s.ID, cchcbot.StateReturned, "Thiếu chữ ký", "telegram:9", t0, tell); err != nil {
		t.Fatal(err)
	}
	// A notice that cannot be queued undoes the review.
	_, err = db.ReviewSubmission(ctx, s.ID, cchcbot.StateAccepted, "", "telegram:9", t0, func(*cchcbot.Submission) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{{Kind: cchcbot.OutNotice}}
	})
	if err == nil {
		t.Error("a review with an undeliverable notice was committed")
	}
	if cur, _ := db.Submission(ctx, s.ID); cur.State != cchcbot.StateReturned {
		t.Errorf("state after a failed review = %s, want returned", cur.State)
	}
	if n, _ := db.OutboxLen(ctx); n != 1 {
		t.Errorf("outbox holds %d, want the one notice", n)
	}
}

func TestMarkUnreachable(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	if err := db.ImportMembers(ctx, []cchcbot.Member{{User: "telegram:1", UnitCode: "xa-chau-loc"}}); err != nil {
		t.Fatal(err)
	}
	alert := func(m cchcbot.Member) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{{Kind: cchcbot.OutNotice, To: "telegram:900", Text: string(m.User) + " không nhận được tin: " + m.UnreachableReason}}
	}
	// Two refusals race: one marks and alerts, the other finds it done.
	const n = 6
	var wg sync.WaitGroup
	changed := make(chan bool, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := db.MarkUnreachable(ctx, "telegram:1", "bot was blocked", t0, alert)
			if err != nil {
				t.Error(err)
			}
			changed <- c
		}()
	}
	wg.Wait()
	close(changed)
	count := 0
	for c := range changed {
		if c {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d calls changed the member, want 1", count)
	}
	msgs, _ := db.PendingOutgoing(ctx, 0, 0)
	if len(msgs) != 1 || msgs[0].Text != "telegram:1 không nhận được tin: bot was blocked" {
		t.Errorf("outbox = %+v; want one alert", msgs)
	}
	m, _ := db.Member(ctx, "telegram:1")
	if !m.Unreachable || !m.UnreachableAt.Equal(t0) || m.UnreachableReason != "bot was blocked" {
		t.Errorf("member = %+v", m)
	}
	if c, _ := db.MemberCounts(ctx); c["xa-chau-loc"] != (cchcbot.MemberCount{Members: 1}) {
		t.Errorf("member counts = %v; the cache missed the change", c)
	}
	es, _ := db.AuditEntries(ctx, 0, 0)
	if last := es[len(es)-1]; last.Action != "member.unreachable" || last.Subject != "telegram:1" {
		t.Errorf("last audit entry = %+v", last)
	}

	// Not a member (an admin, say): nothing to record.
	writes := db.PageWrites()
	if c, err := db.MarkUnreachable(ctx, "telegram:900", "blocked", t0, alert); err != nil || c {
		t.Errorf("MarkUnreachable of a non-member = %v, %v", c, err)
	}
	if db.PageWrites() != writes {
		t.Error("MarkUnreachable of a non-member wrote")
	}
	// Reachable again, then refused again: alerted again.
	if err := db.SetReachable(ctx, "telegram:1", true, "", t0); err != nil {
		t.Fatal(err)
	}
	if c, err := db.MarkUnreachable(ctx, "telegram:1", "chat not found", t0, nil); err != nil || !c {
		t.Errorf("MarkUnreachable after SetReachable = %v, %v; want changed", c, err)
	}
	// A bad alert undoes the mark.
	if err := db.SetReachable(ctx, "telegram:1", true, "", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkUnreachable(ctx, "telegram:1", "x", t0, func(cchcbot.Member) []*cchcbot.Outgoing { return []*cchcbot.Outgoing{nil} }); err == nil {
		t.Error("a mark with an undeliverable alert was committed")
	}
	if m, _ := db.Member(ctx, "telegram:1"); m.Unreachable {
		t.Error("the failed mark stuck")
	}
}
