package bot

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redactor removes the token from any text: tgbotapi's network errors are
// *url.Error values whose text holds the whole request URL, token included.
type redactor struct{ token string }

func (r redactor) String(s string) string {
	if r.token == "" {
		return s
	}
	return strings.ReplaceAll(s, r.token, "<redacted>")
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
	if !strings.Contains(msg, r.token) {
		return err
	}
	return &redactedError{msg: r.String(msg), err: err}
}

// client is the HTTP client tgbotapi uses: every request carries the bot's
// lifetime context (tgbotapi has none, so a long poll could not otherwise
// be cancelled) and every error is redacted.
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
// GetUpdatesChan and Debug mode print through.
type redactingLogger struct {
	mu     sync.Mutex
	tokens []string
}

var tgLogger = &redactingLogger{}

func (l *redactingLogger) add(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, token)
	tgbotapi.SetLogger(l)
}

func (l *redactingLogger) clean(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range l.tokens {
		s = strings.ReplaceAll(s, t, "<redacted>")
	}
	return s
}

func (l *redactingLogger) Println(v ...any) { log.Print(l.clean(fmt.Sprintln(v...))) }

func (l *redactingLogger) Printf(format string, v ...any) {
	log.Print(l.clean(fmt.Sprintf(format, v...)))
}

var errNoToken = errors.New("telegram: empty token")
