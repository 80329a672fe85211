package chat

import (
	"testing"

	"cchcbot"
)

// lateDraft takes p's one-file report for February up to the confirm
// press, four days late, and returns what the press answered.
func (h *harness) lateDraft(p person) sent {
	h.t.Helper()
	h.clock.Set(at(2, 19, 10, 0))
	pick := h.send(p, file{Name: "bc.pdf", Body: []byte("%PDF trễ")})
	docno, _ := h.press(p, pick, "tháng 02/2024")
	confirm, _ := h.press(p, docno, "Bỏ qua")
	r, _ := h.press(p, confirm, "Xác nhận nộp")
	return r
}

func TestLateExplanation(t *testing.T) {
	const reason = "Cán bộ phụ trách nghỉ ốm"
	for _, c := range []struct {
		name    string
		mode    cchcbot.ExplainMode
		asked   bool
		skip    bool   // press "Bỏ qua" instead of typing
		typed   string // the reason typed
		stored  string
		receipt []string
	}{
		{name: "optional, given", mode: cchcbot.ExplainOptional, asked: true, typed: reason, stored: reason,
			receipt: []string{"NỘP TRỄ 4 ngày", "Lý do nộp trễ: " + reason}},
		{name: "optional, skipped", mode: cchcbot.ExplainOptional, asked: true, skip: true, receipt: []string{"NỘP TRỄ 4 ngày"}},
		{name: "required", mode: cchcbot.ExplainRequired, asked: true, typed: reason, stored: reason, receipt: []string{"Lý do nộp trễ: " + reason}},
		{name: "off", mode: cchcbot.ExplainOff, receipt: []string{"NỘP TRỄ 4 ngày"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.svc.opts.ExplainLate = c.mode
			h.join(chairLoc, "xa-chau-loc")
			r := h.lateDraft(chairLoc)
			if c.asked {
				wantText(t, r.Text, "Báo cáo CCHC tháng 02/2024 của UBND xã Châu Lộc được nộp TRỄ 4 ngày so với hạn 15/02/2024", "lý do nộp trễ")
				if hasButton(r, "Bỏ qua") != (c.mode == cchcbot.ExplainOptional) {
					t.Errorf("mode %s: a \"Bỏ qua\" button is %v", c.mode, hasButton(r, "Bỏ qua"))
				}
				if v := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(v) != 0 {
					t.Fatalf("recorded before the reason: %+v", v)
				}
				// Files sent meanwhile are not taken; the question stands.
				wantText(t, h.send(chairLoc, file{Name: "them.pdf", Body: []byte("%PDF")}).Text, "đang chờ lý do nộp trễ")
				if c.mode == cchcbot.ExplainRequired {
					forged := h.svc.sign(chairLoc.ID, cchcbot.ActionExplain, h.mustDraft(chairLoc).Nonce)
					if _, a := h.pressData(chairLoc, r, forged); a.Text != staleButton {
						t.Errorf("skipping a required reason answered %q", a.Text)
					}
				}
				if c.skip {
					r, _ = h.press(chairLoc, r, "Bỏ qua")
				} else {
					r = h.say(chairLoc, c.typed)
				}
			}
			wantText(t, r.Text, append([]string{"BIÊN NHẬN"}, c.receipt...)...)
			if !c.asked || c.skip {
				dontWantText(t, r.Text, "Lý do nộp trễ")
			}
			v := h.versions("bao-cao-thang/2024-02", "xa-chau-loc")
			if len(v) != 1 || v[0].Explanation != c.stored || v[0].DaysLate != 4 {
				t.Fatalf("versions %+v", v)
			}
			adj, err := h.db.Adjustments(h.ctx, "bao-cao-thang/2024-02")
			if err != nil {
				t.Fatal(err)
			}
			xs := adj.Explanations["xa-chau-loc"]
			if c.stored == "" && len(xs) != 0 || c.stored != "" && (len(xs) != 1 || xs[0].Text != c.stored || xs[0].SubmissionID != v[0].ID) {
				t.Errorf("explanations %+v", xs)
			}
			if g, _ := h.db.GetState(h.ctx, lateReasonKey(chairLoc.ID)); len(g) != 0 {
				t.Errorf("the reason outlived its report: %s", g)
			}
		})
	}
}

