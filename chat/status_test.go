package chat

import (
	"strings"
	"testing"

	"cchcbot"
)

// listed returns the unit lines of a status page.
func listed(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  • ") {
			out = append(out, l)
		}
	}
	return out
}

// statusSetup is the 50-unit district on 16/02/2024, the day after
// February's shifted deadline: Châu Lộc on time, Châu Đình a day late,
// Đồng Hợp returned, Châu Lý's only member blocked the bot.
func statusSetup(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, fiftyUnits())
	dongHop := person{cchcbot.TelegramUser(3004), "Chủ tịch Đồng Hợp"}
	chauLy := person{cchcbot.TelegramUser(3005), "Chủ tịch Châu Lý"}
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	h.join(dongHop, "xa-dong-hop")
	h.join(chauLy, "xa-chau-ly")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "loc.pdf", Body: []byte("%PDF loc")})
	h.submit(dongHop, "tháng 02/2024", file{Name: "dh.pdf", Body: []byte("%PDF dh")})
	h.say(admin, "/tralai 2 Thiếu chữ ký")
	h.clock.Set(at(2, 16, 8, 0))
	h.submit(chairDinh, "tháng 02/2024", file{Name: "dinh.pdf", Body: []byte("%PDF dinh")})
	if err := h.svc.MemberUnreachable(h.ctx, chauLy.ID, "bot bị chặn"); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestStatusCountsAndPages(t *testing.T) {
	h := statusSetup(t)
	st := h.say(admin, "/status 02/2024")
	wantText(t, st.Text, "TÌNH HÌNH NỘP BÁO CÁO: Báo cáo CCHC tháng 02/2024", "Hạn nộp: Thứ Năm 15/02/2024 (đã quá hạn 1 ngày)",
		"Đã nộp: 2/50 (đúng hạn 1, trễ hạn 1)", "Chưa nộp: 47", "Bị trả lại: 1", "Không liên lạc được: 1",
		"Đơn vị chưa hoàn thành (trang 1/3)", "Phòng, ban chuyên môn:")
	page1 := listed(st.Text)
	if len(page1) != pageSize {
		t.Fatalf("page 1 lists %d units", len(page1))
	}
	// Page and period buttons: no next period, since March's has not opened.
	if len(st.Buttons) != 2 || len(st.Buttons[0]) != 1 || st.Buttons[0][0].Text != "Trang sau ▶" || len(st.Buttons[1]) != 1 || st.Buttons[1][0].Text != "⏪ Kỳ trước" {
		t.Fatalf("buttons = %+v", st.Buttons)
	}

	seen := map[string]bool{}
	for _, l := range page1 {
		seen[l] = true
	}
	msg := st
	for page := 2; page <= 3; page++ {
		out, a := h.pressData(admin, msg, h.button(msg, "Trang sau"))
		if a.Text != "" || len(out) != 0 {
			t.Fatalf("paging sent %+v, answered %q", out, a.Text)
		}
		e := h.ch.edits[len(h.ch.edits)-1]
		if e.Ref != st.Ref {
			t.Fatalf("edited %+v, want the status message %+v", e.Ref, st.Ref)
		}
		wantText(t, e.Text, "(trang "+string(rune('0'+page))+"/3)", "Đã nộp: 2/50")
		for _, l := range listed(e.Text) {
			if seen[l] {
				t.Errorf("%q listed twice", l)
			}
			seen[l] = true
		}
		msg = sent{Ref: e.Ref, OutMessage: cchcbot.OutMessage{Text: e.Text, Buttons: e.Buttons}}
	}
	if len(seen) != 48 {
		t.Errorf("the pages list %d units, want 48", len(seen))
	}
	all := strings.Join(keys(seen), "\n")
	wantText(t, all, "UBND xã Đồng Hợp (bị trả lại)", "UBND xã Châu Lý (không liên lạc được)", "Phòng Tư pháp (chưa có thành viên)")
	dontWantText(t, all, "UBND xã Châu Lộc", "UBND xã Châu Đình") // done, on time or late
	h.button(msg, "Trang trước")

	// Back to January.
	h.pressData(admin, msg, h.button(msg, "Kỳ trước"))
	e := h.ch.edits[len(h.ch.edits)-1]
	wantText(t, e.Text, "Báo cáo CCHC tháng 01/2024", "Đã nộp: 0/50", "(trang 1/3)")
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestStatusPeriodForms(t *testing.T) {
	h := newHarness(t, testUnits())
	for _, arg := range []string{"02/2024", "2/2024", "2024-02", "bao-cao-thang/2024-02"} {
		wantText(t, h.say(admin, "/status "+arg).Text, "TÌNH HÌNH NỘP BÁO CÁO: Báo cáo CCHC tháng 02/2024")
	}
	wantText(t, h.say(admin, "/status ke-hoach-khac-phuc/2024").Text, "Kế hoạch khắc phục")
	// No argument: the open period nearest its deadline (the plan, 6 days
	// overdue, before February's report, 9 days left).
	wantText(t, h.say(admin, "/status").Text, "TÌNH HÌNH NỘP BÁO CÁO: Kế hoạch khắc phục")
	h.clock.Set(at(2, 12, 9, 0))
	wantText(t, h.say(admin, "/status").Text, "TÌNH HÌNH NỘP BÁO CÁO: Báo cáo CCHC tháng 02/2024")
	wantText(t, h.say(admin, "/status 13/2024").Text, "Không tìm thấy")
}

func TestStatusOfAUnit(t *testing.T) {
	h := statusSetup(t)
	// Châu Lộc's reminder for February, sent and acknowledged.
	r := cchcbot.Reminder{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Step: "before-7", Member: chairLoc.ID, PlannedAt: at(2, 5, 8, 0)}
	h.clock.Set(at(2, 5, 8, 0))
	h.queueReminder(r, "NHẮC VIỆC", nil)
	if err := h.db.AckReminder(h.ctx, r.PeriodID, r.UnitCode, r.Step, chairLoc.ID, at(2, 5, 9, 0)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"chau loc", "CHAULOC", "Châu Lộc", "châu lộc", "xa-chau-loc", "UBND xã Châu Lộc"} {
		m := h.say(admin, "/status "+q)
		wantText(t, m.Text, "LỊCH SỬ NỘP BÁO CÁO – UBND xã Châu Lộc", "Người chịu trách nhiệm: Chủ tịch UBND xã",
			"Báo cáo CCHC tháng 02/2024 (hạn 15/02/2024): Đã nộp đúng hạn", "phiên bản 1: nộp 06/02/2024 09:00 (đúng hạn), biên nhận CCHC-2024-000001",
			"nhắc việc: đã gửi 1, đã nhận 1", "Báo cáo CCHC tháng 01/2024 (hạn 12/01/2024): CHƯA NỘP")
	}
	// Rolled up into its tally, the log's rows gone, the history says the same.
	if n, err := h.db.RollUpReminders(h.ctx, r.PeriodID, at(2, 6, 9, 0)); err != nil || n != 1 {
		t.Fatalf("RollUpReminders = %d, %v; want 1 row", n, err)
	}
	wantText(t, h.say(admin, "/status chau loc").Text, "nhắc việc: đã gửi 1, đã nhận 1")
	wantText(t, h.say(admin, "/status dong hop").Text, "UBND xã Đồng Hợp", "BỊ TRẢ LẠI – lý do: Thiếu chữ ký", "bị trả lại lúc")
	wantText(t, h.say(admin, "/status Đồng Hợp").Text, "LỊCH SỬ NỘP BÁO CÁO – UBND xã Đồng Hợp")
	amb := h.say(admin, "/status chau")
	wantText(t, amb.Text, "đơn vị khớp", "UBND xã Châu Lộc – mã xa-chau-loc", "UBND xã Châu Đình – mã xa-chau-dinh", "UBND xã Châu Lý – mã xa-chau-ly")
	wantText(t, h.say(admin, "/status khong co dau").Text, "Không tìm thấy đơn vị hoặc kỳ báo cáo")
}

func TestMissingList(t *testing.T) {
	h := statusSetup(t)
	m := h.say(admin, "/chuanop 02/2024")
	wantText(t, m.Text, "Báo cáo CCHC tháng 02/2024", "48 đơn vị chưa hoàn thành", "Phòng, ban chuyên môn:", "Đơn vị sự nghiệp:", "Xã, thị trấn:",
		"UBND xã Châu Lý (không liên lạc được)", "UBND xã Đồng Hợp (bị trả lại)")
	dontWantText(t, m.Text, "Châu Lộc")
	if n := len(listed(m.Text)); n != 48 {
		t.Errorf("/chuanop lists %d units", n)
	}
}

func TestOwnStatus(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
	h.clock.Set(at(5, 25, 9, 0)) // January's and February's reports and the plan have closed; June's has opened
	m := h.say(chairLoc, "/trangthai")
	wantText(t, m.Text, "TÌNH HÌNH NỘP BÁO CÁO – UBND xã Châu Lộc", "Người chịu trách nhiệm: Chủ tịch UBND xã",
		"Báo cáo CCHC tháng 06/2024\n  Hạn nộp: Thứ Tư 12/06/2024 – còn 18 ngày\n  Trạng thái: CHƯA NỘP",
		"CÁC KỲ ĐÃ KẾT THÚC", "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023\n  Hạn nộp: Thứ Tư 31/01/2024 – đã quá hạn 115 ngày\n  Trạng thái: KHÔNG NỘP")
	if strings.Count(m.Text, "Trạng thái:") != 4+closedShown {
		t.Errorf("/trangthai shows %d periods, want 4 open and %d closed:\n%s", strings.Count(m.Text, "Trạng thái:"), closedShown, m.Text)
	}
}
