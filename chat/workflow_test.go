package chat

import (
	"testing"

	"cchcbot"
)

// A question asked later takes the next text: a press of "Trả lại" after
// "Không đồng ý" makes the reason typed next the return's, and the text
// after it nobody's decision.
func TestReturnPressEndsAPendingDecision(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	n := h.last(admin, h.askExtension(chairLoc, "20/02/2024", "Chờ số liệu"))
	h.press(admin, n, "Không đồng ý")
	h.submit(chairDinh, "tháng 02/2024", file{Name: "dinh.pdf", Body: []byte("%PDF")})
	var notice sent
	for _, m := range h.sentTo(admin) {
		if hasButton(m, "Trả lại") {
			notice = m
		}
	}
	q, _ := h.press(admin, notice, "Trả lại")
	wantText(t, q.Text, "Xin nhập lý do trả lại")
	wantText(t, h.say(admin, "Thiếu phụ lục").Text, "Đã trả lại báo cáo")
	wantText(t, h.say(admin, "Không đồng ý vì trễ").Text, "/status")
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); e.State != cchcbot.ExtensionRequested {
		t.Fatalf("a stray text decided the extension: %+v", e)
	}
}

// A member's half-asked /giahan does not take the text meant for a report
// started after it.
func TestFlowYieldsToANewerDraft(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.say(chairLoc, "/giahan")
	h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	h.clock.Set(h.clock.Now().Add(1))
	reminder := sent{OutMessage: cchcbot.OutMessage{Buttons: [][]cchcbot.Button{{{Text: "Nộp báo cáo", Data: h.svc.sign(chairLoc.ID, cchcbot.ActionSubmit, "bao-cao-thang/2024-02")}}}}}
	h.press(chairLoc, reminder, "Nộp báo cáo")
	wantText(t, h.say(chairLoc, "20/02/2024").Text, "Xin gửi tệp báo cáo")
	if g, _ := h.db.GetState(h.ctx, extensionKey(chairLoc.ID)); len(g) == 0 {
		t.Fatal("the /giahan flow was lost")
	}
	// Files drop the older flow outright.
	h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	if g, _ := h.db.GetState(h.ctx, extensionKey(chairLoc.ID)); len(g) != 0 {
		t.Errorf("the /giahan flow outlived a report's files: %s", g)
	}
}

// A flow left longer than its time to live is forgotten.
func TestStaleFlowIsForgotten(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.say(chairLoc, "/giahan")
	h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	h.clock.Set(h.clock.Now().Add(extensionTTL + 1))
	wantText(t, h.say(chairLoc, "20/02/2024").Text, msgMemberHint)
	h.say(admin, "/yeucau")
	h.clock.Set(h.clock.Now().Add(requestTTL + 1))
	wantText(t, h.say(admin, "Báo cáo tình hình").Text, msgAdminHint)
}
