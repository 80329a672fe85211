package chat

import (
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// reviewSetup: two members of Châu Lộc, one of Châu Đình, and Châu Lộc's
// February report (receipt CCHC-2024-000001).
func reviewSetup(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF Châu Lộc")})
	return h
}

func TestReturnWithReasonTellsEveryMember(t *testing.T) {
	h := reviewSetup(t)
	loc, dep, dinh := len(h.sentTo(chairLoc)), len(h.sentTo(deputyLoc)), len(h.sentTo(chairDinh))
	m := h.say(admin, "/tralai CCHC-2024-000001 Thiếu phụ lục số liệu")
	wantText(t, m.Text, "Đã trả lại báo cáo CCHC-2024-000001 của UBND xã Châu Lộc", "Đã gửi thông báo tới 2 thành viên")
	for _, p := range []person{chairLoc, deputyLoc} {
		got := h.sentTo(p)
		n := got[len(got)-1]
		wantText(t, n.Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc", "Phòng Nội vụ huyện Quỳ Hợp TRẢ LẠI Báo cáo CCHC tháng 02/2024",
			"Lý do: Thiếu phụ lục số liệu", "phiên bản mới trước hạn Thứ Năm 15/02/2024")
	}
	if len(h.sentTo(chairLoc)) != loc+1 || len(h.sentTo(deputyLoc)) != dep+1 || len(h.sentTo(chairDinh)) != dinh {
		t.Error("the notice did not go to exactly the unit's members")
	}
	sub, _ := h.db.Submission(h.ctx, 1)
	if sub.State != cchcbot.StateReturned || sub.Reason != "Thiếu phụ lục số liệu" || sub.ReviewedBy != admin.ID {
		t.Fatalf("stored %+v", sub)
	}
	wantText(t, h.say(admin, "/status 02/2024").Text, "Bị trả lại: 1", "UBND xã Châu Lộc (bị trả lại)")
	wantText(t, h.say(chairLoc, "/trangthai").Text, "BỊ TRẢ LẠI – lý do: Thiếu phụ lục số liệu")
}

func TestReturnAfterTheDeadlineAsksForTheSoonest(t *testing.T) {
	h := reviewSetup(t)
	h.clock.Set(at(2, 20, 9, 0))
	h.say(admin, "/tralai 1 Sai mẫu")
	got := h.sentTo(chairLoc)
	wantText(t, got[len(got)-1].Text, "Lý do: Sai mẫu", "Hạn nộp 15/02/2024 đã qua", "trong thời gian sớm nhất")
}

func TestReturnButtonAsksForTheReason(t *testing.T) {
	h := reviewSetup(t)
	notice := h.sentTo(admin)[0]
	ask, a := h.press(admin, notice, "Trả lại")
	if a.Text != "" {
		t.Errorf("answer %q", a.Text)
	}
	wantText(t, ask.Text, "Xin nhập lý do", "CCHC-2024-000001", "UBND xã Châu Lộc")
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Fatal("returned before the reason")
	}
	m := h.say(admin, "Số liệu chưa đúng kỳ")
	wantText(t, m.Text, "Đã trả lại báo cáo CCHC-2024-000001")
	got := h.sentTo(deputyLoc)
	wantText(t, got[len(got)-1].Text, "Lý do: Số liệu chưa đúng kỳ")
	// The next text is just text again.
	wantText(t, h.say(admin, "cảm ơn").Text, "/status")
}

func TestPendingReturnCanBeCancelledAndExpires(t *testing.T) {
	h := reviewSetup(t)
	notice := h.sentTo(admin)[0]
	h.press(admin, notice, "Trả lại")
	wantText(t, h.say(admin, "/huy").Text, "Đã thôi trả lại")
	h.say(admin, "lý do gì đó")
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Fatal("returned after /huy")
	}
	h.press(admin, notice, "Trả lại")
	h.clock.Set(h.clock.Now().Add(31 * time.Minute))
	wantText(t, h.say(admin, "xin chào").Text, "/status")
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Fatal("a text half an hour later was taken as the reason")
	}
}

