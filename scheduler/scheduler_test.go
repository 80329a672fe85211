package scheduler_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

const march = "bao-cao-thang/2024-03"

// TestSubmittedUnitStopsReturnedResumes: a unit that submits gets no more
// reminders; one whose report is returned owes a new version and gets
// reminders again from the next step, with the reason.
func TestSubmittedUnitStopsReturnedResumes(t *testing.T) {
	f := newFixture(t, 3)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 08:00")) // before-7: all three
	sub := f.submit(t, 0, march, at("2024-03-06 10:00"))
	f.runAt(t, s, at("2024-03-08 08:00")) // before-3: the other two
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"before-7"}) {
		t.Errorf("the unit that submitted got %v, want only before-7", got)
	}
	if got := steps(f.ch.to(member(1), march)); !slices.Equal(got, []string{"before-7", "before-3"}) {
		t.Errorf("a unit that did not submit got %v", got)
	}
	if _, err := f.db.ReviewSubmission(ctx, sub.ID, cchcbot.StateReturned, "Thiếu số liệu tháng 02", admin, at("2024-03-08 09:00"), nil); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-08 09:01")) // the chat told the unit; no reminder on top
	if n := len(f.ch.to(member(0), march)); n != 1 {
		t.Errorf("the returned unit got %d reminders right after the return, want none new", n)
	}
	f.runAt(t, s, at("2024-03-11 08:00")) // before-1
	got := f.ch.to(member(0), march)
	if !slices.Equal(steps(got), []string{"before-7", "before-1"}) {
		t.Fatalf("the returned unit got %v, want before-7 then before-1", steps(got))
	}
	if text := got[1].text; !strings.Contains(text, "đã được trả lại với lý do: Thiếu số liệu tháng 02.") || !strings.Contains(text, sub.ReceiptNo()) {
		t.Errorf("the reminder after a return does not say why:\n%s", text)
	}
	// Before-3, which the unit never got while its report stood, is not
	// sent late: it is recorded skipped.
	if st := f.logStates(t, march, 0); st["before-3"] != cchcbot.ReminderSkipped {
		t.Errorf("log = %v", st)
	}
}

// TestReturnedAfterTheLastStep: a report returned when no step is left
// gets the latest step once, rather than nothing more at all.
func TestReturnedAfterTheLastStep(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-12 08:00"))
	sub := f.submit(t, 0, march, at("2024-03-13 10:00")) // a day late
	f.runAt(t, s, at("2024-03-14 08:00"))
	if _, err := f.db.ReviewSubmission(ctx, sub.ID, cchcbot.StateReturned, "Sai biểu mẫu", admin, at("2024-03-20 10:00"), nil); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-20 10:01"))
	f.runAt(t, s, at("2024-03-21 08:00"))
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"due", "overdue-3"}) {
		t.Errorf("got %v, want the due day, then overdue-3 once after the return", got)
	}
}

// TestDowntimeSendsOnlyTheLatestStep: the bot was down over before-3 and
// before-1; it starts after both and sends before-1 once, recording
// before-3 as skipped, and sends nothing more until the due day.
func TestDowntimeSendsOnlyTheLatestStep(t *testing.T) {
	f := newFixture(t, 2)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 08:00")) // before-7, then the bot goes down
	f.runAt(t, s, at("2024-03-11 09:30")) // back up after before-3 and before-1
	for i := range 2 {
		if got := steps(f.ch.to(member(i), march)); !slices.Equal(got, []string{"before-7", "before-1"}) {
			t.Errorf("member %d got %v, want before-7, then only before-1", i, got)
		}
		want := map[string]cchcbot.ReminderState{"before-7": cchcbot.ReminderSent, "before-3": cchcbot.ReminderSkipped, "before-1": cchcbot.ReminderSent}
		if st := f.logStates(t, march, i); !maps.Equal(st, want) {
			t.Errorf("log of unit %d = %v, want %v", i, st, want)
		}
	}
	f.runAt(t, s, at("2024-03-11 17:00"))
	f.runAt(t, s, at("2024-03-12 07:59"))
	if n := len(f.ch.to(member(0), march)); n != 2 {
		t.Errorf("%d reminders before the due day, want still 2", n)
	}
	f.runAt(t, s, at("2024-03-12 08:00"))
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"before-7", "before-1", "due"}) {
		t.Errorf("got %v", got)
	}
	// The last reminder says the day: the due day itself.
	if text := f.ch.to(member(0), march)[2].text; !strings.Contains(text, "Hôm nay là hạn cuối.") {
		t.Errorf("due-day reminder:\n%s", text)
	}
}

