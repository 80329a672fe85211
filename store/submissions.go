package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// CreateSubmission records s as the next version for its (period, unit)
// and sets s.ID (from the submissions bucket's sequence), s.Version, and,
// where empty, s.SubmittedAt (now) and s.State (submitted). Every file it
// names must already be in the file store: a record is never committed
// without its files, and a missing one is an internal error. When s.Key
// names a submission already recorded, *s becomes that one and nothing is
// written.
func (db *DB) CreateSubmission(ctx context.Context, s *cchcbot.Submission) error {
	next, err := db.prepareSubmission(s)
	if err != nil {
		return err
	}
	err = db.update(ctx, "create submission", func(tx *bolt.Tx) error {
		if old, err := recordedUnder(tx, next.Key); err != nil {
			return err
		} else if old != nil {
			next = *old
			return errNoChange
		}
		db.cache.submissions.changedBy(tx)
		return insertSubmission(tx, &next)
	})
	if err != nil {
		return err
	}
	*s = next
	return nil
}

// RecordSubmission records s as CreateSubmission does and, in the same
// commit, deletes the draft of s.SubmittedBy and queues the messages out
// makes from the recorded version (the receipt, the admins' notice): the
// version is never recorded without them, nor they sent without it. out
// runs inside the write transaction, so it must only build messages; it
// may be nil. A late reason in s.Explanation is also recorded as an
// Explanation naming the version, in the same commit. When s.Key names a
// version already recorded, *s becomes that one, created is false and
// nothing is written or queued: a confirm delivered twice makes one
// version and one receipt.
func (db *DB) RecordSubmission(ctx context.Context, s *cchcbot.Submission, out func(*cchcbot.Submission) []*cchcbot.Outgoing) (created bool, err error) {
	next, err := db.prepareSubmission(s)
	if err != nil {
		return false, err
	}
	expl, err := submissionExplanation(next)
	if err != nil {
		return false, err
	}
	now := db.now()
	var done []queued
	err = db.update(ctx, "record submission", func(tx *bolt.Tx) error {
		if old, err := recordedUnder(tx, next.Key); err != nil {
			return err
		} else if old != nil {
			next = *old
			return errNoChange
		}
		db.cache.submissions.changedBy(tx)
		if err := insertSubmission(tx, &next); err != nil {
			return err
		}
		if expl != nil {
			expl.SubmissionID = next.ID
			if err := insertExplanation(tx, expl); err != nil {
				return err
			}
		}
		if next.SubmittedBy != "" {
			if err := tx.Bucket(bucketDrafts).Delete([]byte(next.SubmittedBy)); err != nil {
				return err
			}
		}
		created = true
		if out == nil {
			return nil
		}
		c := next // out's own copy: what it does to it is not recorded
		c.Files = slices.Clone(next.Files)
		done, err = db.enqueue(tx, now, out(&c))
		return err
	})
	if err != nil {
		return false, err
	}
	settle(done)
	*s = next
	return created, nil
}

// recordedUnder returns the submission recorded under an idempotency key,
// nil if there is none (or key is empty).
func recordedUnder(tx *bolt.Tx, key string) (*cchcbot.Submission, error) {
	if key == "" {
		return nil, nil
	}
	id := tx.Bucket(bucketSubByKey).Get([]byte(key))
	if id == nil {
		return nil, nil
	}
	return loadSubmission(tx, id)
}

