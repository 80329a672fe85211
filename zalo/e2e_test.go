package zalo_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
	"cchcbot/zalo/zalotest"
)

// The end-to-end tests drive the client against zalotest, the fake Zalo,
// over real HTTP: the client's requests go to it through a recording
// proxy, and its webhook posts go to the client's handler on a real
// server, into an in-memory store.

const wait = 10 * time.Second

var (
	chair  = zalotest.User{ID: "8412345678901234567", Name: "Chủ tịch UBND xã Châu Lộc"}
	deputy = zalotest.User{ID: "8498765432109876543", Name: "Phó Chủ tịch UBND xã Châu Đình"}
)

type e2e struct {
	t      *testing.T
	srv    *zalotest.Server
	clock  *clock
	trail  *trail
	tokens *memTokens
	logs   *logBuffer
	watch  *secretWatch
	c      *zalo.Client
	inbox  *memInbox
	disp   *dispatched
	hook   *httptest.Server
	dead   chan error
}

// newE2E starts zalotest, a proxy recording the access token of every API
// call, and a client bootstrapped as "cchcbot zalo-auth" would do it,
// with its webhook serving zalotest's events.
func newE2E(t *testing.T, opts ...zalotest.Option) *e2e {
	t.Helper()
	h := &e2e{t: t, clock: newClock(vn("2024-03-04 09:00")), trail: &trail{}, logs: &logBuffer{},
		inbox: newMemInbox(), disp: newDispatched(), dead: make(chan error, 10)}
	h.srv = zalotest.New(t, append([]zalotest.Option{zalotest.WithClock(h.clock.Now)}, opts...)...)
	h.watch = newSecretWatch(t, h.logs)
	h.watch.secret("the app secret", h.srv.AppSecret())
	h.watch.secret("the OA secret key", h.srv.OASecretKey())
	h.watch.secret("the first access token", h.srv.AccessToken())
	h.watch.secret("the first refresh token", h.srv.RefreshToken())
	h.tokens = &memTokens{trail: h.trail, PutFn: func(p cchcbot.ChannelTokens) error {
		h.watch.secret("an access token", p.Access)
		h.watch.secret("a refresh token", p.Refresh)
		return nil
	}}

	target, _ := url.Parse(h.srv.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = nil
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.Header.Get("access_token"); tok != "" {
			h.trail.add("use " + tok)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.Close)

	c, err := zalo.New(zalo.Config{AppID: h.srv.AppID(), OAID: h.srv.OAID(), APIBase: rec.URL, OAuthBase: h.srv.URL(),
		AppSecret: h.srv.AppSecret(), OASecretKey: h.srv.OASecretKey(), Logger: h.logs.logger(), Clock: h.clock,
		OnTokenDead: func(err error) { h.dead <- err }}, h.tokens)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	if used, err := c.Bootstrap(ctx, h.srv.RefreshToken()); !used || err != nil {
		t.Fatalf("Bootstrap = %v, %v", used, h.watch.err(err))
	}
	h.hook = httptest.NewServer(c.Webhook(h.inbox, h.disp))
	t.Cleanup(h.hook.Close)
	h.srv.Webhook(h.hook.URL)
	h.srv.AddFollower(chair)
	return h
}

func (h *e2e) send(to zalotest.User, text string, buttons ...[]cchcbot.Button) (cchcbot.MessageRef, error) {
	ref, err := h.c.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(to.ID), Text: text, Buttons: buttons})
	return ref, h.watch.err(err)
}

