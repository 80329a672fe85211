package scheduler_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// newRequest stores an ad-hoc request made by the admin at when, due on
// due, of the communes and of unit 0, with an instruction document.
func (f *fixture) newRequest(t *testing.T, due cchcbot.Date, when string) cchcbot.Request {
	t.Helper()
	sum, size, err := f.db.PutFile(ctx, strings.NewReader("%PDF-1.4 công văn"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r := cchcbot.Request{Title: "Báo cáo kết quả rà soát thủ tục hành chính quý I/2024", Due: due,
		Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, Units: []string{unitCode(0)}, RequiresFile: true,
		Instruction: &cchcbot.File{SHA256: sum, Size: size, Name: "cong-van-123.pdf", MIME: "application/pdf", ChannelFileID: "tg-file-1"},
		CreatedBy:   admin, CreatedByName: "Cán bộ Nội vụ", CreatedAt: at(when)}
	if err := f.db.CreateRequest(ctx, &r, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRequestMadeTheDayBeforeItsDueDate: a request made on Thursday
// 14/03/2024 at 15:00, due Friday 15/03, is announced at once with its
// instruction document, then reminded on the due day; no "before" step
// of the usual plan is sent. A change of due date announces the new
// date, without the document again, and drops the old plan; a
// cancellation stops the reminders.
func TestRequestMadeTheDayBeforeItsDueDate(t *testing.T) {
	f := newFixture(t, 3) // unit 0 a department, unit 1 a service unit, unit 2 a commune
	f.cal.Kinds = nil
	s := f.scheduler()
	r := f.newRequest(t, cchcbot.D(2024, 3, 15), "2024-03-14 15:00")
	f.withRequests(t, s)
	period := r.PeriodID()

	f.runAt(t, s, at("2024-03-14 15:01"))
	f.daily(t, s, "2024-03-15", "2024-03-15")
	for _, i := range []int{0, 2} {
		got := f.ch.to(member(i), "")
		if len(got) != 3 || got[0].doc != "cong-van-123.pdf" || got[1].step != "20240315-issued" || got[2].step != "20240315-due" {
			t.Fatalf("unit %d got %+v, want the document, then the announcement, then the due day", i, got)
		}
		wantText(t, "the document's caption", got[0].text, "Văn bản hướng dẫn kèm theo yêu cầu báo cáo “Báo cáo kết quả rà soát thủ tục hành chính quý I/2024” (hạn nộp ngày 15/03/2024) của "+office+".")
		wantText(t, "the announcement", got[1].text,
			"YÊU CẦU BÁO CÁO ĐỘT XUẤT: Báo cáo kết quả rà soát thủ tục hành chính quý I/2024",
			office+" đề nghị các cơ quan, đơn vị",
			"Đơn vị thực hiện: Xã, thị trấn; Đơn vị 000.",
			"Hạn nộp: Thứ Sáu, ngày 15/03/2024, trước 23 giờ 59.",
			"Thời gian còn lại: 1 ngày.",
			"Hình thức: gửi tệp báo cáo",
			"Văn bản hướng dẫn: tệp “cong-van-123.pdf” được gửi kèm.",
			"Trân trọng,\n"+office)
		// "huyện" alone: "cuộc trò chuyện" holds the letters too.
		if own := strings.ReplaceAll(got[1].text, office, ""); strings.Contains(own, " huyện") || strings.Contains(own, "điều chỉnh") {
			t.Errorf("the announcement assumes a district or speaks of a change:\n%s", got[1].text)
		}
		wantText(t, "the due-day reminder", got[2].text, "NHẮC VIỆC: Báo cáo kết quả rà soát", "Hôm nay là hạn cuối.")
		if !hasButton(got[2], cchcbot.ActionExtend) {
			t.Error("the due-day reminder of a request offers no extension")
		}
	}
	if n := len(f.ch.to(member(1), "")); n != 0 {
		t.Errorf("unit 1, which does not owe the request, got %d messages", n)
	}
	rs, err := f.db.RemindersFor(ctx, period, unitCode(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Errorf("log of unit 0 = %+v, want the announcement and the due day only", rs)
	}

	// The due date moves to Wednesday 20/03.
	if _, err := f.db.UpdateRequest(ctx, r.ID, admin, at("2024-03-15 09:00"), func(r *cchcbot.Request) error {
		r.Due = cchcbot.D(2024, 3, 20)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	f.withRequests(t, s)
	f.runAt(t, s, at("2024-03-15 09:01"))
	got := f.ch.to(member(0), "")
	if len(got) != 4 || got[3].step != "20240320-issued" || got[3].doc != "" {
		t.Fatalf("after the change unit 0 got %+v, want the new plan's announcement, without the document", got)
	}
	wantText(t, "the announcement of the change", got[3].text,
		"ĐIỀU CHỈNH HẠN NỘP BÁO CÁO ĐỘT XUẤT",
		"hạn nộp báo cáo “Báo cáo kết quả rà soát thủ tục hành chính quý I/2024” đã được điều chỉnh. Hạn nộp mới là ngày 20/03/2024",
		"Hạn nộp: Thứ Tư, ngày 20/03/2024", "Thời gian còn lại: 5 ngày.")
	f.runAt(t, s, at("2024-03-19 08:00"))
	if got := f.ch.to(member(0), ""); len(got) != 5 || got[4].step != "20240320-before-1" {
		t.Fatalf("got %v, want the new plan's before-1", steps(got))
	}

	// Cancelled: no more reminders, and one already queued is dropped.
	f.clock.Set(at("2024-03-20 08:00"))
	if err := s.RunDue(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateRequest(ctx, r.ID, admin, at("2024-03-20 08:00"), func(r *cchcbot.Request) error {
		r.CancelledAt, r.CancelReason = at("2024-03-20 08:00"), "Đã có số liệu từ phần mềm"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	f.withRequests(t, s)
	f.superseded = s.Superseded
	f.deliver(t)
	f.daily(t, s, "2024-03-20", "2024-03-25")
	if got := f.ch.to(member(0), ""); len(got) != 5 {
		t.Errorf("after the cancellation unit 0 got %v", steps(got[5:]))
	}
	if n, err := s.Pending(ctx, period); err != nil || n != 0 {
		t.Errorf("Pending of a cancelled request = %d, %v", n, err)
	}
}

// TestRequestMadeOnItsDueDay: the due-day step moves to the moment the
// request is made, and announces it.
func TestRequestMadeOnItsDueDay(t *testing.T) {
	f := newFixture(t, 3)
	f.cal.Kinds = nil
	s := f.scheduler()
	f.newRequest(t, cchcbot.D(2024, 3, 15), "2024-03-15 10:00")
	f.withRequests(t, s)
	f.runAt(t, s, at("2024-03-15 10:00"))
	got := f.ch.to(member(2), "")
	if len(got) != 2 || got[1].step != "20240315-due" {
		t.Fatalf("got %+v, want the document and the due-day step at once", got)
	}
	wantText(t, "the announcement", got[1].text, "YÊU CẦU BÁO CÁO ĐỘT XUẤT", "Hôm nay là hạn cuối.")
	if !got[1].at.Equal(at("2024-03-15 10:00")) {
		t.Errorf("sent at %s", got[1].at.Format(time.DateTime))
	}
}

// TestInstructionWithTheFirstReminder: a member who joins a unit after
// the announcement gets the instruction document with their first
// reminder; the members who had it do not get it again, even from an
// admin's push.
func TestInstructionWithTheFirstReminder(t *testing.T) {
	f := newFixture(t, 3)
	f.cal.Kinds = nil
	s := f.scheduler()
	r := f.newRequest(t, cchcbot.D(2024, 3, 20), "2024-03-11 10:00")
	f.withRequests(t, s)
	f.runAt(t, s, at("2024-03-11 10:00"))
	late := cchcbot.TelegramUser(5000)
	f.addMember(t, unitCode(2), late)
	f.clock.Set(at("2024-03-12 09:00"))
	if n, err := s.RemindNow(ctx, r.PeriodID(), admin, "press-1"); err != nil || n != 2 {
		t.Fatalf("RemindNow = %d, %v", n, err)
	}
	f.deliver(t)
	f.daily(t, s, "2024-03-13", "2024-03-19")
	var docs []string
	for _, m := range f.ch.all() {
		if m.doc != "" {
			docs = append(docs, string(m.to))
		}
	}
	want := []string{string(member(0)), string(member(2)), string(late)}
	if !slices.Equal(docs, want) {
		t.Errorf("documents went to %v, want %v", docs, want)
	}
}
