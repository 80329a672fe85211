package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
)

var fastRetry = bot.PollerOptions{Backoff: func(int) time.Duration { return time.Millisecond }}

func TestPollerOrderAndConversion(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
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
	st := newMemInbox()
	r := runBot(t, tg, st, rec, bot.PollerOptions{})
	waitUntil(t, func() bool { return rec.count() == 43 && len(srv.Pending()) == 0 })
	r.stop()

	a := rec.texts(cchcbot.TelegramUser(alice.ID))
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
	// The group message is remembered (a redelivery is recognised) but
	// not in the inbox; everything else is finished.
	if p := st.pendingTexts(); len(p) != 0 {
		t.Errorf("unfinished: %v", p)
	}
	if accepted, dupes := r.p.Accepted(); accepted != 43 || dupes != 0 {
		t.Errorf("accepted %d, duplicates %d", accepted, dupes)
	}
}

// TestSlowChatHoldsNoOtherChat: Alice's file download hangs (a 30 s
// transfer on a slow line); Bob, who writes after her handler started, is
// answered while it still hangs. The old poller handled each getUpdates
// batch as a barrier and did not poll again before Alice's handler
// returned, so Bob's update was not even fetched.
func TestSlowChatHoldsNoOtherChat(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	bob := telegramtest.User{ID: 2002, FirstName: "Bob"}
	fid := srv.AddFile("bao-cao.pdf", "application/pdf", []byte("%PDF-1.4 báo cáo"))
	srv.HangNext("download", 1)
	aliceIn := make(chan struct{})
	var aliceOut atomic.Bool
	h := handlerFunc(func(ctx context.Context, in cchcbot.Incoming) error {
		if in.User == cchcbot.TelegramUser(alice.ID) {
			close(aliceIn)
			defer aliceOut.Store(true)
			rc, err := tg.FetchFile(ctx, in.Files[0])
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.ReadAll(rc)
			return err
		}
		_, err := tg.Send(ctx, cchcbot.OutMessage{To: in.User, Text: "Đã nhận: " + in.Text})
		return err
	})
	st := newMemInbox()
	r := runBot(t, tg, st, h, bot.PollerOptions{})
	srv.SendDocument(alice, fid, "bao-cao.pdf", "application/pdf", 16, "")
	<-aliceIn
	srv.SendText(bob, "/trangthai")
	if _, err := srv.WaitMessages(bob.ID, 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if aliceOut.Load() {
		t.Fatal("Alice's handler returned before Bob's reply: the test proves nothing")
	}
	// Bob's event is finished while Alice's is not.
	waitUntil(t, func() bool { return len(st.pendingTexts()) == 1 })
	if srv.Requests("download") != 1 {
		t.Errorf("%d downloads, want the one hanging", srv.Requests("download"))
	}
	// Shutdown aborts the download (the handler's context reaches its
	// request); the event cut short stays in the inbox for the restart.
	r.stop()
	if !aliceOut.Load() {
		t.Error("Alice's handler still runs after the shutdown")
	}
	if p := st.pendingTexts(); len(p) != 1 {
		t.Errorf("unfinished after shutdown: %q, want Alice's document", p)
	}
}

// TestPollerRestart stops the bot while a handler is cut short, and starts
// another on the same store: the event cut short is handled again, every
// other exactly once.
func TestPollerRestart(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	st := newMemInbox()
	for i := range 30 {
		srv.SendText(alice, fmt.Sprint("m", i))
	}
	stuck := make(chan struct{})
	var cut atomic.Bool
	rec := &recorder{hook: func(ctx context.Context, in cchcbot.Incoming) error {
		if in.Text == "m10" && cut.CompareAndSwap(false, true) {
			close(stuck)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}}
	r := runBot(t, tg, st, rec, bot.PollerOptions{})
	<-stuck
	r.stop()
	for i := range 10 {
		srv.SendText(alice, fmt.Sprint("n", i))
	}
	r = runBot(t, tg, st, rec, bot.PollerOptions{})
	waitUntil(t, func() bool { return rec.count() == 41 && len(srv.Pending()) == 0 })
	if err := r.d.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	r.stop()
	var want []string
	for i := range 30 {
		want = append(want, fmt.Sprint("m", i))
		if i == 10 {
			want = append(want, "m10") // cut short, then handled again
		}
	}
	for i := range 10 {
		want = append(want, fmt.Sprint("n", i))
	}
	if got := rec.texts(cchcbot.TelegramUser(alice.ID)); !slices.Equal(got, want) {
		t.Errorf("handled %v\nwant    %v", got, want)
	}
	if p := st.pendingTexts(); len(p) != 0 {
		t.Errorf("unfinished: %v", p)
	}
}

// TestRedeliveredUpdateSkipped: the bot accepted an update and crashed
// before confirming it to Telegram, which delivers it again.
func TestRedeliveredUpdateSkipped(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	st := newMemInbox()
	id := srv.SendText(alice, "/trangthai")
	st.remember("telegram:" + strconv.Itoa(id)) // accepted before the crash
	srv.SendText(alice, "/huongdan")
	rec := &recorder{}
	r := runBot(t, tg, st, rec, bot.PollerOptions{})
	waitUntil(t, func() bool { return rec.count() >= 1 && len(srv.Pending()) == 0 })
	r.stop()
	if rec.count() != 1 || rec.all[0].Text != "/huongdan" {
		t.Errorf("handled %+v", rec.all)
	}
	if srv.DeliveryCount(id) == 0 {
		t.Error("Telegram never redelivered the update: the test proves nothing")
	}
	if accepted, dupes := r.p.Accepted(); accepted != 1 || dupes != 1 {
		t.Errorf("accepted %d, duplicates %d: want 1 and 1", accepted, dupes)
	}
}

// TestLowerIDsAfterIdle: after a week without updates Telegram may pick
// lower ids; the bot must still hear them.
func TestLowerIDsAfterIdle(t *testing.T) {
	srv := telegramtest.New(t, token)
	tg := newTelegram(t, srv, nil)
	st := newMemInbox()
	st.remember("telegram:900000", "telegram:900001") // accepted long ago
	srv.SendText(alice, "/start")                     // id 1000: far lower
	rec := &recorder{}
	r := runBot(t, tg, st, rec, bot.PollerOptions{})
	waitUntil(t, func() bool { return rec.count() >= 1 })
	r.stop()
	if rec.all[0].Text != "/start" {
		t.Errorf("handled %+v", rec.all)
	}
}

// TestNothingConfirmedBeforeAccepted: while the store has not accepted a
// batch, Telegram keeps all of it; a failing store holds the offset
// (each retry gets the batch again) and counts as a failed poll.
func TestNothingConfirmedBeforeAccepted(t *testing.T) {
	srv := telegramtest.New(t, token)
	logs := &logBuffer{}
	tg := newTelegram(t, srv, logs)
	var ids []int
	for i := range 5 {
		ids = append(ids, srv.SendText(alice, fmt.Sprint("/trangthai ", i)))
	}
	st := newMemInbox()
	var calls atomic.Int32
	var mu sync.Mutex
	var confirmedEarly []int
	st.AcceptFn = func(evs []cchcbot.Inbound) error {
		// Whatever the poller is about to accept is still held by
		// Telegram: it was not confirmed before.
		pending := srv.Pending()
		mu.Lock()
		for _, id := range ids {
			if !slices.Contains(pending, id) {
				confirmedEarly = append(confirmedEarly, id)
			}
		}
		mu.Unlock()
		if calls.Add(1) <= 3 {
			return errors.New("disk full")
		}
		return nil
	}
	obs := &pollObserver{}
	opts := fastRetry
	opts.Observer = obs
	rec := &recorder{}
	r := runBot(t, tg, st, rec, opts)
	waitUntil(t, func() bool { return rec.count() == 5 && len(srv.Pending()) == 0 })
	r.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(confirmedEarly) > 0 {
		t.Errorf("updates %v confirmed to Telegram before the store accepted them", confirmedEarly)
	}
	for _, id := range ids {
		if n := srv.DeliveryCount(id); n != 4 {
			t.Errorf("update %d delivered %d times, want 4 (3 failed accepts, then 1)", id, n)
		}
	}
	if obs.failures != 3 {
		t.Errorf("%d failed polls, want 3", obs.failures)
	}
	if !strings.Contains(logs.String(), "disk full") {
		t.Errorf("the store failure is not logged:\n%s", logs.String())
	}
}

// TestPollAlerts: a refused token and a second poller are alerts, not
// warnings.
func TestPollAlerts(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string
	}{
		{401, "ALERT: Telegram refuses the bot token"},
		{409, "ALERT: another process is polling"},
		{500, "getUpdates failed"},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			srv := telegramtest.New(t, token)
			logs := &logBuffer{}
			tg := newTelegram(t, srv, logs)
			srv.FailNext("getUpdates", 1, tc.status)
			srv.SendText(alice, "/trangthai")
			rec := &recorder{}
			r := runBot(t, tg, newMemInbox(), rec, fastRetry)
			waitUntil(t, func() bool { return rec.count() == 1 })
			r.stop()
			if !strings.Contains(logs.String(), tc.want) {
				t.Errorf("logs lack %q:\n%s", tc.want, logs.String())
			}
		})
	}
}
