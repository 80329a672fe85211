package bot_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/store"
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

func TestTokenNeverLeaks(t *testing.T) {
	srv := telegramtest.New(t, token)
	var logs bytes.Buffer
	tg := newTelegram(t, srv, &logs)
	fid := srv.AddFile("a.pdf", "application/pdf", []byte("x"))
	srv.Close() // every request now fails at the network level
	var errs []error
	_, err := tg.Send(ctx, cchcbot.OutMessage{To: cchcbot.TelegramUser(1), Text: "x"})
	errs = append(errs, err)
	_, err = tg.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: fid})
	errs = append(errs, err)
	errs = append(errs, tg.AnswerCallback(ctx, "1", "x"))
	_, err = bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded against a closed server", i)
			continue
		}
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "TEST-token") {
			t.Errorf("error %d leaks the token: %v", i, err)
		}
		var temp *cchcbot.TemporaryError
		if i < 3 && !errors.As(err, &temp) {
			t.Errorf("network error %d not temporary: %v", i, err)
		}
	}
	// The poller logs its failures; they must be redacted too.
	p := bot.NewPoller(tg, memUpdates(t), handlerFunc(func(context.Context, cchcbot.Incoming) error { return nil }),
		bot.PollerOptions{Backoff: func(int) time.Duration { return time.Millisecond }})
	pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	p.Run(pctx)
	if strings.Contains(logs.String(), "TEST-token") {
		t.Errorf("logs leak the token:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "getUpdates failed") {
		t.Errorf("poll failures not logged:\n%s", logs.String())
	}
}

func TestBadToken(t *testing.T) {
	srv := telegramtest.New(t, "other:token")
	_, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint()})
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "TEST-token") {
		t.Fatalf("bad token err = %v", err)
	}
}

type handlerFunc func(context.Context, cchcbot.Incoming) error

func (f handlerFunc) Handle(ctx context.Context, in cchcbot.Incoming) error { return f(ctx, in) }

