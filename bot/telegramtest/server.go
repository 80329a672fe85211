// Package telegramtest is a fake Telegram Bot API server for tests and
// benchmarks.
//
// The bot must never talk to the real Telegram, yet its tests should run the
// real go-telegram-bot-api v5 client over real HTTP, so that request
// encoding, response decoding and error mapping are exercised end to end.
// This package serves the subset of the Bot API the bot uses on an
// httptest server and behaves as Telegram does where the bot can tell:
// long polling with offset confirmation and at-least-once delivery, 409 for
// a second poller, 429 with retry_after, 403 for a blocked bot, the 4,096
// character and 20 MB limits, file downloads.
//
// A test plays the users (SendText, SendDocument, PressButton...), inspects
// what the bot sent (Messages, CallbackAnswers, Commands...), waits for it
// without sleeping (WaitFor, WaitMessages, NextMessage) and injects faults
// at run time (Block, FailNext, RetryAfterNext, EnforceRateLimits...).
// Every method of Server is safe for concurrent use.
package telegramtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// BotID and BotUsername identify the fake bot by default (see
// WithBotUsername); tests build t.me links from BotUsername.
const (
	BotID       = 777000
	BotUsername = "cchc_test_bot"
)

// Server is a running fake Bot API. Create it with New or NewServer.
type Server struct {
	srv       *httptest.Server
	token     string
	opts      options
	done      chan struct{} // closed by Close, ends long polls at once
	closeOnce sync.Once

	// mu guards everything below. One lock keeps the model simple; every
	// critical section is short and allocation-light, which is plenty for
	// thousands of requests per second.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every recorded change

	updates    []pendingUpdate // unconfirmed, in update_id order
	nextUpdate int
	delivered  map[int]int
	pollGen    uint64 // bumped by each getUpdates, for 409 Conflict
	polls      int    // getUpdates calls in progress

	messages  []Message            // everything the bot sent, in order
	chats     map[int64]*chatState // per-chat message ids and index
	callbacks map[string]bool      // issued callback query ids -> answered
	nextCB    int
	answers   []CallbackAnswer
	commands  []CommandsCall

	files    map[string]*file // by file_id
	filePath map[string]*file // by file_path, for downloads
	nextFile int

	requests map[string]int

	faults  faults       // own lock: switched by tests while requests run
	limits  rateLimiter  // own lock: the hot path of the fan-out benchmark
	tooMany atomic.Int64 // 429 answers, enforced or injected
	outage  atomic.Bool  // every connection is dropped (outage.go)
	dropped atomic.Int64 // requests dropped by an outage
}

// New starts a server accepting token and closes it when the test ends.
func New(tb testing.TB, token string, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(token, opts...)
	tb.Cleanup(s.Close)
	return s
}

// NewServer starts a server accepting token; the caller must Close it. It
// exists for benchmark commands that have no testing.TB.
func NewServer(token string, opts ...Option) *Server {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{
		token:      token,
		opts:       o,
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
		nextUpdate: o.firstUpdateID,
		delivered:  map[int]int{},
		chats:      map[int64]*chatState{},
		callbacks:  map[string]bool{},
		files:      map[string]*file{},
		filePath:   map[string]*file{},
		requests:   map[string]int{},
		faults:     newFaults(),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close stops the server. Long polls in flight end at once and later calls
// fail at the network level, as when Telegram is unreachable. Close may be
// called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// Token is the only bot token the server accepts.
func (s *Server) Token() string { return s.token }

// APIEndpoint is the method URL format tgbotapi.NewBotAPIWithClient takes:
// <URL>/bot%s/%s (token, method).
func (s *Server) APIEndpoint() string { return s.srv.URL + "/bot%s/%s" }

// FileEndpoint is the download URL format, like tgbotapi.FileEndpoint:
// <URL>/file/bot%s/%s (token, file_path).
func (s *Server) FileEndpoint() string { return s.srv.URL + "/file/bot%s/%s" }

// NewBotAPI returns a real tgbotapi client talking to this server, for
// tests that exercise the client directly. It calls getMe, as the client
// always does.
func (s *Server) NewBotAPI() (*tgbotapi.BotAPI, error) {
	return tgbotapi.NewBotAPIWithClient(s.token, s.APIEndpoint(), s.srv.Client())
}

// Requests returns how many calls of method the server received with the
// right token, faults included. File downloads count as "download".
func (s *Server) Requests(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[canonicalMethod(method)]
}

func (s *Server) countRequest(method string) {
	s.mu.Lock()
	s.requests[method]++
	s.mu.Unlock()
}

// handler serves one Bot API method. It returns the result to wrap in
// {"ok":true,"result":...} or the error Telegram would answer.
type handler func(s *Server, c *call) (any, *apiError)

// method is a Bot API method this server implements.
type method struct {
	name string // canonical spelling, as counted by Requests
	h    handler
}

// methods maps the lower-cased method name to its method: Telegram treats
// method names case-insensitively.
var methods = map[string]method{}

func init() {
	for name, h := range map[string]handler{
		"getMe":                  (*Server).getMe,
		"deleteWebhook":          (*Server).deleteWebhook,
		"setMyCommands":          (*Server).setMyCommands,
		"deleteMyCommands":       (*Server).deleteMyCommands,
		"getUpdates":             (*Server).getUpdates,
		"sendMessage":            (*Server).sendMessage,
		"editMessageText":        (*Server).editMessageText,
		"editMessageReplyMarkup": (*Server).editMessageReplyMarkup,
		"answerCallbackQuery":    (*Server).answerCallbackQuery,
		"sendDocument":           (*Server).sendDocument,
		"getFile":                (*Server).getFile,
	} {
		methods[strings.ToLower(name)] = method{name, h}
	}
}

// canonicalMethod spells a known method as the Bot API documents it, so
// that Requests("getupdates") and Requests("getUpdates") agree.
func canonicalMethod(method string) string {
	if m, ok := methods[strings.ToLower(method)]; ok {
		return m.name
	}
	return method
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.dropIfOutage(w) {
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		token, filePath, _ := strings.Cut(rest, "/")
		if token != s.token {
			writeError(w, &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"})
			return
		}
		s.serveDownload(w, r, filePath)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	token, name, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"})
		return
	}
	m, known := methods[strings.ToLower(name)]
	if known {
		name = m.name
	}
	s.countRequest(name)
	if s.injectFault(w, r, name) {
		return
	}
	if !known {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	c, aerr := parseCall(w, r, s.opts.maxUploadBytes)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	defer c.cleanup()
	result, aerr := m.h(s, c)
	switch {
	case aerr == errNoResponse:
		// The client went away or the server is closing: drop the
		// connection rather than send an empty 200.
		abort(w)
	case aerr != nil:
		writeError(w, aerr)
	default:
		writeOK(w, result)
	}
}

// notifyLocked wakes every waiter (WaitFor, long polls); s.mu must be held.
// Closing a channel is a broadcast, so no waiter polls with sleeps.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// sleep waits d unless the request is cancelled or the server closes; it
// reports whether the full delay elapsed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func (s *Server) getMe(*call) (any, *apiError) {
	return tgbotapi.User{ID: s.opts.botID, IsBot: true, FirstName: s.opts.botName, UserName: s.opts.botUsername}, nil
}

func (s *Server) deleteWebhook(*call) (any, *apiError) { return true, nil }

// String describes the server for test logs; it never shows the token.
func (s *Server) String() string { return fmt.Sprintf("telegramtest.Server(%s)", s.srv.URL) }