// TestLongDowntimeStillSendsTheLatest: down from before the first step to
// after the deadline, the bot sends each unit the latest step, overdue,
// once: the unit still hears, but not seven times.
func TestLongDowntimeStillSendsTheLatest(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-15 10:00"))
	got := f.ch.to(member(0), march)
	if !slices.Equal(steps(got), []string{"overdue-1"}) {
		t.Fatalf("got %v, want overdue-1 only", steps(got))
	}
	if !strings.Contains(got[0].text, "Đã quá hạn 3 ngày.") {
		t.Errorf("overdue reminder:\n%s", got[0].text)
	}
	if st := f.logStates(t, march, 0); len(st) != 5 || st["before-7"] != cchcbot.ReminderSkipped || st["due"] != cchcbot.ReminderSkipped {
		t.Errorf("log = %v, want four steps skipped and overdue-1 sent", st)
	}
}

// TestFirstStartSendsNothingStale: a bot first started on 05/03 sends
// March's first step, not a burst of overdue reminders for the plan due
// 31/01 and the January and February reports, whose last steps are weeks
// old; those are recorded skipped.
func TestFirstStartSendsNothingStale(t *testing.T) {
	f := newFixture(t, 2)
	f.runAt(t, f.scheduler(), at("2024-03-05 08:00"))
	for i := range 2 {
		if got := f.ch.to(member(i), ""); len(got) != 1 || got[0].period != march || got[0].step != "before-7" {
			t.Errorf("member %d got %d messages, want March's before-7 only", i, len(got))
		}
	}
	for _, period := range []string{planID, "bao-cao-thang/2024-01", "bao-cao-thang/2024-02"} {
		st := f.logStates(t, period, 0)
		if st["overdue-3"] != cchcbot.ReminderSkipped || st["due"] != cchcbot.ReminderSkipped {
			t.Errorf("%s: log = %v, want every step skipped", period, st)
		}
	}
}

func TestAckDoesNotStopOverdue(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-12 08:00"))
	if err := f.db.AckReminder(ctx, march, unitCode(0), "due", member(0), at("2024-03-12 08:05")); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-14 08:00"))
	got := f.ch.to(member(0), march)
	if !slices.Equal(steps(got), []string{"due", "overdue-1"}) {
		t.Fatalf("got %v, want the overdue reminder after the acknowledgement", steps(got))
	}
	for _, want := range []string{"NHẮC VIỆC QUÁ HẠN", "khẩn trương", "bấm \"Đã nhận\" không dừng việc nhắc"} {
		if !strings.Contains(got[1].text, want) {
			t.Errorf("overdue reminder lacks %q:\n%s", want, got[1].text)
		}
	}
}

