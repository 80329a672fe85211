package zalo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
	"cchcbot/zalo/zalotest"
)

func TestE2EWebhook(t *testing.T) {
	h := newE2E(t)
	delivered := func(id string) {
		t.Helper()
		if ev := h.event(id); !ev.Delivered {
			t.Fatalf("event %s not delivered: %+v", id, ev.Attempts)
		}
	}
	refused := func(id string) {
		t.Helper()
		ev := h.event(id)
		if ev.Delivered || len(ev.Attempts) == 0 {
			t.Fatalf("event %s: delivered %v after %d attempts", id, ev.Delivered, len(ev.Attempts))
		}
		for _, a := range ev.Attempts {
			if a.Status != http.StatusUnauthorized {
				t.Errorf("event %s answered %d, want 401", id, a.Status)
			}
		}
		if h.inbox.seen("zalo:" + id) {
			t.Errorf("event %s reached the store", id)
		}
	}

	id := h.srv.SendText(chair, "/trangthai")
	delivered(id)
	if got := h.disp.wait(t, 1)[0]; got.Key != "zalo:"+id || got.In.Text != "/trangthai" || got.In.User != cchcbot.ZaloUser(chair.ID) ||
		got.In.At.IsZero() {
		t.Errorf("text became %+v", got)
	}

	h.srv.TamperNext(zalotest.NoMACPrefix, 1)
	delivered(h.srv.SendText(chair, "không có tiền tố mac="))
	h.disp.wait(t, 2)

	for _, tamper := range []zalotest.Tamper{zalotest.BadSignature, zalotest.StaleTimestamp, zalotest.NoSignature} {
		h.srv.TamperNext(tamper, 1)
		refused(h.srv.SendText(chair, "giả mạo"))
	}

	// Zalo's retry of an event the bot took: 200, handled once.
	replay, err := h.srv.Replay(id)
	if err != nil {
		t.Fatal(err)
	}
	delivered(replay)

	// A file, and its download.
	content := []byte("%PDF-1.7 báo cáo của xã")
	fid := h.srv.SendFile(chair, "Báo cáo tháng 2.pdf", content)
	delivered(fid)
	got := h.disp.wait(t, 3)[2]
	if len(got.In.Files) != 1 {
		t.Fatalf("file event became %+v", got.In)
	}
	f := got.In.Files[0]
	if f.Channel != cchcbot.ChannelZalo || f.Name != "Báo cáo tháng 2.pdf" || f.Size != int64(len(content)) || f.MIME != "application/pdf" || f.Photo {
		t.Errorf("file = %+v", f)
	}
	rc, err := h.c.FetchFile(ctx, f)
	if err != nil {
		t.Fatal(h.watch.err(err))
	}
	if b, err := readAll(rc); err != nil || string(b) != string(content) {
		t.Errorf("downloaded %q, %v", b, err)
	}

	// A photo, a follow, and events the bot only remembers.
	delivered(h.srv.SendImage(chair, []byte("\xFF\xD8\xFFjpeg")))
	if got := h.disp.wait(t, 4)[3]; len(got.In.Files) != 1 || !got.In.Files[0].Photo || got.In.Files[0].MIME != "image/jpeg" {
		t.Errorf("image became %+v", got.In)
	}
	delivered(h.srv.Follow(deputy))
	if got := h.disp.wait(t, 5)[4]; got.In.Text != "/start" || got.In.User != cchcbot.ZaloUser(deputy.ID) {
		t.Errorf("follow became %+v", got.In)
	}
	delivered(h.srv.Unfollow(deputy))

	// Delivery events go from the OA to the user; seen carries msg_ids.
	delivered(h.srv.Received(chair, "m1"))
	delivered(h.srv.Seen(chair, "m1", "m2"))
	// A size sent as a number.
	nid := h.srv.SendFile(chair, "bc.docx", []byte("PK docx"), zalotest.WithNumericSize())
	delivered(nid)
	if got := h.disp.wait(t, 6)[5]; got.Key != "zalo:"+nid || len(got.In.Files) != 1 || got.In.Files[0].Size != 7 {
		t.Errorf("file with a numeric size became %+v", got.In)
	}
	// Events the bot has never heard of, and follows spelt otherwise.
	now := ms(h.clock.Now())
	for _, body := range []string{
		`{"app_id":"` + h.srv.AppID() + `","event_name":"user_send_location","timestamp":"` + now + `","sender":{"id":"` + chair.ID + `"},"recipient":{"id":"` + h.srv.OAID() + `"},"message":{"msg_id":"loc1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"19.3","longitude":"105.4"}}}]}}`,
		`{"app_id":"` + h.srv.AppID() + `","event_name":"user_unfollow","timestamp":"` + now + `","oa_id":"` + h.srv.OAID() + `","follower":{"id":"` + chair.ID + `"}}`,
	} {
		delivered(h.srv.SendRaw(chair.ID, []byte(body)))
	}
	delivered(h.srv.SendRaw(deputy.ID, []byte(`{"app_id":"`+h.srv.AppID()+`","event_name":"user_follow","timestamp":"`+now+
		`","sender":{"id":"`+deputy.ID+`"},"recipient":{"id":"`+h.srv.OAID()+`"}}`)))
	if got := h.disp.wait(t, 7)[6]; got.In.Text != "/start" || got.In.User != cchcbot.ZaloUser(deputy.ID) {
		t.Errorf("user_follow became %+v", got.In)
	}

	if err := h.srv.WaitIdle(wait); err != nil {
		t.Fatal(err)
	}
	if n := len(h.disp.all()); n != 7 {
		t.Errorf("dispatched %d events, want 7 (not the replay, unfollows, delivery events, location)", n)
	}
	// The secrets check at the end has lines to read.
	for _, want := range []string{"webhook event refused", "Zalo tokens installed"} {
		if !strings.Contains(h.logs.String(), want) {
			t.Errorf("the logs lack %q", want)
		}
	}
}

