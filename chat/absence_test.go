package chat

import (
	"testing"

	"cchcbot"
)

func (h *harness) absences(unit string) []cchcbot.Absence {
	h.t.Helper()
	as, err := h.db.Absences(h.ctx, unit)
	if err != nil {
		h.t.Fatal(err)
	}
	return as
}

func TestAbsenceOfOneself(t *testing.T) {
	for _, c := range []struct {
		typed    string
		from, to cchcbot.Date
		reason   string
		want     []string
	}{
		{"/vangmat 10/02/2024 - 15/02/2024 Đi học lớp bồi dưỡng", cchcbot.D(2024, 2, 10), cchcbot.D(2024, 2, 15), "Đi học lớp bồi dưỡng",
			[]string{"Đã ghi nhận đồng chí vắng mặt từ 10/02/2024 đến 15/02/2024 (số 1)", "gửi tới 1 thành viên khác của UBND xã Châu Lộc", "/vangmat huy 1"}},
		{"/vangmat 10/2/2024 đến 12/2/2024", cchcbot.D(2024, 2, 10), cchcbot.D(2024, 2, 12), "", []string{"từ 10/02/2024 đến 12/02/2024"}},
		{"/vangmat từ 10/02/2024 den 12/02/2024 nghỉ phép", cchcbot.D(2024, 2, 10), cchcbot.D(2024, 2, 12), "nghỉ phép", []string{"từ 10/02/2024 đến 12/02/2024"}},
		{"/vangmat 06/02/2024–06/02/2024", cchcbot.D(2024, 2, 6), cchcbot.D(2024, 2, 6), "", []string{"vắng mặt ngày 06/02/2024"}},
		{"/vangmat 07/02/2024 Họp", cchcbot.D(2024, 2, 7), cchcbot.D(2024, 2, 7), "Họp", []string{"vắng mặt ngày 07/02/2024"}},
	} {
		t.Run(c.typed, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.join(chairLoc, "xa-chau-loc")
			h.join(deputyLoc, "xa-chau-loc")
			wantText(t, h.say(chairLoc, c.typed).Text, c.want...)
			as := h.absences("xa-chau-loc")
			if len(as) != 1 || as[0].Member != chairLoc.ID || as[0].From != c.from || as[0].To != c.to || as[0].Reason != c.reason || as[0].By != chairLoc.ID {
				t.Fatalf("stored %+v", as)
			}
		})
	}
}

func TestAbsenceRefused(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.say(chairLoc, "/vangmat 20/02/2024 - 25/02/2024")
	for _, c := range []struct{ typed, want string }{
		{"/vangmat 01/02/2024 - 03/02/2024", "Ngày bắt đầu 01/02/2024 đã qua"},
		{"/vangmat 15/02/2024 - 10/02/2024", "Ngày kết thúc 10/02/2024 trước ngày bắt đầu 15/02/2024"},
		{"/vangmat 10/02/2024 - 30/06/2024", "không quá 90 ngày"},
		{"/vangmat 32/02/2024 - 02/03/2024", "không có trong lịch"},
		{"/vangmat tuần sau", "Chưa có ngày vắng mặt. Cú pháp: /vangmat dd/mm/yyyy - dd/mm/yyyy"},
		{"/vangmat 24/02/2024 - 28/02/2024", "đã được báo vắng mặt từ 20/02/2024 đến 25/02/2024 (số 1), trùng"},
		{"/vangmat Hà Thị Phó 10/02/2024 - 12/02/2024", "chỉ báo vắng mặt cho chính mình"},
		{"/vangmat huy", "Cú pháp: /vangmat huy <số>"},
		{"/vangmat huy 7", "Không có lần vắng mặt số 7"},
	} {
		wantText(t, h.say(chairLoc, c.typed).Text, c.want)
	}
	if as := h.absences(""); len(as) != 1 {
		t.Fatalf("stored %+v", as)
	}
	// A member cannot cancel another's.
	wantText(t, h.say(deputyLoc, "/vangmat huy 1").Text, "Không có lần vắng mặt số 1")
}

func TestAbsenceMarkedByAdmin(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	for _, c := range []struct {
		typed  string
		member person
		want   string
	}{
		{"/vangmat le van loc 10/02/2024 - 12/02/2024 Nghỉ phép", chairLoc, "Đã ghi nhận Lê Văn Lộc (UBND xã Châu Lộc) vắng mặt từ 10/02/2024 đến 12/02/2024"},
		{"/vangmat " + deputyLoc.ID.Local() + " 13/02/2024", deputyLoc, "Đã ghi nhận Hà Thị Phó (UBND xã Châu Lộc) vắng mặt ngày 13/02/2024"},
		// A unit with one member names that member; alone in it, the
		// admin is warned the unit is uncovered.
		{"/vangmat chau dinh 10/02/2024 - 11/02/2024", chairDinh, "không còn thành viên nào khác nhận được nhắc việc"},
	} {
		out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: c.typed})
		wantText(t, h.last(admin, out).Text, c.want)
		wantText(t, h.last(c.member, out).Text, "Phòng Nội vụ huyện Quỳ Hợp đã ghi nhận đồng chí vắng mặt")
	}
	for _, c := range []struct{ typed, want string }{
		{"/vangmat chau loc 10/02/2024", "Có 2 thành viên khớp với \"chau loc\""},
		{"/vangmat khong ai 10/02/2024", "Không tìm thấy thành viên hoặc đơn vị \"khong ai\""},
		{"/vangmat 10/02/2024", "không gắn với đơn vị nào"},
		{"/vangmat phong tu phap 10/02/2024", "Phòng Tư pháp chưa có thành viên nào"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	list := h.say(admin, "/vangmat")
	wantText(t, list.Text, "CÁC LẦN VẮNG MẶT ĐÃ BÁO", "Số 1: Lê Văn Lộc (UBND xã Châu Lộc), từ 10/02/2024 đến 12/02/2024 – Nghỉ phép – hủy: /vangmat huy 1", "Số 3: Vi Văn Đình")
	// A member sees only their own.
	own := h.say(deputyLoc, "/vangmat")
	wantText(t, own.Text, "Số 2:", "từ 13/02/2024 đến 13/02/2024")
	dontWantText(t, own.Text, "Số 1:", "Số 3:")
	// The admin cancels one; the member is told.
	out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/vangmat huy 1"})
	wantText(t, h.last(admin, out).Text, "Đã hủy lần vắng mặt số 1")
	wantText(t, h.last(chairLoc, out).Text, "đã hủy lần báo vắng mặt của đồng chí từ 10/02/2024 đến 12/02/2024")
	if as := h.absences("xa-chau-loc"); len(as) != 1 || as[0].ID != 2 {
		t.Fatalf("left %+v", as)
	}
	// The member cancels their own.
	wantText(t, h.say(deputyLoc, "/vangmat huy 2").Text, "Đã hủy lần vắng mặt số 2")
	wantText(t, h.say(deputyLoc, "/vangmat").Text, "Không có lần vắng mặt nào")
}
