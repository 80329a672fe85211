package chat

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cchcbot"
)

// lastDoc returns the last document sent and what it held.
func (h *harness) lastDoc() (cchcbot.OutDocument, []byte) {
	h.t.Helper()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	if len(h.ch.docs) == 0 {
		h.t.Fatal("no document was sent")
	}
	return h.ch.docs[len(h.ch.docs)-1], h.ch.docBody[len(h.ch.docBody)-1]
}

func (h *harness) docCount() int {
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	return len(h.ch.docs)
}

func TestExportWorkbookInChat(t *testing.T) {
	h := statusSetup(t)
	h.clock.Set(at(2, 20, 9, 0))

	h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/xuat 02/2024"})
	doc, body := h.lastDoc()
	if doc.To != admin.ID || doc.Name != "tong-hop-cchc-bao-cao-thang-2024-02.xlsx" ||
		!strings.HasPrefix(doc.Caption, "Bảng tổng hợp tình hình nộp báo cáo CCHC Báo cáo CCHC tháng 02/2024 (1 kỳ báo cáo)") {
		t.Fatalf("document %q, caption %q", doc.Name, doc.Caption)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the workbook sent does not open: %v", err)
	}
	defer x.Close()
	rows, _ := x.GetRows("TH - Báo cáo CCHC")
	states := map[string]string{}
	for _, r := range rows {
		if len(r) > 2 {
			states[r[1]] = r[2] // the unit's name, its cell for the period
		}
	}
	for name, want := range map[string]string{
		"UBND xã Châu Lộc":  "Đúng hạn\n06/02/2024",
		"UBND xã Châu Đình": "Trễ 1 ngày\n16/02/2024",
		"UBND xã Đồng Hợp":  "Bị trả lại\nlần 1, 06/02",
		"UBND xã Châu Lý":   "Chưa nộp",
	} {
		if states[name] != want {
			t.Errorf("%s: %q, want %q", name, states[name], want)
		}
	}

	h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/xuat"})
	if doc, _ := h.lastDoc(); doc.Name != "tong-hop-cchc-nam-2024.xlsx" {
		t.Errorf("/xuat without argument sent %q, want this year's workbook", doc.Name)
	}
	n := h.docCount()
	wantText(t, h.say(admin, "/xuat 2099").Text, "Chưa có kỳ báo cáo nào năm 2099")
	wantText(t, h.say(admin, "/xuat 13/2024").Text, "Cú pháp: /xuat [năm hoặc kỳ báo cáo]")
	wantText(t, h.say(chairLoc, "/xuat 2024").Text, "chỉ dành cho cán bộ quản trị")
	if h.docCount() != n {
		t.Error("a refused /xuat sent a document")
	}
}

func TestArchiveInChat(t *testing.T) {
	h := statusSetup(t)
	h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/luutru 02/2024"})
	doc, body := h.lastDoc()
	if doc.Name != "bao-cao-thang-2024-02.zip" || !strings.Contains(doc.Caption, "3 tệp của 3/50 đơn vị") {
		t.Fatalf("document %q, caption %q", doc.Name, doc.Caption)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	want := "xa-chau-dinh - UBND xã Châu Đình - dinh.pdf|xa-chau-loc - UBND xã Châu Lộc - loc.pdf|xa-dong-hop - UBND xã Đồng Hợp - dh.pdf|00 - Danh mục tệp.csv"
	if strings.Join(names, "|") != want {
		t.Errorf("entries %q", names)
	}

	// Over the Bot API's 50 MB: the bot says so and names the command.
	sum, _, err := h.db.PutFile(h.ctx, strings.NewReader("%PDF big"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	big := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "van-phong", SubmittedBy: admin.ID, SubmittedAt: h.clock.Now(),
		Files: []cchcbot.File{{SHA256: sum, Size: 60 << 20, Name: "scan.pdf"}}}
	if err := h.db.CreateSubmission(h.ctx, big); err != nil {
		t.Fatal(err)
	}
	n := h.docCount()
	reply := h.say(admin, "/luutru 02/2024").Text
	wantText(t, reply, "vượt giới hạn 50 MB")
	wantText(t, reply, "cchcbot archive bao-cao-thang/2024-02 -o bao-cao-thang-2024-02.zip")
	if h.docCount() != n {
		t.Error("an archive over the limit was sent")
	}
	wantText(t, h.say(admin, "/luutru 01/2024").Text, "Báo cáo CCHC tháng 01/2024: chưa đơn vị nào nộp tệp")
	wantText(t, h.say(chairDinh, "/luutru 02/2024").Text, "chỉ dành cho cán bộ quản trị")
}

func TestSummaryInChat(t *testing.T) {
	h := statusSetup(t)
	text := h.say(admin, "/tonghop 02/2024").Text
	for _, want := range []string{
		"Báo cáo CCHC tháng 02/2024 (số liệu từ 12/01/2024 đến 12/02/2024), hạn nộp ngày 15/02/2024.\n",
		"Trong kỳ, 1/50 đơn vị nộp đúng hạn; 1 đơn vị nộp trễ: UBND xã Châu Đình (1 ngày); 1 đơn vị có báo cáo bị trả lại, chưa nộp lại: UBND xã Đồng Hợp; 47 đơn vị chưa nộp: xem danh sách dưới đây.",
		"Các đơn vị nộp trễ hạn (1):\n1. UBND xã Châu Đình – trễ 1 ngày (nộp ngày 16/02/2024).",
	} {
		wantText(t, text, want)
	}
	wantText(t, h.say(admin, "/tonghop 2/2099").Text, "Báo cáo CCHC tháng 02/2099 chưa bắt đầu nhận báo cáo (nhận từ 23/01/2099, hạn nộp 12/02/2099)")
	wantText(t, h.say(admin, "/tonghop 13/2024").Text, "Cú pháp: /tonghop")
}

// TestExportRefusedByTheNetwork: a network that refuses such a document
// (Zalo takes 5 MB at most) gets its reason told, with the command that
// makes the file on the server; not a "line" error.
func TestExportRefusedByTheNetwork(t *testing.T) {
	h := newHarness(t, testUnits())
	h.ch.docErr = cchcbot.Errorf(cchcbot.ETOOLARGE, "Zalo chỉ nhận tệp PDF, DOC, DOCX tối đa 5 MB.")
	m := h.say(admin, "/xuat 02/2024")
	wantText(t, m.Text, "Zalo chỉ nhận tệp PDF, DOC, DOCX tối đa 5 MB.", "cchcbot export")
	dontWantText(t, m.Text, "đường truyền")
}
