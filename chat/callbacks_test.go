package chat

import (
	"strings"
	"testing"

	"cchcbot"
)

// reminder makes the message the scheduler would send to p for a period
// and step, with its two signed buttons, and the log record behind it.
func (h *harness) reminder(p person, unit, periodID, step string) sent {
	h.t.Helper()
	submit, _ := h.svc.opts.Signer.Sign(p.ID, cchcbot.ActionSubmit, periodID)
	ack, _ := h.svc.opts.Signer.Sign(p.ID, cchcbot.ActionAck, periodID, step)
	h.queueReminder(cchcbot.Reminder{PeriodID: periodID, UnitCode: unit, Step: step, Member: p.ID, PlannedAt: h.clock.Now()},
		"NHẮC VIỆC: "+periodID, [][]cchcbot.Button{{{Text: "📎 Nộp báo cáo", Data: submit}, {Text: "✅ Đã nhận", Data: ack}}})
	return h.sentTo(p)[len(h.sentTo(p))-1]
}

// queueReminder queues a reminder as the scheduler does, its log record
// with its message, and lets the outbox deliver it.
func (h *harness) queueReminder(r cchcbot.Reminder, text string, buttons [][]cchcbot.Button) {
	h.t.Helper()
	msg := &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: r.Member, Text: text, Buttons: buttons, Priority: cchcbot.PriorityBulk}
	if n, err := h.db.QueueReminders(h.ctx, []cchcbot.Reminder{r}, []*cchcbot.Outgoing{msg}); n != 1 || err != nil {
		h.t.Fatal(n, err)
	}
	h.drain()
}

func TestForgedPressesChangeNothing(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	pick := h.send(chairDinh, file{Name: "bc.pdf", Body: []byte("%PDF")})
	h.submit(chairLoc, "tháng 02/2024", file{Name: "loc.pdf", Body: []byte("%PDF loc")})
	notice := h.sentTo(admin)[0]
	accept := h.button(notice, "Tiếp nhận")
	pickData := h.button(pick, "tháng 02/2024")
	draftBefore, _ := h.draft(chairDinh)
	signer := h.svc.opts.Signer

	forged := map[string]string{
		"made up":               "ac|1|AAAAAAAAAAA",
		"no signature":          "ac|1",
		"garbage":               strings.Repeat("x", 64),
		"empty":                 "",
		"altered field":         strings.Replace(pickData, "2024-02", "2024-01", 1),
		"altered action":        "rt" + accept[2:],
		"another person's":      accept,
		"signed with other key": mustSign(t, cchcbot.CallbackSigner{Key: []byte("another key")}, chairDinh.ID, cchcbot.ActionAccept, "1"),
		"admin action, member":  mustSign(t, signer, chairDinh.ID, cchcbot.ActionAccept, "1"),
		"unknown action":        mustSign(t, signer, chairDinh.ID, "zz", "1"),
		"wrong field count":     mustSign(t, signer, chairDinh.ID, cchcbot.ActionConfirm),
		"another draft's nonce": mustSign(t, signer, chairDinh.ID, cchcbot.ActionConfirm, "deadbeef"),
		"unknown period":        mustSign(t, signer, chairDinh.ID, cchcbot.ActionSubmit, "khong-co/2024"),
	}
	for name, data := range forged {
		t.Run(name, func(t *testing.T) {
			out, a := h.pressData(chairDinh, pick, data)
			if a.Text != staleButton {
				t.Errorf("answer %q, want %q", a.Text, staleButton)
			}
			if len(out) != 0 {
				t.Errorf("a forged press sent %+v", out)
			}
		})
	}
	if sub, _ := h.db.Submission(h.ctx, 1); sub.State != cchcbot.StateSubmitted {
		t.Error("a forged press reviewed the report")
	}
	if d, _ := h.draft(chairDinh); d.Stage != draftBefore.Stage || d.PeriodID != draftBefore.PeriodID || d.Nonce != draftBefore.Nonce {
		t.Errorf("a forged press changed the draft: %+v", d)
	}
	if n := len(h.versions("bao-cao-thang/2024-01", "xa-chau-dinh")) + len(h.versions("bao-cao-thang/2024-02", "xa-chau-dinh")); n != 0 {
		t.Error("a forged press submitted")
	}
	if strings.Contains(h.logs.String(), accept) {
		t.Error("button data reached the logs")
	}
}

