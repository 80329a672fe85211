package zalo_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// The unit tests' own identity and secrets, distinct enough to grep for.
const (
	testAppID    = "1234567890"
	testOAID     = "9876543210"
	testSecret   = "APPSECRET-Qx7v9"
	testOAKey    = "OAKEY-Zr4m2"
	testUser     = "8400000000000000001"
	accessPrefix = "ACCESSTOKEN-"
	refreshPrefx = "REFRESHTOKEN-"
)

// fakeAPI is a small stand-in for Zalo written for the unit tests: each
// test scripts the answers it needs (Answer), and every request is
// recorded. zalotest is the full fake the end-to-end tests use.
type fakeAPI struct {
	t     *testing.T
	srv   *httptest.Server
	clock *clock
	trail *trail

	mu       sync.Mutex
	n        int
	access   map[string]time.Time // valid access tokens
	refresh  map[string]bool      // refresh token -> still unused
	refreshN int
	oauth    int      // requests to the OAuth endpoint
	bodies   []string // /message/cs bodies, in order
	uploads  []string // uploaded file names
	// Answer, when set, answers /message/cs and /upload/file in place of
	// the default success; return false to fall through.
	Answer func(w http.ResponseWriter, r *http.Request, n int) bool
	// OAuthAnswer, when set, answers the OAuth endpoint.
	OAuthAnswer func(w http.ResponseWriter, r *http.Request) bool
	// Files serves /files/.
	Files http.HandlerFunc
}

func newFakeAPI(t *testing.T, c *clock) *fakeAPI {
	f := &fakeAPI{t: t, clock: c, trail: &trail{}, access: map[string]time.Time{}, refresh: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// issue makes a new token pair valid and returns it as the store keeps it.
func (f *fakeAPI) issue(ttl time.Duration) cchcbot.ChannelTokens {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issueLocked(ttl)
}

func (f *fakeAPI) issueLocked(ttl time.Duration) cchcbot.ChannelTokens {
	f.refreshN++
	now := f.clock.Now()
	t := cchcbot.ChannelTokens{Access: accessPrefix + itoa(f.refreshN), AccessExpires: now.Add(ttl),
		Refresh: refreshPrefx + itoa(f.refreshN), RefreshExpires: now.Add(90 * 24 * time.Hour), UpdatedAt: now}
	f.access[t.Access] = t.AccessExpires
	f.refresh[t.Refresh] = true
	return t
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v4/oa/access_token":
		f.serveOAuth(w, r)
	case "/v3.0/oa/message/cs", "/v2.0/oa/upload/file":
		f.serveAPI(w, r)
	default:
		if f.Files != nil {
			f.Files(w, r)
			return
		}
		http.NotFound(w, r)
	}
}

func (f *fakeAPI) serveOAuth(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.oauth++
	f.mu.Unlock()
	if f.OAuthAnswer != nil && f.OAuthAnswer(w, r) {
		return
	}
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("secret_key") != testSecret || r.PostForm.Get("app_id") != testAppID {
		fmt.Fprint(w, `{"error":-14002,"error_name":"Invalid secret key"}`)
		return
	}
	old := r.PostForm.Get("refresh_token")
	if r.PostForm.Get("grant_type") != "refresh_token" || !f.refresh[old] {
		fmt.Fprint(w, `{"error":-14014,"error_name":"Invalid refresh token","error_description":"invalid, expired or used"}`)
		return
	}
	f.refresh[old] = false
	t := f.issueLocked(25 * time.Hour)
	f.trail.add("refresh " + old)
	json.NewEncoder(w).Encode(map[string]string{"access_token": t.Access, "refresh_token": t.Refresh, "expires_in": "90000"})
}

func (f *fakeAPI) serveAPI(w http.ResponseWriter, r *http.Request) {
	access := r.Header.Get("access_token")
	f.trail.add("use " + access)
	f.mu.Lock()
	f.n++
	n := f.n
	exp, ok := f.access[access]
	f.mu.Unlock()
	if f.Answer != nil && f.Answer(w, r, n) {
		return
	}
	if !ok || !f.clock.Now().Before(exp) {
		fmt.Fprint(w, `{"error":-216,"message":"Access token is invalid"}`)
		return
	}
	if r.URL.Path == "/v2.0/oa/upload/file" {
		mr, err := r.MultipartReader()
		if err != nil {
			f.t.Errorf("upload is not multipart: %v", err)
			return
		}
		p, err := mr.NextPart()
		if err != nil || p.FormName() != "file" {
			f.t.Errorf("upload part: %v %q", err, p.FormName())
			return
		}
		io.Copy(io.Discard, p)
		f.mu.Lock()
		f.uploads = append(f.uploads, p.FileName())
		f.mu.Unlock()
		fmt.Fprintf(w, `{"error":0,"message":"Success","data":{"token":"FILETOKEN-%d"}}`, n)
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	f.mu.Unlock()
	fmt.Fprintf(w, `{"error":0,"message":"Success","data":{"message_id":"m%d","user_id":"%s"}}`, n, testUser)
}

func (f *fakeAPI) oauthCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.oauth
}

func (f *fakeAPI) uploaded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.uploads...)
}

func (f *fakeAPI) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

// unit is a client against a fakeAPI, with its store, logs and secrets
// watch.
type unit struct {
	api    *fakeAPI
	tokens *memTokens
	clock  *clock
	logs   *logBuffer
	watch  *secretWatch
	c      *zalo.Client
	dead   chan error
}

// newUnit starts a fake API and a client whose store holds a fresh pair.
func newUnit(t *testing.T, opts ...func(*zalo.Config)) *unit {
	t.Helper()
	u := &unit{clock: newClock(vn("2024-03-04 09:00")), logs: &logBuffer{}, dead: make(chan error, 10)}
	u.api = newFakeAPI(t, u.clock)
	u.tokens = &memTokens{trail: u.api.trail}
	u.tokens.set(u.api.issue(25 * time.Hour))
	u.watch = newSecretWatch(t, u.logs)
	u.watch.secret("the app secret", testSecret)
	u.watch.secret("the OA secret key", testOAKey)
	for i := 1; i <= 50; i++ {
		u.watch.secret("access token "+itoa(i), accessPrefix+itoa(i))
		u.watch.secret("refresh token "+itoa(i), refreshPrefx+itoa(i))
	}
	cfg := zalo.Config{AppID: testAppID, OAID: testOAID, APIBase: u.api.srv.URL, OAuthBase: u.api.srv.URL,
		AppSecret: testSecret, OASecretKey: testOAKey, Logger: u.logs.logger(), Clock: u.clock,
		OnTokenDead: func(err error) { u.dead <- err }}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := zalo.New(cfg, u.tokens)
	if err != nil {
		t.Fatal(err)
	}
	u.c = c
	return u
}

// send sends text to the test user and records the error for the
// secrets check.
func (u *unit) send(text string, buttons ...[]cchcbot.Button) (cchcbot.MessageRef, error) {
	ref, err := u.c.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(testUser), Text: text, Buttons: buttons})
	return ref, u.watch.err(err)
}

// answer writes a Zalo envelope with code and message.
func answer(w http.ResponseWriter, code int, msg string) {
	fmt.Fprintf(w, `{"error":%d,"message":%q}`, code, msg)
}
