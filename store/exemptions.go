package store

import (
	"context"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// bucketExemptions holds the exemptions, one per (period, unit): period \0
// unit → Exemption, so a period's are one prefix scan.
var bucketExemptions = []byte("exemptions")

// SetExemption exempts x.UnitCode from period x.PeriodID, with a reason,
// and stamps x.At (now) if empty. It reports whether the exemption is new:
// a unit already exempt keeps its first exemption, and nothing is written
// or queued, so a second admin's press changes nothing. A new exemption's
// audit entry and the messages out makes (the unit told) are written in
// the same commit; out runs inside the write transaction, so it must only
// build messages, and may be nil.
func (db *DB) SetExemption(ctx context.Context, x cchcbot.Exemption, out func() []*cchcbot.Outgoing) (created bool, err error) {
	x.Reason = strings.TrimSpace(x.Reason)
	switch {
	case !validKeyPart(x.PeriodID) || !validKeyPart(x.UnitCode):
		return false, cchcbot.Errorf(cchcbot.EINVALID, "Quyết định miễn nộp thiếu kỳ báo cáo hoặc đơn vị.")
	case x.Reason == "":
		return false, cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ lý do miễn nộp báo cáo cho đơn vị.")
	}
	if err := checkText(x.Reason, "Lý do miễn nộp", maxReason); err != nil {
		return false, err
	}
	x.At = db.stamp(x.At)
	var done []queued
	err = db.update(ctx, "set exemption", func(tx *bolt.Tx) error {
		b, k := tx.Bucket(bucketExemptions), joinKey(x.PeriodID, x.UnitCode)
		if b.Get(k) != nil {
			return errNoChange
		}
		if err := put(b, k, x); err != nil {
			return err
		}
		if err := appendAudit(tx, cchcbot.AuditEntry{At: x.At, Actor: actor(x.By), Action: "exempt",
			Subject: x.PeriodID + " " + x.UnitCode, Detail: x.Reason}); err != nil {
			return err
		}
		created = true
		if out == nil {
			return nil
		}
		var err error
		done, err = db.enqueue(tx, x.At, out())
		return err
	})
	if err != nil {
		return false, err
	}
	settle(done)
	return created, nil
}

// RemoveExemption takes back the exemption of a unit from a period: it owes
// the report again. ENOTFOUND if the unit was not exempt.
func (db *DB) RemoveExemption(ctx context.Context, periodID, unitCode string, by cchcbot.UserID, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, "remove exemption", func(tx *bolt.Tx) error {
		b, k := tx.Bucket(bucketExemptions), joinKey(periodID, unitCode)
		var x cchcbot.Exemption
		if found, err := get(b, k, &x); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Đơn vị %s không được miễn nộp báo cáo kỳ %s.", unitCode, periodID)
		}
		if err := b.Delete(k); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: actor(by), Action: "exempt-remove",
			Subject: periodID + " " + unitCode, Detail: "miễn nộp từ " + x.At.Format("02/01/2006") + ": " + x.Reason})
	})
}