func (h *e2e) next(u zalotest.User) zalotest.Message {
	h.t.Helper()
	m, err := h.srv.NextMessage(u.ID, wait)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// event waits for the webhook event id to be done and returns it.
func (h *e2e) event(id string) zalotest.Event {
	h.t.Helper()
	ev, err := h.srv.WaitEvent(id, wait)
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func TestE2ESendButtonsAndPress(t *testing.T) {
	h := newE2E(t)
	ref, err := h.send(chair, "Nhắc nộp báo cáo tháng 02/2024",
		[]cchcbot.Button{{Text: "Đã nhận", Data: "ak|bao-cao-thang/2024-02|d-3|SIG1"}},
		[]cchcbot.Button{{Text: "Hướng dẫn", URL: "https://cchc.example.gov.vn"}})
	if err != nil {
		t.Fatal(err)
	}
	m := h.next(chair)
	if ref.ID != m.ID || ref.To != cchcbot.ZaloUser(chair.ID) {
		t.Errorf("ref %+v, message %s", ref, m.ID)
	}
	if m.Text != "Nhắc nộp báo cáo tháng 02/2024" || len(m.Buttons) != 2 ||
		m.Buttons[0] != (zalotest.Button{Title: "Đã nhận", Type: zalotest.ButtonQueryHide, Payload: "cb:ak|bao-cao-thang/2024-02|d-3|SIG1"}) ||
		m.Buttons[1] != (zalotest.Button{Title: "Hướng dẫn", Type: zalotest.ButtonOpenURL, URL: "https://cchc.example.gov.vn"}) {
		t.Fatalf("sent %+v", m)
	}

	id := h.srv.PressButton(chair, m.Buttons[0].Payload)
	if ev := h.event(id); !ev.Delivered {
		t.Fatalf("press not delivered: %+v", ev.Attempts)
	}
	got := h.disp.wait(t, 1)[0]
	cb := got.In.Callback
	if got.Key != "zalo:"+id || cb == nil || cb.Data != "ak|bao-cao-thang/2024-02|d-3|SIG1" || cb.ID != "zalo:"+id+":"+chair.ID ||
		got.In.User != cchcbot.ZaloUser(chair.ID) || got.In.Text != "" {
		t.Fatalf("press became %+v / %+v", got, cb)
	}
	// The chat answers the press through a Router, by its ID's prefix.
	router := cchcbot.Router{cchcbot.ChannelZalo: h.c}
	if err := router.AnswerCallback(ctx, cb.ID, "Đã ghi nhận xác nhận của đồng chí."); err != nil {
		t.Fatal(h.watch.err(err))
	}
	if a := h.next(chair); a.Text != "Đã ghi nhận xác nhận của đồng chí." {
		t.Errorf("answer sent as %+v", a)
	}
	if err := router.Edit(ctx, cb.Message, "Đồng chí đã xác nhận.", nil); err != nil {
		t.Fatal(h.watch.err(err))
	}
	if e := h.next(chair); e.Text != "Đồng chí đã xác nhận." || e.Buttons != nil {
		t.Errorf("edit sent as %+v", e)
	}
}

func TestE2ESplit(t *testing.T) {
	h := newE2E(t)
	text := strings.Repeat("Danh sách đơn vị chưa nộp báo cáo quý I năm 2024.\n", 100) // 5,000 characters
	if _, err := h.send(chair, text, []cchcbot.Button{{Text: "Trang sau", Data: "st|q1|2|S"}}); err != nil {
		t.Fatal(err)
	}
	ms := h.srv.Messages(chair.ID)
	if len(ms) != 3 || ms[0].Buttons != nil || ms[1].Buttons != nil || len(ms[2].Buttons) != 1 {
		t.Fatalf("sent %d messages: %+v", len(ms), ms)
	}
	if strings.Join([]string{ms[0].Text, ms[1].Text, ms[2].Text}, "\n")+"\n" != text {
		t.Error("the parts do not add up to the text")
	}
}

func TestE2EDocument(t *testing.T) {
	h := newE2E(t)
	content := []byte("%PDF-1.7\nbáo cáo tháng 02/2024")
	ref, err := h.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(chair.ID), Name: "bao-cao.pdf",
		Open: opener(content), Size: int64(len(content)), Caption: "Bản báo cáo đã nộp"})
	if err != nil {
		t.Fatal(h.watch.err(err))
	}
	ms := h.srv.Messages(chair.ID)
	if len(ms) != 2 || ms[0].Text != "Bản báo cáo đã nộp" || ms[1].File == nil || ms[1].File.Name != "bao-cao.pdf" ||
		string(ms[1].File.Content) != string(content) || ref.ID != ms[1].ID {
		t.Fatalf("sent %+v, ref %+v", ms, ref)
	}
	// Too big for Zalo: refused before any upload.
	_, err = h.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(chair.ID), Name: "lon.pdf",
		Open: opener(make([]byte, zalotest.MaxUploadSize+1)), Caption: "x"})
	if cchcbot.ErrorCode(h.watch.err(err)) != cchcbot.ETOOLARGE || h.srv.Requests(zalotest.PathUpload) != 1 {
		t.Errorf("err = %v, uploads %d", err, h.srv.Requests(zalotest.PathUpload))
	}
}