// ImportSubmissions records many submissions in one transaction, each as
// CreateSubmission records it (next version, id, indexes, audit), keeping
// the State, Reason and review fields they carry. It is for bulk loads such
// as the synthetic deployments of the benchmarks: one commit, two fsyncs,
// for the whole batch. A Key is indexed but not checked: a bulk load is
// not retried the way a confirm delivered again is.
func (db *DB) ImportSubmissions(ctx context.Context, subs []*cchcbot.Submission) error {
	next := make([]cchcbot.Submission, len(subs))
	for i, s := range subs {
		n, err := db.prepareSubmission(s)
		if err != nil {
			return err
		}
		next[i] = n
	}
	err := db.update(ctx, "import submissions", func(tx *bolt.Tx) error {
		db.cache.submissions.changedBy(tx)
		for i := range next {
			if err := insertSubmission(tx, &next[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, s := range subs {
		*s = next[i]
	}
	return nil
}

// prepareSubmission checks s and returns the copy to insert.
func (db *DB) prepareSubmission(s *cchcbot.Submission) (cchcbot.Submission, error) {
	if !validKeyPart(s.PeriodID) || !validKeyPart(s.UnitCode) {
		return cchcbot.Submission{}, cchcbot.Errorf(cchcbot.EINVALID, "Hồ sơ thiếu kỳ báo cáo hoặc đơn vị nộp.")
	}
	// Checked before the transaction, to keep disk lookups out of the one
	// writer's time. Only CollectOrphanFiles deletes stored files, and only
	// old ones: a file just put is young, so one seen here is there at the
	// commit.
	for _, f := range s.Files {
		if !db.HasFile(f.SHA256) {
			return cchcbot.Submission{}, fmt.Errorf("create submission: file %q (%.12s) is not in the file store", f.Name, f.SHA256)
		}
	}
	next := *s
	next.Files = slices.Clone(s.Files)
	next.SubmittedAt = db.stamp(s.SubmittedAt)
	if next.State == "" {
		next.State = cchcbot.StateSubmitted
	}
	return next, nil
}

// insertSubmission gives next its version and id and writes it with its
// indexes and audit entry.
func insertSubmission(tx *bolt.Tx, next *cchcbot.Submission) error {
	subs, byPU := appendOnly(tx, bucketSubmissions), tx.Bucket(bucketSubByPU)
	next.Version = 1
	prefix := joinKey(next.PeriodID, next.UnitCode, "")
	c := byPU.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		next.Version++
	}
	id, err := subs.NextSequence()
	if err != nil {
		return err
	}
	next.ID = id
	if err := put(subs, be64(id), next); err != nil {
		return err
	}
	if err := byPU.Put(subByPUKey(next.PeriodID, next.UnitCode, next.Version), be64(id)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSubByUnit).Put(subByUnitKey(next.UnitCode, next.PeriodID, next.Version), be64(id)); err != nil {
		return err
	}
	if next.Key != "" {
		if err := tx.Bucket(bucketSubByKey).Put([]byte(next.Key), be64(id)); err != nil {
			return err
		}
	}
	return appendAudit(tx, cchcbot.AuditEntry{At: next.SubmittedAt, Actor: string(next.SubmittedBy), Action: "submission.create",
		Subject: next.PeriodID + " " + next.UnitCode, Detail: fmt.Sprintf("%s, lần nộp %d, %d tệp", next.ReceiptNo(), next.Version, len(next.Files))})
}

// Submission returns one submission by id; ENOTFOUND if there is none.
func (db *DB) Submission(ctx context.Context, id uint64) (*cchcbot.Submission, error) {
	var s *cchcbot.Submission
	err := db.view(ctx, "submission", func(tx *bolt.Tx) (err error) {
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
	err := eachIndexed(tx, index, prefix, func(s *cchcbot.Submission) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// eachIndexed calls fn with every submission index names under prefix,
// in key order, until fn returns an error.
func eachIndexed(tx *bolt.Tx, index, prefix []byte, fn func(*cchcbot.Submission) error) error {
	c := tx.Bucket(index).Cursor()
	for k, id := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, id = c.Next() {
		s, err := loadSubmission(tx, id)
		if err != nil {
			return fmt.Errorf("index %s: %w", index, err)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) scan(ctx context.Context, op string, index, prefix []byte) ([]*cchcbot.Submission, error) {
	var out []*cchcbot.Submission
	err := db.view(ctx, op, func(tx *bolt.Tx) (err error) {
		out, err = scan(tx, index, prefix)
		return err
	})
	return out, err
}

// Submissions returns every version for (period, unit), oldest first.
func (db *DB) Submissions(ctx context.Context, periodID, unitCode string) ([]*cchcbot.Submission, error) {
	return db.scan(ctx, "submissions", bucketSubByPU, joinKey(periodID, unitCode, ""))
}

// SubmissionsForPeriod returns every version of every unit for a period,
// by unit code then version.
func (db *DB) SubmissionsForPeriod(ctx context.Context, periodID string) ([]*cchcbot.Submission, error) {
	subs, err := db.cache.period(periodID).get(&db.cache.submissions, func() ([]*cchcbot.Submission, error) {
		return db.scan(ctx, "period submissions", bucketSubByPU, joinKey(periodID, ""))
	})
	return copySubmissions(subs), err
}

// LatestSubmissions returns each unit's latest version for a period, by
// unit code; a unit that sent nothing is absent.
func (db *DB) LatestSubmissions(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error) {
	all, err := db.cache.period(periodID).get(&db.cache.submissions, func() ([]*cchcbot.Submission, error) {
		return db.scan(ctx, "period submissions", bucketSubByPU, joinKey(periodID, ""))
	})
	if err != nil {
		return nil, err
	}
	latest := make(map[string]*cchcbot.Submission, len(all))
	for _, s := range all { // versions ascend within a unit
		latest[s.UnitCode] = s
	}
	for code, s := range latest { // the caller's own copies, as below
		c := *s
		latest[code] = &c
	}
	return latest, nil
}

// UnitSubmissions returns every version of one unit, by period then
// version.
func (db *DB) UnitSubmissions(ctx context.Context, unitCode string) ([]*cchcbot.Submission, error) {
	return db.scan(ctx, "unit submissions", bucketSubByUnit, joinKey(unitCode, ""))
}

// allBatch is how many submissions AllSubmissions reads per transaction.
const allBatch = 256

// AllSubmissions calls fn for every submission, in id order, until fn
// returns an error. It reads in batches and calls fn outside any
// transaction, so a slow consumer (an export) never holds a read open;
// reviews made meanwhile may or may not be seen.
func (db *DB) AllSubmissions(ctx context.Context, fn func(*cchcbot.Submission) error) error {
	for from := uint64(1); ; {
		var batch []*cchcbot.Submission
		err := db.view(ctx, "all submissions", func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketSubmissions).Cursor()
			for k, v := c.Seek(be64(from)); k != nil && len(batch) < allBatch; k, v = c.Next() {
				var s cchcbot.Submission
				if err := decode(k, v, &s); err != nil {
					return err
				}
				batch = append(batch, &s)
				from = binary.BigEndian.Uint64(k) + 1
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, s := range batch {
			if err := fn(s); err != nil {
				return err
			}
		}
		if len(batch) < allBatch {
			return nil
		}
	}
}

// SubmissionByKey returns the submission recorded with Key key; ENOTFOUND
// if there is none.
func (db *DB) SubmissionByKey(ctx context.Context, key string) (*cchcbot.Submission, error) {
	var s *cchcbot.Submission
	err := db.view(ctx, "submission by key", func(tx *bolt.Tx) (err error) {
		id := tx.Bucket(bucketSubByKey).Get([]byte(key))
		if id == nil {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có báo cáo nào được ghi với mã này.")
		}
		s, err = loadSubmission(tx, id)
		return err
	})
	return s, err
}
