package chat

import "testing"

// A press whose step was applied but whose next question never went out
// (the bot restarted in between) asks the question again instead of
// stranding the member on a dead button; the draft does not move.
func TestPressAgainAsksAgain(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF-1.7 bc")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	wantText(t, docno.Text, "số hiệu")
	again, a := h.press(chairLoc, pick, "tháng 02/2024")
	if a.Text == staleButton || again.Text != docno.Text {
		t.Errorf("period pressed again: answer %q, reply %q; want the same question again", a.Text, again.Text)
	}
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	wantText(t, confirm.Text, "Xác nhận")
	again, a = h.press(chairLoc, docno, "Bỏ qua")
	if a.Text == staleButton || again.Text != confirm.Text {
		t.Errorf("skip pressed again: answer %q, reply %q; want the confirmation again", a.Text, again.Text)
	}
	// Another period on the old question is still refused: the draft
	// has moved on.
	if _, a := h.press(chairLoc, pick, "tháng 01/2024"); a.Text != staleButton {
		t.Errorf("another period after the pick: answer %q, want the stale-button notice", a.Text)
	}
	r, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN")
	if vs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(vs) != 1 {
		t.Errorf("%d versions, want 1", len(vs))
	}
}