// TestE2ETokenRotation: the pair rotates a day in, is committed before
// its access token is used, survives a restart, and a refresh token used
// twice (an old backup restored) is reported.
func TestE2ETokenRotation(t *testing.T) {
	h := newE2E(t)
	boot, _ := h.tokens.get()
	if boot.Access != h.srv.AccessToken() {
		t.Fatal("Bootstrap did not store the server's newest pair")
	}
	if _, err := h.send(chair, "trước"); err != nil {
		t.Fatal(err)
	}
	refreshes := h.srv.Requests(zalotest.PathAccessToken)

	h.clock.Add(24*time.Hour + 10*time.Minute)
	if _, err := h.send(chair, "sau một ngày"); err != nil {
		t.Fatal(err)
	}
	rotated, _ := h.tokens.get()
	if rotated.Access == boot.Access || rotated.Access != h.srv.AccessToken() || rotated.Refresh != h.srv.RefreshToken() {
		t.Fatal("the pair did not rotate into the store")
	}
	if put, use := h.trail.index("put "+rotated.Access), h.trail.index("use "+rotated.Access); put < 0 || use < 0 || put > use {
		t.Fatalf("put at %d, first use at %d: the store must have the pair first", put, use)
	}
	if n := h.srv.Requests(zalotest.PathAccessToken); n != refreshes+1 {
		t.Errorf("%d refreshes, want 1", n-refreshes)
	}

	// Zalo revokes the access token early: -220, refresh, once more.
	h.srv.ExpireAccessToken(rotated.Access)
	if _, err := h.send(chair, "sau khi Zalo thu hồi mã"); err != nil {
		t.Fatal(err)
	}
	third, _ := h.tokens.get()
	if third.Access == rotated.Access || third.Access != h.srv.AccessToken() {
		t.Fatal("-220 did not rotate the pair")
	}

	// A restart: a new client on the same store sends without refreshing.
	before := h.srv.Requests(zalotest.PathAccessToken)
	c2, err := zalo.New(zalo.Config{AppID: h.srv.AppID(), APIBase: h.srv.URL(), OAuthBase: h.srv.URL(),
		AppSecret: h.srv.AppSecret(), OASecretKey: h.srv.OASecretKey(), Logger: h.logs.logger(), Clock: h.clock}, h.tokens)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(chair.ID), Text: "sau khi khởi động lại"}); err != nil {
		t.Fatal(h.watch.err(err))
	}
	if n := h.srv.Requests(zalotest.PathAccessToken); n != before {
		t.Errorf("the restarted client refreshed %d times", n-before)
	}

	// An old backup restored: its refresh token was used long ago.
	h.tokens.set(rotated)
	h.clock.Add(25 * time.Hour)
	_, err = h.send(chair, "sau khi khôi phục bản sao lưu cũ")
	if !errors.Is(err, zalo.ErrTokenDead) {
		t.Fatalf("err = %v, want ErrTokenDead", err)
	}
	if !errors.Is(h.c.Healthy(), zalo.ErrTokenDead) || len(h.dead) != 1 {
		t.Errorf("Healthy = %v, OnTokenDead %d", h.c.Healthy(), len(h.dead))
	}
	// zalo-auth with the token the admin gets from Zalo revives it.
	if err := h.c.InitialRefresh(ctx, h.srv.RefreshToken()); err != nil {
		t.Fatal(h.watch.err(err))
	}
	if _, err := h.send(chair, "sau khi cấp mã mới"); err != nil || h.c.Healthy() != nil {
		t.Fatalf("after zalo-auth: %v, Healthy %v", err, h.c.Healthy())
	}
}

// TestE2EUploadKeys: the file message carries the upload's id under the
// key the upload answered with, token or attachment_id.
func TestE2EUploadKeys(t *testing.T) {
	for _, key := range []string{zalotest.UploadKeyToken, zalotest.UploadKeyAttachmentID} {
		t.Run(key, func(t *testing.T) {
			h := newE2E(t, zalotest.WithUploadKey(key))
			content := []byte("%PDF-1.7 báo cáo quý I/2024")
			if _, err := h.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(chair.ID), Name: "bao-cao-quy-1.pdf",
				Open: opener(content), Size: int64(len(content))}); err != nil {
				t.Fatal(h.watch.err(err))
			}
			ms := h.srv.Messages(chair.ID)
			if len(ms) != 1 || ms[0].File == nil || ms[0].File.Key != key || string(ms[0].File.Content) != string(content) {
				t.Fatalf("sent %+v", ms)
			}
		})
	}
}
