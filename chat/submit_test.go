package chat

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestSubmitTwoFiles(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	report := []byte("%PDF-1.7 Báo cáo CCHC tháng 02/2024 xã Châu Lộc")
	appendix := []byte("PK\x03\x04 phụ lục số liệu")

	pick := h.send(chairLoc, file{Name: "Báo cáo tháng 2.pdf", Body: report})
	wantText(t, pick.Text, "Báo cáo này nộp cho kỳ nào?", "Tệp 1: Báo cáo tháng 2.pdf")
	// One button per open period, nearest deadline first, then "Hủy".
	var labels []string
	for _, row := range pick.Buttons {
		labels = append(labels, row[0].Text)
	}
	want := "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023 – hạn 31/01/2024|Báo cáo CCHC tháng 02/2024 – hạn 15/02/2024|Báo cáo CCHC tháng 01/2024 – hạn 12/01/2024|❌ Hủy"
	if got := strings.Join(labels, "|"); got != want {
		t.Fatalf("period buttons:\n got %s\nwant %s", got, want)
	}

	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	wantText(t, docno.Text, "Đơn vị: UBND xã Châu Lộc", "Người chịu trách nhiệm: Chủ tịch UBND xã", "Báo cáo: Báo cáo CCHC tháng 02/2024",
		"Số liệu: 12/01/2024 – 12/02/2024", "Hạn nộp: Thứ Năm 15/02/2024", "hạn 12/02/2024 trùng ngày nghỉ", "còn 9 ngày", "số hiệu và ngày ký")
	h.button(docno, "Bỏ qua")
	h.button(docno, "Hủy")

	more := h.send(chairLoc, file{Name: "Phu luc.xlsx", Body: appendix})
	wantText(t, more.Text, "Tệp 1: Báo cáo tháng 2.pdf", "Tệp 2: Phu luc.xlsx", "số hiệu và ngày ký")

	for text, want := range map[string]string{
		"45/BC-UBND ngày 32/01/2024": "không hợp lệ",
		"45/BC-UBND ngày 07/03/2024": "chưa đến",
		"ngày 05/02/2024":            "Xin nhập số hiệu",
	} {
		wantText(t, h.say(chairLoc, text).Text, want)
		if d, _ := h.draft(chairLoc); d.Stage != stageDocNo || d.DocNumber != "" {
			t.Fatalf("after %q the draft is %+v", text, d)
		}
	}
	confirm := h.say(chairLoc, "45/BC-UBND ngày 05/02/2024")
	wantText(t, confirm.Text, "Văn bản số: 45/BC-UBND ngày 05/02/2024", "Xin kiểm tra lại")
	if len(confirm.Buttons) != 1 || confirm.Buttons[0][0].Text != "✅ Xác nhận nộp" || confirm.Buttons[0][1].Text != "❌ Hủy" {
		t.Fatalf("confirm buttons = %+v", confirm.Buttons)
	}
	if subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 0 {
		t.Fatal("recorded before confirmation")
	}

	h.clock.Set(at(2, 6, 9, 30))
	r, a := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, a.Text, "Đang tải 2 tệp")
	wantText(t, r.Text, "BIÊN NHẬN BÁO CÁO", "Số biên nhận: CCHC-2024-000001", "Thời gian nhận: 06/02/2024 09:30",
		"Đơn vị: UBND xã Châu Lộc", "Người chịu trách nhiệm: Chủ tịch UBND xã", "Báo cáo: Báo cáo CCHC tháng 02/2024",
		"Hạn nộp: Thứ Năm 15/02/2024", "Phiên bản: 1", "Văn bản số: 45/BC-UBND ngày 05/02/2024",
		"Tệp 1: Báo cáo tháng 2.pdf", "SHA-256 "+sum(report)[:12], "Tệp 2: Phu luc.xlsx", "SHA-256 "+sum(appendix)[:12],
		"Người nộp: Lê Văn Lộc", "nộp đúng hạn")

	subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 1 {
		t.Fatalf("%d versions, want 1", len(subs))
	}
	s := subs[0]
	if s.DocNumber != "45/BC-UBND" || s.DocDate != cchcbot.D(2024, 2, 5) || s.DaysLate != 0 || s.SubmittedBy != chairLoc.ID ||
		!s.SubmittedAt.Equal(at(2, 6, 9, 30)) || s.State != cchcbot.StateSubmitted || len(s.Files) != 2 {
		t.Fatalf("stored %+v", s)
	}
	for i, body := range [][]byte{report, appendix} {
		f := s.Files[i]
		if f.SHA256 != sum(body) || f.Size != int64(len(body)) {
			t.Errorf("file %d stored as %s (%d bytes), want %s (%d)", i, f.SHA256, f.Size, sum(body), len(body))
		}
		rc, err := h.db.OpenFile(f.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != string(body) {
			t.Errorf("file %d content differs", i)
		}
	}
	if _, ok := h.draft(chairLoc); ok {
		t.Error("the draft outlived the submission")
	}

	// Phòng Nội vụ hears of it, with buttons signed for the admin.
	notices := h.sentTo(admin)
	if len(notices) != 1 {
		t.Fatalf("%d notices to the admin", len(notices))
	}
	n := notices[0]
	wantText(t, n.Text, "BÁO CÁO MỚI: UBND xã Châu Lộc – Báo cáo CCHC tháng 02/2024", "Chủ tịch UBND xã", "CCHC-2024-000001", "đúng hạn")
	for label, action := range map[string]string{"Tiếp nhận": cchcbot.ActionAccept, "Trả lại": cchcbot.ActionReturn} {
		got, f, err := h.svc.opts.Signer.Verify(admin.ID, h.button(n, label))
		if err != nil || got != action || len(f) != 1 || f[0] != "1" {
			t.Errorf("%s button = %s %v %v", label, got, f, err)
		}
	}
}

