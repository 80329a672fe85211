// Package zalotest is a fake Zalo Official Account (OA) Open API server
// for tests and benchmarks.
//
// The bot must never talk to the real Zalo, yet its Zalo adapter should be
// tested over real HTTP, so that request encoding, response decoding,
// token rotation and webhook verification are exercised end to end. This
// package serves the part of the OA Open API the bot uses on an httptest
// server, and it plays Zalo's other half too: it posts signed webhook
// events to the bot, times them out after 2 s and retries them, as Zalo
// does.
//
// The API (one server for both the API and the OAuth base URL):
//
//	POST /v3.0/oa/message/cs     send a text, a text with buttons, or a file
//	POST /v2.0/oa/upload/file    upload a PDF/DOC/DOCX (≤ 5 MB), get its id
//	POST /v4/oa/access_token     rotate the single-use refresh token
//	GET  /files/<id>             files users "sent", linked from events
//
// Zalo answers errors with HTTP 200 and a non-zero "error" code; only a
// proxy in the way answers 5xx (FailNext). A test plays the users
// (SendText, SendFile, PressButton, Follow, Seen...), reads what the bot
// sent (Messages, NextMessage), what the server posted and how the bot
// answered (Events, WebhookStats), waits without sleeping (WaitFor and the
// Wait helpers wake on every recorded change) and injects faults at run
// time (ErrorNext, QuotaNext, SetUserError, FailNext, Hang, SetOutage,
// TamperNext, file faults...).
//
// The server follows the facts checked in docs/ZALO.md: negative OA error
// codes (-216 for an unknown access token, -220 for an expired one, -211
// and -218 for quotas, -230 outside the interaction window...), -14014
// and -14020 for a dead refresh token, delivery events sent from the OA
// to the user. Where the sources disagree an option picks the variant
// (WithUploadKey, WithEmptyReuseAnswer, WithNumericSize).
// Every method of Server is safe for concurrent use.
package zalotest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The paths the server serves, as Requests, FailNext, Hang and SetLatency
// name them. Every file download counts as PathFiles.
const (
	PathMessage     = "/v3.0/oa/message/cs"
	PathUpload      = "/v2.0/oa/upload/file"
	PathAccessToken = "/v4/oa/access_token"
	PathFiles       = "/files/"
)

// Server is a running fake Zalo. Create it with New or NewServer.
type Server struct {
	srv       *httptest.Server
	opts      options
	hook      *http.Client  // posts webhook events, never to the real Zalo
	hookSlots chan struct{} // bounds concurrent webhook posts
	ctx       context.Context
	cancel    context.CancelFunc // ends retries and posts in flight
	done      chan struct{}      // closed by Close
	closeOnce sync.Once
	workers   sync.WaitGroup // webhook delivery goroutines

	// mu guards everything below. One lock keeps the model simple; every
	// critical section is short.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every recorded change
	closed  bool

	requests map[string]int

	messages []Message             // everything the bot sent, in order
	users    map[string]*userState // by user id
	uploads  map[string]*File      // by file token

	access       map[string]time.Time      // access token -> expiry
	refresh      map[string]*refreshRecord // every refresh token issued
	accessToken  string                    // the newest pair
	refreshToken string
	accessTTL    time.Duration
	refreshTTL   time.Duration

	webhook    string
	events     []*event
	eventsByID map[string]*event
	queues     map[string]*queue // per user: events in posting order
	tamper     tamperFault
	nextEvent  int
	pending    int // events not done yet

	served map[string]*servedFile // by id in /files/<id>

	faults  faults
	outage  atomic.Bool
	dropped atomic.Int64
}

// New starts a server and closes it when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// NewServer starts a server; the caller must Close it. It exists for
// benchmark commands that have no testing.TB.
func NewServer(opts ...Option) *Server {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:       o,
		hookSlots:  make(chan struct{}, o.hookConcurrency),
		ctx:        ctx,
		cancel:     cancel,
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
		requests:   map[string]int{},
		users:      map[string]*userState{},
		uploads:    map[string]*File{},
		access:     map[string]time.Time{},
		refresh:    map[string]*refreshRecord{},
		accessTTL:  o.accessTTL,
		refreshTTL: o.refreshTTL,
		eventsByID: map[string]*event{},
		queues:     map[string]*queue{},
		served:     map[string]*servedFile{},
		faults:     newFaults(),
	}
	s.hook = &http.Client{
		Timeout: o.hookTimeout,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: o.hookConcurrency,
			DisableCompression:  true,
		},
		// Zalo posts to the URL it was given and follows no redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.mu.Lock()
	s.issueLocked(s.now())
	s.mu.Unlock()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close stops the server: webhook deliveries in flight or waiting for a
// retry end at once (unfinished ones count as not delivered), and later
// calls fail at the network level. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		close(s.done)
		s.workers.Wait()
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.hook.CloseIdleConnections()
	})
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234: both the API
// base (https://openapi.zalo.me) and the OAuth base
// (https://oauth.zaloapp.com) of the bot's configuration.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the server, for tests that call it
// directly.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// OAID is the Official Account's id, the recipient of users' messages.
func (s *Server) OAID() string { return s.opts.oaID }

// AppID is the id of the Zalo app the bot authenticates as.
func (s *Server) AppID() string { return s.opts.appID }

// AppSecret is the app's secret key, sent as the secret_key header of a
// token refresh.
func (s *Server) AppSecret() string { return s.opts.appSecret }

// OASecretKey is the key of webhook signatures.
func (s *Server) OASecretKey() string { return s.opts.oaSecretKey }

// now is the server's clock: token expiry, event timestamps and message
// times follow it (WithClock). Latencies use the real clock.
func (s *Server) now() time.Time { return s.opts.now() }

// Requests returns how many requests reached path (PathMessage...; every
// file download counts as PathFiles), whatever their outcome: refused
// tokens and injected faults included, outage drops not (see Dropped).
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *Server) countRequest(path string) {
	s.mu.Lock()
	s.requests[path]++
	s.notifyLocked() // a test may wait for the bot's retry
	s.mu.Unlock()
}

// notifyLocked wakes every waiter; s.mu must be held. Closing a channel is
// a broadcast, so no waiter polls with sleeps.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// routeKey names the path a request is counted and faulted under.
func routeKey(path string) string {
	if strings.HasPrefix(path, PathFiles) {
		return PathFiles
	}
	return path
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.dropIfOutage(w) {
		return
	}
	key := routeKey(r.URL.Path)
	s.countRequest(key)
	handled, dropAnswer := s.injectFault(w, r, key)
	if handled {
		return
	}
	if dropAnswer {
		// Zalo acts, then the answer is lost on the way back: the bot
		// cannot tell whether its message went out.
		s.route(discardWriter{h: http.Header{}}, r, key)
		dropConn(w)
		return
	}
	s.route(w, r, key)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, key string) {
	switch key {
	case PathMessage, PathUpload, PathAccessToken:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
	}
	switch key {
	case PathMessage:
		s.serveMessage(w, r)
	case PathUpload:
		s.serveUpload(w, r)
	case PathAccessToken:
		s.serveAccessToken(w, r)
	case PathFiles:
		s.serveFile(w, r, strings.TrimPrefix(r.URL.Path, PathFiles))
	default:
		http.NotFound(w, r)
	}
}

// sleep waits d unless the request is cancelled or the server closes; it
// reports whether the full delay elapsed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// String describes the server for test logs; it shows no secret.
func (s *Server) String() string { return fmt.Sprintf("zalotest.Server(%s)", s.srv.URL) }
