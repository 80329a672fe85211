package config

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
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
	slices.SortStableFunc(ps.list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return &Error{File: file, Problems: ps.list}
}

// yamlLine matches the "line N: " that yaml.v3 puts before its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns a yaml.v3 error into problems with lines. Syntax
// errors keep the library's English text (it is precise) behind a
// Vietnamese lead.
func yamlProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []Problem
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		p := Problem{Message: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Message = sm[2]
		}
		if te == nil {
			p.Message = "lỗi cú pháp YAML (syntax error): " + p.Message
		}
		out = append(out, p)
	}
	return out
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
