package chat

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

var linkCode = regexp.MustCompile(`\?start=([A-Za-z0-9_-]+)`)

func TestInviteLinkWorksOnce(t *testing.T) {
	h := newHarness(t, testUnits())
	m := h.say(admin, "/moi dong hop")
	wantText(t, m.Text, "UBND xã Đồng Hợp", "Chủ tịch UBND xã", "dùng một lần", "hết hạn lúc 13/02/2024 09:00", "https://t.me/cchc_quyhop_bot?start=")
	match := linkCode.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no link in:\n%s", m.Text)
	}
	code := match[1]
	if strings.Contains(h.logs.String(), code) {
		t.Error("the invite code reached the logs")
	}
	invs, _ := h.db.Invites(h.ctx)
	if len(invs) != 1 || invs[0].Hash != cchcbot.HashInviteCode(code) || invs[0].UnitCode != "xa-dong-hop" ||
		!invs[0].ExpiresAt.Equal(h.clock.Now().Add(7*24*time.Hour)) || invs[0].CreatedBy != string(admin.ID) {
		t.Fatalf("stored invites = %+v", invs)
	}
	newcomer := person{cchcbot.TelegramUser(3020), "Chủ tịch Đồng Hợp"}
	wantText(t, h.say(newcomer, "/start "+code).Text, "thành viên của UBND xã Đồng Hợp")
	wantText(t, h.say(chairDinh, "/start "+code).Text, "đã được sử dụng")
	if strings.Contains(h.logs.String(), code) {
		t.Error("the invite code reached the logs")
	}
	for text, want := range map[string]string{
		"/moi":          "Cú pháp: /moi",
		"/moi chau":     "đơn vị khớp",
		"/moi khong co": "Không tìm thấy",
	} {
		wantText(t, h.say(admin, text).Text, want)
	}
}

func TestAdminInviteLink(t *testing.T) {
	h := newHarness(t, testUnits())
	m := h.say(admin, "/moiadmin Nguyễn Thị Mới")
	wantText(t, m.Text, "cán bộ quản trị Nguyễn Thị Mới", "https://t.me/cchc_quyhop_bot?start=")
	code := linkCode.FindStringSubmatch(m.Text)[1]
	staff := person{cchcbot.TelegramUser(9003), "Mới"}
	wantText(t, h.say(staff, "/start "+code).Text, "Nguyễn Thị Mới", "cán bộ quản trị của Phòng Nội vụ huyện Quỳ Hợp")
	if a, err := h.db.Admin(h.ctx, staff.ID); err != nil || a.Name != "Nguyễn Thị Mới" {
		t.Fatalf("admin = %+v, %v", a, err)
	}
	wantText(t, h.say(admin, "/moiadmin").Text, "Cú pháp")
}

func TestMembersListAndRemove(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	h.svc.MemberUnreachable(h.ctx, chairDinh.ID, "bot bị chặn")
	all := h.say(admin, "/thanhvien")
	wantText(t, all.Text, "UBND xã Châu Lộc:", "Lê Văn Lộc (mã 3001", "Hà Thị Phó (mã 3002", "Vi Văn Đình (mã 3003", "KHÔNG LIÊN LẠC ĐƯỢC", "6 đơn vị chưa có thành viên")
	one := h.say(admin, "/thanhvien chau loc")
	wantText(t, one.Text, "Lê Văn Lộc", "Hà Thị Phó")
	dontWantText(t, one.Text, "Vi Văn Đình")
	wantText(t, h.say(admin, "/thanhvien dong hop").Text, "(chưa có thành viên)")

	h.send(deputyLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, h.say(admin, "/xoathanhvien 3002").Text, "Đã xóa Hà Thị Phó (mã 3002) khỏi UBND xã Châu Lộc")
	if _, err := h.db.Member(h.ctx, deputyLoc.ID); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Fatalf("member kept: %v", err)
	}
	if _, ok := h.draft(deputyLoc); ok {
		t.Error("the removed member's draft was kept")
	}
	wantText(t, h.say(deputyLoc, "/trangthai").Text, "chưa được đăng ký")
	wantText(t, h.say(admin, "/xoathanhvien telegram:3001").Text, "Đã xóa Lê Văn Lộc")
	wantText(t, h.say(admin, "/xoathanhvien 3002").Text, "Không có thành viên nào mang mã 3002")
	wantText(t, h.say(admin, "/xoathanhvien").Text, "Cú pháp")
}

