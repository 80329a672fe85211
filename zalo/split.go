package zalo

import (
	"strings"
	"unicode/utf16"
)

// MaxMessageLength is Zalo's limit on a text message: 2,000 characters.
// They are counted here in UTF-16 code units, which is never fewer than
// characters, so a part is within the limit however Zalo counts.
const MaxMessageLength = 2000

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// splitText cuts text into messages within the limit, at line breaks when
// possible, never inside a character (as package bot does for Telegram).
func splitText(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); s != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf16Len(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit { // a single line longer than a message
			var chunk strings.Builder
			cl := 0
			rest := []rune(line)
			i := 0
			for ; i < len(rest); i++ {
				w := utf16Len(string(rest[i]))
				if cl+w > limit {
					break
				}
				chunk.WriteRune(rest[i])
				cl += w
			}
			parts = append(parts, chunk.String())
			line = string(rest[i:])
			n = utf16Len(line)
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return parts
}
