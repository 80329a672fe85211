package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
)

// TestCallContextReachesRequest: each call's context reaches its HTTP
// request, so cancelling a handler or an outbound job aborts a request
// that hangs, at once and with the context's error, long before the API
// client's timeout (16 s here).
func TestCallContextReachesRequest(t *testing.T) {
	to := cchcbot.TelegramUser(alice.ID)
	upload := cchcbot.OutDocument{To: to, Name: "a.xlsx", Size: 4,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("PK..")), nil }}
	for _, tc := range []struct {
		method string // the request that hangs
		call   func(ctx context.Context, tg *bot.Telegram, fid string) error
	}{
		{"sendMessage", func(ctx context.Context, tg *bot.Telegram, _ string) error {
			_, err := tg.Send(ctx, cchcbot.OutMessage{To: to, Text: "x"})
			return err
		}},
		{"editMessageText", func(ctx context.Context, tg *bot.Telegram, _ string) error {
			return tg.Edit(ctx, cchcbot.MessageRef{To: to, ID: "1"}, "x", nil)
		}},
		{"sendDocument", func(ctx context.Context, tg *bot.Telegram, _ string) error {
			_, err := tg.SendDocument(ctx, upload)
			return err
		}},
		{"answerCallbackQuery", func(ctx context.Context, tg *bot.Telegram, _ string) error {
			return tg.AnswerCallback(ctx, "1", "x")
		}},
		{"getFile", func(ctx context.Context, tg *bot.Telegram, fid string) error {
			_, err := tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: fid})
			return err
		}},
		{"download", func(ctx context.Context, tg *bot.Telegram, fid string) error {
			_, err := tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: fid})
			return err
		}},
		{"setMyCommands", func(ctx context.Context, tg *bot.Telegram, _ string) error {
			return tg.SetCommands(ctx, []cchcbot.Command{{Name: "a", Description: "b"}}, nil, nil)
		}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			tg := newTelegram(t, srv, nil)
			fid := srv.AddFile("a.pdf", "application/pdf", []byte("x"))
			srv.HangNext(tc.method, 1)
			cctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- tc.call(cctx, tg, fid) }()
			waitUntil(t, func() bool { return srv.Requests(tc.method) == 1 })
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the call did not end when its context was cancelled")
			}
		})
	}
}

// TestAdapterContextEndsCalls: cancelling the context New was given (the
// bot's lifetime) aborts a call whose own context lives on.
func TestAdapterContextEndsCalls(t *testing.T) {
	srv := telegramtest.New(t, token)
	life, cancel := context.WithCancel(ctx)
	defer cancel()
	tg, err := bot.New(life, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(),
		PollTimeout: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.HangNext("sendMessage", 1)
	done := make(chan error, 1)
	go func() {
		_, err := tg.Send(context.Background(), cchcbot.OutMessage{To: cchcbot.TelegramUser(alice.ID), Text: "x"})
		done <- err
	}()
	waitUntil(t, func() bool { return srv.Requests("sendMessage") == 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call outlived the adapter's context")
	}
}

// TestUploadTimeFollowsSize: an upload is not bound by the API client's
// timeout but by one that grows with the document's size.
func TestUploadTimeFollowsSize(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	to := cchcbot.TelegramUser(alice.ID)
	doc := func(size int64) cchcbot.OutDocument {
		return cchcbot.OutDocument{To: to, Name: "tong-hop.xlsx", Size: size,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("PK..")), nil }}
	}
	bot.SetAPITimeout(tg, 200*time.Millisecond)
	srv.SetLatency("sendMessage", time.Second)
	srv.SetLatency("sendDocument", time.Second)
	var temp *cchcbot.TemporaryError
	if _, err := tg.Send(ctx, cchcbot.OutMessage{To: to, Text: "x"}); !errors.As(err, &temp) {
		t.Fatalf("a message slower than the API timeout: err = %v, want a TemporaryError", err)
	}
	// 30 s and more for an upload.
	if _, err := tg.SendDocument(ctx, doc(4)); err != nil {
		t.Fatalf("an upload slower than the API timeout failed: %v", err)
	}

	// At 1 KB/s after 50 ms: a 4-byte document gets 54 ms, a 4 KB one
	// 4 s.
	bot.SetUploadPace(tg, 50*time.Millisecond, 1<<10)
	srv.SetLatency("sendDocument", 500*time.Millisecond)
	_, err := tg.SendDocument(ctx, doc(4))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &temp) {
		t.Errorf("an upload over its time: err = %v, want a temporary deadline error", err)
	}
	if _, err := tg.SendDocument(ctx, doc(4<<10)); err != nil {
		t.Errorf("a bigger upload with the same delay failed: %v", err)
	}
	// A document sent by file_id is not an upload: the API timeout holds.
	fid := srv.AddFile("a.pdf", "application/pdf", []byte("x"))
	if _, err := tg.SendDocument(ctx, cchcbot.OutDocument{To: to, ChannelFileID: fid}); !errors.As(err, &temp) {
		t.Errorf("a resend by file_id slower than the API timeout: err = %v, want a TemporaryError", err)
	}
}
