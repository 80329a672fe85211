package zalo

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// secrets is every secret the adapter holds: the app secret, the OA's
// secret key and the tokens it has seen. Every error the adapter returns
// and every line it logs passes through clean, so that none of them can
// show one, whatever Zalo or net/http put in a message.
type secrets struct {
	mu    sync.Mutex
	fixed []string
	seen  []string // tokens, newest last, at most maxSeenTokens
}

// maxSeenTokens bounds the tokens remembered: the current pair, the pair
// before it and a few refresh tokens given at bootstrap are plenty, since
// an older token can only turn up in an error of a call made with it.
const maxSeenTokens = 16

func newSecrets(fixed ...string) *secrets {
	s := &secrets{}
	for _, f := range fixed {
		s.fixed = append(s.fixed, forms(f)...)
	}
	return s
}

// add remembers tokens to remove from any later text.
func (s *secrets) add(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tokens {
		if t == "" || slices.Contains(s.seen, t) {
			continue
		}
		s.seen = append(s.seen, t)
	}
	if n := len(s.seen) - maxSeenTokens; n > 0 {
		s.seen = slices.Delete(s.seen, 0, n)
	}
}

// forms returns the ways a secret can be written: as is, escaped for a
// URL or a form, and quoted (%q).
func forms(secret string) []string {
	if secret == "" {
		return nil
	}
	out := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, f := range slices.Clone(out) {
		q := strconv.Quote(f)
		out = append(out, q[1:len(q)-1])
	}
	return out
}

// String returns text with every form of every secret replaced.
func (s *secrets) String(text string) string {
	s.mu.Lock()
	all := slices.Clone(s.fixed)
	for _, t := range s.seen {
		all = append(all, forms(t)...)
	}
	s.mu.Unlock()
	// Longest first, so that no form is left half replaced by a shorter
	// one inside it.
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	for _, f := range all {
		if f != "" {
			text = strings.ReplaceAll(text, f, "<redacted>")
		}
	}
	return text
}

// redactedError keeps err's chain for errors.As while its text holds no
// secret and no URL query.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Error returns err with its text cleaned: secrets removed, and the query
// of any URL net/http put in it (a file URL's query may hold a token)
// dropped.
func (s *secrets) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = strings.ReplaceAll(msg, ue.URL, stripQuery(ue.URL))
	}
	clean := s.String(msg)
	if clean == err.Error() {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// stripQuery returns raw without its query, user info and fragment, for a
// log line or an error.
func stripQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<url>"
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	return u.String()
}
