package config

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

func errEOF() error { return io.EOF }

var fieldNotFound = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)

// cleanYAMLError rewrites yaml.v3's messages for staff: "line 12: field
// remiders not found in type config.raw" becomes `12: unknown key
// "remiders" (did you mean "reminders"?)`.
func cleanYAMLError(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	var out []string
	for _, e := range te.Errors {
		if m := fieldNotFound.FindStringSubmatch(e); m != nil {
			msg := fmt.Sprintf("%s: unknown key %q", m[1], m[2])
			if s := suggest(m[2]); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			out = append(out, msg)
			continue
		}
		line, rest, ok := strings.Cut(strings.TrimPrefix(e, "line "), ": ")
		if ok {
			out = append(out, line+": "+rest)
		} else {
			out = append(out, e)
		}
	}
	return strings.Join(out, "; ")
}

// checkKeys catches what must be refused before decoding: a token in the
// file.
func checkKeys(root *yaml.Node, name string) error {
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i]; k.Value == "token" || k.Value == "bot_token" {
					return fmt.Errorf("%s:%d: key %q is not allowed: the bot token is read only from the environment variable %s, never from the file", name, k.Line, k.Value, TokenEnv)
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

// knownKeys is every key the file may hold, for "did you mean".
var knownKeys = func() []string {
	seen := map[string]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != "" && !seen[tag] {
				seen[tag] = true
				visit(f.Type)
			}
		}
	}
	visit(reflect.TypeOf(raw{}))
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys) // ties in "did you mean" resolve the same way every time
	return keys
}()

func suggest(key string) string {
	best, bestD := "", 3
	for _, k := range knownKeys {
		if d := levenshtein(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
