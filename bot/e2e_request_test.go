package bot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

var justice = telegramtest.User{ID: 3010, FirstName: "Lương", LastName: "Văn Pháp"} // Phòng Tư pháp: owes no commune request

// TestE2EAdHocRequest: an admin makes an ad-hoc request with /yeucau (a
// title, a due date, the communes, a file required, an instruction PDF);
// the scheduler's sweep announces it to the communes' members with the
// instruction document; a member submits; /status counts it; the due date
// moves and the units still owing hear the new date; the request is
// cancelled and its units are told, and reminded of it no more.
func TestE2EAdHocRequest(t *testing.T) {
	h := newE2E(t)
	ctx := context.Background()
	h.now.Set(vn("2024-03-04 10:00")) // a Monday
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	h.join(justice, "phong-tu-phap")
	communes := 0
	for _, u := range h.units {
		if u.Group == cchcbot.GroupCommune {
			communes++
		}
	}
	label := h.cal.GroupLabels.Of(cchcbot.GroupCommune)
	const title = "Báo cáo kết quả kiểm tra công vụ quý I"

	// The wizard, step by step.
	h.say(admin, "/yeucau", "bước 1/5")
	h.say(admin, title, "Bước 2/5")
	who := h.say(admin, "15/03/2024", "Bước 3/5")
	if strings.Contains(fmt.Sprint(who.Buttons), "Tiếp tục") {
		t.Errorf("\"Tiếp tục\" offered before any unit was chosen: %+v", who.Buttons)
	}
	h.press(admin, who, label, "")
	who = h.edited(admin, who, fmt.Sprintf("Đã chọn: %s – %d đơn vị", label, communes))
	form := h.press(admin, who, "Tiếp tục", "Bước 4/5")
	h.press(admin, form, "Có – đơn vị gửi tệp", "Bước 5/5")
	instruction := []byte("%PDF-1.7 Công văn số 125/UBND-NV về kiểm tra công vụ quý I")
	summary := h.sendFile(admin, "Cong van 125-UBND.pdf", instruction, "Đã nhận văn bản hướng dẫn")
	for _, want := range []string{"Tên báo cáo: " + title, "Hạn nộp: Thứ Sáu 15/03/2024", fmt.Sprintf("Đơn vị phải nộp: %s – %d đơn vị", label, communes),
		"Hình thức: gửi tệp báo cáo", "Văn bản hướng dẫn: Cong van 125-UBND.pdf"} {
		if !strings.Contains(summary.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.Text)
		}
	}
	h.press(admin, summary, "Xác nhận tạo yêu cầu", "ĐÃ TẠO YÊU CẦU BÁO CÁO ĐỘT XUẤT, mã dot-xuat-1")
	r, err := h.db.Request(ctx, "dot-xuat-1")
	sum := sha256.Sum256(instruction)
	if err != nil || r.Title != title || r.Due != cchcbot.D(2024, 3, 15) || !r.RequiresFile || r.Instruction == nil || r.Instruction.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored request = %+v, %v", r, err)
	}

	// The sweep announces it at once, with the instruction document, to
	// the communes only; a second sweep sends nothing again.
	marks := map[int64]int{chairLoc.ID: h.mark(chairLoc), chairDinh.ID: h.mark(chairDinh)}
	just := h.mark(justice)
	h.sweep()
	var announce telegramtest.Message
	for _, u := range []telegramtest.User{chairLoc, chairDinh} {
		mk := marks[u.ID]
		doc := h.expect(u, mk, "Văn bản hướng dẫn kèm theo yêu cầu báo cáo “"+title+"” (hạn nộp ngày 15/03/2024)")
		if doc.Document == nil || doc.Document.FileName != "Cong van 125-UBND.pdf" || doc.Document.Content != nil {
			t.Errorf("instruction document to %d = %+v (want the admin's file resent by file_id)", u.ID, doc.Document)
		}
		m := h.expect(u, mk, "YÊU CẦU BÁO CÁO ĐỘT XUẤT: "+title)
		for _, want := range []string{"Kính gửi: Chủ tịch UBND xã", "– Đơn vị thực hiện: " + label, "– Hạn nộp: Thứ Sáu, ngày 15/03/2024",
			"– Văn bản hướng dẫn: tệp “Cong van 125-UBND.pdf” được gửi kèm", "Trân trọng,\nPhòng Nội vụ huyện Quỳ Hợp"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("announcement to %d lacks %q:\n%s", u.ID, want, m.Text)
			}
		}
		if doc.ID > m.ID {
			t.Errorf("the instruction document (message %d) came after the announcement (%d)", doc.ID, m.ID)
		}
		if u == chairLoc {
			announce = m
		}
	}
	h.none(justice, just, title)
	h.sweep()
	for _, u := range []telegramtest.User{chairLoc, chairDinh} {
		mk := marks[u.ID]
		if n, d := h.count(u, mk, "YÊU CẦU BÁO CÁO ĐỘT XUẤT"), h.count(u, mk, "Văn bản hướng dẫn kèm theo"); n != 1 || d != 1 {
			t.Errorf("%d got %d announcements and %d documents after two sweeps, want 1 and 1", u.ID, n, d)
		}
	}

	// Châu Lộc submits from the announcement's button, on time.
	ask := h.press(chairLoc, announce, "Nộp báo cáo", "Xin gửi tệp báo cáo")
	if !strings.Contains(ask.Text, "Báo cáo: "+title) {
		t.Errorf("draft prompt:\n%s", ask.Text)
	}
	skip := h.sendFile(chairLoc, "kiem tra cong vu.pdf", []byte("%PDF kiểm tra công vụ Châu Lộc"), "số hiệu")
	confirm := h.press(chairLoc, skip, "Bỏ qua", "Xin kiểm tra lại")
	receipt := h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN")
	if !strings.Contains(receipt.Text, title) || !strings.Contains(receipt.Text, "nộp đúng hạn (hạn 15/03/2024)") {
		t.Errorf("receipt:\n%s", receipt.Text)
	}
	h.expect(admin, 0, "BÁO CÁO MỚI: UBND xã Châu Lộc – "+title)
	// The request's code alone, as the bot's own replies suggest.
	st := h.say(admin, "/status dot-xuat-1", "Đã nộp: 1/")
	if want := fmt.Sprintf("Đã nộp: 1/%d", communes); !strings.Contains(st.Text, want) || !strings.Contains(st.Text, "UBND xã Châu Đình") {
		t.Errorf("/status lacks %q or Châu Đình:\n%s", want, st.Text)
	}
	list := h.say(admin, "/yeucau", "CÁC YÊU CẦU BÁO CÁO ĐỘT XUẤT")
	if want := fmt.Sprintf("dot-xuat-1: %s – hạn 15/03/2024 – đã nộp 1/%d đơn vị – kèm văn bản Cong van 125-UBND.pdf", title, communes); !strings.Contains(list.Text, want) {
		t.Errorf("/yeucau lacks %q:\n%s", want, list.Text)
	}
	h.say(admin, "/huy", "Đã thôi tạo yêu cầu")

	// A new due date: the unit still owing hears it from the fresh plan's
	// first step; the one that submitted does not; no document again.
	h.now.Set(vn("2024-03-05 09:00"))
	h.say(admin, "/yeucau doihan dot-xuat-1 20/03/2024", "Đã đổi hạn nộp yêu cầu dot-xuat-1 \""+title+"\" từ 15/03/2024 sang Thứ Tư 20/03/2024")
	loc, dinh := h.mark(chairLoc), h.mark(chairDinh)
	h.sweep()
	moved := h.expect(chairDinh, dinh, "ĐIỀU CHỈNH HẠN NỘP BÁO CÁO ĐỘT XUẤT: "+title)
	if !strings.Contains(moved.Text, "Hạn nộp mới là ngày 20/03/2024") {
		t.Errorf("due change notice:\n%s", moved.Text)
	}
	h.none(chairLoc, loc, title)
	h.none(chairDinh, dinh, "Văn bản hướng dẫn kèm theo")
	if r, _ := h.db.Request(ctx, "dot-xuat-1"); r.Due != cchcbot.D(2024, 3, 20) {
		t.Errorf("stored due = %s", r.Due.VN())
	}

	// Cancelled: every unit owing it with members is told, the others
	// not; no reminder of it follows, and it is no longer offered.
	marks = map[int64]int{chairLoc.ID: h.mark(chairLoc), chairDinh.ID: h.mark(chairDinh)}
	just = h.mark(justice)
	h.say(admin, "/yeucau huy dot-xuat-1 Đã có văn bản thay thế", "Đã hủy yêu cầu dot-xuat-1 \""+title+"\". Đã gửi thông báo tới thành viên của 2 đơn vị.")
	for _, u := range []telegramtest.User{chairLoc, chairDinh} {
		m := h.expect(u, marks[u.ID], "HỦY yêu cầu báo cáo \""+title+"\"")
		if !strings.Contains(m.Text, "Lý do: Đã có văn bản thay thế") {
			t.Errorf("cancel notice to %d:\n%s", u.ID, m.Text)
		}
	}
	h.idle()
	h.none(justice, just, title)
	h.now.Set(vn("2024-03-13 08:00")) // the new plan's 7-days-before step
	dinh = h.mark(chairDinh)
	h.sweep()
	h.none(chairDinh, dinh, title)
	pick := h.sendFile(chairDinh, "bc.pdf", []byte("%PDF Châu Đình"), "nộp cho kỳ nào?")
	if strings.Contains(fmt.Sprint(pick.Buttons), title) {
		t.Errorf("a cancelled request is offered for submission: %+v", pick.Buttons)
	}
	h.press(chairDinh, pick, "Hủy", "")
	list = h.say(admin, "/yeucau", "CÁC YÊU CẦU BÁO CÁO ĐỘT XUẤT")
	if !strings.Contains(list.Text, "dot-xuat-1: "+title+" – hạn 20/03/2024 – ĐÃ HỦY ngày 05/03/2024 (lý do: Đã có văn bản thay thế)") {
		t.Errorf("/yeucau after the cancellation:\n%s", list.Text)
	}
	h.say(admin, "/huy", "Đã thôi tạo yêu cầu")
}
