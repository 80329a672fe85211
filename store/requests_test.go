package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// watermark is how far a store's writes have come: a call that must write
// nothing leaves all three where they were.
type watermark struct {
	pages  int64
	audit  uint64
	outbox int
}

func takeMark(tb testing.TB, db *store.DB) watermark {
	tb.Helper()
	n, err := db.OutboxLen(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return watermark{pages: db.PageWrites(), audit: lastAuditSeq(tb, db), outbox: n}
}

// unchanged fails if anything was committed since m was taken.
func (m watermark) unchanged(tb testing.TB, db *store.DB, what string) {
	tb.Helper()
	if now := takeMark(tb, db); now != m {
		tb.Errorf("%s wrote: %+v, then %+v", what, m, now)
	}
}

// jsonEqual reports whether a and b are the same record: alike once
// encoded, as the store keeps them (a time's zone name is not kept).
func jsonEqual(tb testing.TB, a, b any) bool {
	tb.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		tb.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// auditAfter returns the audit entries after seq.
func auditAfter(tb testing.TB, db *store.DB, seq uint64) []cchcbot.AuditEntry {
	tb.Helper()
	es, err := db.AuditEntries(ctx, seq, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return es
}

func actions(es []cchcbot.AuditEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

// outboxAfter returns the queued messages with an id above id.
func outboxAfter(tb testing.TB, db *store.DB, id uint64) []cchcbot.Outgoing {
	tb.Helper()
	msgs, err := db.PendingOutgoing(ctx, id, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return msgs
}

func lastOutboxID(tb testing.TB, db *store.DB) uint64 {
	tb.Helper()
	msgs := outboxAfter(tb, db, 0)
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].ID
}

// notices makes out's messages: one notice per recipient.
func notices(text string, to ...cchcbot.UserID) []*cchcbot.Outgoing {
	var out []*cchcbot.Outgoing
	for _, u := range to {
		out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: u, Text: text})
	}
	return out
}

// badMessage is a message no sender could deliver: queuing it fails the
// commit.
var badMessage = []*cchcbot.Outgoing{{Kind: cchcbot.OutNotice, Text: "không có người nhận"}}

var admin = cchcbot.TelegramUser(900)

func newRequest() *cchcbot.Request {
	return &cchcbot.Request{Title: "Báo cáo kết quả thực hiện Chỉ thị 05", Due: cchcbot.D(2024, 2, 20),
		Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, Units: []string{"phong-noi-vu"}, RequiresFile: true,
		CreatedBy: admin, CreatedByName: "Nguyễn Văn A"}
}

func TestCreateRequest(t *testing.T) {
	db := MustOpen(t)
	doc := putFile(t, db, "công văn")
	r := newRequest()
	r.Instruction = &doc
	var seen *cchcbot.Request
	err := db.CreateRequest(ctx, r, func(rec *cchcbot.Request) []*cchcbot.Outgoing {
		seen = rec
		rec.Title = "changed by the callback" // not recorded
		rec.Units[0] = "changed"
		return notices("Đề nghị "+rec.ID, "telegram:11", "telegram:12")
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "dot-xuat-1" || r.PeriodID() != "dot-xuat-1/2024" || !r.CreatedAt.Equal(t0) || !r.UpdatedAt.Equal(t0) || !r.PlannedFrom.Equal(t0) ||
		r.Title != "Báo cáo kết quả thực hiện Chỉ thị 05" || r.Units[0] != "phong-noi-vu" {
		t.Errorf("created = %+v; want id dot-xuat-1 stamped t0, the callback's changes not recorded", r)
	}
	if seen == nil || seen.ID != "dot-xuat-1" {
		t.Errorf("the callback saw %+v; want the recorded request", seen)
	}
	msgs := outboxAfter(t, db, 0)
	if len(msgs) != 2 || msgs[0].Text != "Đề nghị dot-xuat-1" || msgs[1].To != "telegram:12" {
		t.Errorf("outbox = %+v; want the two notices", msgs)
	}
	if !signalled(db) {
		t.Error("Queued not signalled")
	}
	if es := auditAfter(t, db, 0); len(es) != 1 || es[0].Action != "request" || es[0].Subject != "dot-xuat-1/2024" || es[0].Actor != string(admin) {
		t.Errorf("audit = %+v; want one request entry", es)
	}
	got, err := db.Request(ctx, "dot-xuat-1")
	if err != nil || got.Title != r.Title || got.Due != r.Due || got.Instruction == nil || got.Instruction.SHA256 != doc.SHA256 ||
		!slices.Equal(got.Units, []string{"phong-noi-vu"}) || !got.CreatedAt.Equal(t0) {
		t.Errorf("Request = %+v, %v; want the one created", got, err)
	}

	// Without a callback; the next sequence.
	r2 := newRequest()
	r2.Title = "  Báo cáo nhanh  "
	if err := db.CreateRequest(ctx, r2, nil); err != nil || r2.ID != "dot-xuat-2" || r2.Title != "Báo cáo nhanh" {
		t.Errorf("second request = %+v, %v; want dot-xuat-2, title trimmed", r2, err)
	}
	all, err := db.Requests(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "dot-xuat-1" || all[1].ID != "dot-xuat-2" {
		t.Errorf("Requests = %+v, %v; want both in order", all, err)
	}

	for _, id := range []string{"dot-xuat-3", "dot-xuat-0", "dot-xuat-01", "dot-xuat-x", "bao-cao-thang", ""} {
		_, err := db.Request(ctx, id)
		wantCode(t, "Request("+id+")", err, cchcbot.ENOTFOUND)
	}
}

func TestCreateRequestRefused(t *testing.T) {
	db := MustOpen(t)
	tests := []struct {
		name   string
		change func(*cchcbot.Request)
		code   string
	}{
		{"empty title", func(r *cchcbot.Request) { r.Title = "" }, cchcbot.EINVALID},
		{"blank title", func(r *cchcbot.Request) { r.Title = " \t " }, cchcbot.EINVALID},
		{"title too long", func(r *cchcbot.Request) { r.Title = strings.Repeat("ệ", 301) }, cchcbot.EINVALID},
		{"no due date", func(r *cchcbot.Request) { r.Due = cchcbot.Date{} }, cchcbot.EINVALID},
		{"nobody owes it", func(r *cchcbot.Request) { r.Groups, r.Units = nil, nil }, cchcbot.EINVALID},
		{"bad unit code", func(r *cchcbot.Request) { r.Units = []string{""} }, cchcbot.EINVALID},
		{"already cancelled", func(r *cchcbot.Request) { r.CancelledAt = t0 }, cchcbot.EINVALID},
		{"instruction not stored", func(r *cchcbot.Request) {
			r.Instruction = &cchcbot.File{SHA256: strings.Repeat("ab", 32), Name: "cv.pdf"}
		}, cchcbot.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRequest()
			tt.change(r)
			m := takeMark(t, db)
			err := db.CreateRequest(ctx, r, func(*cchcbot.Request) []*cchcbot.Outgoing { return notices("x", "telegram:1") })
			wantCode(t, tt.name, err, tt.code)
			if tt.code != cchcbot.EINTERNAL && !hasVietnamese(cchcbot.ErrorMessage(err)) {
				t.Errorf("message %q is not a Vietnamese sentence", cchcbot.ErrorMessage(err))
			}
			m.unchanged(t, db, tt.name)
		})
	}
	ok := newRequest()
	ok.Title = strings.Repeat("ệ", 300)
	if err := db.CreateRequest(ctx, ok, nil); err != nil {
		t.Errorf("a title of exactly 300 characters: %v", err)
	}
}

// hasVietnamese reports whether s reads as a Vietnamese message: a letter
// only Vietnamese uses.
func hasVietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹÁÀÃÉÈÍÌÓÒÕÚÙÝ")
}

// TestCreateRequestIsAtomic: a message that cannot be queued undoes the
// request, its audit entry and its sequence number.
func TestCreateRequestIsAtomic(t *testing.T) {
	db := MustOpen(t)
	m := takeMark(t, db)
	err := db.CreateRequest(ctx, newRequest(), func(*cchcbot.Request) []*cchcbot.Outgoing { return badMessage })
	if err == nil {
		t.Fatal("a request whose notice has no recipient was recorded")
	}
	m.unchanged(t, db, "a refused request")
	if all, _ := db.Requests(ctx); len(all) != 0 {
		t.Errorf("requests = %+v; want none", all)
	}
	r := newRequest()
	if err := db.CreateRequest(ctx, r, nil); err != nil || r.ID != "dot-xuat-1" {
		t.Errorf("next request = %s, %v; want dot-xuat-1, no number spent", r.ID, err)
	}
}

func TestUpdateRequestDue(t *testing.T) {
	db := MustOpen(t)
	r := newRequest()
	if err := db.CreateRequest(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(2 * time.Hour)
	seq, box := lastAuditSeq(t, db), lastOutboxID(t, db)
	got, err := db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error {
		r.Due = cchcbot.D(2024, 2, 25)
		return nil
	}, func(r *cchcbot.Request) []*cchcbot.Outgoing { return notices("Hạn mới "+r.Due.VN(), "telegram:11") })
	if err != nil {
		t.Fatal(err)
	}
	if got.Due != cchcbot.D(2024, 2, 25) || !got.UpdatedAt.Equal(later) || !got.PlannedFrom.Equal(later) || !got.CreatedAt.Equal(t0) {
		t.Errorf("updated = %+v; want due 25/02, updated and planned from %v", got, later)
	}
	if stored, _ := db.Request(ctx, r.ID); stored.Due != got.Due || !stored.PlannedFrom.Equal(later) {
		t.Errorf("stored = %+v; want the new due date", stored)
	}
	if es := auditAfter(t, db, seq); len(es) != 1 || es[0].Action != "request-due" || !strings.Contains(es[0].Detail, "25/02/2024") {
		t.Errorf("audit = %+v; want one request-due entry", es)
	}
	if msgs := outboxAfter(t, db, box); len(msgs) != 1 || msgs[0].Text != "Hạn mới 25/02/2024" {
		t.Errorf("outbox = %+v; want the notice", msgs)
	}

	// Another year: the period id would change.
	m := takeMark(t, db)
	_, err = db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error { r.Due = cchcbot.D(2025, 1, 5); return nil }, nil)
	wantCode(t, "a due date in another year", err, cchcbot.EINVALID)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "2024") {
		t.Errorf("message %q does not name the year", msg)
	}
	m.unchanged(t, db, "a due date in another year")

	// fn refuses: its error, nothing written, out not called.
	refuse := cchcbot.Errorf(cchcbot.ECONFLICT, "không")
	called := false
	_, err = db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error { r.Title = "x"; return refuse },
		func(*cchcbot.Request) []*cchcbot.Outgoing { called = true; return nil })
	if !errors.Is(err, refuse) || called {
		t.Errorf("a refusing fn gave %v (out called %v); want its error, out not called", err, called)
	}
	m.unchanged(t, db, "a refusing fn")

	// No change: nothing written, out not called, the stored one returned.
	got, err = db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error { r.Title += " "; return nil },
		func(*cchcbot.Request) []*cchcbot.Outgoing { called = true; return nil })
	if err != nil || called || got.Due != cchcbot.D(2024, 2, 25) {
		t.Errorf("an update changing nothing = %+v, %v, out called %v", got, err, called)
	}
	m.unchanged(t, db, "an update changing nothing")

	// Invalid results and forbidden changes.
	for name, fn := range map[string]func(*cchcbot.Request) error{
		"empty title": func(r *cchcbot.Request) error { r.Title = ""; return nil },
		"no due":      func(r *cchcbot.Request) error { r.Due = cchcbot.Date{}; return nil },
		"new id":      func(r *cchcbot.Request) error { r.ID = "dot-xuat-9"; return nil },
	} {
		_, err := db.UpdateRequest(ctx, r.ID, admin, later, fn, nil)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		m.unchanged(t, db, name)
	}

	// An edit that is neither.
	seq = lastAuditSeq(t, db)
	if got, err := db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error { r.Title = "Báo cáo bổ sung"; return nil }, nil); err != nil ||
		got.Title != "Báo cáo bổ sung" || !got.PlannedFrom.Equal(later) {
		t.Errorf("title edit = %+v, %v", got, err)
	}
	if es := auditAfter(t, db, seq); len(es) != 1 || es[0].Action != "request" {
		t.Errorf("audit of an edit = %+v; want one request entry", es)
	}

	_, err = db.UpdateRequest(ctx, "dot-xuat-7", admin, later, func(*cchcbot.Request) error { return nil }, nil)
	wantCode(t, "update of a missing request", err, cchcbot.ENOTFOUND)
}

