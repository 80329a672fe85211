package config

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one fault found in a configuration file, at the line where
// staff should look.
type Problem struct {
	Line    int    // 1-based; 0 when the fault has no place (an empty file)
	Message string // for staff: names the key as written in the file
}

// Error lists every problem found in one file, so that staff fix them all
// in one pass instead of one per restart.
type Error struct {
	File     string
	Problems []Problem
}

// Error formats one problem per line, as compilers do: "config.yaml:12: ...".
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": " + p.Message)
	}
	return b.String()
}

// problems collects the faults of one file.
type problems struct {
	list []Problem
}

func (ps *problems) addf(line int, format string, args ...any) {
	ps.list = append(ps.list, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems in file order, nil if there are none.
func (ps *problems) err(file string) error {
	if len(ps.list) == 0 {
		return nil
	}
	sortProblems(ps.list)
	return &Error{File: file, Problems: ps.list}
}

// sortProblems puts list in file order, keeping the order of each line's.
func sortProblems(list []Problem) {
	slices.SortStableFunc(list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}

// tokenShape is what a Telegram bot token looks like ("123456:AA...").
var tokenShape = regexp.MustCompile(`\d{5,}:[A-Za-z0-9_-]{30,}`)

// quote returns v quoted for a message, shortened, and withheld when it
// looks like a bot token: a token pasted into the wrong key must not reach
// a log through the error that rejects it.
func quote(v string) string {
	if tokenShape.MatchString(v) {
		return "(giá trị trông như mã bot, không hiển thị)"
	}
	const max = 40
	if utf8.RuneCountInString(v) > max {
		v = string([]rune(v)[:max]) + "…"
	}
	return strconv.Quote(v)
}
