package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// ReviewSubmission accepts or returns (with a reason) the submission with
// the given id. Only the latest version of its (period, unit) may be
// reviewed, ECONFLICT otherwise: staff must judge what the unit sent last.
// Pressing the same button twice changes nothing and queues nothing.
// The messages out makes from the reviewed version (the unit's members
// told) are queued in the same commit; out runs inside the write
// transaction, so it must only build messages, and may be nil.
func (db *DB) ReviewSubmission(ctx context.Context, id uint64, state cchcbot.SubmissionState, reason string, by cchcbot.UserID, now time.Time,
	out func(*cchcbot.Submission) []*cchcbot.Outgoing) (*cchcbot.Submission, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case state != cchcbot.StateAccepted && state != cchcbot.StateReturned:
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Chỉ có thể tiếp nhận hoặc trả lại hồ sơ.")
	case state == cchcbot.StateReturned && reason == "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ lý do trả lại hồ sơ để đơn vị bổ sung, chỉnh sửa.")
	case state == cchcbot.StateAccepted:
		reason = ""
	}
	now = db.stamp(now)
	var reviewed *cchcbot.Submission
	var done []queued
	err := db.update(ctx, "review submission", func(tx *bolt.Tx) error {
		db.cache.submissions.changedBy(tx)
		s, err := loadSubmission(tx, be64(id))
		if err != nil {
			return err
		}
		versions, err := scan(tx, bucketSubByPU, joinKey(s.PeriodID, s.UnitCode, ""))
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return fmt.Errorf("submission %d is missing from its index", id)
		}
		if last := versions[len(versions)-1]; last.ID != s.ID {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Hồ sơ %s là lần nộp thứ %d; đơn vị đã nộp lần thứ %d (hồ sơ %s). Xin xem xét hồ sơ nộp sau cùng.",
				s.ReceiptNo(), s.Version, last.Version, last.ReceiptNo())
		}
		reviewed = s
		if s.State == state && s.Reason == reason {
			return errNoChange
		}
		s.State, s.Reason, s.ReviewedBy, s.ReviewedAt = state, reason, by, now
		if err := put(tx.Bucket(bucketSubmissions), be64(id), s); err != nil {
			return err
		}
		if err := appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: string(by), Action: "submission." + string(state),
			Subject: s.PeriodID + " " + s.UnitCode, Detail: strings.TrimSpace(s.ReceiptNo() + " " + reason)}); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		c := *s // out's own copy
		c.Files = slices.Clone(s.Files)
		done, err = db.enqueue(tx, now, out(&c))
		return err
	})
	if err != nil {
		return nil, err
	}
	settle(done)
	return reviewed, nil
}
