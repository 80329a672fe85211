package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The extensions and their two indexes, whose values are the be64 id: a
// period's extensions by unit (a status page, the pending check), and a
// unit's by id (the yearly limit).
var (
	bucketExtensions = []byte("extensions")  // be64 id → Extension; the id comes from the bucket's sequence
	bucketExtByPU    = []byte("ext_by_pu")   // period \0 unit \0 be64 id → be64 id
	bucketExtByUnit  = []byte("ext_by_unit") // unit \0 be64 id → be64 id
)

// CreateExtension records e, a unit's request for more time (State
// requested, or empty) or an admin's grant made unasked (State approved,
// with Until), and sets e.ID from the bucket's sequence and, where empty,
// e.RequestedAt (now) and, for a grant, e.DecidedAt and e.DecidedBy. A
// unit with a request still pending for the period gets ECONFLICT: the
// pending one must be decided first. The audit entry and the messages
// out makes from the recorded extension (the admins asked, or the unit
// told) are written in the same commit; out runs inside the write
// transaction, so it must only build messages, and may be nil.
func (db *DB) CreateExtension(ctx context.Context, e *cchcbot.Extension, out func(*cchcbot.Extension) []*cchcbot.Outgoing) error {
	next := *e
	next.ID = 0
	next.Reason, next.Note = strings.TrimSpace(next.Reason), strings.TrimSpace(next.Note)
	next.RequestedAt = db.stamp(next.RequestedAt)
	if next.State == "" {
		next.State = cchcbot.ExtensionRequested
	}
	action := "extension-ask"
	switch {
	case !validKeyPart(next.PeriodID) || !validKeyPart(next.UnitCode):
		return cchcbot.Errorf(cchcbot.EINVALID, "Đề nghị gia hạn thiếu kỳ báo cáo hoặc đơn vị.")
	case next.State == cchcbot.ExtensionRequested && next.Proposed.IsZero():
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ ngày đề nghị gia hạn đến, dạng dd/mm/yyyy.")
	case next.State == cchcbot.ExtensionRequested:
		next.Until, next.DecidedBy, next.DecidedByName, next.DecidedAt = cchcbot.Date{}, "", "", time.Time{}
	case next.State == cchcbot.ExtensionApproved && next.Until.IsZero():
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ ngày được gia hạn đến, dạng dd/mm/yyyy.")
	case next.State == cchcbot.ExtensionApproved:
		action = "extension-approve"
		if next.DecidedAt.IsZero() {
			next.DecidedAt = next.RequestedAt
		}
		if next.DecidedBy == "" {
			next.DecidedBy, next.DecidedByName = next.RequestedBy, next.RequestedByName
		}
	default:
		return cchcbot.Errorf(cchcbot.EINVALID, "Gia hạn mới chỉ có thể là đề nghị chờ xét hoặc quyết định đồng ý.")
	}
	if err := checkText(next.Reason, "Lý do xin gia hạn", maxReason); err != nil {
		return err
	}
	if err := checkText(next.Note, "Ghi chú", maxReason); err != nil {
		return err
	}
	var done []queued
	err := db.update(ctx, "create extension", func(tx *bolt.Tx) error {
		if p, err := pendingExtension(tx, next.PeriodID, next.UnitCode); err != nil {
			return err
		} else if p != nil {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Đơn vị đã có đề nghị gia hạn đến ngày %s đang chờ xét (số %d). Xin chờ quyết định về đề nghị đó.",
				p.Proposed.VN(), p.ID)
		}
		b := tx.Bucket(bucketExtensions)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		next.ID = id
		if err := putExtension(tx, &next); err != nil {
			return err
		}
		if err := tx.Bucket(bucketExtByPU).Put(append(joinKey(next.PeriodID, next.UnitCode, ""), be64(id)...), be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketExtByUnit).Put(append(joinKey(next.UnitCode, ""), be64(id)...), be64(id)); err != nil {
			return err
		}
		by := next.RequestedBy
		if action == "extension-approve" {
			by = next.DecidedBy
		}
		if err := appendAudit(tx, extensionAudit(next, action, by, next.RequestedAt)); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		c := next
		done, err = db.enqueue(tx, next.RequestedAt, out(&c))
		return err
	})
	if err != nil {
		return err
	}
	settle(done)
	*e = next
	return nil
}

// Extension returns one extension by id; ENOTFOUND if there is none.
func (db *DB) Extension(ctx context.Context, id uint64) (*cchcbot.Extension, error) {
	var e *cchcbot.Extension
	err := db.view(ctx, "extension", func(tx *bolt.Tx) (err error) {
		e, err = loadExtension(tx, be64(id))
		return err
	})
	return e, err
}

// Extensions returns the extensions of a period ("" for every period),
// any state, oldest first.
func (db *DB) Extensions(ctx context.Context, periodID string) ([]*cchcbot.Extension, error) {
	var out []*cchcbot.Extension
	err := db.view(ctx, "extensions", func(tx *bolt.Tx) (err error) {
		if periodID != "" {
			out, err = scanExtensions(tx, bucketExtByPU, joinKey(periodID, ""))
			slices.SortFunc(out, func(a, b *cchcbot.Extension) int { return cmp.Compare(a.ID, b.ID) })
			return err
		}
		return eachRecord(tx.Bucket(bucketExtensions), nil, func(_ []byte, e cchcbot.Extension) error {
			out = append(out, &e)
			return nil
		})
	})
	return out, err
}

