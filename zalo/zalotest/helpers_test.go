package zalotest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

// wait bounds every wait in these tests. It is a fail-safe against hangs,
// never a timing assertion: passing tests wake as soon as things happen.
const wait = 20 * time.Second

var (
	alice = zalotest.User{ID: "8412345678901234567", Name: "Nguyễn Thị An"}
	bob   = zalotest.User{ID: "5512398765432109876", Name: "Trần Văn Bình"}
)

// clock is a test clock the server reads; tests move it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// setup starts a server on a test clock with alice following the OA.
func setup(t *testing.T, opts ...zalotest.Option) (*zalotest.Server, *clock) {
	t.Helper()
	c := newClock()
	srv := zalotest.New(t, append([]zalotest.Option{zalotest.WithClock(c.Now)}, opts...)...)
	srv.AddFollower(alice)
	return srv, c
}

// reply is the OA API's envelope as a client decodes it.
type reply struct {
	Error   int               `json:"error"`
	Message string            `json:"message"`
	Data    map[string]string `json:"data"`
}

// post sends body to path with the access token header, as the bot's
// client does, and decodes Zalo's envelope.
func post(t *testing.T, srv *zalotest.Server, path, token, contentType string, body io.Reader) (reply, *http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("access_token", token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return reply{}, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, resp, err
	}
	var r reply
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("answer %s is not Zalo's envelope: %v", raw, err)
		}
	}
	return r, resp, nil
}

// send posts a /message/cs body with the server's current access token.
func send(t *testing.T, srv *zalotest.Server, body string) reply {
	t.Helper()
	r, resp, err := post(t, srv, zalotest.PathMessage, srv.AccessToken(), "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("send: %v %v", resp, err)
	}
	return r
}

// sendFromGoroutine sends a text without a testing.T, for goroutines;
// the caller checks the outcome through the server.
func sendFromGoroutine(srv *zalotest.Server, userID, text string) {
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathMessage, strings.NewReader(textBody(userID, text)))
	req.Header.Set("access_token", srv.AccessToken())
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
	}
}

// textBody is a /message/cs body with a text.
func textBody(userID, text string) string {
	b, _ := json.Marshal(map[string]any{"recipient": map[string]string{"user_id": userID},
		"message": map[string]string{"text": text}})
	return string(b)
}

// wantError asserts Zalo's error code and message.
func wantError(t *testing.T, r reply, code int, msg string) {
	t.Helper()
	if r.Error != code || (msg != "" && r.Message != msg) {
		t.Fatalf("answer = %d %q, want %d %q", r.Error, r.Message, code, msg)
	}
}

// upload posts a multipart file part "file" named name.
func upload(t *testing.T, srv *zalotest.Server, token, name string, content []byte) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("note", "ignored")
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	r, resp, err := post(t, srv, zalotest.PathUpload, token, mw.FormDataContentType(), &buf)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %v %v", resp, err)
	}
	return r
}

// tokenAnswer is the OAuth server's answer, success or error.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    any    `json:"expires_in"` // must be a string: any shows if not
	Error        int    `json:"error"`
	ErrorName    string `json:"error_name"`
	ErrorReason  string `json:"error_reason"`
	ErrorDesc    string `json:"error_description"`
}

// refresh rotates refreshToken as the bot does: a form, the secret in a
// header. It uses no testing.T, so that goroutines may call it.
func refresh(srv *zalotest.Server, appID, secret, refreshToken string) (tokenAnswer, error) {
	form := url.Values{"app_id": {appID}, "grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	return postForm(srv, "application/x-www-form-urlencoded", secret, form.Encode())
}

func postForm(srv *zalotest.Server, contentType, secret, body string) (tokenAnswer, error) {
	req, err := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathAccessToken, strings.NewReader(body))
	if err != nil {
		return tokenAnswer{}, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("secret_key", secret)
	resp, err := srv.Client().Do(req)
	if err != nil {
		return tokenAnswer{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return tokenAnswer{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var a tokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return tokenAnswer{}, fmt.Errorf("decoding the answer: %w", err)
	}
	return a, nil
}

// receiver is the bot's side of the webhook in these tests: it records
// every post and answers with what respond returns for the n-th post
// (from 0) with this body; respond may block until the request's context
// ends.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	posts   []received
	respond func(n int, r *http.Request, body []byte) int
}

type received struct {
	body      []byte
	signature string
	hasHeader bool
}

func newReceiver(t *testing.T, srv *zalotest.Server, respond func(n int, r *http.Request, body []byte) int) *receiver {
	t.Helper()
	if respond == nil {
		respond = func(int, *http.Request, []byte) int { return http.StatusOK }
	}
	rc := &receiver{respond: respond}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.posts)
		_, has := r.Header[http.CanonicalHeaderKey(zalotest.SignatureHeader)]
		rc.posts = append(rc.posts, received{body, r.Header.Get(zalotest.SignatureHeader), has})
		rc.mu.Unlock()
		w.WriteHeader(rc.respond(n, r, body))
	}))
	t.Cleanup(rc.srv.Close)
	srv.Webhook(rc.srv.URL + "/zalo/webhook")
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.posts...)
}

// mac computes the signature independently of the server, from the
// contract: hex(sha256(app_id + raw body + timestamp + OA secret key)).
func mac(appID string, body []byte, timestamp, key string) string {
	sum := sha256.Sum256([]byte(appID + string(body) + timestamp + key))
	return hex.EncodeToString(sum[:])
}

// timestampOf returns the body's timestamp, which must be a string.
func timestampOf(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		Timestamp string `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Timestamp == "" {
		t.Fatalf("body %s has no string timestamp: %v", body, err)
	}
	return v.Timestamp
}

// waitEvent waits for the event to be done and fails the test if it
// never is.
func waitEvent(t *testing.T, srv *zalotest.Server, id string) zalotest.Event {
	t.Helper()
	ev, err := srv.WaitEvent(id, wait)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
