package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The absences and their per-unit index, whose values are the be64 id:
// the scheduler reads a unit's absences for every reminder it plans, so
// that read is one prefix scan, already in date order.
var (
	bucketAbsences  = []byte("absences")    // be64 id → Absence; the id comes from the bucket's sequence
	bucketAbsByUnit = []byte("abs_by_unit") // unit \0 yyyymmdd From \0 be64 id → be64 id
)

// AddAbsence records a, a member away from a.From to a.To inclusive, and
// sets a.ID from the bucket's sequence and a.At (now) if empty; To before
// From is EINVALID. The same member marked away over the same dates again
// (a command sent twice) records nothing: *a becomes the recorded one.
func (db *DB) AddAbsence(ctx context.Context, a *cchcbot.Absence) error {
	next := *a
	next.ID = 0
	next.Reason = strings.TrimSpace(next.Reason)
	next.At = db.stamp(next.At)
	switch {
	case next.Member == "" || !validKeyPart(next.UnitCode):
		return cchcbot.Errorf(cchcbot.EINVALID, "Đăng ký vắng mặt thiếu cán bộ hoặc đơn vị.")
	case next.From.IsZero() || next.To.IsZero():
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi rõ thời gian vắng mặt từ ngày đến ngày, dạng dd/mm/yyyy - dd/mm/yyyy.")
	case next.To.Before(next.From):
		return cchcbot.Errorf(cchcbot.EINVALID, "Ngày kết thúc vắng mặt (%s) không được trước ngày bắt đầu (%s).", next.To.VN(), next.From.VN())
	}
	if err := checkText(next.Reason, "Lý do vắng mặt", maxReason); err != nil {
		return err
	}
	err := db.update(ctx, "add absence", func(tx *bolt.Tx) error {
		have, err := unitAbsences(tx, next.UnitCode)
		if err != nil {
			return err
		}
		for _, old := range have {
			if old.Member == next.Member && old.From == next.From && old.To == next.To {
				next = old
				return errNoChange
			}
		}
		b := tx.Bucket(bucketAbsences)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		next.ID = id
		if err := put(b, be64(id), next); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAbsByUnit).Put(absenceKey(next), be64(id)); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: next.At, Actor: actor(next.By), Action: "absence",
			Subject: string(next.Member), Detail: absenceDetail(next)})
	})
	if err != nil {
		return err
	}
	*a = next
	return nil
}

// RemoveAbsence deletes the absence with id id: the member is back, or was
// marked by mistake. ENOTFOUND if there is none.
func (db *DB) RemoveAbsence(ctx context.Context, id uint64, by cchcbot.UserID, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, "remove absence", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAbsences)
		var a cchcbot.Absence
		if found, err := get(b, be64(id), &a); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy đăng ký vắng mặt số %d.", id)
		}
		if err := b.Delete(be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAbsByUnit).Delete(absenceKey(a)); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: actor(by), Action: "absence-remove",
			Subject: string(a.Member), Detail: absenceDetail(a)})
	})
}

// Absences returns the absences of a unit ("" for every unit), by From,
// then in the order they were recorded.
func (db *DB) Absences(ctx context.Context, unitCode string) ([]cchcbot.Absence, error) {
	var out []cchcbot.Absence
	err := db.view(ctx, "absences", func(tx *bolt.Tx) (err error) {
		if unitCode != "" {
			out, err = unitAbsences(tx, unitCode)
			return err
		}
		out, err = allRecords[cchcbot.Absence](tx.Bucket(bucketAbsences), nil)
		return err
	})
	if unitCode == "" {
		slices.SortStableFunc(out, func(a, b cchcbot.Absence) int { return a.From.Compare(b.From) })
	}
	return out, err
}

func unitAbsences(tx *bolt.Tx, unitCode string) ([]cchcbot.Absence, error) {
	var out []cchcbot.Absence
	b, prefix := tx.Bucket(bucketAbsences), joinKey(unitCode, "")
	c := tx.Bucket(bucketAbsByUnit).Cursor()
	for k, id := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, id = c.Next() {
		var a cchcbot.Absence
		if found, err := get(b, id, &a); err != nil {
			return nil, err
		} else if !found {
			return nil, fmt.Errorf("index %s: absence %x is missing", bucketAbsByUnit, id)
		}
		out = append(out, a)
	}
	return out, nil
}

// absenceKey sorts a unit's absences by their first day, then by id.
func absenceKey(a cchcbot.Absence) []byte {
	day := fmt.Sprintf("%04d%02d%02d", a.From.Year, a.From.Month, a.From.Day)
	return append(joinKey(a.UnitCode, day, ""), be64(a.ID)...)
}

func absenceDetail(a cchcbot.Absence) string {
	return strings.TrimSpace(fmt.Sprintf("%s, số %d, từ %s đến %s. %s", a.UnitCode, a.ID, a.From.VN(), a.To.VN(), a.Reason))
}
