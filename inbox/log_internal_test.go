package inbox

import (
	"strings"
	"testing"
)

func TestCommandName(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"xin chào", ""},
		{"/trangthai", "/trangthai"},
		{"/start ABCDEF123", "/start"},
		{"/start\nABCDEF123", "/start"},
		{"/start\tABCDEF123", "/start"},
		{"/start\u00a0ABCDEF123", "/start"}, // a no-break space from a phone keyboard
		{"/start@cchc_bot ABCDEF123", "/start@cchc_bot"},
		{"/" + strings.Repeat("ệ", 40), "/" + strings.Repeat("ệ", 21)},
	} {
		if got := commandName(tc.text); got != tc.want {
			t.Errorf("commandName(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