// TestUnreachableAndQuietHours: nothing goes out in quiet hours; the first
// sweep after them sends, skipping members known unreachable; a member who
// blocked the bot since is recorded as failed, not retried.
func TestUnreachableAndQuietHours(t *testing.T) {
	f := newFixture(t, 3)
	s := f.scheduler()
	if err := f.db.SetReachable(ctx, member(1), false, "bot was blocked", at("2024-03-01 00:00")); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-05 22:30")) // quiet 21:00–07:00
	f.runAt(t, s, at("2024-03-06 06:59"))
	if n := len(f.ch.all()); n != 0 {
		t.Fatalf("%d messages in quiet hours", n)
	}
	f.ch.block(member(2)) // blocked since; the store does not know yet
	f.runAt(t, s, at("2024-03-06 07:00"))
	if len(f.ch.to(member(0), march)) != 1 || len(f.ch.to(member(1), march)) != 0 || len(f.ch.to(member(2), march)) != 0 {
		t.Errorf("sent = %+v", f.ch.all())
	}
	if _, ok := f.logStates(t, march, 1)["before-7"]; ok {
		t.Error("a reminder to an unreachable member was logged")
	}
	rs, err := f.db.RemindersFor(ctx, march, unitCode(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].State != cchcbot.ReminderFailed || !strings.Contains(rs[0].Error, "blocked") {
		t.Errorf("log of the blocked member = %+v", rs)
	}
	f.runAt(t, s, at("2024-03-06 07:01"))
	if len(f.ch.to(member(0), march)) != 1 || len(f.ch.to(member(2), march)) != 0 {
		t.Errorf("sent = %+v, want nothing more", f.ch.all())
	}
	if st := f.logStates(t, march, 2); st["before-7"] != cchcbot.ReminderFailed {
		t.Errorf("the failed reminder was tried again: %v", st)
	}
}

// TestReminderWording checks the letter's "rõ người, rõ việc, rõ trách
// nhiệm, rõ thời gian" on February, whose deadline Tết moved.
func TestReminderWording(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	f.runAt(t, s, at("2024-02-07 08:00"))
	got := f.ch.to(member(0), "bao-cao-thang/2024-02")
	if len(got) != 1 {
		t.Fatalf("got %d February reminders", len(got))
	}
	m := got[0]
	for _, want := range []string{
		"Kính gửi: Thủ trưởng – Đơn vị 000.",
		"NHẮC VIỆC: Báo cáo CCHC tháng 02/2024",
		"Số liệu: từ 12/01/2024 đến 12/02/2024.",
		"Hạn nộp: Thứ Năm, ngày 15/02/2024",
		"(ngày 12/02/2024 là ngày nghỉ, hạn đã lùi sang ngày làm việc tiếp theo)",
		"Thời gian còn lại: 8 ngày.",
		"Đề nghị đồng chí Thủ trưởng chỉ đạo hoàn thành",
		"lời nhắc chỉ dừng khi đơn vị đã nộp báo cáo",
		"Trân trọng,\n" + office,
	} {
		if !strings.Contains(m.text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, m.text)
		}
	}
	if strings.Contains(m.text, "QUÁ HẠN") || strings.Contains(m.text, "xếp loại") {
		t.Errorf("a reminder before the deadline is worded as overdue:\n%s", m.text)
	}
	row := m.buttons[0]
	if len(m.buttons) != 1 || len(row) != 2 || row[0].Text != "📎 Nộp báo cáo" || row[1].Text != "✅ Đã nhận" {
		t.Fatalf("buttons = %+v", m.buttons)
	}
	if action, fields, err := signer.Verify(member(0), row[0].Data); err != nil || action != cchcbot.ActionSubmit || !slices.Equal(fields, []string{"bao-cao-thang/2024-02"}) {
		t.Errorf("submit button = %q %v %v", action, fields, err)
	}
	if m.step != "before-1" {
		t.Errorf("ack button names step %q, want before-1", m.step)
	}

	f.runAt(t, s, at("2024-02-19 08:00"))
	over := f.ch.to(member(0), "bao-cao-thang/2024-02")[1].text
	for _, want := range []string{"⚠️ NHẮC VIỆC QUÁ HẠN: Báo cáo CCHC tháng 02/2024", "Đã quá hạn 4 ngày.", "vẫn chưa gửi báo cáo",
		"khẩn trương chỉ đạo hoàn thành và gửi báo cáo; việc chậm nộp sẽ được tổng hợp vào kết quả đánh giá, xếp loại CCHC"} {
		if !strings.Contains(over, want) {
			t.Errorf("overdue reminder lacks %q:\n%s", want, over)
		}
	}
}

