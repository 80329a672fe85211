package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// bucketExplanations holds the late explanations: period \0 unit \0 be64
// id → Explanation, the id from the bucket's sequence, so a period's are
// one prefix scan and a unit's come oldest first.
var bucketExplanations = []byte("explanations")

// AddExplanation records x, a unit's reason for being late given without a
// report (/giaitrinh), and sets x.ID from the bucket's sequence and x.At
// (now) if empty. The audit entry and the messages out makes from the
// recorded explanation (the admins told) are written in the same commit;
// out runs inside the write transaction, so it must only build messages,
// and may be nil. An explanation given with a report is recorded by
// RecordSubmission instead.
func (db *DB) AddExplanation(ctx context.Context, x *cchcbot.Explanation, out func(*cchcbot.Explanation) []*cchcbot.Outgoing) error {
	next := *x
	next.ID = 0
	next.Text = strings.TrimSpace(next.Text)
	next.At = db.stamp(next.At)
	if err := validExplanation(next); err != nil {
		return err
	}
	var done []queued
	err := db.update(ctx, "add explanation", func(tx *bolt.Tx) error {
		if err := insertExplanation(tx, &next); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		c := next
		var err error
		done, err = db.enqueue(tx, next.At, out(&c))
		return err
	})
	if err != nil {
		return err
	}
	settle(done)
	*x = next
	return nil
}

func validExplanation(x cchcbot.Explanation) error {
	switch {
	case !validKeyPart(x.PeriodID) || !validKeyPart(x.UnitCode):
		return cchcbot.Errorf(cchcbot.EINVALID, "Giải trình thiếu kỳ báo cáo hoặc đơn vị.")
	case x.Text == "":
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin nêu ngắn gọn lý do chậm nộp báo cáo.")
	}
	return checkText(x.Text, "Nội dung giải trình", maxReason)
}

// insertExplanation gives x its id and writes it with its audit entry.
func insertExplanation(tx *bolt.Tx, x *cchcbot.Explanation) error {
	b := tx.Bucket(bucketExplanations)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	x.ID = id
	if err := put(b, append(joinKey(x.PeriodID, x.UnitCode, ""), be64(id)...), x); err != nil {
		return err
	}
	detail := x.Text
	if x.SubmissionID != 0 {
		detail = fmt.Sprintf("kèm hồ sơ %d: %s", x.SubmissionID, x.Text)
	}
	return appendAudit(tx, cchcbot.AuditEntry{At: x.At, Actor: actor(x.By), Action: "explain",
		Subject: x.PeriodID + " " + x.UnitCode, Detail: detail})
}

// submissionExplanation returns the explanation record s carries, nil if
// it carries none. The id and submission id are set when it is written.
func submissionExplanation(s cchcbot.Submission) (*cchcbot.Explanation, error) {
	text := strings.TrimSpace(s.Explanation)
	if text == "" {
		return nil, nil
	}
	x := &cchcbot.Explanation{PeriodID: s.PeriodID, UnitCode: s.UnitCode, Text: text, By: s.SubmittedBy, ByName: s.SubmitterName, At: s.SubmittedAt}
	if err := validExplanation(*x); err != nil {
		return nil, err
	}
	return x, nil
}
