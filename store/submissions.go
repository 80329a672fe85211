package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// CreateSubmission records a new version for (period, unit). Every file it
// names must already be on disk: a record is never committed without its
// files.
func (db *DB) CreateSubmission(ctx context.Context, s *cchcbot.Submission) error {
	for _, f := range s.Files {
		if !db.HasFile(f.SHA256) {
			return fmt.Errorf("submission file %s (%s) is not stored", f.SHA256, f.Name)
		}
	}
	if s.PeriodID == "" || s.UnitCode == "" {
		return cchcbot.Errorf(cchcbot.EINVALID, "submission needs a period and a unit")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		subs, byPU := tx.Bucket(bucketSubmissions), tx.Bucket(bucketSubByPU)
		prefix := joinKey(s.PeriodID, s.UnitCode, "")
		version := 1
		c := byPU.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			version++
		}
		id, err := subs.NextSequence()
		if err != nil {
			return err
		}
		next := *s
		next.ID, next.Version = id, version
		next.SubmittedAt = db.stamp(s.SubmittedAt)
		if next.State == "" {
			next.State = cchcbot.StateSubmitted
		}
		if err := put(subs, be64(id), next); err != nil {
			return err
		}
		if err := byPU.Put(append(prefix, be32(uint32(version))...), be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSubByUnit).Put(append(joinKey(s.UnitCode, s.PeriodID, ""), be32(uint32(version))...), be64(id)); err != nil {
			return err
		}
		if err := appendAudit(tx, cchcbot.AuditEntry{At: next.SubmittedAt, Actor: string(s.SubmittedBy), Action: "submission.create",
			Subject: s.PeriodID + " " + s.UnitCode, Detail: fmt.Sprintf("%s v%d, %d tệp", next.ReceiptNo(), version, len(s.Files))}); err != nil {
			return err
		}
		*s = next
		return nil
	})
}

// Submission returns one submission by id.
func (db *DB) Submission(ctx context.Context, id uint64) (*cchcbot.Submission, error) {
	var s *cchcbot.Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		s, err = loadSubmission(tx, be64(id))
		return err
	})
	return s, err
}

func loadSubmission(tx *bolt.Tx, id []byte) (*cchcbot.Submission, error) {
	var s cchcbot.Submission
	found, err := get(tx.Bucket(bucketSubmissions), id, &s)
	if err != nil {
		return nil, err
	} else if !found {
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy hồ sơ số %d.", binary.BigEndian.Uint64(id))
	}
	return &s, nil
}

// scan loads the submissions an index names under prefix, in key order.
func scan(tx *bolt.Tx, index, prefix []byte) ([]*cchcbot.Submission, error) {
	var out []*cchcbot.Submission
	c := tx.Bucket(index).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		s, err := loadSubmission(tx, v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Submissions returns every version for (period, unit), oldest first.
func (db *DB) Submissions(ctx context.Context, periodID, unitCode string) ([]*cchcbot.Submission, error) {
	var out []*cchcbot.Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = scan(tx, bucketSubByPU, joinKey(periodID, unitCode, ""))
		return err
	})
	return out, err
}

// SubmissionsForPeriod returns every version of every unit for a period.
func (db *DB) SubmissionsForPeriod(ctx context.Context, periodID string) ([]*cchcbot.Submission, error) {
	var out []*cchcbot.Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = scan(tx, bucketSubByPU, joinKey(periodID, ""))
		return err
	})
	return out, err
}

// LatestSubmissions returns each unit's latest version for a period.
func (db *DB) LatestSubmissions(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error) {
	all, err := db.SubmissionsForPeriod(ctx, periodID)
	if err != nil {
		return nil, err
	}
	latest := map[string]*cchcbot.Submission{}
	for _, s := range all { // versions ascend within a unit
		latest[s.UnitCode] = s
	}
	return latest, nil
}

// UnitSubmissions returns every version of one unit, by period then version.
func (db *DB) UnitSubmissions(ctx context.Context, unitCode string) ([]*cchcbot.Submission, error) {
	var out []*cchcbot.Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = scan(tx, bucketSubByUnit, joinKey(unitCode, ""))
		return err
	})
	return out, err
}

// AllSubmissions calls fn for every submission in id order.
func (db *DB) AllSubmissions(ctx context.Context, fn func(*cchcbot.Submission) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
			s, err := loadSubmission(tx, k)
			if err != nil {
				return err
			}
			return fn(s)
		})
	})
}

// ReviewSubmission accepts or returns the latest version of its (period,
// unit). Reviewing a superseded version is ECONFLICT: staff must look at
// what the unit sent last.
func (db *DB) ReviewSubmission(ctx context.Context, id uint64, state cchcbot.SubmissionState, reason string, by cchcbot.UserID, now time.Time) (*cchcbot.Submission, error) {
	if state != cchcbot.StateAccepted && state != cchcbot.StateReturned {
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Trạng thái %q không hợp lệ.", state)
	}
	if state == cchcbot.StateReturned && reason == "" {
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ lý do trả lại.")
	}
	now = db.stamp(now)
	var out *cchcbot.Submission
	err := db.update(ctx, func(tx *bolt.Tx) error {
		s, err := loadSubmission(tx, be64(id))
		if err != nil {
			return err
		}
		versions, err := scan(tx, bucketSubByPU, joinKey(s.PeriodID, s.UnitCode, ""))
		if err != nil {
			return err
		}
		if last := versions[len(versions)-1]; last.ID != s.ID {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Hồ sơ %s là phiên bản %d; đơn vị đã gửi phiên bản %d (%s). Xin xem xét phiên bản mới nhất.",
				s.ReceiptNo(), s.Version, last.Version, last.ReceiptNo())
		}
		if s.State == state && s.Reason == reason {
			out = s // pressed twice: nothing changes
			return nil
		}
		s.State, s.Reason, s.ReviewedBy, s.ReviewedAt = state, reason, by, now
		if state == cchcbot.StateAccepted {
			s.Reason = ""
		}
		if err := put(tx.Bucket(bucketSubmissions), be64(id), s); err != nil {
			return err
		}
		out = s
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: string(by), Action: "submission." + string(state),
			Subject: s.PeriodID + " " + s.UnitCode, Detail: s.ReceiptNo() + " " + reason})
	})
	return out, err
}