func memUpdates(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// recorder is a handler that records what it saw, per user, in order.
type recorder struct {
	mu   sync.Mutex
	seen map[cchcbot.UserID][]string
	all  []cchcbot.Incoming
	hook func(cchcbot.Incoming)
}

func (r *recorder) Handle(ctx context.Context, in cchcbot.Incoming) error {
	if r.hook != nil {
		r.hook(in)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[cchcbot.UserID][]string{}
	}
	r.seen[in.User] = append(r.seen[in.User], in.Text)
	r.all = append(r.all, in)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

func runPoller(t *testing.T, tg *bot.Telegram, db *store.DB, h bot.Handler) (stop func()) {
	t.Helper()
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		bot.NewPoller(tg, db, h, bot.PollerOptions{Workers: 4}).Run(pctx)
		close(done)
	}()
	return func() { cancel(); <-done }
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPollerOrderAndConversion(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	db := memUpdates(t)
	bob := telegramtest.User{ID: 2002, FirstName: "Bob"}
	rec := &recorder{}
	for i := range 20 {
		srv.SendText(alice, "a"+string(rune('A'+i)))
		srv.SendText(bob, "b"+string(rune('A'+i)))
	}
	srv.SendGroupText(alice, -100, "trong nhóm")
	fid := srv.AddFile("bao-cao.pdf", "application/pdf", []byte("x"))
	srv.SendDocument(alice, fid, "bao-cao.pdf", "application/pdf", 1, "Báo cáo tháng 2")
	srv.SendPhoto(bob, "PHOTO1", 5000)
	cb := srv.PressButton(alice, 100001, "ak|p|sig")
	stop := runPoller(t, tg, db, rec)
	waitUntil(t, func() bool { return rec.count() == 43 })
	stop()

	rec.mu.Lock()
	defer rec.mu.Unlock()
	a := rec.seen[cchcbot.TelegramUser(alice.ID)]
	for i := range 20 {
		if a[i] != "a"+string(rune('A'+i)) {
			t.Fatalf("alice's updates out of order: %v", a)
		}
	}
	var doc, photo, press *cchcbot.Incoming
	for i := range rec.all {
		in := &rec.all[i]
		switch {
		case in.Callback != nil:
			press = in
		case len(in.Files) > 0 && in.Files[0].Photo:
			photo = in
		case len(in.Files) > 0:
			doc = in
		}
		if in.Text == "trong nhóm" {
			t.Error("a group message reached the handler")
		}
	}
	if doc == nil || doc.Files[0].ChannelFileID != fid || doc.Files[0].Name != "bao-cao.pdf" || doc.Text != "Báo cáo tháng 2" || doc.Name != "Nguyễn Văn An" {
		t.Errorf("document = %+v", doc)
	}
	if photo == nil || photo.Files[0].ChannelFileID != "PHOTO1" || photo.Files[0].Size != 5000 {
		t.Errorf("photo = %+v", photo)
	}
	if press == nil || press.Callback.ID != cb || press.Callback.Data != "ak|p|sig" || press.Callback.Message.ID != "100001" {
		t.Errorf("press = %+v", press)
	}
	if len(srv.Pending()) != 0 {
		// The next poll confirms the last batch; stop() may come first.
		t.Logf("pending after stop: %v", srv.Pending())
	}
}

// TestPollerRestart stops the poller mid-stream and starts another on the
// same store: every update is handled exactly once.
func TestPollerRestart(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	db := memUpdates(t)
	rec := &recorder{}
	var ids []int
	for i := range 30 {
		ids = append(ids, srv.SendText(alice, "m"+string(rune('A'+i))))
	}
	stop := runPoller(t, tg, db, rec)
	waitUntil(t, func() bool { return rec.count() >= 10 })
	stop()
	for i := range 10 {
		ids = append(ids, srv.SendText(alice, "n"+string(rune('A'+i))))
	}
	stop = runPoller(t, tg, db, rec)
	waitUntil(t, func() bool { return rec.count() >= 40 })
	stop()
	seen := map[string]int{}
	for _, in := range rec.all {
		seen[in.Text]++
	}
	if len(seen) != 40 || len(rec.all) != 40 {
		t.Fatalf("handled %d updates, %d distinct, want 40 once each", len(rec.all), len(seen))
	}
	for _, id := range ids {
		if handled, _ := db.UpdateHandled(ctx, int64(id)); !handled {
			t.Errorf("update %d not marked handled", id)
		}
	}
}

// TestRedeliveredUpdateSkipped: the bot handled an update and crashed
// before confirming it to Telegram, which delivers it again.
func TestRedeliveredUpdateSkipped(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	db := memUpdates(t)
	id := srv.SendText(alice, "/trangthai")
	if err := db.MarkUpdateHandled(ctx, int64(id)); err != nil { // handled before the crash
		t.Fatal(err)
	}
	srv.SendText(alice, "/huongdan")
	rec := &recorder{}
	stop := runPoller(t, tg, db, rec)
	waitUntil(t, func() bool { return rec.count() >= 1 && len(srv.Pending()) == 0 })
	stop()
	if rec.count() != 1 || rec.all[0].Text != "/huongdan" {
		t.Errorf("handled %+v", rec.all)
	}
	if srv.DeliveryCount(id) == 0 {
		t.Error("Telegram never redelivered the update: the test proves nothing")
	}
}

// TestLowerIDsAfterIdle: after a week without updates Telegram may pick
// lower ids; the bot must still hear them.
func TestLowerIDsAfterIdle(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	db := memUpdates(t)
	for _, id := range []int64{900000, 900001} { // handled long ago
		db.MarkUpdateHandled(ctx, id)
	}
	srv.SendText(alice, "/start") // id 1001: far lower
	rec := &recorder{}
	stop := runPoller(t, tg, db, rec)
	waitUntil(t, func() bool { return rec.count() >= 1 })
	stop()
	if rec.all[0].Text != "/start" {
		t.Errorf("handled %+v", rec.all)
	}
}