func mustSign(t *testing.T, s cchcbot.CallbackSigner, u cchcbot.UserID, action string, fields ...string) string {
	t.Helper()
	data, err := s.Sign(u, action, fields...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestAckRecordsAndRewritesTheReminder(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	rem := h.reminder(chairLoc, "xa-chau-loc", "bao-cao-thang/2024-02", "before-7")
	out, a := h.press(chairLoc, rem, "Đã nhận")
	wantText(t, a.Text, "Đã ghi nhận")
	if out.Text != "" {
		t.Errorf("an acknowledgement sent %q", out.Text)
	}
	rs, _ := h.db.RemindersFor(h.ctx, "bao-cao-thang/2024-02", "xa-chau-loc")
	if len(rs) != 1 || !rs[0].Acked() || !rs[0].AckedAt.Equal(h.clock.Now()) {
		t.Fatalf("reminders = %+v", rs)
	}
	if len(h.ch.edits) != 1 {
		t.Fatalf("%d edits", len(h.ch.edits))
	}
	e := h.ch.edits[0]
	if e.Ref != rem.Ref {
		t.Errorf("edited %+v, want the reminder %+v", e.Ref, rem.Ref)
	}
	wantText(t, e.Text, "NHẮC VIỆC: Báo cáo CCHC tháng 02/2024", "UBND xã Châu Lộc", "Chủ tịch UBND xã", "Thứ Năm 15/02/2024",
		"Lê Văn Lộc đã xác nhận nhận được lời nhắc lúc 06/02/2024 09:00")
	if len(e.Buttons) != 1 || len(e.Buttons[0]) != 1 || e.Buttons[0][0].Text != "📎 Nộp báo cáo" {
		t.Fatalf("buttons after the ack = %+v", e.Buttons)
	}
	// The kept button still works.
	m := sent{Ref: e.Ref, OutMessage: cchcbot.OutMessage{Text: e.Text, Buttons: e.Buttons}}
	ask, _ := h.press(chairLoc, m, "Nộp báo cáo")
	wantText(t, ask.Text, "Báo cáo: Báo cáo CCHC tháng 02/2024", "Xin gửi tệp báo cáo")
	wantText(t, h.say(admin, "/status chau loc").Text, "nhắc việc: đã gửi 1, đã nhận 1")

	// A reminder for a unit that already submitted loses its buttons.
	h.say(chairLoc, "/huy")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
	rem = h.reminder(chairLoc, "xa-chau-loc", "bao-cao-thang/2024-02", "before-3")
	h.press(chairLoc, rem, "Đã nhận")
	if e := h.ch.edits[len(h.ch.edits)-1]; len(e.Buttons) != 0 {
		t.Errorf("buttons kept after submission: %+v", e.Buttons)
	}
	// An ack without a record behind it is refused.
	data := mustSign(t, h.svc.opts.Signer, chairLoc.ID, cchcbot.ActionAck, "bao-cao-thang/2024-02", "before-99")
	if _, a := h.pressData(chairLoc, rem, data); a.Text != staleButton {
		t.Errorf("answer %q", a.Text)
	}
}

func TestReminderSubmitButton(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	rem := h.reminder(chairLoc, "xa-chau-loc", "bao-cao-thang/2024-02", "before-7")
	ask, _ := h.press(chairLoc, rem, "Nộp báo cáo")
	wantText(t, ask.Text, "Đơn vị: UBND xã Châu Lộc", "Báo cáo: Báo cáo CCHC tháng 02/2024", "Hạn nộp: Thứ Năm 15/02/2024", "Xin gửi tệp báo cáo")
	// The file needs no period question: the reminder named it.
	docno := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, docno.Text, "Tệp 1: bc.pdf", "số hiệu và ngày ký")
	confirm := h.say(chairLoc, "12/BC-UBND")
	r, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN", "Văn bản số: 12/BC-UBND")
}

func TestReminderSubmitKeepsFilesSentBefore(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	rem := h.reminder(chairLoc, "xa-chau-loc", "bao-cao-thang/2024-02", "before-7")
	m, _ := h.press(chairLoc, rem, "Nộp báo cáo")
	wantText(t, m.Text, "Tệp 1: bc.pdf", "số hiệu và ngày ký")
}

func TestNoFileKind(t *testing.T) {
	h := newHarness(t, testUnits())
	h.clock.Set(at(3, 20, 9, 0))
	h.join(chairLoc, "xa-chau-loc")
	note := h.say(chairLoc, "/hoanthanh")
	wantText(t, note.Text, "Báo cáo: Tổ chức đối thoại với người dân quý I", "Hạn nộp: Thứ Sáu 29/03/2024", "kết quả thực hiện")
	confirm := h.say(chairLoc, "Đã tổ chức đối thoại ngày 18/03/2024 với 120 người dân")
	wantText(t, confirm.Text, "Nội dung: Đã tổ chức đối thoại", "Xin kiểm tra lại")
	if confirm.Buttons[0][0].Text != "✅ Đã hoàn thành" {
		t.Fatalf("buttons = %+v", confirm.Buttons)
	}
	r, _ := h.press(chairLoc, confirm, "Đã hoàn thành")
	wantText(t, r.Text, "BIÊN NHẬN", "Nội dung: Đã tổ chức đối thoại", "nộp đúng hạn")
	dontWantText(t, r.Text, "Tệp 1")
	subs := h.versions("doi-thoai/2024", "xa-chau-loc")
	if len(subs) != 1 || len(subs[0].Files) != 0 || !strings.HasPrefix(subs[0].Note, "Đã tổ chức") {
		t.Fatalf("stored %+v", subs)
	}
	wantText(t, h.say(admin, "/xem chau loc doi-thoai/2024").Text, "đã xác nhận hoàn thành", "Nội dung: Đã tổ chức đối thoại")
	// Departments do not owe it.
	staff := person{cchcbot.TelegramUser(3010), "Cán bộ Tư pháp"}
	h.join(staff, "phong-tu-phap")
	wantText(t, h.say(staff, "/hoanthanh").Text, "không có nhiệm vụ nào")
}

func TestNoFileKindFromTheReminderWithSkip(t *testing.T) {
	h := newHarness(t, testUnits())
	h.clock.Set(at(3, 20, 9, 0))
	h.join(chairLoc, "xa-chau-loc")
	rem := h.reminder(chairLoc, "xa-chau-loc", "doi-thoai/2024", "before-7")
	note, _ := h.press(chairLoc, rem, "Nộp báo cáo")
	wantText(t, note.Text, "kết quả thực hiện")
	// Files are not what this draft waits for.
	wantText(t, h.send(chairLoc, file{Name: "anh.pdf", Body: []byte("%PDF")}).Text, "không kèm tệp", "/huy")
	confirm, _ := h.press(chairLoc, note, "Bỏ qua")
	r, _ := h.press(chairLoc, confirm, "Đã hoàn thành")
	wantText(t, r.Text, "BIÊN NHẬN", "Tổ chức đối thoại")
	if subs := h.versions("doi-thoai/2024", "xa-chau-loc"); len(subs) != 1 || subs[0].Note != "" {
		t.Fatalf("stored %+v", subs)
	}
}

func TestEveryPressIsAnsweredOnce(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	// pressData fails the test unless each press is answered exactly once.
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	h.press(chairLoc, pick, "tháng 01/2024") // stale: the period is chosen
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	h.press(chairLoc, docno, "Bỏ qua") // stale
	h.ch.fetchErr["file-1"] = &cchcbot.TemporaryError{Err: errTest}
	h.press(chairLoc, confirm, "Xác nhận nộp")
	delete(h.ch.fetchErr, "file-1")
	h.press(chairLoc, confirm, "Xác nhận nộp")
	st := h.say(admin, "/status 02/2024")
	h.press(admin, st, "Kỳ trước")
}

var errTest = cchcbot.Errorf(cchcbot.EINTERNAL, "test")
