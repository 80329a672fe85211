package chat

import (
	"strings"
	"unicode"
)

// Command is a parsed chat command.
type Command struct {
	Name string // lower-case, without the slash and any @botname; "" if not a command
	Arg  string // the rest, trimmed
	Args []string
}

// maxCommandLen bounds what is parsed: nobody types a 4,000-character
// command, and the argument is searched against unit names.
const maxCommandLen = 512

// ParseCommand parses "/Start@cchc_bot abc" into {start, abc}. Text that is
// not a command gives an empty Name.
func ParseCommand(text string) Command {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return Command{}
	}
	if len(text) > maxCommandLen {
		text = text[:maxCommandLen]
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		rest = head[i:] + " " + rest
		head = head[:i]
	}
	head, _, _ = strings.Cut(head, "@")
	name := strings.ToLower(head)
	for _, r := range name {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')) {
			return Command{}
		}
	}
	if name == "" {
		return Command{}
	}
	rest = strings.ToValidUTF8(strings.TrimSpace(rest), "")
	return Command{Name: name, Arg: rest, Args: strings.Fields(rest)}
}
