package chat

import (
	"strings"
	"testing"

	"cchcbot"
)

func TestExemption(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	for _, c := range []struct{ typed, want string }{
		{"/miennop chau loc 02/2024", "Xin ghi lý do miễn nộp"},
		{"/miennop chau loc", "Không đọc được đơn vị và kỳ báo cáo"},
		{"/miennop khong co 02/2024 Sáp nhập", "Không tìm thấy đơn vị"},
		{"/miennop tu phap doi-thoai/2024 Không thuộc đối tượng", "Phòng Tư pháp không phải nộp"},
		{"/miennop huy chau loc 02/2024", "không được miễn nộp Báo cáo CCHC tháng 02/2024; không có gì thay đổi"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/miennop chau loc 02/2024 Đơn vị đang sáp nhập"})
	wantText(t, h.last(admin, out).Text, "Đã miễn nộp Báo cáo CCHC tháng 02/2024 cho UBND xã Châu Lộc (lý do: Đơn vị đang sáp nhập)", "2 thành viên", "/miennop huy xa-chau-loc bao-cao-thang/2024-02")
	for _, p := range []person{chairLoc, deputyLoc} {
		wantText(t, h.last(p, out).Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc", "được MIỄN NỘP Báo cáo CCHC tháng 02/2024", "Lý do: Đơn vị đang sáp nhập")
	}
	wantText(t, h.say(admin, "/miennop chau loc 02/2024 Lần nữa").Text, "từ trước; không có gì thay đổi")

	st := h.say(admin, "/status 02/2024")
	wantText(t, st.Text, "Đã nộp: 0/7", "Được miễn nộp: 1 (không tính vào số phải nộp)", "Đơn vị được miễn nộp (1):\n  • UBND xã Châu Lộc: Đơn vị đang sáp nhập")
	wantText(t, h.say(chairLoc, "/trangthai").Text, "ĐƯỢC MIỄN NỘP (lý do: Đơn vị đang sáp nhập)")
	wantText(t, h.say(admin, "/status chau loc").Text, "Báo cáo CCHC tháng 02/2024 (hạn 15/02/2024): ĐƯỢC MIỄN NỘP (lý do: Đơn vị đang sáp nhập)")
	wantText(t, h.say(admin, "/miennop").Text, "Báo cáo CCHC tháng 02/2024 – các đơn vị được miễn nộp:\n• UBND xã Châu Lộc: Đơn vị đang sáp nhập")

	out = h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/miennop huy xa-chau-loc bao-cao-thang/2024-02"})
	wantText(t, h.last(admin, out).Text, "Đã bỏ miễn nộp Báo cáo CCHC tháng 02/2024 cho UBND xã Châu Lộc")
	wantText(t, h.last(chairLoc, out).Text, "KHÔNG CÒN được miễn nộp", "hạn nộp Thứ Năm 15/02/2024")
	wantText(t, h.say(admin, "/miennop huy chau loc 02/2024 vì sao").Text, "không cần lý do")
	wantText(t, h.say(admin, "/status 02/2024").Text, "Đã nộp: 0/8")
}

func TestHeadInvite(t *testing.T) {
	h := newHarness(t, testUnits())
	for _, c := range []struct{ typed, want string }{
		{"/moi chau loc thutruong", "Mã mời THỦ TRƯỞNG của UBND xã Châu Lộc (Chủ tịch UBND xã)"},
		{"/moi chau loc thủ trưởng", "Mã mời THỦ TRƯỞNG"},
		{"/moi chau loc", "Mã mời thành viên của UBND xã Châu Lộc"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	invs, _ := h.db.Invites(h.ctx)
	heads := 0
	for _, inv := range invs {
		if inv.UnitCode != "xa-chau-loc" {
			t.Errorf("an invite for %q", inv.UnitCode)
		}
		if inv.Head {
			heads++
		}
	}
	if len(invs) != 3 || heads != 2 {
		t.Fatalf("%d invites, %d for the head: %+v", len(invs), heads, invs)
	}
	// The person who uses a head's invite is the unit's head.
	for _, c := range []struct {
		typed string
		p     person
		head  bool
	}{{"/moi chau loc thutruong", chairLoc, true}, {"/moi chau loc", deputyLoc, false}} {
		text := h.say(admin, c.typed).Text
		i := strings.Index(text, "start=")
		code := strings.Fields(text[i+len("start="):])[0]
		wantText(t, h.say(c.p, "/start "+code).Text, "Tài khoản đã được ghi nhận là thành viên của UBND xã Châu Lộc")
		m, err := h.db.Member(h.ctx, c.p.ID)
		if err != nil || m.Head != c.head {
			t.Errorf("%s: member %+v, %v; want head %v", c.typed, m, err, c.head)
		}
	}
}
