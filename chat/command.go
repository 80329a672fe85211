package chat

import (
	"strings"
	"unicode"
)

// Command is a parsed chat command.
type Command struct {
	Name string   // lower-case ASCII, without the slash and any @botname; "" if not a command
	Arg  string   // the rest, trimmed, valid UTF-8
	Args []string // Arg split on white space
}

// maxCommandLen bounds what is parsed: nobody types a 4,000-character
// command, and the argument is searched against unit names.
const maxCommandLen = 512

// maxCommandName is Telegram's limit on a command's name, and a sane one
// for any network.
const maxCommandName = 32

// ParseCommand parses "/Start@cchc_bot abc" into {start, abc}: the name is
// case-folded and loses its @botname, the argument is trimmed. Text that is
// not a command gives the zero Command.
func ParseCommand(text string) Command {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return Command{}
	}
	if len(text) > maxCommandLen {
		text = text[:maxCommandLen]
	}
	head, rest := text[1:], ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, rest = head[:i], head[i:]
	}
	head, _, _ = strings.Cut(head, "@")
	if head == "" || len(head) > maxCommandName {
		return Command{}
	}
	for _, r := range head {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_') {
			return Command{}
		}
	}
	name := strings.ToLower(head)
	arg := strings.TrimSpace(strings.ToValidUTF8(rest, ""))
	return Command{Name: name, Arg: arg, Args: strings.Fields(arg)}
}

// String formats c as it would be typed: "/name arg". ParseCommand of it
// gives c back.
func (c Command) String() string {
	if c.Name == "" {
		return ""
	}
	if c.Arg == "" {
		return "/" + c.Name
	}
	return "/" + c.Name + " " + c.Arg
}
