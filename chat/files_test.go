package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cchcbot"
)

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"Báo cáo tháng 2.pdf":              "Báo cáo tháng 2.pdf",
		"../../etc/passwd":                 "passwd",
		`C:\Users\xa\bao-cao.docx`:         "bao-cao.docx",
		"bao\x00cao\n.pdf":                 "baocao.pdf",
		"hoa-don\u202Efdp.exe":             "hoa-donfdp.exe", // the RTL override that disguises an .exe
		"":                                 "tep-khong-ten",
		"..":                               "tep-khong-ten",
		strings.Repeat("a", 1000) + ".pdf": strings.Repeat("a", 116) + ".pdf",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a.pdf", "../x", "\u202Eexe.pdf", strings.Repeat("đ", 500)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanName(s)
		if got == "" || strings.ContainsAny(got, "/\\\x00\n") || got == ".." || utf8.RuneCountInString(got) > 120 {
			t.Fatalf("cleanName(%q) = %q", s, got)
		}
	})
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct {
		f    cchcbot.IncomingFile
		name string
		ok   bool
	}{
		{cchcbot.IncomingFile{Name: "Báo cáo.PDF"}, "Báo cáo.PDF", true},
		{cchcbot.IncomingFile{Name: "bang.ods"}, "bang.ods", true},
		{cchcbot.IncomingFile{Name: "hoso.rar"}, "hoso.rar", true},
		{cchcbot.IncomingFile{Name: "scan.jpeg"}, "scan.jpeg", true},
		{cchcbot.IncomingFile{Name: "a.exe"}, "a.exe", false},
		{cchcbot.IncomingFile{Name: "a.pdf.exe"}, "a.pdf.exe", false},
		{cchcbot.IncomingFile{Name: "ghi-chu.txt"}, "ghi-chu.txt", false},
		{cchcbot.IncomingFile{Name: "", Photo: true}, "anh-3.jpg", true},
		{cchcbot.IncomingFile{Name: "anh-AQAD.jpg", Photo: true}, "anh-AQAD.jpg", true},
	} {
		name, ok := fileName(tc.f, 3)
		if name != tc.name || ok != tc.ok {
			t.Errorf("fileName(%+v) = %q %v, want %q %v", tc.f, name, ok, tc.name, tc.ok)
		}
	}
}

func TestSizeVN(t *testing.T) {
	for n, want := range map[int64]string{0: "0 byte", 999: "999 byte", 2048: "2 KB", 20 << 20: "20 MB", 3 << 19: "1,5 MB"} {
		if got := sizeVN(n); got != want {
			t.Errorf("sizeVN(%d) = %q, want %q", n, got, want)
		}
	}
}