func TestRemindNowAsksFirst(t *testing.T) {
	h := newHarness(t, testUnits())
	h.rem.pending = 3
	ask := h.say(admin, "/nhacnho 02/2024")
	wantText(t, ask.Text, "Báo cáo CCHC tháng 02/2024", "tới 3 đơn vị chưa nộp?")
	if len(h.rem.reminded) != 0 {
		t.Fatal("reminded before the confirmation")
	}
	done, a := h.press(admin, ask, "Gửi nhắc việc")
	if a.Text != "" {
		t.Errorf("answer %q", a.Text)
	}
	wantText(t, done.Text, "Đã gửi nhắc việc tới 3 đơn vị.")
	if len(h.rem.reminded) != 1 || h.rem.reminded[0] != "bao-cao-thang/2024-02" {
		t.Fatalf("reminded %v", h.rem.reminded)
	}
	// The question loses its button.
	e := h.ch.edits[len(h.ch.edits)-1]
	if e.Ref != ask.Ref || len(e.Buttons) != 0 {
		t.Errorf("edit = %+v", e)
	}
	// The same press delivered again (after a crash mid fan-out) names
	// the same round; a new question is a new round.
	h.pressData(admin, ask, h.button(ask, "Gửi nhắc việc"))
	again := h.say(admin, "/nhacnho 02/2024")
	h.press(admin, again, "Gửi nhắc việc")
	if k := h.rem.keys; len(k) != 3 || k[0] != k[1] || k[2] == k[0] || !strings.HasPrefix(k[0], string(admin.ID)+"/") {
		t.Errorf("request keys = %q: want the first twice, then a new one", k)
	}
	h.rem.pending = 0
	wantText(t, h.say(admin, "/nhacnho 02/2024").Text, "không có đơn vị nào cần nhắc")
	wantText(t, h.say(admin, "/nhacnho 13/2024").Text, "Không tìm thấy kỳ báo cáo")
}

func TestRemindersOff(t *testing.T) {
	h := newHarness(t, testUnits())
	h.svc.opts.Reminders = nil
	wantText(t, h.say(admin, "/nhacnho").Text, "chưa được bật")
	wantText(t, h.say(admin, "/lichnhac").Text, "chưa được bật")
}

func TestSchedule(t *testing.T) {
	h := newHarness(t, testUnits())
	wantText(t, h.say(admin, "/lichnhac").Text, "Không có lần nhắc việc nào")
	p, _ := h.cal.Period("bao-cao-thang/2024-03")
	plan := h.cal.Plan(p)
	h.rem.upcoming = []cchcbot.UpcomingReminder{{Period: p, Step: plan[0], Units: 7}}
	wantText(t, h.say(admin, "/lichnhac").Text, "CÁC LẦN NHẮC VIỆC SẮP TỚI", "Thứ Ba 05/03/2024 08:00: Báo cáo CCHC tháng 03/2024 – trước hạn 7 ngày (hiện 7 đơn vị chưa nộp)")
}

func TestHelp(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	m := h.say(chairLoc, "/huongdan")
	wantText(t, m.Text, "HƯỚNG DẪN NỘP BÁO CÁO", "/trangthai", "/hoanthanh")
	dontWantText(t, m.Text, "/status", "/moi")
	wantText(t, h.say(admin, "/huongdan").Text, "CÁC LỆNH CỦA PHÒNG NỘI VỤ", "/status", "/tralai")
	// An admin who is also a member sees both.
	if err := h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID}, {User: chairLoc.ID}}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	wantText(t, h.say(chairLoc, "/help").Text, "HƯỚNG DẪN NỘP BÁO CÁO", "CÁC LỆNH CỦA PHÒNG NỘI VỤ")
	// An admin without a unit cannot submit, and is told why.
	wantText(t, h.send(admin, file{Name: "bc.pdf", Body: []byte("%PDF")}).Text, "không gắn với đơn vị nào")
	wantText(t, h.say(admin, "/trangthai").Text, "dành cho thành viên các đơn vị")
}

func TestCommandMenus(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range append(MemberCommands(), AdminCommands()...) {
		if seen[c.Name] || c.Description == "" || ParseCommand("/"+c.Name).Name != c.Name {
			t.Errorf("bad menu entry %+v", c)
		}
		seen[c.Name] = true
		if memberCommand(c.Name) == nil && adminCommand(c.Name) == nil {
			t.Errorf("menu lists /%s, which nothing handles", c.Name)
		}
	}
}

func TestCommandsParsedRobustly(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	wantText(t, h.say(admin, "  /Status@cchc_quyhop_bot   02/2024 ").Text, "Báo cáo CCHC tháng 02/2024")
	wantText(t, h.say(admin, "/STATUS chau   loc").Text, "LỊCH SỬ NỘP BÁO CÁO – UBND xã Châu Lộc")
	wantText(t, h.say(chairLoc, "/TrangThai@cchc_quyhop_bot").Text, "TÌNH HÌNH NỘP BÁO CÁO – UBND xã Châu Lộc")
}
