package chat

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSniff(t *testing.T) {
	var (
		pdf  = "%PDF-1.7\n%âãÏÓ\n1 0 obj"
		ole2 = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"
		zip  = "PK\x03\x04\x14\x00\x06\x00"
		rar4 = "Rar!\x1a\x07\x00\xcf\x90"
		rar5 = "Rar!\x1a\x07\x01\x00"
		jpeg = "\xFF\xD8\xFF\xE0\x00\x10JFIF"
		png  = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
		exe  = "MZ\x90\x00\x03\x00\x00\x00"
		elf  = "\x7fELF\x02\x01\x01"
		html = "<html><body><table>"
		rtf  = `{\rtf1\ansi\deff0`
	)
	for _, tc := range []struct {
		name, file, body string
		ok               bool
	}{
		{"pdf", "bc.pdf", pdf, true},
		{"pdf after a scanner's preamble", "scan.pdf", strings.Repeat(" ", 200) + pdf, true},
		{"pdf upper-case extension", "BC.PDF", pdf, true},
		{"doc", "bc.doc", ole2, true},
		{"doc saved as rich text", "bc.doc", rtf, true},
		{"xls", "so-lieu.xls", ole2, true},
		{"docx", "bc.docx", zip, true},
		{"xlsx", "so-lieu.xlsx", zip, true},
		{"odt", "bc.odt", zip, true},
		{"ods", "so-lieu.ods", zip, true},
		{"zip", "ho-so.zip", zip, true},
		{"rar 4", "ho-so.rar", rar4, true},
		{"rar 5", "ho-so.rar", rar5, true},
		{"jpg", "trang-1.jpg", jpeg, true},
		{"jpeg", "trang-1.jpeg", jpeg, true},
		{"png", "trang-1.png", png, true},
		{"a jpeg named png is still a picture", "trang-1.png", jpeg, true},

		{"exe renamed pdf", "bc.pdf", exe, false},
		{"exe renamed docx", "bc.docx", exe, false},
		{"elf renamed zip", "ho-so.zip", elf, false},
		{"html renamed xls", "so-lieu.xls", html, false},
		{"pdf renamed docx", "bc.docx", pdf, false},
		{"docx renamed doc", "bc.doc", zip, false},
		{"zip renamed rar", "ho-so.rar", zip, false},
		{"pdf renamed jpg", "trang.jpg", pdf, false},
		{"pdf header too late", "bc.pdf", strings.Repeat(" ", 1100) + pdf, false},
		{"empty pdf", "bc.pdf", "", false},
		{"truncated zip header", "bc.docx", "PK\x03", false},
		{"truncated jpeg header", "a.jpg", "\xFF\xD8", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := sniff(tc.file, strings.NewReader(tc.body))
			var mm *contentMismatch
			if tc.ok {
				if err != nil {
					t.Fatalf("sniff(%q) = %v, want accepted", tc.file, err)
				}
				got, _ := io.ReadAll(r)
				if string(got) != tc.body {
					t.Fatalf("the stream after sniffing is %q, want the whole file %q", got, tc.body)
				}
				return
			}
			if !errors.As(err, &mm) {
				t.Fatalf("sniff(%q) = %v, want a content mismatch", tc.file, err)
			}
			wantText(t, mm.message(), tc.file, "KHÔNG được nhận", "gửi lại", allowedList)
		})
	}
}

// TestSniffReadError: a network failure while reading the first bytes is a
// download failure (retried), not a verdict on the file.
func TestSniffReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := sniff("bc.pdf", iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the read error", err)
	}
}

// TestSniffLongStream: a file longer than what is sniffed comes through
// whole, in order.
func TestSniffLongStream(t *testing.T) {
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789"), 1000)...)
	r, err := sniff("bc.pdf", iotest.OneByteReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if !bytes.Equal(got, body) {
		t.Fatalf("got %d bytes, want %d, the same", len(got), len(body))
	}
}

// Every extension fileName takes has a content family, so none escapes the
// check.
func TestEveryAllowedExtensionIsSniffed(t *testing.T) {
	for ext := range allowedExt {
		if _, ok := familyOf[ext]; !ok {
			t.Errorf("%s is allowed but has no content check", ext)
		}
	}
}

// blobs lists the report files in the store, without its temp dir.
func (h *harness) blobs() []string {
	h.t.Helper()
	var out []string
	root := filepath.Join(h.db.Dir(), "files")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			if entries, _ := os.ReadDir(path); len(entries) > 0 {
				h.t.Errorf("%d uploads left in %s", len(entries), path)
			}
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, d.Name())
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// TestRenamedExecutableIsRefused: a program renamed .pdf passes the name
// check when sent, is found out when downloaded, and leaves nothing: no
// submission, no blob; the member is told what to send and may go on.
func TestRenamedExecutableIsRefused(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 4096)...)

	pick := h.send(chairLoc, file{Name: "Bao cao thang 2.pdf", Body: exe})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "Bao cao thang 2.pdf", "nội dung không phải PDF", "KHÔNG được nhận", "CHƯA được nộp", allowedList, "gửi lại tệp đúng định dạng")
	dontWantText(t, m.Text, "BIÊN NHẬN", "quá lớn")
	if subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 0 {
		t.Fatalf("a refused file was recorded: %+v", subs)
	}
	if b := h.blobs(); len(b) != 0 {
		t.Fatalf("a refused file left blobs: %v", b)
	}
	d, ok := h.draft(chairLoc)
	if !ok || len(d.Files) != 0 || d.Stage != stageFile {
		t.Fatalf("draft after the refusal = %+v (ok %v); want it kept, empty, waiting for a file", d, ok)
	}
	if !strings.Contains(h.logs.String(), "content does not match") {
		t.Errorf("the refusal was not logged:\n%s", h.logs.String())
	}

	// The real report then goes through, and only it is stored.
	h.send(chairLoc, file{Name: "Bao cao thang 2.pdf", Body: []byte("%PDF-1.7 báo cáo")})
	r, _ := h.press(chairLoc, h.last(chairLoc, h.sentTo(chairLoc)), "Bỏ qua")
	r, _ = h.press(chairLoc, r, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN")
	if b := h.blobs(); len(b) != 1 {
		t.Fatalf("blobs after the good file = %v, want 1", b)
	}
}

// TestMismatchAmongSeveralFiles: one bad appendix is taken out of the
// draft; the report itself can still be confirmed.
func TestMismatchAmongSeveralFiles(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF-1.7 bc")})
	pick := h.send(chairLoc, file{Name: "phu-luc.xlsx", Body: []byte("MZ not a workbook")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "phu-luc.xlsx", "DOCX/XLSX", "CHƯA được nộp", "nộp 1 tệp còn lại")
	if subs := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(subs) != 0 {
		t.Fatalf("recorded with a refused file: %+v", subs)
	}
	r, _ := h.press(chairLoc, m, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN", "Tệp 1: bc.pdf")
	dontWantText(t, r.Text, "phu-luc.xlsx")
}