func TestAcceptThroughTheNotice(t *testing.T) {
	h := reviewSetup(t)
	notice := h.sentTo(admin)[0]
	before := len(h.sentTo(chairLoc))
	m, _ := h.press(admin, notice, "Tiếp nhận")
	wantText(t, m.Text, "Đã tiếp nhận báo cáo CCHC-2024-000001 của UBND xã Châu Lộc. Đã gửi thông báo tới 2 thành viên")
	got := h.sentTo(chairLoc)
	wantText(t, got[len(got)-1].Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc", "Phòng Nội vụ huyện Quỳ Hợp đã TIẾP NHẬN Báo cáo CCHC tháng 02/2024", "CCHC-2024-000001")
	// Pressed again: nothing changes and nobody is told twice.
	m, _ = h.press(admin, notice, "Tiếp nhận")
	wantText(t, m.Text, "không có gì thay đổi")
	if n := len(h.sentTo(chairLoc)); n != before+1 {
		t.Errorf("member told %d times", n-before)
	}
	wantText(t, h.say(admin, "/status chau loc").Text, "đã tiếp nhận lúc 06/02/2024 09:00")
}

func TestReviewOfAnOldVersionIsRefused(t *testing.T) {
	h := reviewSetup(t)
	h.submit(chairLoc, "tháng 02/2024", file{Name: "v2.pdf", Body: []byte("%PDF v2")})
	m := h.say(admin, "/tiepnhan CCHC-2024-000001")
	wantText(t, m.Text, "CCHC-2024-000002") // the store's refusal names the newer one
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Fatal("an old version was accepted")
	}
	wantText(t, h.say(admin, "/tiepnhan 2").Text, "Đã tiếp nhận báo cáo CCHC-2024-000002")
}

func TestReviewCommandMistakes(t *testing.T) {
	h := reviewSetup(t)
	for text, want := range map[string]string{
		"/tiepnhan":              "Cú pháp: /tiepnhan",
		"/tiepnhan abc":          "Cú pháp: /tiepnhan",
		"/tiepnhan 99":           "Không tìm thấy",
		"/tralai":                "Cú pháp: /tralai",
		"/tralai x lý do":        "Số biên nhận không hợp lệ",
		"/tralai CCHC-2024-0001": "Xin nhập lý do", // no reason: asked for it
	} {
		wantText(t, h.say(admin, text).Text, want)
	}
}

func TestViewSendsTheLatestFiles(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "cu.pdf", Body: []byte("%PDF old")})
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF report")})
	h.send(chairLoc, file{Name: "phu-luc.xlsx", Body: []byte("PK\x03\x04 appendix")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	h.press(chairLoc, confirm, "Xác nhận nộp")

	m := h.say(admin, "/xem chau loc 02/2024")
	wantText(t, m.Text, "phiên bản 2", "CCHC-2024-000002", "chờ tiếp nhận")
	h.button(m, "Tiếp nhận")
	h.button(m, "Trả lại")
	if len(h.ch.docs) != 2 {
		t.Fatalf("%d documents sent", len(h.ch.docs))
	}
	for i, d := range h.ch.docs {
		if d.To != admin.ID || d.ChannelFileID == "" || h.ch.docBody[i] != nil {
			t.Errorf("document %d = %+v: want a resend by channel id", i, d)
		}
	}
	wantText(t, h.ch.docs[0].Caption, "UBND xã Châu Lộc – Báo cáo CCHC tháng 02/2024, phiên bản 2, tệp 1/2")
	if h.ch.docs[1].Name != "phu-luc.xlsx" {
		t.Errorf("second document %q", h.ch.docs[1].Name)
	}
	// The network forgot its ids: the files come from disk.
	h.ch.resendFail = true
	h.say(admin, "/xem xa-chau-loc bao-cao-thang/2024-02")
	if len(h.ch.docs) != 4 || string(h.ch.docBody[2]) != "%PDF report" || string(h.ch.docBody[3]) != "PK\x03\x04 appendix" {
		t.Fatalf("fallback upload: %d docs, bodies %q", len(h.ch.docs), h.ch.docBody)
	}
	wantText(t, h.say(admin, "/xem dong hop 2/2024").Text, "UBND xã Đồng Hợp chưa nộp Báo cáo CCHC tháng 02/2024")
	wantText(t, h.say(admin, "/xem").Text, "Cú pháp: /xem")
}

func TestMembersCannotReviewOrView(t *testing.T) {
	h := reviewSetup(t)
	for _, text := range []string{"/xem chau loc", "/tiepnhan 1", "/tralai 1 không đạt", "/status", "/status chau loc", "/chuanop", "/moi dong hop", "/nhacnho", "/thanhvien"} {
		m := h.say(chairDinh, text)
		wantText(t, m.Text, "Lệnh này chỉ dành cho cán bộ quản trị")
		dontWantText(t, m.Text, "Châu Lộc")
	}
	if len(h.ch.docs) != 0 {
		t.Error("a member got documents")
	}
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Error("a member reviewed a report")
	}
	st := h.say(chairDinh, "/trangthai")
	wantText(t, st.Text, "TÌNH HÌNH NỘP BÁO CÁO – UBND xã Châu Đình")
	if strings.Contains(st.Text, "Châu Lộc") || strings.Contains(st.Text, "CCHC-2024-000001") {
		t.Errorf("a member saw another unit:\n%s", st.Text)
	}
}
