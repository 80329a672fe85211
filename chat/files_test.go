package chat

import (
	"path"
	"strings"
	"testing"
	"unicode"
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

// FuzzCleanName: whatever a sender calls a file, the name shown and logged
// is valid UTF-8 with no path separator, control or format (Cf: RTL
// override, zero-width) character, at most 120 runes, never empty, "." or
// "..", trimmed, and cleaning it again changes nothing. A name that is
// already clean and short is kept as is, and a long one keeps its
// extension. Seeds: below and testdata/fuzz/FuzzCleanName.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a.pdf", "../x", "\u202Eexe.pdf", strings.Repeat("đ", 500),
		"../../etc/passwd", "..\\..\\x.pdf", "\u202Egpj.exe", "hoa-don\u202Efdp.exe", "a\u200b\u200d\ufeff.pdf",
		strings.Repeat("a", 1000), strings.Repeat("a", 1000) + ".pdf", strings.Repeat("a", 1000) + ".abcdefghijklmnop",
		strings.Repeat("a", 119) + " .pdf", strings.Repeat("a", 119) + " b", strings.Repeat(" ", 200) + "x",
		"bao\x00cao.pdf", "\x00", "\x00\x00..\x00", ".", "..", "...", " .. ", "/", "\\", "a/", "C:\\Users\\x\\bao cao.docx",
		"\xff\xfe.pdf", "a\u2028b.pdf", "\u0085x", "x\ty.pdf", "\u061c\u2066a\u2069.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanName(s)
		if got == "" || got == "." || got == ".." || !utf8.ValidString(got) || utf8.RuneCountInString(got) > 120 {
			t.Fatalf("cleanName(%q) = %q", s, got)
		}
		for _, r := range got {
			if r == '/' || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("cleanName(%q) = %q keeps %U", s, got, r)
			}
		}
		if got != strings.TrimSpace(got) {
			t.Fatalf("cleanName(%q) = %q is not trimmed", s, got)
		}
		if again := cleanName(got); again != got {
			t.Fatalf("cleanName(%q) = %q, cleaned again %q", s, got, again)
		}
		// A clean short name is kept; a long one is cut keeping a short
		// extension.
		clean := utf8.ValidString(s) && strings.TrimSpace(s) == s && !strings.ContainsAny(s, "/\\") && s != "" && s != "." && s != ".."
		for _, r := range s {
			clean = clean && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r)
		}
		if clean && utf8.RuneCountInString(s) <= 120 && got != s {
			t.Fatalf("cleanName(%q) = %q changed a clean name", s, got)
		}
		if ext := path.Ext(s); clean && utf8.RuneCountInString(s) > 120 && utf8.RuneCountInString(ext) <= 10 && !strings.HasSuffix(got, ext) {
			t.Fatalf("cleanName(%q) = %q lost the extension %q", s, got, ext)
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
