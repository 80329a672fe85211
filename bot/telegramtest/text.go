package telegramtest

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Telegram's limits on a message text and a file caption, in UTF-16 code
// units after entity parsing: an emoji outside the BMP counts two.
const (
	MaxMessageLength = 4096
	MaxCaptionLength = 1024
)

// checkText validates a text or caption the way Telegram does: the parse
// mode must be known, HTML must parse, the visible text (markup removed,
// white space trimmed) must not be empty when required and must fit limit.
// Markdown modes are not parsed: their raw length is used, which can only
// be stricter than Telegram.
func checkText(text, parseMode string, limit int, tooLong, empty string) *apiError {
	visible := text
	switch strings.ToLower(parseMode) {
	case "":
	case "markdown", "markdownv2":
	case "html":
		var err string
		if visible, err = stripHTML(text); err != "" {
			return badRequest("can't parse entities: " + err)
		}
	default:
		return badRequest("unsupported parse_mode")
	}
	visible = strings.TrimSpace(visible)
	if visible == "" && empty != "" {
		return badRequest(empty)
	}
	if utf16Len(visible) > limit {
		return badRequest(tooLong)
	}
	return nil
}

// utf16Len counts s in UTF-16 code units, Telegram's unit for lengths and
// entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// stripHTML returns the visible text of Telegram-flavoured HTML, or the
// reason Telegram would refuse it: an unknown or unclosed tag, or an
// unmatched end tag. Entities (&lt; &#233; ...) count as one character; a
// bare "&" that starts no entity is taken literally, as Telegram does.
func stripHTML(s string) (string, string) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", "Unclosed start tag at byte offset " + strconv.Itoa(i)
			}
			tag := s[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.ToLower(strings.TrimPrefix(tag, "/"))
			if sp := strings.IndexAny(name, " \t\n"); sp >= 0 {
				name = name[:sp]
			}
			switch {
			case !htmlTags[name] && closing:
				return "", "Unexpected end tag at byte offset " + strconv.Itoa(i)
			case !htmlTags[name]:
				return "", "Unsupported start tag \"" + name + "\" at byte offset " + strconv.Itoa(i)
			case closing && (len(open) == 0 || open[len(open)-1] != name):
				return "", "Unmatched end tag at byte offset " + strconv.Itoa(i) + ", expected \"</" + last(open) + ">\", found \"</" + name + ">\""
			case closing:
				open = open[:len(open)-1]
			default:
				open = append(open, name)
			}
			i += end + 1
		case '&':
			if r, n := htmlEntity(s[i:]); n > 0 {
				out.WriteRune(r)
				i += n
				continue
			}
			out.WriteByte('&')
			i++
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			out.WriteString(s[i : i+n])
			i += n
		}
	}
	if len(open) > 0 {
		return "", "Can't find end tag corresponding to start tag \"" + open[len(open)-1] + "\""
	}
	return out.String(), ""
}

func last(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[len(ss)-1]
}

// htmlEntity decodes the entity at the start of s: the four named ones
// Telegram documents or a numeric one. n is 0 if there is none.
func htmlEntity(s string) (r rune, n int) {
	semi := strings.IndexByte(s, ';')
	if semi < 0 || semi > 10 {
		return 0, 0
	}
	name := s[1:semi]
	switch name {
	case "lt":
		return '<', semi + 1
	case "gt":
		return '>', semi + 1
	case "amp":
		return '&', semi + 1
	case "quot":
		return '"', semi + 1
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = hex, 16
		}
		if v, err := strconv.ParseUint(num, base, 21); err == nil && utf8.ValidRune(rune(v)) {
			return rune(v), semi + 1
		}
	}
	return 0, 0
}
