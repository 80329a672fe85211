package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// bucketRequests holds the ad-hoc requests: be64 seq → Request, the seq
// from the bucket's sequence and the request's id RequestID(seq), so a
// cursor walk yields them in the order they were made.
var bucketRequests = []byte("requests")

// maxTitle bounds a request's title: it is read in every reminder.
const maxTitle = 300

// CreateRequest records r as a new ad-hoc request and sets r.ID (from the
// bucket's sequence) and, where empty, r.CreatedAt (now), r.UpdatedAt and
// r.PlannedFrom (its creation). Its instruction document, if any, must
// already be in the file store. The audit entry and the messages out makes
// from the recorded request are written in the same commit; out runs
// inside the write transaction, so it must only build messages, and may
// be nil.
func (db *DB) CreateRequest(ctx context.Context, r *cchcbot.Request, out func(*cchcbot.Request) []*cchcbot.Outgoing) error {
	next := cloneRequest(*r)
	next.ID = ""
	next.Title = strings.TrimSpace(next.Title)
	next.CreatedAt = db.stamp(next.CreatedAt)
	if next.UpdatedAt.IsZero() {
		next.UpdatedAt = next.CreatedAt
	}
	if next.PlannedFrom.IsZero() {
		next.PlannedFrom = next.CreatedAt
	}
	if err := validRequest(next); err != nil {
		return err
	}
	if next.Cancelled() {
		return cchcbot.Errorf(cchcbot.EINVALID, "Không thể tạo một yêu cầu báo cáo đã hủy.")
	}
	// Checked before the transaction, as for a submission's files.
	if f := next.Instruction; f != nil && !db.HasFile(f.SHA256) {
		return fmt.Errorf("create request: instruction %q (%.12s) is not in the file store", f.Name, f.SHA256)
	}
	var done []queued
	err := db.update(ctx, "create request", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRequests)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		next.ID = cchcbot.RequestID(seq)
		if err := put(b, be64(seq), next); err != nil {
			return err
		}
		if err := appendAudit(tx, cchcbot.AuditEntry{At: next.CreatedAt, Actor: actor(next.CreatedBy), Action: "request",
			Subject: next.PeriodID(), Detail: fmt.Sprintf("%s, hạn %s", next.Title, next.Due.VN())}); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		done, err = db.enqueue(tx, next.CreatedAt, out(ptr(cloneRequest(next))))
		return err
	})
	if err != nil {
		return err
	}
	settle(done)
	*r = next
	return nil
}

// Request returns the request with kind id id ("dot-xuat-3"); ENOTFOUND if
// there is none.
func (db *DB) Request(ctx context.Context, id string) (cchcbot.Request, error) {
	var r cchcbot.Request
	err := db.view(ctx, "request", func(tx *bolt.Tx) (err error) {
		r, err = loadRequest(tx, id)
		return err
	})
	return r, err
}

// Requests returns every request, cancelled ones too, in the order they
// were made: the calendar needs the cancelled ones to keep their periods'
// history.
func (db *DB) Requests(ctx context.Context) ([]cchcbot.Request, error) {
	var out []cchcbot.Request
	err := db.view(ctx, "requests", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Request](tx.Bucket(bucketRequests), nil)
		return err
	})
	return out, err
}

// UpdateRequest applies fn to the stored request with id id and records
// the result, with UpdatedAt now, in one commit with its audit entries
// and the messages out makes from it. fn refuses a change by returning an
// error, which UpdateRequest returns: nothing is then written. A change
// of due date restarts the reminder plan (PlannedFrom = now) and must keep
// the due date's year, which the request's period id carries; a
// cancellation records by as CancelledBy unless fn named someone. A
// cancelled request takes no change (ECONFLICT), and a change that changes
// nothing writes and queues nothing. fn and out run inside the write
// transaction, so they must only compute.
func (db *DB) UpdateRequest(ctx context.Context, id string, by cchcbot.UserID, now time.Time,
	fn func(*cchcbot.Request) error, out func(*cchcbot.Request) []*cchcbot.Outgoing) (cchcbot.Request, error) {
	now = db.stamp(now)
	var result cchcbot.Request
	var done []queued
	err := db.update(ctx, "update request", func(tx *bolt.Tx) error {
		old, err := loadRequest(tx, id)
		if err != nil {
			return err
		}
		result = old
		if old.Cancelled() {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Yêu cầu báo cáo “%s” đã được hủy ngày %s nên không thể thay đổi.",
				old.Title, cchcbot.DateOf(old.CancelledAt).VN())
		}
		next := cloneRequest(old)
		if err := fn(&next); err != nil {
			return err
		}
		next.Title = strings.TrimSpace(next.Title)
		next.CancelReason = strings.TrimSpace(next.CancelReason)
		if same, err := sameJSON(old, next); err != nil || same {
			if err == nil {
				err = errNoChange
			}
			return err
		}
		entries, err := requestChange(old, &next, by, now)
		if err != nil {
			return err
		}
		if f := next.Instruction; f != nil && (old.Instruction == nil || f.SHA256 != old.Instruction.SHA256) && !db.HasFile(f.SHA256) {
			return fmt.Errorf("instruction %q (%.12s) is not in the file store", f.Name, f.SHA256)
		}
		seq, _ := requestSeq(id) // loadRequest parsed it
		if err := put(tx.Bucket(bucketRequests), be64(seq), next); err != nil {
			return err
		}
		for _, e := range entries {
			if err := appendAudit(tx, e); err != nil {
				return err
			}
		}
		result = next
		if out == nil {
			return nil
		}
		done, err = db.enqueue(tx, now, out(ptr(cloneRequest(next))))
		return err
	})
	if err != nil {
		return cchcbot.Request{}, err
	}
	settle(done)
	return cloneRequest(result), nil
}

