package bot_test

import (
	"context"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

var deputyLoc = telegramtest.User{ID: 3003, FirstName: "Phó", LastName: "Chủ tịch"}

// TestE2EAbsence: a member marks himself away over the next reminder
// step; when the clock reaches it, the unit's other member is reminded
// and he is not; once he is back, he is reminded again.
func TestE2EAbsence(t *testing.T) {
	h := newE2E(t)
	ctx := context.Background()
	h.now.Set(vn("2024-03-04 10:00")) // March's 7-days-before step: Tuesday 05/03 08:00
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.say(chairLoc, "/vangmat 05/03/2024 - 06/03/2024 Đi học lớp bồi dưỡng",
		"Đã ghi nhận đồng chí vắng mặt từ 05/03/2024 đến 06/03/2024 (số 1). Nhắc việc trong thời gian này được gửi tới 1 thành viên khác của UBND xã Châu Lộc.")
	h.say(chairLoc, "/vangmat", "Số 1: từ 05/03/2024 đến 06/03/2024 – Đi học lớp bồi dưỡng – hủy: /vangmat huy 1")
	h.say(chairLoc, "/vangmat 06/03/2024", "trùng với khoảng ngày này")

	loc, dep := h.mark(chairLoc), h.mark(deputyLoc)
	h.now.Set(vn("2024-03-05 08:00"))
	h.sweep()
	h.expect(deputyLoc, dep, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	h.none(chairLoc, loc, "NHẮC VIỆC")
	rs, _ := h.db.RemindersFor(ctx, "bao-cao-thang/2024-03", "xa-chau-loc")
	for _, r := range rs {
		if r.Member == tgUser(chairLoc) && r.State != cchcbot.ReminderSkipped {
			t.Errorf("a reminder to the absent member was logged %s: %+v", r.State, r)
		}
	}

	// Back on Monday 11/03 (the 1-day-before step): both are reminded.
	h.now.Set(vn("2024-03-11 08:00"))
	h.sweep()
	h.expect(chairLoc, loc, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	if n := h.count(deputyLoc, dep, "NHẮC VIỆC"); n != 2 {
		t.Errorf("the present member got %d reminders, want 2", n)
	}
}

// TestE2EAbsenceUncovered: the only member of a unit marks himself away
// over the period's first reminder: the admins hear, the working day
// before, which unit nobody will receive it for.
func TestE2EAbsenceUncovered(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-03-01 10:00")) // a Friday
	h.join(chairDinh, "xa-chau-dinh")
	h.say(chairDinh, "/vangmat 04/03/2024 đến 08/03/2024", "không còn thành viên nào khác nhận được nhắc việc")
	// The working day before the first step (Tuesday 05/03) is Monday.
	h.now.Set(vn("2024-03-04 07:30"))
	mk := h.mark(admin)
	if err := h.sched.RunUncovered(context.Background(), h.now.Now()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	n := h.expect(admin, mk, "UBND xã Châu Đình")
	if !strings.Contains(n.Text, "Báo cáo CCHC tháng 03/2024") {
		t.Errorf("uncovered notice:\n%s", n.Text)
	}
	if err := h.sched.RunUncovered(context.Background(), h.now.Now()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if c := h.count(admin, mk, "UBND xã Châu Đình"); c != 1 {
		t.Errorf("the uncovered unit was named %d times, want once", c)
	}
}

// TestE2ELateExplanation: a late report asks for the reason before the
// receipt; the member types it; the receipt, the admin's notice, the
// stored submission and /status carry it. A unit that cannot submit
// explains with /giaitrinh.
func TestE2ELateExplanation(t *testing.T) {
	h := newE2E(t)
	ctx := context.Background()
	h.now.Set(vn("2024-02-19 10:00")) // February's report was due 15/02
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	const reason = "Cán bộ phụ trách nghỉ ốm, đơn vị đã khắc phục"

	confirm := draftReport(h, chairLoc, "bc-thang-2.pdf", "tháng 02/2024")
	why := h.press(chairLoc, confirm, "Xác nhận nộp", "Báo cáo CCHC tháng 02/2024 của UBND xã Châu Lộc được nộp TRỄ 4 ngày so với hạn 15/02/2024")
	if len(why.Buttons) != 1 || len(why.Buttons[0]) != 2 {
		t.Errorf("reason question buttons = %+v", why.Buttons)
	}
	// A file now is not taken; nothing is recorded before the reason.
	h.sendFile(chairLoc, "khac.pdf", []byte("%PDF khác"), "Hồ sơ đang chờ lý do nộp trễ")
	if subs, _ := h.db.Submissions(ctx, "bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 0 {
		t.Fatalf("recorded before the reason: %+v", subs)
	}
	receipt := h.say(chairLoc, reason, "BIÊN NHẬN")
	for _, want := range []string{"NỘP TRỄ 4 ngày so với hạn 15/02/2024", "Lý do nộp trễ: " + reason} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	notice := h.expect(admin, 0, "BÁO CÁO MỚI: UBND xã Châu Lộc")
	if !strings.Contains(notice.Text, "Lý do nộp trễ: "+reason) || !strings.Contains(notice.Text, "trễ 4 ngày") {
		t.Errorf("admin's notice:\n%s", notice.Text)
	}
	subs, _ := h.db.Submissions(ctx, "bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 1 || subs[0].Explanation != reason || subs[0].DaysLate != 4 {
		t.Fatalf("stored = %+v", subs)
	}
	adj, _ := h.db.Adjustments(ctx, "bao-cao-thang/2024-02")
	if xs := adj.Explanations["xa-chau-loc"]; len(xs) != 1 || xs[0].Text != reason || xs[0].SubmissionID != subs[0].ID {
		t.Errorf("explanation record = %+v", xs)
	}
	// The skip button of the answered question is stale now.
	before := h.answered(staleAnswer)
	h.srv.PressButton(chairLoc, why.ID, h.buttonData(why, "Bỏ qua"))
	h.waitAnswered(staleAnswer, before+1)
	if subs, _ := h.db.Submissions(ctx, "bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 1 {
		t.Errorf("%d versions after a stale skip, want 1", len(subs))
	}

	// Châu Đình has no report yet and explains why.
	h.say(chairDinh, "/giaitrinh 02/2024 Mất điện kéo dài, đơn vị sẽ nộp trước ngày 23/02/2024", "Đã gửi giải trình về Báo cáo CCHC tháng 02/2024 tới Phòng Nội vụ huyện Quỳ Hợp. Đơn vị vẫn cần nộp báo cáo")
	x := h.expect(admin, 0, "GIẢI TRÌNH CỦA ĐƠN VỊ: UBND xã Châu Đình – Báo cáo CCHC tháng 02/2024")
	if !strings.Contains(x.Text, "Nội dung giải trình: Mất điện kéo dài") {
		t.Errorf("admin's explanation notice:\n%s", x.Text)
	}
	st := h.say(admin, "/status 02/2024", "TÌNH HÌNH NỘP BÁO CÁO")
	if !strings.Contains(st.Text, "Giải trình của đơn vị đã nộp trễ (1):\n  • UBND xã Châu Lộc: "+reason) {
		t.Errorf("/status 02/2024 lacks Châu Lộc's reason:\n%s", st.Text)
	}
	h.say(admin, "/status chau dinh", "Giải trình (19/02/2024): Mất điện kéo dài")
}