func (h *harness) mustDraft(p person) cchcbot.Draft {
	h.t.Helper()
	d, ok := h.draft(p)
	if !ok {
		h.t.Fatalf("%s has no draft", p.Name)
	}
	return d
}

func TestLateExplanationNotAskedOnTime(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	r, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN", "nộp đúng hạn")
}

func TestLateExplanationRules(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	q := h.lateDraft(chairLoc)
	long := make([]rune, maxReason+1)
	for i := range long {
		long[i] = 'a'
	}
	wantText(t, h.say(chairLoc, string(long)).Text, "từ 1 đến 500 ký tự")
	// A stale "Bỏ qua" (another draft's) changes nothing; /huy drops both.
	if _, a := h.pressData(chairLoc, q, h.svc.sign(chairLoc.ID, cchcbot.ActionExplain, "deadbeef")); a.Text != staleButton {
		t.Errorf("a stale skip answered %q", a.Text)
	}
	wantText(t, h.say(chairLoc, "/huy").Text, "Đã hủy hồ sơ đang soạn")
	if _, a := h.press(chairLoc, q, "Bỏ qua"); a.Text != staleButton {
		t.Errorf("a skip after /huy answered %q", a.Text)
	}
	if v := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(v) != 0 {
		t.Fatalf("recorded %+v", v)
	}
}

func TestExplanationWithoutReport(t *testing.T) {
	h := newHarness(t, testUnits())
	twoAdmins(h)
	h.join(chairLoc, "xa-chau-loc")
	h.clock.Set(at(2, 19, 10, 0))
	pick := h.say(chairLoc, "/giaitrinh")
	wantText(t, pick.Text, "GIẢI TRÌNH VIỆC CHƯA NỘP BÁO CÁO – UBND xã Châu Lộc", "Xin chọn báo cáo")
	q, _ := h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	wantText(t, q.Text, "GIẢI TRÌNH: Báo cáo CCHC tháng 02/2024", "đã quá hạn 4 ngày", "thời gian dự kiến hoàn thành")
	out := h.handle(cchcbot.Incoming{User: chairLoc.ID, Name: chairLoc.Name, Text: "Cán bộ phụ trách nghỉ ốm, đơn vị sẽ nộp trước 22/02/2024"})
	wantText(t, h.last(chairLoc, out).Text, "Đã gửi giải trình về Báo cáo CCHC tháng 02/2024 tới Phòng Nội vụ huyện Quỳ Hợp", "vẫn cần nộp báo cáo")
	for _, a := range []person{admin, admin2} {
		wantText(t, h.last(a, out).Text, "GIẢI TRÌNH CỦA ĐƠN VỊ: UBND xã Châu Lộc – Báo cáo CCHC tháng 02/2024", "Nội dung giải trình: Cán bộ phụ trách nghỉ ốm", "Người gửi: Lê Văn Lộc")
	}
	adj, _ := h.db.Adjustments(h.ctx, "bao-cao-thang/2024-02")
	if xs := adj.Explanations["xa-chau-loc"]; len(xs) != 1 || xs[0].SubmissionID != 0 || xs[0].By != chairLoc.ID {
		t.Fatalf("explanations %+v", xs)
	}
	wantText(t, h.say(admin, "/status 02/2024").Text, "UBND xã Châu Lộc (", "đã giải trình: Cán bộ phụ trách nghỉ ốm")
	wantText(t, h.say(chairLoc, "/trangthai").Text, "Giải trình (19/02/2024): Cán bộ phụ trách nghỉ ốm")

	// In one line; a period that does not exist is said so.
	out = h.handle(cchcbot.Incoming{User: chairLoc.ID, Name: chairLoc.Name, Text: "/giaitrinh 01/2024 Chờ số liệu"})
	wantText(t, h.last(chairLoc, out).Text, "Đã gửi giải trình về Báo cáo CCHC tháng 01/2024")
	wantText(t, h.say(chairLoc, "/giaitrinh 13/2024").Text, "Không tìm thấy kỳ báo cáo đã ghi")
	// /huy drops a /giaitrinh waiting for its text.
	h.say(chairLoc, "/giaitrinh 02/2024")
	wantText(t, h.say(chairLoc, "/huy").Text, "Đã thôi gửi giải trình")
}
