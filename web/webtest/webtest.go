// Package webtest starts the web dashboard for tests, as `cchcbot run`
// wires it: a real store in a temporary directory, seeded with a small
// district whose every cell state is known (see seed.go), the real chat
// service and scheduler behind the forms, and the real outbox delivering
// what they queue to a recording chat network. The server listens on a
// loopback port (an httptest.Server); its BaseURL is that address.
//
//	f := webtest.New(t)
//	c := f.Login(t, f.Admin.User)       // an http.Client holding a session
//	res := f.Get(t, c, "/nam/2024")      // or a browser on f.URL + f.LoginLink(t, admin)
//	f.Drain(t)                           // the outbox delivered everything queued
//	f.Network.SentTo(webtest.ChairLoc)   // what a member received
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/chat"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/store"
	"cchcbot/web"
)

// Now is the fixture's "now": 20/03/2024 10:00 in the district's zone.
// January and February's monthly reports and the remediation plan are
// past their deadlines, March's deadline (12/03) has just passed, April's
// period has not opened.
var Now = time.Date(2024, 3, 20, 10, 0, 0, 0, ICT)

// ICT is the district's zone; a fixed zone keeps tests free of tzdata.
var ICT = time.FixedZone("ICT", 7*3600)

// Office signs the messages and titles.
const Office = "Phòng Nội vụ huyện Quỳ Hợp"

// Fixture is a running dashboard on a seeded store.
type Fixture struct {
	DB        *store.DB
	Calendar  *cchcbot.Calendar
	Clock     *Clock
	Chat      *chat.Service
	Scheduler *scheduler.Scheduler
	Outbox    *outbox.Sender
	Network   *Network
	Server    *web.Server
	HTTP      *httptest.Server
	URL       string // the server's address, also its BaseURL: "http://127.0.0.1:port"
	Admin     cchcbot.Admin
	Seed      Seed

	logs *syncBuffer
}

// New starts a dashboard on a freshly seeded store; everything stops when
// the test ends. Each of tune may change the server's options before it
// starts (a test of the rate limits raises them, say).
func New(tb testing.TB, tune ...func(*web.Options)) *Fixture {
	tb.Helper()
	ctx := context.Background()
	f := &Fixture{Calendar: Calendar(), Clock: &Clock{t: Now}, Network: NewNetwork(), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := store.Open(tb.TempDir(), store.Options{Now: f.Clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f.DB = db
	f.Seed = seed(tb, db, f.Calendar)
	f.Admin = Admins[0]

	// Every message goes through the real outbox, at no pace, to the
	// recording network.
	f.Outbox = outbox.New(ctx, db, f.Network, outbox.Options{GlobalPerSecond: 1e9, PerChatPerSecond: 1e9, MaxInFlight: 1, Clock: f.Clock,
		Backoff: func(int) time.Duration { return time.Millisecond }, Logger: logger})
	tb.Cleanup(f.Outbox.Close) // before the store closes: cleanups run last first
	signer := cchcbot.CallbackSigner{Key: []byte("webtest key for buttons, 32 b!!")}
	f.Scheduler = scheduler.New(f.Calendar, db, f.Clock, signer, Office, logger)

	ts := httptest.NewUnstartedServer(nil) // its listener is bound: its address is the BaseURL
	f.URL = "http://" + ts.Listener.Addr().String()
	f.Chat = chat.New(chat.Options{Store: db, Calendar: f.Calendar, Channel: f.Outbox, Clock: f.Clock, Signer: signer, Reminders: f.Scheduler,
		InviteLink: func(code string) string { return "https://t.me/cchc_quyhop_bot?start=" + code },
		ZaloOALink: "https://zalo.me/1234567890123456789", Office: Office, Logger: logger,
		WebLogin: func(ctx context.Context, admin cchcbot.UserID) (string, time.Time, error) {
			return web.NewLoginLink(ctx, db, f.URL, admin, f.Clock.Now())
		}})
	opts := web.Options{Store: db, Calendar: f.Calendar, Clock: f.Clock, Reviewer: f.Chat, Inviter: f.Chat, Reminder: f.Scheduler,
		BaseURL: f.URL, Office: Office, Logger: logger}
	for _, t := range tune {
		t(&opts)
	}
	f.Server, err = web.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	ts.Config.Handler = f.Server.Handler()
	ts.Start()
	tb.Cleanup(ts.Close)
	f.HTTP = ts
	return f
}

// Logs returns everything the fixture's parts logged so far, the
// dashboard's access log included (at debug level).
func (f *Fixture) Logs() string { return f.logs.String() }

// LoginLink makes a one-time login link for admin, as /web does.
func (f *Fixture) LoginLink(tb testing.TB, admin cchcbot.UserID) string {
	tb.Helper()
	link, _, err := web.NewLoginLink(context.Background(), f.DB, f.URL, admin, f.Clock.Now())
	if err != nil {
		tb.Fatalf("login link for %s: %v", admin, err)
	}
	return link
}

// Client returns an HTTP client with its own cookie jar that does not
// follow redirects, so that a test sees each answer.
func (f *Fixture) Client(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Login signs admin in through a login link, as a person pressing
// "Đăng nhập" does, and returns the client holding the session.
func (f *Fixture) Login(tb testing.TB, admin cchcbot.UserID) *http.Client {
	tb.Helper()
	c := f.Client(tb)
	link := f.LoginLink(tb, admin)
	token := link[strings.LastIndexByte(link, '/')+1:]
	res := f.Post(tb, c, "/dang-nhap", url.Values{"token": {token}})
	if res.Status != http.StatusSeeOther {
		tb.Fatalf("login: status %d, want 303:\n%s", res.Status, res.Body)
	}
	return c
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Get fetches path (or a full URL) with c.
func (f *Fixture) Get(tb testing.TB, c *http.Client, path string) Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, f.abs(path), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return do(tb, c, req)
}

// Post sends form to path with c, as a browser submits a form.
func (f *Fixture) Post(tb testing.TB, c *http.Client, path string, form url.Values) Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, f.abs(path), strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(tb, c, req)
}

func (f *Fixture) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return f.URL + path
}

func do(tb testing.TB, c *http.Client, req *http.Request) Response {
	tb.Helper()
	res, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF returns the CSRF token of c's session, read from a page.
func (f *Fixture) CSRF(tb testing.TB, c *http.Client) string {
	tb.Helper()
	res := f.Get(tb, c, "/ky/bao-cao-thang/2024-02")
	m := csrfPattern.FindStringSubmatch(res.Body)
	if m == nil {
		tb.Fatalf("no CSRF token on the period page (status %d)", res.Status)
	}
	return m[1]
}

// Drain waits until the outbox has delivered everything queued.
func (f *Fixture) Drain(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.Outbox.WaitIdle(ctx); err != nil {
		tb.Fatalf("the outbox did not deliver everything: %v", err)
	}
}

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