func TestResubmissionIsANewVersionAndLate(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "v1.pdf", Body: []byte("%PDF v1")})

	h.clock.Set(at(2, 19, 10, 0))
	pick := h.send(chairLoc, file{Name: "v2.pdf", Body: []byte("%PDF v2")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	wantText(t, docno.Text, "đã nộp kỳ này 1 lần", "phiên bản 2", "đã quá hạn 4 ngày")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	why, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, why.Text, "TRỄ 4 ngày", "lý do nộp trễ") // a late report asks why first
	r := h.say(chairLoc, "Chờ số liệu của Chi cục Thống kê")
	wantText(t, r.Text, "Phiên bản: 2", "NỘP TRỄ 4 ngày", "CCHC-2024-000002", "Lý do nộp trễ: Chờ số liệu của Chi cục Thống kê")
	subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 2 || subs[1].Version != 2 || subs[1].DaysLate != 4 || subs[0].Files[0].SHA256 == subs[1].Files[0].SHA256 || subs[1].Explanation != "Chờ số liệu của Chi cục Thống kê" {
		t.Fatalf("versions = %+v", subs)
	}
	wantText(t, h.say(chairLoc, "/trangthai").Text, "trễ 4 ngày", "phiên bản 1", "phiên bản 2")
}

func TestLateByMinutesIsOneDayLate(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.clock.Set(at(2, 16, 0, 10)) // ten minutes after the shifted deadline
	r := h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, r.Text, "trễ 1 ngày")
	h.clock.Set(at(2, 15, 23, 59)) // and a minute before it, for another unit
	h.join(chairDinh, "xa-chau-dinh")
	r = h.submit(chairDinh, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF dinh")})
	wantText(t, r.Text, "nộp đúng hạn")
}

func TestConfirmPressedTwiceMakesOneVersion(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF once")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	data := h.button(confirm, "Xác nhận nộp")
	out, _ := h.pressData(chairLoc, confirm, data)
	wantText(t, h.last(chairLoc, out).Text, "BIÊN NHẬN")
	fetches := h.ch.fetches
	// Pressed again, or the same press delivered again.
	for range 2 {
		out, a := h.pressData(chairLoc, confirm, data)
		if a.Text != staleButton || len(out) != 0 {
			t.Errorf("second press: answer %q, sent %+v", a.Text, out)
		}
	}
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 1 {
		t.Fatalf("%d versions after two presses", n)
	}
	if h.ch.fetches != fetches {
		t.Error("the second press fetched the files again")
	}
	if n := len(h.sentTo(admin)); n != 1 {
		t.Errorf("admins told %d times", n)
	}
}

