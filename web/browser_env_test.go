package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/chat"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/web"
)

// browserToken is the fake Bot API's token: it must never reach a log.
const browserToken = "7000001:browser-test-token-never-logged"

// browserBotLink is the bot's invite link, which the invite's QR code
// opens.
const browserBotLink = "https://t.me/cchc_browser_bot?start="

// browserEnv is the dashboard as `cchcbot run` serves it, on the seeded
// world: the real web server on a loopback port, the real chat service as
// its reviewer, the real outbox delivering what they queue through the
// real Telegram adapter to the fake Bot API, where the tests read what
// each member received.
type browserEnv struct {
	*browserWorld
	web  *web.Server
	URL  string // the dashboard's base address, without a trailing slash
	tg   *telegramtest.Server
	chat *chat.Service
	out  *outbox.Sender
	logs *browserLog
}

// startBrowserEnv serves w until the test ends.
func startBrowserEnv(t *testing.T, w *browserWorld) *browserEnv {
	t.Helper()
	e := &browserEnv{browserWorld: w, logs: &browserLog{}}
	// Registered first, so it runs last: after every server has stopped.
	t.Cleanup(func() { e.checkLogs(t) })
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	e.tg = telegramtest.New(t, browserToken)
	tg, err := bot.New(ctx, bot.Config{Token: browserToken, APIEndpoint: e.tg.APIEndpoint(), FileEndpoint: e.tg.FileEndpoint(),
		PollTimeout: time.Second, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	q := outbox.New(ctx, e.db, tg, outbox.Options{GlobalPerSecond: 1e6, PerChatPerSecond: 1e6, Clock: e.clock,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }, Logger: logger})
	t.Cleanup(q.Close) // before the store closes: cleanups run last first
	e.out = q

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.URL = "http://" + ln.Addr().String()
	key, err := e.db.Secret(ctx, "callback", 32)
	if err != nil {
		t.Fatal(err)
	}
	var srv *web.Server
	signer := cchcbot.CallbackSigner{Key: key}
	sched := scheduler.New(e.cal, e.db, e.clock, signer, e.cfg.Office, logger)
	e.chat = chat.New(chat.Options{Store: e.db, Calendar: e.cal, Channel: q, Clock: e.clock, Signer: signer, Reminders: sched,
		InviteLink: func(code string) string { return browserBotLink + code },
		Office:     e.cfg.Office, Logger: logger,
		WebLogin: func(ctx context.Context, admin cchcbot.UserID) (string, time.Time, error) {
			return srv.LoginLink(ctx, admin)
		}})
	srv, err = web.New(web.Options{Store: e.db, Calendar: e.cal, Clock: e.clock, Reviewer: e.chat, Inviter: e.chat, Reminder: sched,
		BaseURL: e.URL, Office: e.cfg.Office, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	e.web = srv
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("the dashboard stopped with %v", err)
		}
	})
	return e
}

// loginLink makes a fresh one-time link for the seeded admin, as /web
// does.
func (e *browserEnv) loginLink(t testing.TB) string {
	t.Helper()
	link, expires, err := e.web.LoginLink(context.Background(), browserAdmin.User)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(web.LoginTTL); !expires.Equal(want) {
		t.Errorf("link expires %v, want %v", expires, want)
	}
	if !strings.HasPrefix(link, e.URL+"/") {
		t.Fatalf("link %q is not on the dashboard %s", link, e.URL)
	}
	e.logs.secret(link[strings.LastIndexByte(link, '/')+1:])
	return link
}

// forgeSession stores a live session for user straight in the store, as
// if a login link had been issued to them, and returns its id: what a
// forger who could write the database, or a bug that let a member get a
// link, would hold.
func (e *browserEnv) forgeSession(t testing.TB, user cchcbot.UserID) string {
	t.Helper()
	ctx := context.Background()
	_, tokenHash := browserRandomToken(t)
	now := e.clock.Now()
	if err := e.db.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: tokenHash, Admin: user, CreatedAt: now, ExpiresAt: now.Add(web.LoginTTL)}); err != nil {
		t.Fatal(err)
	}
	sid, sidHash := browserRandomToken(t)
	csrf, _ := browserRandomToken(t)
	if _, err := e.db.StartWebSession(ctx, tokenHash, cchcbot.WebSession{Hash: sidHash, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(web.SessionTTL)}, now); err != nil {
		t.Fatal(err)
	}
	e.logs.secret(sid)
	return sid
}

// browserRandomToken returns a token shaped like the server's (32 random
// bytes, base64url) and its sha256.
func browserRandomToken(t testing.TB) (token, hash string) {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:])
}

// browserTelegramID is a member's chat id on the fake Bot API.
func browserTelegramID(t testing.TB, u cchcbot.UserID) int64 {
	t.Helper()
	id, ok := u.TelegramID()
	if !ok {
		t.Fatalf("%s is not a Telegram user", u)
	}
	return id
}

// waitMessage waits until the member has received a message containing
// want on the fake Bot API, and returns its text.
func (e *browserEnv) waitMessage(t testing.TB, member cchcbot.UserID, want string) string {
	t.Helper()
	id := browserTelegramID(t, member)
	var got string
	err := e.tg.WaitFor(func(s *telegramtest.Server) bool {
		for _, m := range s.Messages(id) {
			if strings.Contains(m.Text, want) {
				got = m.Text
				return true
			}
		}
		return false
	}, 20*time.Second)
	if err != nil {
		var texts []string
		for _, m := range e.tg.Messages(id) {
			texts = append(texts, m.Text)
		}
		t.Fatalf("%s received no message containing %q; got %q", member, want, texts)
	}
	return got
}

// drain waits until the outbox has delivered everything queued so far,
// so that what a member did not receive is known not to come.
func (e *browserEnv) drain(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.out.WaitIdle(ctx); err != nil {
		t.Fatalf("the outbox did not deliver everything: %v", err)
	}
}

// audit returns the audit log.
func (e *browserEnv) audit(t testing.TB) []cchcbot.AuditEntry {
	t.Helper()
	es, err := e.db.AuditEntries(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// browserLog collects every log line of the run, and the secrets that
// must not be among them.
type browserLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	secrets []string
}

func (l *browserLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *browserLog) secret(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.secrets = append(l.secrets, s)
}

func (l *browserLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// checkLogs fails the test if a login token, a session id or the bot
// token reached the log.
func (e *browserEnv) checkLogs(t testing.TB) {
	e.logs.mu.Lock()
	defer e.logs.mu.Unlock()
	text := e.logs.buf.String()
	for _, s := range append([]string{browserToken}, e.logs.secrets...) {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("a secret (%.6s…) reached the log", s)
		}
	}
}
