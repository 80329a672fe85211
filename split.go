package cchcbot

import (
	"strings"
	"unicode/utf16"
)

// UTF16Len is the length of s in UTF-16 code units, the unit Telegram
// counts a message's length in; never fewer than its characters, so a text
// within a limit in these units is within it however a network counts.
func UTF16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// SplitText cuts text into messages of at most limit UTF-16 code units,
// at line breaks when possible, never inside a character: a network's
// limit on one message (Telegram's 4,096, Zalo's 2,000).
func SplitText(text string, limit int) []string {
	if UTF16Len(text) <= limit {
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
		n := UTF16Len(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit { // a single line longer than a message
			var chunk strings.Builder
			cl := 0
			rest := []rune(line)
			i := 0
			for ; i < len(rest); i++ {
				w := UTF16Len(string(rest[i]))
				if cl+w > limit {
					break
				}
				chunk.WriteRune(rest[i])
				cl += w
			}
			parts = append(parts, chunk.String())
			line = string(rest[i:])
			n = UTF16Len(line)
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return parts
}