func TestUpdateRequestCancel(t *testing.T) {
	db := MustOpen(t)
	r := newRequest()
	if err := db.CreateRequest(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	cancel := func(r *cchcbot.Request) error {
		r.CancelledAt, r.CancelReason = later, "Đã có văn bản thay thế"
		return nil
	}
	members := func(*cchcbot.Request) []*cchcbot.Outgoing {
		return notices("Yêu cầu đã hủy", "telegram:11", "telegram:12", "telegram:13")
	}

	// Admins pressing cancel at once: one cancellation, one set of notices.
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	seq, box := lastAuditSeq(t, db), lastOutboxID(t, db)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.UpdateRequest(ctx, r.ID, admin, later, cancel, members)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch cchcbot.ErrorCode(err) {
		case "":
			ok++
		case cchcbot.ECONFLICT:
		default:
			t.Errorf("concurrent cancel: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d cancellations succeeded; want 1", ok)
	}
	if es := auditAfter(t, db, seq); !slices.Equal(actions(es), []string{"request-cancel"}) || !strings.Contains(es[0].Detail, "văn bản thay thế") {
		t.Errorf("audit = %+v; want one request-cancel", es)
	}
	if msgs := outboxAfter(t, db, box); len(msgs) != 3 {
		t.Errorf("outbox = %d messages; want the 3 notices once", len(msgs))
	}
	got, err := db.Request(ctx, r.ID)
	if err != nil || !got.Cancelled() || got.CancelledBy != admin || !got.UpdatedAt.Equal(later) {
		t.Errorf("cancelled = %+v, %v; want cancelled by the admin", got, err)
	}
	if all, _ := db.Requests(ctx); len(all) != 1 || !all[0].Cancelled() {
		t.Errorf("Requests = %+v; want the cancelled one listed", all)
	}
	m := takeMark(t, db)
	_, err = db.UpdateRequest(ctx, r.ID, admin, later, func(r *cchcbot.Request) error { r.Due = r.Due.AddDays(1); return nil }, nil)
	wantCode(t, "a change to a cancelled request", err, cchcbot.ECONFLICT)
	m.unchanged(t, db, "a change to a cancelled request")

	// A cancellation whose notices cannot be queued is no cancellation.
	r2 := newRequest()
	if err := db.CreateRequest(ctx, r2, nil); err != nil {
		t.Fatal(err)
	}
	m = takeMark(t, db)
	if _, err := db.UpdateRequest(ctx, r2.ID, admin, later, cancel, func(*cchcbot.Request) []*cchcbot.Outgoing { return badMessage }); err == nil {
		t.Error("a cancellation with an undeliverable notice was recorded")
	}
	m.unchanged(t, db, "a cancellation whose notice failed")
	if got, _ := db.Request(ctx, r2.ID); got.Cancelled() {
		t.Errorf("request = %+v; want it still open", got)
	}
}