// TestE2EEchoesDropped: the OA's own messages mirrored back (oa_send_*)
// are answered 200 and not handled.
func TestE2EEchoesDropped(t *testing.T) {
	h := newE2E(t, zalotest.WithEchoEvents())
	if _, err := h.send(chair, "Nhắc nộp báo cáo"); err != nil {
		t.Fatal(err)
	}
	m := h.next(chair)
	ev := h.event(m.ID + "/echo")
	if !ev.Delivered || ev.Name != "oa_send_text" || !h.inbox.seen("zalo:"+m.ID) {
		t.Fatalf("echo %+v", ev)
	}
	if n := len(h.disp.all()); n != 0 {
		t.Errorf("dispatched %d, want none", n)
	}
}

// TestE2EWebhookOtherApp: a correctly signed event of another app (a
// second OA app using the same webhook URL) is refused.
func TestE2EWebhookOtherApp(t *testing.T) {
	h := newE2E(t)
	other := zalotest.New(t, zalotest.WithClock(h.clock.Now), zalotest.WithApp("3333333333", "other-secret"),
		zalotest.WithOASecretKey(h.srv.OASecretKey()), zalotest.WithWebhookRetry(1, 0))
	other.Webhook(h.hook.URL)
	id := other.SendText(chair, "từ ứng dụng khác")
	ev, err := other.WaitEvent(id, wait)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Delivered || ev.Attempts[0].Status != http.StatusUnauthorized || h.inbox.seen("zalo:"+id) {
		t.Errorf("another app's event: %+v", ev.Attempts)
	}
}

// TestE2EFileLimits: the downloads the bot refuses or cannot finish.
func TestE2EFileLimits(t *testing.T) {
	h := newE2E(t)
	fetch := func(id string, n int) error {
		t.Helper()
		h.event(id)
		f := h.disp.wait(t, n)[n-1].In.Files[0]
		rc, err := h.c.FetchFile(ctx, f)
		if err == nil {
			_, err = readAll(rc)
		}
		return h.watch.err(err)
	}
	big := h.srv.SendFile(chair, "lon.pdf", []byte("%PDF small"), zalotest.WithDeclaredSize(30<<20))
	if err := fetch(big, 1); cchcbot.ErrorCode(err) != cchcbot.ETOOLARGE || h.srv.Downloads(big) != 0 {
		t.Errorf("30 MB declared: %v after %d downloads", err, h.srv.Downloads(big))
	}
	lie := h.srv.SendFile(chair, "noi-doi.pdf", []byte("%PDF a longer body than said"), zalotest.WithDeclaredSize(5))
	if err := fetch(lie, 2); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("understated size: %v", err)
	}
	cut := h.srv.SendFile(chair, "dut.pdf", []byte("%PDF-1.7 truncated on the way"), zalotest.WithFileFault(zalotest.FileTruncated))
	if err := fetch(cut, 3); !errors.As(err, new(*cchcbot.TemporaryError)) {
		t.Errorf("truncated: %v", err)
	}
	gone := h.srv.SendFile(chair, "het-han.pdf", []byte("%PDF"), zalotest.WithFileFault(zalotest.FileExpired))
	if err := fetch(gone, 4); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("expired: %v", err)
	}
}

// TestE2EWebhookSlowStore: the store slower than the bound: Zalo gets a
// 503 and posts again; the event is handled once.
func TestE2EWebhookSlowStore(t *testing.T) {
	h := newE2E(t, zalotest.WithWebhookRetry(5, 10*time.Millisecond))
	h.hook.Close()
	c, err := zalo.New(zalo.Config{AppID: h.srv.AppID(), OAID: h.srv.OAID(), APIBase: h.srv.URL(), OAuthBase: h.srv.URL(),
		AppSecret: h.srv.AppSecret(), OASecretKey: h.srv.OASecretKey(), Logger: h.logs.logger(), Clock: h.clock,
		AcceptTimeout: 20 * time.Millisecond}, h.tokens)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var calls atomic.Int32
	h.inbox.AcceptFn = func(context.Context, []cchcbot.Inbound) error {
		if calls.Add(1) == 1 {
			<-release
		}
		return nil
	}
	hook := httptest.NewServer(c.Webhook(h.inbox, h.disp))
	defer hook.Close()
	h.srv.Webhook(hook.URL)
	id := h.srv.SendText(chair, "gửi lúc máy chủ bận")
	if err := h.srv.WaitFor(func(s *zalotest.Server) bool {
		ev, _ := s.Event(id)
		return len(ev.Attempts) >= 1
	}, wait); err != nil {
		t.Fatal(err)
	}
	close(release)
	ev := h.event(id)
	if !ev.Delivered || ev.Attempts[0].Status != http.StatusServiceUnavailable {
		t.Fatalf("attempts %+v", ev.Attempts)
	}
	h.disp.wait(t, 1)
	if n := len(h.disp.all()); n != 1 {
		t.Errorf("dispatched %d, want 1", n)
	}
}
