package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

func countTo(f *fixture, to cchcbot.UserID) int {
	n := 0
	for _, m := range f.ch.all() {
		if m.to == to {
			n++
		}
	}
	return n
}

func submit(t *testing.T, f *fixture, unit, period string, when time.Time) *cchcbot.Submission {
	t.Helper()
	sum, size, err := f.db.PutFile(ctx, strings.NewReader("báo cáo "+unit), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := f.cal.Period(period)
	if err != nil {
		t.Fatal(err)
	}
	s := &cchcbot.Submission{PeriodID: period, UnitCode: unit, SubmittedAt: when, DaysLate: pp.DaysLate(when),
		Files: []cchcbot.File{{SHA256: sum, Size: size, Name: "bc.pdf"}}}
	if err := f.db.CreateSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSubmittedUnitsAreNotReminded(t *testing.T) {
	f := newFixture(t, 3)
	s := f.scheduler()
	const p = "bao-cao-thang/2024-03"
	f.runAt(t, s, at("2024-03-05 08:00")) // before-7: all three
	sub := submit(t, f, "dv-000", p, at("2024-03-06 10:00"))
	f.runAt(t, s, at("2024-03-08 08:00")) // before-3: two
	if got := countTo(f, cchcbot.TelegramUser(1000)); got != 1 {
		t.Errorf("the unit that submitted got %d reminders, want 1", got)
	}
	// Returned: the unit owes a new version and is reminded again.
	if _, err := f.db.ReviewSubmission(ctx, sub.ID, cchcbot.StateReturned, "Thiếu số liệu tháng 02", cchcbot.TelegramUser(1), at("2024-03-08 09:00")); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-11 08:00")) // before-1
	msgs := f.ch.all()
	last := msgs[len(msgs)-1]
	if countTo(f, cchcbot.TelegramUser(1000)) != 2 || !strings.Contains(last.text+msgs[len(msgs)-2].text+msgs[len(msgs)-3].text, "Thiếu số liệu tháng 02") {
		t.Errorf("returned unit not reminded with the reason")
	}
}

func TestReminderWording(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	f.runAt(t, s, at("2024-02-07 08:00"))
	// The plan's overdue-3 (06/02) is due as well; take February's.
	var m sent
	for _, x := range f.ch.all() {
		if strings.Contains(x.buttons[0][1].Data, "bao-cao-thang/2024-02") {
			m = x
		}
	}
	for _, want := range []string{"Kính gửi: Thủ trưởng – Đơn vị 000.", "Báo cáo CCHC tháng 02/2024", "số liệu từ 12/01/2024 đến 12/02/2024",
		"Thứ Năm, ngày 15/02/2024", "hạn ngày 12/02/2024 trùng ngày nghỉ", "Thời gian còn lại: 8 ngày.", "Trân trọng,\nPhòng Nội vụ huyện Quỳ Hợp"} {
		if !strings.Contains(m.text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, m.text)
		}
	}
	if len(m.buttons) != 1 || m.buttons[0][0].Text != "📎 Nộp báo cáo" || m.buttons[0][1].Text != "✅ Đã nhận" {
		t.Errorf("buttons = %+v", m.buttons)
	}
	signer := cchcbot.CallbackSigner{Key: []byte("k")}
	if action, fields, err := signer.Verify(m.to, m.buttons[0][1].Data); err != nil || action != cchcbot.ActionAck || fields[0] != "bao-cao-thang/2024-02" || fields[1] != "before-1" {
		t.Errorf("ack button = %q %v %v", action, fields, err)
	}
	f.runAt(t, s, at("2024-02-19 08:00"))
	over := f.ch.all()[len(f.ch.all())-1].text
	for _, want := range []string{"NHẮC VIỆC QUÁ HẠN", "Đã quá hạn 4 ngày.", "khẩn trương", "không dừng lời nhắc"} {
		if !strings.Contains(over, want) {
			t.Errorf("overdue reminder lacks %q:\n%s", want, over)
		}
	}
}

// TestDowntimeSendsOnlyTheLatestStep: the bot was down over before-7 and
// before-3; it starts at before-1 and sends that one only.
func TestDowntimeSendsOnlyTheLatestStep(t *testing.T) {
	f := newFixture(t, 2)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-11 09:30"))
	if got := len(f.ch.all()); got != 2 {
		t.Fatalf("%d messages after downtime, want 2 (one per unit)", got)
	}
	rs, _ := f.db.Reminders(ctx, "bao-cao-thang/2024-03")
	states := map[string]cchcbot.ReminderState{}
	for _, r := range rs {
		states[r.Step] = r.State
	}
	if states["before-7"] != cchcbot.ReminderSkipped || states["before-3"] != cchcbot.ReminderSkipped || states["before-1"] != cchcbot.ReminderSent {
		t.Errorf("log = %v", states)
	}
	// The next sweeps send nothing more until the due day.
	f.runAt(t, s, at("2024-03-11 17:00"))
	f.runAt(t, s, at("2024-03-12 08:00"))
	if got := len(f.ch.all()); got != 4 {
		t.Errorf("%d messages, want 4", got)
	}
}

// TestRestartMidFanOut: the process dies after 17 of 40 sends; a new
// scheduler on the same store completes the fan-out. Every member gets
// the step, and only the message in flight at the crash may come twice.
func TestRestartMidFanOut(t *testing.T) {
	f := newFixture(t, 40)
	runCtx, cancel := context.WithCancel(ctx)
	f.ch.failAfter, f.ch.cancel = 17, cancel
	f.clock.Set(at("2024-03-05 08:00"))
	if err := f.scheduler().RunDue(runCtx, f.clock.Now()); err == nil {
		t.Fatal("the crash did not stop the sweep")
	}
	f.ch.failAfter = 0
	s := f.scheduler()
	if err := s.Start(ctx); err != nil { // recovers the in-flight one, then sweeps
		t.Fatal(err)
	}
	defer s.Stop(ctx)
	dupes := 0
	for i := range 40 {
		switch n := countTo(f, cchcbot.TelegramUser(int64(1000+i))); n {
		case 1:
		case 2:
			dupes++
		default:
			t.Errorf("member %d got %d reminders", i, n)
		}
	}
	if dupes > 1 {
		t.Errorf("%d members got the step twice; at most the one in flight may", dupes)
	}
	rs, _ := f.db.Reminders(ctx, "bao-cao-thang/2024-03")
	for _, r := range rs {
		if r.State != cchcbot.ReminderSent {
			t.Errorf("%s %s left %s", r.UnitCode, r.Step, r.State)
		}
	}
}

func TestAckDoesNotStopOverdue(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	member := cchcbot.TelegramUser(1000)
	const p = "bao-cao-thang/2024-03"
	f.runAt(t, s, at("2024-03-12 08:00"))
	if err := f.db.AckReminder(ctx, p, "dv-000", "due", member, at("2024-03-12 08:05")); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-14 08:00"))
	if got := countTo(f, member); got != 2 {
		t.Errorf("%d reminders, want the overdue one after the ack", got)
	}
}

func TestUnreachableAndQuietHours(t *testing.T) {
	f := newFixture(t, 2)
	s := f.scheduler()
	f.db.SetReachable(ctx, cchcbot.TelegramUser(1001), false, "blocked", at("2024-03-01 00:00"))
	f.runAt(t, s, at("2024-03-05 22:30")) // quiet hours 21:00–07:00
	if n := len(f.ch.all()); n != 0 {
		t.Fatalf("%d messages in quiet hours", n)
	}
	f.runAt(t, s, at("2024-03-06 07:00"))
	if countTo(f, cchcbot.TelegramUser(1000)) != 1 || countTo(f, cchcbot.TelegramUser(1001)) != 0 {
		t.Errorf("sent = %+v", f.ch.all())
	}
	// A member who blocked the bot since: the send fails and is recorded.
	f.ch.blocked[cchcbot.TelegramUser(1000)] = true
	f.runAt(t, s, at("2024-03-08 08:00"))
	rs, _ := f.db.RemindersFor(ctx, "bao-cao-thang/2024-03", "dv-000")
	var failed *cchcbot.Reminder
	for i := range rs {
		if rs[i].Step == "before-3" {
			failed = &rs[i]
		}
	}
	if failed == nil || failed.State != cchcbot.ReminderFailed || !strings.Contains(failed.Error, "blocked") {
		t.Errorf("log = %+v", rs)
	}
}

func TestDigestAndSummaryOnce(t *testing.T) {
	f := newFixture(t, 3)
	submit(t, f, "dv-001", "bao-cao-thang/2024-03", at("2024-03-13 09:00")) // a day late
	admin := cchcbot.TelegramUser(1)
	for _, when := range []string{"2024-03-13 07:00", "2024-03-13 07:30", "2024-03-13 12:00"} {
		f.clock.Set(at(when))
		s := f.scheduler() // a restart between each
		if err := s.RunDigest(ctx, at(when)); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	for _, m := range f.ch.all() {
		if m.to == admin {
			texts = append(texts, m.text)
		}
	}
	if len(texts) != 2 {
		t.Fatalf("admin got %d messages, want a digest and a summary:\n%s", len(texts), strings.Join(texts, "\n---\n"))
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"TỔNG HỢP HẰNG NGÀY – 13/03/2024", "KẾT QUẢ THỰC HIỆN: Báo cáo CCHC tháng 03/2024 (hạn 12/03/2024)",
		"Nộp trễ: Đơn vị 001 (trễ 1 ngày)", "Đơn vị 000", "Chưa nộp: 2"} {
		if !strings.Contains(all, want) {
			t.Errorf("digest/summary lacks %q:\n%s", want, all)
		}
	}
	// Saturday: no digest.
	f.clock.Set(at("2024-03-16 08:00"))
	f.scheduler().RunDigest(ctx, at("2024-03-16 08:00"))
	if n := countTo(f, admin); n != 2 {
		t.Errorf("a digest went out on a Saturday")
	}
}

func TestRemindNowAndUpcoming(t *testing.T) {
	f := newFixture(t, 4)
	s := f.scheduler()
	submit(t, f, "dv-002", "bao-cao-thang/2024-03", at("2024-03-01 09:00"))
	f.clock.Set(at("2024-03-04 10:15"))
	if n, err := s.Pending(ctx, "bao-cao-thang/2024-03"); err != nil || n != 3 {
		t.Errorf("Pending = %d %v", n, err)
	}
	n, err := s.RemindNow(ctx, "bao-cao-thang/2024-03", cchcbot.TelegramUser(1))
	if err != nil || n != 3 || len(f.ch.all()) != 3 {
		t.Fatalf("RemindNow = %d %v, %d sent", n, err, len(f.ch.all()))
	}
	// Pressed twice within the minute: nothing more.
	s.RemindNow(ctx, "bao-cao-thang/2024-03", cchcbot.TelegramUser(1))
	if len(f.ch.all()) != 3 {
		t.Errorf("a double press sent twice")
	}
	up, err := s.Upcoming(ctx, at("2024-03-04 10:15"), 3)
	if err != nil || len(up) != 3 || up[0].Step.Name != "before-7" || !up[0].Step.At.Equal(at("2024-03-05 08:00")) || up[0].Units != 3 {
		t.Errorf("Upcoming = %+v %v", up, err)
	}
}

func TestDigestListsNewReports(t *testing.T) {
	f := newFixture(t, 3)
	submit(t, f, "dv-002", "bao-cao-thang/2024-03", at("2024-03-07 16:20"))
	s := f.scheduler()
	s.NewInDigest = true
	f.clock.Set(at("2024-03-08 07:30"))
	if err := s.RunDigest(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	all := f.ch.all()
	if len(all) != 1 || !strings.Contains(all[0].text, "Báo cáo mới nhận trong 24 giờ qua:\n   – Đơn vị 002: phiên bản 1 lúc 16:20 07/03/2024, biên nhận CCHC-2024-000001") {
		t.Fatalf("digest = %+v", all)
	}
}

// TestReloadResendsNothing: a config change (SIGHUP or restart) recomputes
// the plan; what was sent stays sent, and a step the new plan moves is not
// sent twice.
func TestReloadResendsNothing(t *testing.T) {
	f := newFixture(t, 5)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 08:00"))
	if n := len(f.ch.all()); n != 5 {
		t.Fatalf("%d reminders, want 5", n)
	}
	// Staff add a holiday on 05/03 and reload: before-7 now falls on
	// Monday 04/03, already past, and must not go out again.
	changed := *f.cal
	changed.Work.Holidays = map[cchcbot.Date]string{cchcbot.D(2024, 3, 5): "nghỉ đột xuất"}
	for d, name := range f.cal.Work.Holidays {
		changed.Work.Holidays[d] = name
	}
	s.SetCalendar(&changed)
	f.runAt(t, s, at("2024-03-05 08:30"))
	f.runAt(t, s, at("2024-03-06 08:00"))
	s2 := f.scheduler() // and a restart with the new calendar
	s2.SetCalendar(&changed)
	f.runAt(t, s2, at("2024-03-06 09:00"))
	if n := len(f.ch.all()); n != 5 {
		t.Errorf("%d reminders after the reload, want still 5", n)
	}
	f.runAt(t, s2, at("2024-03-08 08:00")) // before-3 goes out as planned
	if n := len(f.ch.all()); n != 10 {
		t.Errorf("%d reminders after before-3, want 10", n)
	}
}
