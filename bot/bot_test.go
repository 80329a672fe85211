package bot_test

import (
	"bytes"
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

const token = "123456:TEST-token-must-never-leak"

var alice = telegramtest.User{ID: 1001, FirstName: "Nguyễn", LastName: "Văn An", Username: "an"}

func newTelegram(t *testing.T, srv *telegramtest.Server, logs io.Writer) *bot.Telegram {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(),
		PollTimeout: time.Second, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

var ctx = context.Background()

func TestSendEditDocumentCallback(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	to := cchcbot.TelegramUser(alice.ID)
	ref, err := tg.Send(ctx, cchcbot.OutMessage{To: to, Text: "Xin chào", Buttons: [][]cchcbot.Button{{{Text: "✅ Đã nhận", Data: "ak|x|sig"}, {Text: "Mở", URL: "https://t.me/x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(alice.ID)
	if len(msgs) != 1 || msgs[0].Text != "Xin chào" || msgs[0].Buttons[0][0].CallbackData != "ak|x|sig" || msgs[0].Buttons[0][1].URL != "https://t.me/x" {
		t.Fatalf("sent = %+v", msgs)
	}
	if err := tg.Edit(ctx, ref, "Đã ghi nhận", nil); err != nil {
		t.Fatal(err)
	}
	if err := tg.Edit(ctx, ref, "Đã ghi nhận", nil); err != nil {
		t.Errorf("an edit that changes nothing failed: %v", err)
	}
	if m := srv.Messages(alice.ID)[0]; m.Text != "Đã ghi nhận" || len(m.Buttons) != 0 || !m.Edited {
		t.Errorf("edited = %+v", m)
	}
	fid := srv.AddFile("bao-cao.pdf", "application/pdf", []byte("%PDF-1.4"))
	if _, err := tg.SendDocument(ctx, cchcbot.OutDocument{To: to, ChannelFileID: fid, Caption: "Báo cáo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.SendDocument(ctx, cchcbot.OutDocument{To: to, Name: "tong-hop.xlsx", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("PK..")), nil
	}}); err != nil {
		t.Fatal(err)
	}
	msgs = srv.Messages(alice.ID)
	if msgs[1].Document.FileID != fid || msgs[1].Document.Content != nil || string(msgs[2].Document.Content) != "PK.." || msgs[2].Document.FileName != "tong-hop.xlsx" {
		t.Errorf("documents = %+v %+v", msgs[1].Document, msgs[2].Document)
	}
	if err := tg.AnswerCallback(ctx, "cb1", "Đã ghi nhận"); err != nil {
		t.Fatal(err)
	}
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].Text != "Đã ghi nhận" {
		t.Errorf("answers = %+v", a)
	}
}

func TestLongTextIsSplit(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	line := strings.Repeat("Đơn vị chưa nộp báo cáo. ", 3) + "\n" // 76 runes
	text := strings.Repeat(line, 9000/len([]rune(line))+1)
	_, err := tg.Send(ctx, cchcbot.OutMessage{To: cchcbot.TelegramUser(alice.ID), Text: text, Buttons: [][]cchcbot.Button{{{Text: "Trang sau", Data: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(alice.ID)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	var joined strings.Builder
	for i, m := range msgs {
		if len([]rune(m.Text)) > 4096 || !strings.HasSuffix(m.Text, "báo cáo. ") {
			t.Errorf("part %d: %d runes, cut mid-line: %q", i, len([]rune(m.Text)), m.Text[len(m.Text)-20:])
		}
		if (len(m.Buttons) > 0) != (i == 2) {
			t.Errorf("part %d buttons = %v", i, m.Buttons)
		}
		joined.WriteString(m.Text + "\n")
	}
	if joined.String() != text {
		t.Error("the parts do not add up to the text")
	}
}

func TestFetchFile(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	content := bytes.Repeat([]byte("CCHC "), 10000)
	fid := srv.AddFile("bao-cao.pdf", "application/pdf", content)
	rc, err := tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: fid, Size: int64(len(content))})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("downloaded %d bytes, err %v", len(got), err)
	}

	big := srv.AddFileSized("lon.pdf", "application/pdf", nil, 25<<20)
	before := srv.Requests("getFile")
	_, err = tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: big, Size: 25 << 20})
	if cchcbot.ErrorCode(err) != cchcbot.ETOOLARGE || !strings.Contains(cchcbot.ErrorMessage(err), "20 MB") {
		t.Errorf("25 MB err = %v", err)
	}
	if srv.Requests("getFile") != before {
		t.Error("getFile was called for a file known to be too big")
	}
	// Declared small by the update, too big by getFile.
	if _, err := tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: big}); cchcbot.ErrorCode(err) != cchcbot.ETOOLARGE {
		t.Errorf("getFile too big err = %v", err)
	}

	cut := srv.AddFile("cut.pdf", "application/pdf", content)
	srv.TruncateDownload(cut)
	if rc, err := tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: cut}); err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
		var temp *cchcbot.TemporaryError
		if !errors.As(err, &temp) {
			t.Errorf("truncated download read err = %v, want a TemporaryError", err)
		}
	}
}

func TestErrorClassification(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	to := cchcbot.TelegramUser(alice.ID)
	send := func() error {
		_, err := tg.Send(ctx, cchcbot.OutMessage{To: to, Text: "x"})
		return err
	}
	srv.RetryAfterNext("sendMessage", 1, 7)
	var ra *cchcbot.RetryAfterError
	if err := send(); !errors.As(err, &ra) || ra.Wait != 7*time.Second {
		t.Errorf("429 err = %v", err)
	}
	var temp *cchcbot.TemporaryError
	srv.FailNext("sendMessage", 1, 500)
	if err := send(); !errors.As(err, &temp) {
		t.Errorf("500 err = %v", err)
	}
	srv.FailNext("sendMessage", 1, 502)
	if err := send(); !errors.As(err, &temp) {
		t.Errorf("502 HTML err = %v", err)
	}
	srv.Block(alice.ID)
	if err := send(); cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE || !strings.Contains(cchcbot.ErrorMessage(err), "blocked") {
		t.Errorf("403 err = %v", err)
	}
	srv.Unblock(alice.ID)
	if err := send(); err != nil {
		t.Errorf("after unblock: %v", err)
	}
	srv.ChatNotFound(alice.ID) // an account deleted, or never started the bot
	if err := send(); cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE {
		t.Errorf("400 chat not found err = %v, want EUNREACHABLE", err)
	}
}