// TestConfirmAfterACrash: the process died right after the commit that
// recorded the submission, deleted the draft and queued the receipt. The
// confirm delivered again finds no draft and changes nothing; the receipt
// and the admins' notice, already in the outbox, arrive once.
func TestConfirmAfterACrash(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF crash")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	d, _ := h.draft(chairLoc)
	// What the first run committed before dying: the service's own
	// commit, made with the outbox stopped so nothing is delivered yet.
	h.out.Close()
	w, err := h.svc.identify(h.ctx, cchcbot.Incoming{User: chairLoc.ID, Name: chairLoc.Name})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.confirm(h.ctx, w, d, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := h.db.OutboxLen(h.ctx); err != nil || n != 2 {
		t.Fatalf("outbox after the commit: %d, %v; want the receipt and the notice", n, err)
	}
	// The restart: a new sender on the same store, and the press again.
	h.out = outbox.New(h.ctx, h.db, h.ch, outbox.Options{GlobalPerSecond: 1e9, PerChatPerSecond: 1e9, MaxInFlight: 1, Clock: h.clock})
	t.Cleanup(h.out.Close)
	h.svc.opts.Channel = h.out
	_, a := h.pressData(chairLoc, confirm, h.button(confirm, "Xác nhận nộp"))
	if a.Text != staleButton {
		t.Errorf("the press delivered again was answered %q", a.Text)
	}
	receipts := 0
	for _, m := range h.sentTo(chairLoc) {
		if strings.Contains(m.Text, "BIÊN NHẬN") {
			receipts++
		}
	}
	if receipts != 1 {
		t.Errorf("%d receipts after the restart, want the queued one", receipts)
	}
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 1 {
		t.Fatalf("%d versions after the replayed confirm", n)
	}
	if n := len(h.sentTo(admin)); n != 1 {
		t.Errorf("admins told %d times", n)
	}
}

func TestFetchFailureKeepsTheDraft(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.send(chairLoc, file{Name: "a.pdf", Body: []byte("%PDF a")})
	pick := h.send(chairLoc, file{Name: "b.pdf", Body: []byte("%PDF b")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	h.ch.fetchErr["file-2"] = &cchcbot.TemporaryError{Err: io.ErrUnexpectedEOF}
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "Chưa tải được tệp \"b.pdf\"", "CHƯA được nộp", "giữ nguyên")
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 0 {
		t.Fatal("a failed fetch recorded a submission")
	}
	if d, ok := h.draft(chairLoc); !ok || len(d.Files) != 2 || d.Stage != stageConfirm {
		t.Fatalf("draft after the failure = %+v, %v", d, ok)
	}
	if len(h.sentTo(admin)) != 0 {
		t.Error("admins told of a submission that was not made")
	}
	// The line is back: the same button works.
	delete(h.ch.fetchErr, "file-2")
	r, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN", "Tệp 2: b.pdf")
	if subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 1 || len(subs[0].Files) != 2 {
		t.Fatalf("versions = %+v", subs)
	}
}

func TestFetchTooLargeTakesTheFileOut(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.send(chairLoc, file{Name: "scan.pdf", Body: []byte("%PDF scan")})
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF bc")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	h.ch.fetchErr["file-1"] = cchcbot.Errorf(cchcbot.ETOOLARGE, "Tệp vượt quá giới hạn 20 MB.")
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "Không tải được tệp \"scan.pdf\"", "20 MB", "CHƯA được nộp", "1 tệp còn lại")
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 0 {
		t.Fatal("recorded")
	}
	r, _ := h.press(chairLoc, m, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN", "Tệp 1: bc.pdf")
	dontWantText(t, r.Text, "scan.pdf")
}

func TestFileChecks(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	for _, tc := range []struct {
		name string
		f    file
		want string
	}{
		{"too large", file{Name: "lon.pdf", Size: 25 << 20}, "vượt quá giới hạn 20 MB"},
		{"executable", file{Name: "virus.exe", Body: []byte("MZ")}, "không đúng định dạng"},
		{"path", file{Name: "../../etc/passwd", Body: []byte("root")}, "không đúng định dạng"},
		{"no name", file{Name: "", Body: []byte("?")}, "PDF, DOC/DOCX, XLS/XLSX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantText(t, h.send(chairLoc, tc.f).Text, tc.want)
			if _, ok := h.draft(chairLoc); ok {
				t.Error("a refused file started a draft")
			}
		})
	}
	if h.ch.fetches != 0 {
		t.Errorf("%d fetches for refused files", h.ch.fetches)
	}
	// A photo is a scanned page, whatever the network called it.
	m := h.send(chairLoc, file{Name: "", Body: []byte("\xff\xd8\xff"), Photo: true})
	wantText(t, m.Text, "Tệp 1: anh-1.jpg", "nộp cho kỳ nào")
}

func TestAtMostTenFiles(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	var files []file
	for i := range 10 {
		files = append(files, file{Name: "trang.pdf", Body: []byte{byte(i)}})
	}
	wantText(t, h.send(chairLoc, files...).Text, "Đã nhận 10 tệp")
	wantText(t, h.send(chairLoc, file{Name: "them.pdf", Body: []byte("x")}).Text, "tối đa 10 tệp")
	if d, _ := h.draft(chairLoc); len(d.Files) != 10 {
		t.Errorf("draft has %d files", len(d.Files))
	}
}

func TestSameFileDeliveredTwiceIsAddedOnce(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	in := h.incoming(chairLoc)
	h.ch.files["dup"] = []byte("%PDF")
	in.Files = []cchcbot.IncomingFile{{ChannelFileID: "dup", Name: "bc.pdf", Size: 4}}
	h.handle(in)
	h.handle(in)
	if d, _ := h.draft(chairLoc); len(d.Files) != 1 {
		t.Errorf("draft has %d files", len(d.Files))
	}
}

func TestNoOpenPeriodNamesTheNext(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	// A reload: the monthly report starts in September.
	cal := testCalendar()
	cal.Kinds = cal.Kinds[1:2]
	cal.Kinds[0].Start = cchcbot.D(2024, 9, 1)
	h.svc.SetCalendar(cal)
	h.clock.Set(at(8, 1, 9, 0))
	m := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, m.Text, "không có kỳ báo cáo nào", "Báo cáo CCHC tháng 09/2024", "nhận bài từ 23/08/2024", "Thứ Năm 12/09/2024")
	if _, ok := h.draft(chairLoc); ok {
		t.Error("a draft with nowhere to go")
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, h.say(chairLoc, "/huy").Text, "Đã hủy hồ sơ")
	if _, ok := h.draft(chairLoc); ok {
		t.Fatal("draft kept")
	}
	wantText(t, h.say(chairLoc, "/huy").Text, "Không có thao tác nào")
	// The old buttons are dead, even once a new draft exists.
	h.send(chairLoc, file{Name: "moi.pdf", Body: []byte("%PDF new")})
	before, _ := h.draft(chairLoc)
	out, a := h.pressData(chairLoc, pick, h.button(pick, "tháng 02/2024"))
	if a.Text != staleButton || len(out) != 0 {
		t.Errorf("stale pick: %q %+v", a.Text, out)
	}
	if after, _ := h.draft(chairLoc); after.Stage != before.Stage || after.PeriodID != "" {
		t.Errorf("a stale button changed the new draft: %+v", after)
	}
	// The cancel button of the live draft.
	pick2 := h.sentTo(chairLoc)[len(h.sentTo(chairLoc))-1]
	m, a := h.press(chairLoc, pick2, "Hủy")
	wantText(t, m.Text, "Đã hủy")
	wantText(t, a.Text, "Đã hủy")
	if _, ok := h.draft(chairLoc); ok {
		t.Error("draft kept after the cancel button")
	}
}

