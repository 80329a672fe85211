package cchcbot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cchcbot"
)

// TestSplitText: parts stay within the limit in UTF-16 units (an emoji is
// two), break at line breaks when they can, never inside a character, and
// lose nothing but the line breaks they were cut at.
func TestSplitText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		limit int
		want  int // parts
	}{
		{"short", "Kính gửi: Chủ tịch UBND xã", 2000, 1},
		{"lines", strings.Repeat("Đơn vị số 01 chưa nộp.\n", 200), 2000, 3},
		{"one long line", strings.Repeat("ệ", 4500), 2000, 3},
		{"emoji", strings.Repeat("📎", 1500), 2000, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := cchcbot.SplitText(tc.text, tc.limit)
			if len(parts) != tc.want {
				t.Errorf("%d parts, want %d", len(parts), tc.want)
			}
			var joined strings.Builder
			for _, p := range parts {
				if n := cchcbot.UTF16Len(p); n > tc.limit {
					t.Errorf("a part of %d units, over %d", n, tc.limit)
				}
				if !utf8.ValidString(p) {
					t.Error("a part cut inside a character")
				}
				joined.WriteString(p)
			}
			if strings.ReplaceAll(joined.String(), "\n", "") != strings.ReplaceAll(tc.text, "\n", "") {
				t.Error("the parts do not add up to the text")
			}
		})
	}
}
