package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cchcbot"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct{ in, name, arg string }{
		{"/start abc", "start", "abc"},
		{"/Start@cchc_quyhop_bot  abc ", "start", "abc"},
		{"  /STATUS   chau   loc ", "status", "chau   loc"},
		{"/tralai CCHC-2024-000001 Thiếu phụ lục", "tralai", "CCHC-2024-000001 Thiếu phụ lục"},
		{"/status\n02/2024", "status", "02/2024"},
		{"xin chào", "", ""},
		{"/", "", ""},
		{"/trạngthái", "", ""}, // not a command Telegram would mark
		{"/@bot", "", ""},
	} {
		c := ParseCommand(tc.in)
		if c.Name != tc.name || c.Arg != tc.arg {
			t.Errorf("ParseCommand(%q) = %q %q, want %q %q", tc.in, c.Name, c.Arg, tc.name, tc.arg)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start abc", "/Start@bot x y", "/tralai 1 lý do", "\x00/x", "/" + strings.Repeat("a", 600), "/xem \xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseCommand(s)
		if c.Name == "" && (c.Arg != "" || len(c.Args) != 0) {
			t.Fatalf("no command but an argument: %+v", c)
		}
		if c.Name != strings.ToLower(c.Name) || strings.ContainsAny(c.Name, "@/ ") {
			t.Fatalf("bad name %q", c.Name)
		}
		if !utf8.ValidString(c.Arg) || len(c.Arg) > maxCommandLen {
			t.Fatalf("bad arg %q", c.Arg)
		}
	})
}

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

func TestFindUnits(t *testing.T) {
	units := []cchcbot.Unit{
		{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc"},
		{Code: "xa-chau-ly", Name: "UBND xã Châu Lý"},
		{Code: "xa-dong-hop", Name: "UBND xã Đồng Hợp"},
		{Code: "tt-quy-hop", Name: "UBND thị trấn Quỳ Hợp"},
		{Code: "phong-noi-vu", Name: "Phòng Nội vụ"},
		{Code: "xa-cu", Name: "UBND xã Cũ", Retired: true},
	}
	for q, want := range map[string]string{
		"chau loc":     "xa-chau-loc",
		"CHAULOC":      "xa-chau-loc",
		"Châu Lộc":     "xa-chau-loc",
		"xa-chau-ly":   "xa-chau-ly",
		"dong hop":     "xa-dong-hop",
		"Đồng Hợp":     "xa-dong-hop",
		"quy hop":      "tt-quy-hop",
		"noi vu":       "phong-noi-vu",
		"chau":         "xa-chau-loc xa-chau-ly",
		"hop":          "xa-dong-hop tt-quy-hop",
		"cu":           "",
		"không có đâu": "",
	} {
		var got []string
		for _, u := range findUnits(units, q) {
			got = append(got, u.Code)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("findUnits(%q) = %v, want %s", q, got, want)
		}
	}
}