func TestConfirmAfterThePeriodClosed(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	docno, _ := h.press(chairLoc, pick, "Kế hoạch khắc phục")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	h.clock.Set(at(5, 1, 9, 0)) // 31/01 + 90 days is 30/04
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "đã hết thời gian nhận báo cáo", "chưa có báo cáo nào được nộp")
	if n := len(h.versions("ke-hoach-khac-phuc/2024", "xa-chau-loc")); n != 0 {
		t.Fatal("recorded after closing")
	}
}

func TestPlainTextWithoutADraftGetsHelp(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	wantText(t, h.say(chairLoc, "Xin chào, tôi muốn nộp báo cáo").Text, "gửi tệp báo cáo", "/trangthai")
	wantText(t, h.say(admin, "chào").Text, "/status")
	wantText(t, h.say(chairLoc, "/khongco").Text, "Không có lệnh /khongco", "/huongdan")
}

func TestDraftWaitsForWhatItNeeds(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, h.say(chairLoc, "123/BC-UBND").Text, "Xin chọn kỳ báo cáo")
	if d, _ := h.draft(chairLoc); d.DocNumber != "" {
		t.Error("text taken as a document number before the period")
	}
}

func TestSubmitTimeIsTheClock(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.clock.Set(time.Date(2024, 2, 7, 1, 2, 0, 0, time.UTC)) // 08:02 in Quỳ Hợp
	r := h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, r.Text, "Thời gian nhận: 07/02/2024 08:02")
}
