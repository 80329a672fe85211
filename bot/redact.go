package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redactor removes the token from any text: tgbotapi's network errors are
// *url.Error values whose text holds the whole request URL, token included.
// A URL shows the token escaped when it holds characters a URL may not
// (%22 for a quote), and a quoted error (%q) shows it with backslashes, so
// every such form is removed, not only the token as typed.
type redactor struct{ forms []string }

func newRedactor(token string) redactor {
	if token == "" {
		return redactor{}
	}
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token), (&url.URL{Path: token}).EscapedPath()}
	if s, err := url.PathUnescape(token); err == nil {
		forms = append(forms, s)
	}
	for _, f := range slices.Clone(forms) {
		q := strconv.Quote(f)
		forms = append(forms, q[1:len(q)-1])
	}
	// Longest first, so that no form is left half replaced by a shorter
	// one inside it.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	forms = slices.Compact(forms)
	forms = slices.DeleteFunc(forms, func(f string) bool { return f == "" })
	return redactor{forms: forms}
}

func (r redactor) String(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, "<redacted>")
	}
	return s
}

// redactedError keeps the chain (errors.As still finds *url.Error and
// net.Error) while its text never holds the token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func (r redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := r.String(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// client is the HTTP client tgbotapi uses for one call: its requests carry
// the call's context (tgbotapi has none of its own, so a request could not
// otherwise be cancelled) and every error is redacted.
type client struct {
	http *http.Client
	ctx  context.Context
	red  redactor
}

func (c *client) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req.WithContext(c.ctx))
	return resp, c.red.Error(err)
}

// redactingLogger stands in for tgbotapi's package logger, which
// GetUpdatesChan and Debug mode print through. It holds each token once,
// however many times the bot connects.
type redactingLogger struct {
	mu   sync.Mutex
	reds map[string]redactor
}

var tgLogger = &redactingLogger{}

func (l *redactingLogger) add(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.reds[token]; ok {
		return
	}
	if l.reds == nil {
		l.reds = map[string]redactor{}
	}
	l.reds[token] = newRedactor(token)
	tgbotapi.SetLogger(l)
}

func (l *redactingLogger) clean(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.reds {
		s = r.String(s)
	}
	return s
}

func (l *redactingLogger) Println(v ...any) { log.Print(l.clean(fmt.Sprintln(v...))) }

func (l *redactingLogger) Printf(format string, v ...any) {
	log.Print(l.clean(fmt.Sprintf(format, v...)))
}

var errNoToken = errors.New("telegram: empty token")
