package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cchcbot/bot/telegramtest"
)

// TestRedactorForms: the token is removed as typed, URL-escaped (path or
// query) and Go-quoted, and an error keeps its chain.
func TestRedactorForms(t *testing.T) {
	for _, tok := range []string{"123456:AAE-plain_token", `123:a"b<c>`, "123:a b;c,d/ệ", "123:a%41b"} {
		r := newRedactor(tok)
		for _, form := range []string{tok, url.PathEscape(tok), url.QueryEscape(tok), (&url.URL{Path: tok}).EscapedPath(), strconv.Quote(tok)} {
			text := fmt.Sprintf(`Post "http://h/bot%s/sendMessage": EOF`, form)
			if got := r.String(text); strings.Contains(got, tok) || strings.Contains(got, url.PathEscape(tok)) || !strings.Contains(got, "<redacted>") {
				t.Errorf("token %q, form %q: redacted to %q", tok, form, got)
			}
		}
		inner := &url.Error{Op: "Post", URL: "http://h/bot" + url.PathEscape(tok) + "/getMe", Err: io.EOF}
		err := r.Error(inner)
		var ue *url.Error
		if strings.Contains(err.Error(), url.PathEscape(tok)) || !errors.As(err, &ue) || !errors.Is(err, io.EOF) {
			t.Errorf("token %q: error %v lost its chain or kept the token", tok, err)
		}
	}
	if got := newRedactor("").String("nothing to hide"); got != "nothing to hide" {
		t.Errorf("empty token changed the text: %q", got)
	}
}

// TestLoggerHoldsTokenOnce: connecting again and again (as the start-up
// does while the network is down) does not grow the logger's token list.
func TestLoggerHoldsTokenOnce(t *testing.T) {
	const tok = "654321:reconnect-token"
	srv := telegramtest.New(t, tok)
	tgLogger.mu.Lock()
	before := len(tgLogger.reds)
	if _, ok := tgLogger.reds[tok]; !ok {
		before++ // the first connection adds it (unless an earlier run of -count did)
	}
	tgLogger.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 5 {
		if _, err := New(ctx, Config{Token: tok, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Close()
	for range 5 { // failed connections too
		New(ctx, Config{Token: tok, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
	}
	tgLogger.mu.Lock()
	after := len(tgLogger.reds)
	tgLogger.mu.Unlock()
	if after != before {
		t.Errorf("the logger holds %d tokens after 10 connections with one, want %d", after, before)
	}
	if got := tgLogger.clean("GET /bot" + url.PathEscape(tok) + "/getMe"); strings.Contains(got, "reconnect-token") {
		t.Errorf("the logger left the token: %q", got)
	}
}

func TestUploadPace(t *testing.T) {
	p := pace{base: uploadBase, rate: uploadRate}
	for _, tc := range []struct {
		size int64
		want time.Duration
	}{
		{1, 30*time.Second + time.Second/32768},
		{100 << 10, 30*time.Second + 3125*time.Millisecond},
		{1 << 20, 62 * time.Second},
		{50 << 20, 30*time.Second + 1600*time.Second},
		{0, 30*time.Second + 1600*time.Second},  // unknown: Telegram's limit
		{-1, 30*time.Second + 1600*time.Second}, // likewise
	} {
		if got := p.timeout(tc.size); got != tc.want {
			t.Errorf("timeout(%d) = %v, want %v", tc.size, got, tc.want)
		}
	}
}
