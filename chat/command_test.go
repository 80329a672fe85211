package chat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct{ in, name, arg string }{
		{"/start abc", "start", "abc"},
		{"/Start@cchc_quyhop_bot  abc ", "start", "abc"},
		{"/START@cchc_quyhop_bot", "start", ""},
		{"  /STATUS   chau   loc ", "status", "chau   loc"},
		{"/tralai CCHC-2024-000001 Thiếu phụ lục", "tralai", "CCHC-2024-000001 Thiếu phụ lục"},
		{"/status\n02/2024", "status", "02/2024"},
		{"/status\t02/2024", "status", "02/2024"},
		{"/start\u00a0abc", "start", "abc"},
		{"/xem chau loc\n02/2024", "xem", "chau loc\n02/2024"},
		{"xin chào", "", ""},
		{"Báo cáo /status", "", ""},
		{"/", "", ""},
		{"/ status", "", ""},
		{"/trạngthái", "", ""}, // not a command a network would mark
		{"/@bot", "", ""},
		{"//status", "", ""},
		{"/" + strings.Repeat("a", 33), "", ""},
		{"/xem \xff\xfechau", "xem", "chau"},
	} {
		c := ParseCommand(tc.in)
		if c.Name != tc.name || c.Arg != tc.arg {
			t.Errorf("ParseCommand(%q) = %q %q, want %q %q", tc.in, c.Name, c.Arg, tc.name, tc.arg)
		}
		if strings.Join(c.Args, " ") != strings.Join(strings.Fields(tc.arg), " ") {
			t.Errorf("ParseCommand(%q).Args = %q", tc.in, c.Args)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start abc", "/Start@bot x y", "/tralai 1 lý do", "\x00/x", "/" + strings.Repeat("a", 600),
		"/xem \xff\xfe", "/status\n02/2024", "  /HUY  ", "/a@", "/start\u2028x", "/x " + strings.Repeat("đ", 300), "không phải lệnh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseCommand(s)
		if c.Name == "" {
			if c.Arg != "" || len(c.Args) != 0 {
				t.Fatalf("no command but an argument: %+v", c)
			}
			if c.String() != "" {
				t.Fatalf("String of no command = %q", c.String())
			}
			return
		}
		for _, r := range c.Name {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
				t.Fatalf("bad name %q", c.Name)
			}
		}
		if len(c.Name) > maxCommandName || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "/"+c.Name) {
			t.Fatalf("name %q is not what %q starts with", c.Name, s)
		}
		if !utf8.ValidString(c.Arg) || len(c.Arg) > maxCommandLen || c.Arg != strings.TrimSpace(c.Arg) {
			t.Fatalf("bad arg %q", c.Arg)
		}
		if strings.Join(c.Args, "\x00") != strings.Join(strings.Fields(c.Arg), "\x00") {
			t.Fatalf("Args %q do not split Arg %q", c.Args, c.Arg)
		}
		// Round trip: the canonical form parses back to the same command,
		// as does the form with a bot name and extra spaces.
		// (The decorated form only while it fits the parsed length.)
		for i, form := range []string{c.String(), "  /" + strings.ToUpper(c.Name) + "@some_bot   " + c.Arg + " "} {
			if i > 0 && len(strings.TrimSpace(form)) > maxCommandLen {
				continue
			}
			back := ParseCommand(form)
			if back.Name != c.Name || back.Arg != c.Arg {
				t.Fatalf("ParseCommand(%q) = %+v, want %+v (from %q)", form, back, c, s)
			}
		}
	})
}