// DecideExtension moves the extension with id id to state: a pending one
// (requested) to approved, until the date given, or to refused; an
// approved one to withdrawn. It records who decided, when and why (note),
// in one commit with the audit entry and the messages out makes from the
// decided extension. Any other move (the same decision pressed again, a
// second admin deciding after the first) changes nothing and returns the
// stored extension with changed false: a decision is made once. out runs
// inside the write transaction, so it must only build messages, and may be
// nil.
func (db *DB) DecideExtension(ctx context.Context, id uint64, state cchcbot.ExtensionState, until cchcbot.Date, note string,
	by cchcbot.UserID, byName string, now time.Time, out func(*cchcbot.Extension) []*cchcbot.Outgoing) (e *cchcbot.Extension, changed bool, err error) {
	note = strings.TrimSpace(note)
	switch state {
	case cchcbot.ExtensionApproved, cchcbot.ExtensionRefused, cchcbot.ExtensionWithdrawn, cchcbot.ExtensionRequested:
	default:
		return nil, false, cchcbot.Errorf(cchcbot.EINVALID, "Quyết định về đề nghị gia hạn không hợp lệ.")
	}
	if state == cchcbot.ExtensionApproved && until.IsZero() {
		return nil, false, cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ ngày được gia hạn đến, dạng dd/mm/yyyy.")
	}
	if err := checkText(note, "Ghi chú", maxReason); err != nil {
		return nil, false, err
	}
	now = db.stamp(now)
	var done []queued
	err = db.update(ctx, "decide extension", func(tx *bolt.Tx) error {
		stored, err := loadExtension(tx, be64(id))
		if err != nil {
			return err
		}
		e = stored
		var action string
		switch {
		case stored.State == cchcbot.ExtensionRequested && state == cchcbot.ExtensionApproved:
			action = "extension-approve"
			stored.Until = until
		case stored.State == cchcbot.ExtensionRequested && state == cchcbot.ExtensionRefused:
			action = "extension-refuse"
		case stored.State == cchcbot.ExtensionApproved && state == cchcbot.ExtensionWithdrawn:
			action = "extension-withdraw"
		default:
			return errNoChange
		}
		next := *stored
		next.State, next.Note = state, note
		next.DecidedBy, next.DecidedByName, next.DecidedAt = by, byName, now
		if err := putExtension(tx, &next); err != nil {
			return err
		}
		if err := appendAudit(tx, extensionAudit(next, action, by, now)); err != nil {
			return err
		}
		e, changed = &next, true
		if out == nil {
			return nil
		}
		c := next
		done, err = db.enqueue(tx, now, out(&c))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	settle(done)
	c := *e
	return &c, changed, nil
}

// CountExtensions returns how many of a unit's extensions requested in
// year (in the time zone they were recorded in) were approved: what the
// yearly limit counts. A withdrawn one no longer counts.
func (db *DB) CountExtensions(ctx context.Context, unitCode string, year int) (int, error) {
	n := 0
	err := db.view(ctx, "count extensions", func(tx *bolt.Tx) error {
		es, err := scanExtensions(tx, bucketExtByUnit, joinKey(unitCode, ""))
		for _, e := range es {
			if e.Approved() && e.RequestedAt.Year() == year {
				n++
			}
		}
		return err
	})
	return n, err
}

// pendingExtension returns the undecided extension of (period, unit), nil
// if there is none.
func pendingExtension(tx *bolt.Tx, periodID, unitCode string) (*cchcbot.Extension, error) {
	es, err := scanExtensions(tx, bucketExtByPU, joinKey(periodID, unitCode, ""))
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.State == cchcbot.ExtensionRequested {
			return e, nil
		}
	}
	return nil, nil
}

// governing picks, of one unit's extensions for a period in id order, the
// one that says its deadline: the latest approved, so that a later request
// pending or refused does not take back a grant standing; else the latest.
func governing(es []*cchcbot.Extension) *cchcbot.Extension {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Approved() {
			return es[i]
		}
	}
	if len(es) == 0 {
		return nil
	}
	return es[len(es)-1]
}

func putExtension(tx *bolt.Tx, e *cchcbot.Extension) error {
	return put(tx.Bucket(bucketExtensions), be64(e.ID), e)
}

func loadExtension(tx *bolt.Tx, id []byte) (*cchcbot.Extension, error) {
	var e cchcbot.Extension
	found, err := get(tx.Bucket(bucketExtensions), id, &e)
	if err != nil {
		return nil, err
	} else if !found {
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy đề nghị gia hạn số %d.", binary.BigEndian.Uint64(id))
	}
	return &e, nil
}

// scanExtensions loads the extensions an index names under prefix, in key
// order.
func scanExtensions(tx *bolt.Tx, index, prefix []byte) ([]*cchcbot.Extension, error) {
	var out []*cchcbot.Extension
	c := tx.Bucket(index).Cursor()
	for k, id := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, id = c.Next() {
		e, err := loadExtension(tx, id)
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", index, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func extensionAudit(e cchcbot.Extension, action string, by cchcbot.UserID, at time.Time) cchcbot.AuditEntry {
	var detail string
	switch e.State {
	case cchcbot.ExtensionRequested:
		detail = fmt.Sprintf("số %d, xin đến %s. %s", e.ID, e.Proposed.VN(), e.Reason)
	case cchcbot.ExtensionApproved:
		detail = fmt.Sprintf("số %d, gia hạn đến %s. %s", e.ID, e.Until.VN(), e.Note)
	default:
		detail = fmt.Sprintf("số %d, %s. %s", e.ID, strings.ToLower(e.State.Label()), e.Note)
	}
	return cchcbot.AuditEntry{At: at, Actor: actor(by), Action: action, Subject: e.PeriodID + " " + e.UnitCode, Detail: strings.TrimSpace(detail)}
}
