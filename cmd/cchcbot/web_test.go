package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/store"
)

// webConfig turns the dashboard on in the test config at path, served on
// addr.
func webConfig(t *testing.T, path, addr string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw) + "\nweb:\n  base_url: http://" + addr + "\n  listen: \"" + addr + "\"\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

var loginLink = regexp.MustCompile(`http://[0-9.:]+/dang-nhap/([A-Za-z0-9_-]{43})`)

// TestWebLoginStopped: with the bot stopped, web-login makes the link in
// the store, prints it and queues it to the admin's chat; it refuses when
// the dashboard is off and names the admins when the name matches none.
func TestWebLoginStopped(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")
	path, dataDir := tempConfig(t)
	code, _, errOut := run(t, "web-login", "9001", "-config", path)
	if code != exitUsage || !strings.Contains(errOut, "chưa được bật") {
		t.Errorf("without a web section: exit %d, %q", code, errOut)
	}
	webConfig(t, path, freeAddr(t))
	code, out, errOut := run(t, "web-login", "tran thi noi vu", "-config", path)
	if code != exitOK {
		t.Fatalf("web-login: exit %d: %s", code, errOut)
	}
	m := loginLink.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "Trần Thị Nội Vụ") || !strings.Contains(out, "10/02/2024 09:10") || !strings.Contains(out, "cuộc trò chuyện") {
		t.Fatalf("web-login printed:\n%s", out)
	}
	code, _, errOut = run(t, "web-login", "khong co ai", "-config", path)
	if code != exitUsage || !strings.Contains(errOut, "Trần Thị Nội Vụ – mã 9001") {
		t.Errorf("an unknown admin: exit %d, %q; want the admins listed", code, errOut)
	}

	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	queued, err := db.PendingOutgoing(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 1 || queued[0].To != cchcbot.TelegramUser(9001) || !strings.Contains(queued[0].Text, m[0]) {
		t.Errorf("queued %+v, want the link to telegram:9001", queued)
	}
	l, err := db.WebLogin(context.Background(), hashHex(m[1]))
	if err != nil || l.Admin != cchcbot.TelegramUser(9001) || l.Used() {
		t.Errorf("the stored link: %+v, %v", l, err)
	}
}

// TestRunServesWeb: `cchcbot run` with a web section serves the dashboard;
// web-login reaches the running bot; the link it prints and the one /web
// sends in chat both sign in; the dashboard stops with the bot; no link
// reaches the log.
func TestRunServesWeb(t *testing.T) {
	path, _, srv := tempConfigServer(t)
	addr := freeAddr(t)
	webConfig(t, path, addr)
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var botLog lockedBuffer
	exited := make(chan int, 1)
	go func() { exited <- Main(ctx, []string{"run", "-config", path}, io.Discard, &botLog) }()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if code, body, err := httpGet(base + "/"); err == nil {
			if code != http.StatusUnauthorized || !strings.Contains(body, "Chưa đăng nhập") {
				t.Fatalf("/ without a session: %d\n%s", code, body)
			}
			break
		}
		select {
		case code := <-exited:
			t.Fatalf("the bot exited (%d):\n%s", code, botLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard never answered:\n%s", botLog.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Through the control socket, while the bot holds the store.
	code, out, errOut := run(t, "web-login", "9001", "-config", path)
	m := loginLink.FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("web-login through the bot: exit %d\n%s%s", code, out, errOut)
	}
	admin := telegramtest.User{ID: 9001, FirstName: "Trần Thị Nội Vụ"}
	if msgs, err := srv.WaitMessages(9001, 1, 20*time.Second); err != nil || !strings.Contains(msgs[0].Text, m[0]) {
		t.Fatalf("the link did not reach the admin's chat: %v %+v", err, msgs)
	}
	signIn(t, base, m[1])

	// /web in chat.
	srv.SendText(admin, "/web")
	msgs, err := srv.WaitMessages(9001, 2, 20*time.Second)
	if err != nil {
		t.Fatalf("/web was not answered: %v\n%s", err, botLog.String())
	}
	m2 := loginLink.FindStringSubmatch(msgs[1].Text)
	if m2 == nil || m2[1] == m[1] {
		t.Fatalf("/web answered %q, want a new link", msgs[1].Text)
	}
	signIn(t, base, m2[1])

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("exit code %d, want 0:\n%s", code, botLog.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the bot did not stop:\n%s", botLog.String())
	}
	if _, _, err := httpGet(base + "/"); err == nil {
		t.Error("the dashboard still answers after the bot stopped")
	}
	for _, token := range []string{m[1], m2[1]} {
		if strings.Contains(botLog.String(), token) {
			t.Error("the bot's log holds a login link")
		}
	}
	if !strings.Contains(botLog.String(), "serving the web dashboard") {
		t.Errorf("the log does not say the dashboard started:\n%s", botLog.String())
	}
}

// signIn opens a login link, presses "Đăng nhập" and reads the overview.
func signIn(t *testing.T, base, token string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Get(base + "/dang-nhap/" + token)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the link's page: %v %v", err, res)
	}
	res.Body.Close()
	res, err = c.PostForm(base+"/dang-nhap", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Tình hình nộp báo cáo năm 2024") || !strings.Contains(string(body), "UBND xã Châu Lộc") {
		t.Fatalf("after signing in: %d\n%s", res.StatusCode, body)
	}
}

// TestRunWebPortTaken: a web.listen address in use fails the start,
// naming the setting.
func TestRunWebPortTaken(t *testing.T) {
	path, _, _ := tempConfigServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	webConfig(t, path, ln.Addr().String())
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	code, _, errOut := run(t, "run", "-config", path)
	if code != exitUsage || !strings.Contains(errOut, "web.listen") {
		t.Errorf("exit %d, stderr %q: want %d naming web.listen", code, errOut, exitUsage)
	}
}

// hashHex is how the store keeps a login token: sha256, hex.
func hashHex(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