// requestChange checks what fn made of old, stamps next and returns the
// audit entries of the change: a cancellation, a new due date, or else an
// edit.
func requestChange(old cchcbot.Request, next *cchcbot.Request, by cchcbot.UserID, now time.Time) ([]cchcbot.AuditEntry, error) {
	switch {
	case next.ID != old.ID || !next.CreatedAt.Equal(old.CreatedAt) || next.CreatedBy != old.CreatedBy:
		return nil, fmt.Errorf("request %s: an update may not change its id or creation", old.ID)
	case !next.Due.IsZero() && next.Due.Year != old.Due.Year:
		return nil, cchcbot.Errorf(cchcbot.EINVALID,
			"Hạn nộp mới phải trong năm %d như hạn cũ (%s), vì kỳ báo cáo của yêu cầu gắn với năm đó. Nếu cần hạn sang năm khác, xin hủy yêu cầu này và tạo yêu cầu mới.",
			old.Due.Year, old.Due.VN())
	}
	if err := validRequest(*next); err != nil {
		return nil, err
	}
	next.UpdatedAt = now
	var entries []cchcbot.AuditEntry
	entry := func(action, detail string) {
		entries = append(entries, cchcbot.AuditEntry{At: now, Actor: actor(by), Action: action, Subject: old.PeriodID(), Detail: detail})
	}
	if next.Due != old.Due {
		next.PlannedFrom = now
		entry("request-due", fmt.Sprintf("%s, hạn %s → %s", next.Title, old.Due.VN(), next.Due.VN()))
	}
	if next.Cancelled() {
		if next.CancelledBy == "" {
			next.CancelledBy = by
		}
		entry("request-cancel", strings.TrimSpace(next.Title+". "+next.CancelReason))
	}
	if len(entries) == 0 {
		entry("request", next.Title+", sửa đổi")
	}
	return entries, nil
}

// validRequest checks what a person typed into a request.
func validRequest(r cchcbot.Request) error {
	switch {
	case r.Title == "":
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin nhập tên (trích yếu) của báo cáo đột xuất.")
	case r.Due.IsZero():
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin nhập hạn nộp của báo cáo đột xuất, dạng dd/mm/yyyy.")
	case len(r.Groups) == 0 && len(r.Units) == 0:
		return cchcbot.Errorf(cchcbot.EINVALID, "Xin chọn ít nhất một nhóm đơn vị hoặc một đơn vị phải gửi báo cáo.")
	}
	for _, code := range r.Units {
		if !validKeyPart(code) {
			return cchcbot.Errorf(cchcbot.EINVALID, "Mã đơn vị %q không hợp lệ.", code)
		}
	}
	if err := checkText(r.Title, "Tên báo cáo", maxTitle); err != nil {
		return err
	}
	return checkText(r.CancelReason, "Lý do hủy", maxReason)
}

func loadRequest(tx *bolt.Tx, id string) (cchcbot.Request, error) {
	var r cchcbot.Request
	seq, ok := requestSeq(id)
	if !ok {
		return r, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy yêu cầu báo cáo %q.", id)
	}
	found, err := get(tx.Bucket(bucketRequests), be64(seq), &r)
	if err == nil && !found {
		err = cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy yêu cầu báo cáo %q.", id)
	}
	return r, err
}

// requestSeq returns the sequence number a request id carries.
func requestSeq(id string) (uint64, bool) {
	n, ok := strings.CutPrefix(id, cchcbot.RequestPrefix)
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseUint(n, 10, 64)
	return seq, err == nil && seq > 0 && cchcbot.RequestID(seq) == id
}

// cloneRequest copies r deeply enough that a callback's changes to the
// copy's slices or file do not reach r.
func cloneRequest(r cchcbot.Request) cchcbot.Request {
	r.Groups, r.Units = slices.Clone(r.Groups), slices.Clone(r.Units)
	if r.Instruction != nil {
		f := *r.Instruction
		r.Instruction = &f
	}
	return r
}

// sameJSON reports whether a and b encode alike: the change a callback
// made, if any, is one the record would show.
func sameJSON(a, b any) (bool, error) {
	x, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	y, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(x, y), nil
}

// actor names who did something in the audit log: a person, "cli", or the
// system when nobody was named.
func actor(u cchcbot.UserID) string {
	if u == "" {
		return "system"
	}
	return string(u)
}

func ptr[T any](v T) *T { return &v }