// TestRemindNowPendingUpcoming: an admin's push reaches every unit still
// missing, once per request however often the request is run again (a
// press delivered twice, later, after a crash mid fan-out), and a new
// request is a new round.
func TestRemindNowPendingUpcoming(t *testing.T) {
	f := newFixture(t, 4)
	s := f.scheduler()
	f.submit(t, 2, march, at("2024-03-01 09:00"))
	f.addMember(t, unitCode(0), cchcbot.TelegramUser(5000)) // a second member
	f.clock.Set(at("2024-03-04 10:15"))
	if n, err := s.Pending(ctx, march); err != nil || n != 3 {
		t.Errorf("Pending = %d, %v; want 3", n, err)
	}
	n, err := s.RemindNow(ctx, march, admin, "press-1")
	if err != nil || n != 3 {
		t.Fatalf("RemindNow = %d, %v; want 3 units", n, err)
	}
	f.deliver(t)
	if got := len(f.ch.all()); got != 4 {
		t.Fatalf("%d messages, want 4 (unit 0 has two members)", got)
	}
	if m := f.ch.all()[0]; m.step != "manual-202403041015" || !strings.Contains(m.text, "Thời gian còn lại: 8 ngày.") {
		t.Errorf("pushed reminder: step %q\n%s", m.step, m.text)
	}
	// The same press delivered again an hour later (the process died mid
	// fan-out, Telegram redelivered the press after the restart).
	f.reopen(t)
	s = f.scheduler()
	f.clock.Set(at("2024-03-04 11:20"))
	if n, err := s.RemindNow(ctx, march, admin, "press-1"); err != nil || n != 3 {
		t.Errorf("the same request again: %d, %v", n, err)
	}
	f.deliver(t)
	if got := len(f.ch.all()); got != 4 {
		t.Errorf("the same request an hour later: %d messages, want still 4", got)
	}
	if _, err := s.RemindNow(ctx, march, admin, "press-2"); err != nil {
		t.Fatal(err)
	}
	f.deliver(t)
	if got := len(f.ch.all()); got != 8 {
		t.Errorf("a new request: %d messages, want 8", got)
	}
	if m := f.ch.all()[7]; m.step != "manual-202403041120" {
		t.Errorf("the new round's step = %q", m.step)
	}
	if _, err := s.RemindNow(ctx, "bao-cao-thang/2024-13", admin, "press-3"); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("unknown period: %v", err)
	}

	up, err := s.Upcoming(ctx, at("2024-03-04 10:15"), 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range up {
		got = append(got, u.Period.ID+" "+u.Step.Name+" "+u.Step.At.In(hcm).Format("02/01 15:04")+" "+fmt.Sprint(u.Units))
	}
	want := []string{march + " before-7 05/03 08:00 3", march + " before-3 08/03 08:00 3", march + " before-1 11/03 08:00 3"}
	if !slices.Equal(got, want) {
		t.Errorf("Upcoming = %v, want %v", got, want)
	}
}

