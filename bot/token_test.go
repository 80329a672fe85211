package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
)

// leakyTokens are tokens as typed into a config, well-formed or not: the
// second and third hold characters a URL escapes, so errors would show
// them as %22 or %20. Each holds "Xsecret", which no log or error may.
var leakyTokens = []string{
	"123456:TEST-token-Xsecret",
	`123456:Zq"Xsecret<>`,
	"123456:Zq Xsecret;,ệ",
}

// tokenLeaks returns the forms of token found in text.
func tokenLeaks(text, token string) []string {
	var found []string
	for _, f := range []string{token, url.PathEscape(token), url.QueryEscape(token), "Xsecret"} {
		if strings.Contains(text, f) {
			found = append(found, f)
		}
	}
	return found
}

// TestTokenNeverLeaks: network failures of every call, a failed getMe and
// the poller's logs hold the token in no form, escaped or quoted.
func TestTokenNeverLeaks(t *testing.T) {
	for _, tok := range leakyTokens {
		t.Run(tok, func(t *testing.T) {
			srv := telegramtest.New(t, tok)
			logs := &logBuffer{}
			tctx, cancel := context.WithCancel(ctx)
			defer cancel()
			tg, err := bot.New(tctx, bot.Config{Token: tok, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(),
				PollTimeout: time.Second, Logger: slog.New(slog.NewTextHandler(logs, nil))})
			if err != nil {
				t.Fatalf("the fake server refused the token: %v", err)
			}
			fid := srv.AddFile("a.pdf", "application/pdf", []byte("x"))
			// A download cut short after getFile answered: its error
			// holds the file URL.
			srv.HangNext("download", 1)
			dctx, dcancel := context.WithCancel(ctx)
			downloaded := make(chan error, 1)
			go func() {
				_, err := tg.FetchFile(dctx, cchcbot.IncomingFile{ChannelFileID: fid})
				downloaded <- err
			}()
			waitUntil(t, func() bool { return srv.Requests("download") == 1 })
			dcancel()
			downloadErr := <-downloaded

			srv.Close() // every request now fails at the network level
			to := cchcbot.TelegramUser(1)
			calls := map[string]error{"download": downloadErr}
			_, calls["send"] = tg.Send(ctx, cchcbot.OutMessage{To: to, Text: "x"})
			calls["edit"] = tg.Edit(ctx, cchcbot.MessageRef{To: to, ID: "1"}, "x", nil)
			_, calls["upload"] = tg.SendDocument(ctx, cchcbot.OutDocument{To: to, Name: "a.pdf", Size: 1,
				Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }})
			_, calls["getFile"] = tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: fid})
			calls["answer"] = tg.AnswerCallback(ctx, "1", "x")
			calls["commands"] = tg.SetCommands(ctx, []cchcbot.Command{{Name: "a", Description: "b"}}, nil, nil)
			_, calls["getMe"] = bot.New(ctx, bot.Config{Token: tok, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
			for name, err := range calls {
				if err == nil {
					t.Errorf("%s succeeded against a closed server", name)
					continue
				}
				if l := tokenLeaks(err.Error(), tok); len(l) > 0 {
					t.Errorf("%s's error leaks %q: %v", name, l, err)
				}
				var temp *cchcbot.TemporaryError
				if name != "commands" && name != "download" && !errors.As(err, &temp) {
					t.Errorf("%s's network error is not temporary: %v", name, err)
				}
			}
			// The poller logs its failures; they must be redacted too.
			r := runBot(t, tg, newMemInbox(), handlerFunc(func(context.Context, cchcbot.Incoming) error { return nil }), fastRetry)
			waitUntil(t, func() bool { return strings.Count(logs.String(), "getUpdates failed") >= 2 })
			r.stop()
			if l := tokenLeaks(logs.String(), tok); len(l) > 0 {
				t.Errorf("logs leak %q:\n%s", l, logs.String())
			}
		})
	}
}

// TestNewErrors: a refused token is ErrUnauthorized, for which retrying
// cannot help; any other failure of getMe is redacted and classified, so
// that a caller retrying the connection counts it as a failed poll.
func TestNewErrors(t *testing.T) {
	srv := telegramtest.New(t, "other:token")
	_, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
	if !errors.Is(err, bot.ErrUnauthorized) || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "TEST-token") {
		t.Errorf("bad token err = %v, want ErrUnauthorized", err)
	}

	srv = telegramtest.New(t, token)
	var temp *cchcbot.TemporaryError
	for _, fail := range []func(){
		func() { srv.FailNext("getMe", 1, 502) },
		func() { srv.FailNext("getMe", 1, 500) },
		func() { srv.ResetConnection("getMe", 1) },
	} {
		fail()
		_, err = bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
		if !errors.As(err, &temp) || errors.Is(err, bot.ErrUnauthorized) || strings.Contains(err.Error(), "TEST-token") {
			t.Errorf("getMe failure err = %v, want a redacted TemporaryError", err)
		}
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := bot.New(cctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled getMe err = %v, want context.Canceled", err)
	}
}
