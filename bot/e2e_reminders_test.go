package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// TestE2EReminderAckAndSubmitButtons: a reminder's two buttons work, and
// an acknowledgement is recorded and shown to phòng Nội vụ.
func TestE2EReminderAckAndSubmitButtons(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-03-05 08:00"))
	h.join(chairLoc, "xa-chau-loc")
	mk := h.mark(chairLoc)
	if err := h.sched.RunDue(context.Background(), h.now.Now()); err != nil {
		t.Fatal(err)
	}
	rem := h.expect(chairLoc, mk, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	if !strings.Contains(rem.Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc.") || !strings.Contains(rem.Text, "Thời gian còn lại: 7 ngày.") {
		t.Errorf("reminder:\n%s", rem.Text)
	}
	h.press(chairLoc, rem, "Đã nhận", "")
	h.srv.WaitFor(func(s *telegramtest.Server) bool {
		for _, m := range s.Messages(chairLoc.ID) {
			if m.ID == rem.ID && m.Edited {
				return true
			}
		}
		return false
	}, 10*time.Second)
	rs, _ := h.db.RemindersFor(context.Background(), "bao-cao-thang/2024-03", "xa-chau-loc")
	if len(rs) != 1 || !rs[0].Acked() {
		t.Fatalf("ack not recorded: %+v", rs)
	}
	h.say(admin, "/status chau loc", "nhắc việc: đã gửi 1, đã nhận 1")
	// "Nộp báo cáo" starts a draft for that very period.
	ask := h.press(chairLoc, rem, "Nộp báo cáo", "Xin gửi tệp báo cáo")
	if !strings.Contains(ask.Text, "Báo cáo: Báo cáo CCHC tháng 03/2024") {
		t.Errorf("draft prompt:\n%s", ask.Text)
	}
	h.sendFile(chairLoc, "bc.pdf", []byte("%PDF"), "số hiệu và ngày ký")
}

// TestE2ERemindNowAndSchedule: /nhacnho asks, shows the count, sends;
// /lichnhac lists what comes next.
func TestE2ERemindNowAndSchedule(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-03-04 10:00"))
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	ask := h.say(admin, "/nhacnho 03/2024", "tới 2 đơn vị chưa nộp?")
	mk := h.mark(chairDinh)
	h.press(admin, ask, "Gửi nhắc việc", "Đã gửi nhắc việc tới 2 đơn vị.")
	h.expect(chairDinh, mk, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	up := h.say(admin, "/lichnhac", "CÁC LẦN NHẮC VIỆC SẮP TỚI")
	if !strings.Contains(up.Text, "Thứ Ba 05/03/2024 08:00: Báo cáo CCHC tháng 03/2024 – trước hạn 7 ngày") {
		t.Errorf("/lichnhac:\n%s", up.Text)
	}
	h.say(chairLoc, "/nhacnho", "chỉ dành cho cán bộ quản trị")
}

// TestE2E429StormAndBlockedMembers: during a fan-out Telegram answers 429
// for a while and two members have blocked the bot. Nothing is lost, the
// resend waits retry_after, and phòng Nội vụ learns which unit can no
// longer be reached.
func TestE2E429StormAndBlockedMembers(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-03-05 07:00"))
	var users []telegramtest.User
	for i, code := range []string{"xa-chau-loc", "xa-chau-dinh", "xa-chau-ly", "xa-chau-hong", "xa-yen-hop", "xa-van-loi"} {
		u := telegramtest.User{ID: int64(7000 + i), FirstName: "Chủ tịch", LastName: code}
		h.join(u, code)
		users = append(users, u)
	}
	h.srv.Block(users[4].ID)
	h.srv.Deactivate(users[5].ID)
	h.srv.RetryAfterNext("sendMessage", 3, 1)
	h.now.Set(vn("2024-03-05 08:00"))
	start := time.Now()
	if err := h.sched.RunDue(context.Background(), h.now.Now()); err != nil {
		t.Fatal(err)
	}
	// RunDue queues the reminders in the store; the sender delivers them.
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.queue.WaitIdle(wctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("fan-out took %v: the 429's retry_after of 1 s was not honoured", took)
	}
	for _, u := range users[:4] {
		n := 0
		for _, m := range h.srv.Messages(u.ID) {
			if strings.Contains(m.Text, "NHẮC VIỆC") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("member %s got %d reminders, want 1", u.LastName, n)
		}
	}
	h.expect(admin, 0, "UBND xã Yên Hợp hiện KHÔNG LIÊN LẠC ĐƯỢC")
	h.expect(admin, 0, "UBND xã Văn Lợi hiện KHÔNG LIÊN LẠC ĐƯỢC")
	h.say(admin, "/status 03/2024", "Không liên lạc được: 2")
	h.say(admin, "/chuanop 03/2024", "UBND xã Yên Hợp (không liên lạc được)")
	// Writing again makes the member reachable.
	h.srv.Unblock(users[4].ID)
	h.say(users[4], "/trangthai", "TÌNH HÌNH NỘP BÁO CÁO")
	if m, _ := h.db.Member(context.Background(), cchcbot.TelegramUser(users[4].ID)); m.Unreachable {
		t.Error("a member who wrote again is still unreachable")
	}
}

// TestE2ENoFileKind: a report kind that needs only a confirmation.
func TestE2ENoFileKind(t *testing.T) {
	h := newE2E(t)
	h.cal.Kinds = append(h.cal.Kinds, cchcbot.ReportKind{ID: "doi-thoai", Title: "Tổ chức đối thoại với người dân quý I",
		Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 3, 29)}, Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune},
		OpenDays: 30, LateDays: 30})
	h.now.Set(vn("2024-03-20 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	note := h.say(chairLoc, "/hoanthanh", "kết quả thực hiện")
	confirm := h.say(chairLoc, "Đã tổ chức đối thoại ngày 18/03/2024 với 120 người dân", "Xin kiểm tra lại")
	_ = note
	r := h.press(chairLoc, confirm, "Đã hoàn thành", "BIÊN NHẬN")
	if !strings.Contains(r.Text, "Nội dung: Đã tổ chức đối thoại") || strings.Contains(r.Text, "Tệp 1") {
		t.Errorf("receipt:\n%s", r.Text)
	}
	h.say(admin, "/xem chau loc doi-thoai/2024", "đã xác nhận hoàn thành")
}