// TestLinkedPersonRemindedOnce: a person with a Telegram and a Zalo
// account in the unit is reminded of a step once: on Zalo while they wrote
// there in the last 48 hours (a free reply), else on Telegram; and a step
// already sent to one account is not sent to the other when the choice
// changes.
func TestLinkedPersonRemindedOnce(t *testing.T) {
	f := newFixture(t, 2)
	zaloAcc := cchcbot.ZaloUser("841000")
	_, hash, _ := cchcbot.NewInviteCode(nil)
	if err := f.db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unitCode(0), LinkTo: member(0), CreatedBy: "test", ExpiresAt: at("2030-01-01 00:00")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RedeemInvite(ctx, hash, cchcbot.Member{User: zaloAcc}, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 08:00")) // before-7: Zalo silent, so Telegram
	if n := len(f.ch.to(member(0), march)); n != 1 {
		t.Errorf("Telegram account got %d reminders, want 1", n)
	}
	if n := len(f.ch.to(zaloAcc, march)); n != 0 {
		t.Errorf("Zalo account got %d reminders, want 0", n)
	}
	// The person writes on Zalo: the next step goes there, free.
	f.clock.Set(at("2024-03-07 10:00"))
	if _, err := f.db.AcceptIncoming(ctx, []cchcbot.Inbound{{Key: "zalo:1", In: &cchcbot.Incoming{User: zaloAcc, Text: "chào"}}}); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-07 10:05")) // before-7 again, now due on Zalo: not twice
	f.runAt(t, s, at("2024-03-08 08:00")) // before-3
	if got := steps(f.ch.to(zaloAcc, march)); !slices.Equal(got, []string{"before-3"}) {
		t.Errorf("Zalo account got %v, want before-3 only", got)
	}
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"before-7"}) {
		t.Errorf("Telegram account got %v, want before-7 only", got)
	}
	if n := len(f.ch.to(member(1), march)); n != 2 {
		t.Errorf("the other unit's member got %d, want 2", n)
	}
}

// TestRerouteOnQuota: a reminder Zalo refused for its quota goes to the
// same person's Telegram account, with buttons signed for it; a person
// with no other account is not rerouted.
func TestRerouteOnQuota(t *testing.T) {
	f := newFixture(t, 2)
	zaloAcc := cchcbot.ZaloUser("841000")
	_, hash, _ := cchcbot.NewInviteCode(nil)
	f.db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unitCode(0), LinkTo: member(0), CreatedBy: "test", ExpiresAt: at("2030-01-01 00:00")})
	if _, err := f.db.RedeemInvite(ctx, hash, cchcbot.Member{User: zaloAcc}, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := f.scheduler()
	f.clock.Set(at("2024-03-05 08:00"))
	refused := &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: zaloAcc, Text: "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024",
		Reminder: &cchcbot.ReminderKey{PeriodID: march, UnitCode: unitCode(0), Step: "before-7", Member: zaloAcc}}
	ok, err := s.Reroute(ctx, refused)
	if err != nil || !ok {
		t.Fatalf("Reroute = %v, %v; want the Telegram account", ok, err)
	}
	f.deliver(t)
	got := f.ch.to(member(0), march)
	if len(got) != 1 || got[0].step != "before-7" || got[0].text != refused.Text {
		t.Errorf("the Telegram account got %+v", got) // the fake verifies the button's signature for it
	}
	lone := &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: cchcbot.ZaloUser("849"), Text: "x",
		Reminder: &cchcbot.ReminderKey{PeriodID: march, UnitCode: unitCode(1), Step: "before-7", Member: cchcbot.ZaloUser("849")}}
	if ok, err := s.Reroute(ctx, lone); err != nil || ok {
		t.Errorf("a person without another account rerouted: %v, %v", ok, err)
	}
}

// TestOnlyNetworksSpoken: a member on a network the bot no longer speaks
// (Zalo turned off) is not reminded there; the unit's member on Telegram is.
func TestOnlyNetworksSpoken(t *testing.T) {
	f := newFixture(t, 1)
	f.addMember(t, unitCode(0), cchcbot.ZaloUser("841000"))
	s := f.scheduler()
	s.Networks = []string{cchcbot.ChannelTelegram}
	f.runAt(t, s, at("2024-03-05 08:00"))
	if n := len(f.ch.to(cchcbot.ZaloUser("841000"), march)); n != 0 {
		t.Errorf("%d reminders queued to a network not spoken", n)
	}
	if n := len(f.ch.to(member(0), march)); n != 1 {
		t.Errorf("the Telegram member got %d reminders, want 1", n)
	}
}
