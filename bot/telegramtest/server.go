// Package telegramtest is a fake Telegram Bot API server for tests and
// benchmarks. It speaks real HTTP (httptest) so the real tgbotapi client is
// exercised end to end, and it behaves as Telegram does where the bot can
// tell: long polling with offset confirmation, 429 with retry_after, 403 for
// a blocked bot, the 20 MB getFile limit, file downloads. Simulated users
// send messages and press buttons; the test inspects what the bot sent.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// BotID and BotUsername identify the fake bot.
const (
	BotID       = 777000
	BotUsername = "cchc_test_bot"
)

// Server is the fake Bot API.
type Server struct {
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every recorded change
	updates  []pendingUpdate
	nextUpd  int
	delivery map[int]int
	polling  int // getUpdates calls in flight, for 409 Conflict
	messages []Message
	nextMsg  map[int64]int
	answers  []CallbackAnswer
	commands []CommandsCall
	files    map[string]*file
	nextFile int
	requests map[string]int
	faults   faults
	limits   *limits
}

// User is a simulated Telegram user in a private chat with the bot.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
}

// New starts a server for token and closes it when the test ends.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	s := NewServer(token)
	tb.Cleanup(s.Close)
	return s
}

// NewServer starts a server for token; the caller closes it. For bench
// commands that have no testing.TB.
func NewServer(token string) *Server {
	s := &Server{
		token:    token,
		changed:  make(chan struct{}),
		nextUpd:  1000,
		delivery: map[int]int{},
		nextMsg:  map[int64]int{},
		files:    map[string]*file{},
		requests: map[string]int{},
		faults:   newFaults(),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// APIEndpoint is the endpoint in tgbotapi's form: .../bot%s/%s.
func (s *Server) APIEndpoint() string { return s.srv.URL + "/bot%s/%s" }

// FileEndpoint is the download endpoint in the same form: .../file/bot%s/%s.
func (s *Server) FileEndpoint() string { return s.srv.URL + "/file/bot%s/%s" }

// Requests returns how many calls of method the server received.
func (s *Server) Requests(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[method]
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor waits until cond holds (checked after every change) or timeout.
func (s *Server) WaitFor(cond func(*Server) bool, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return fmt.Errorf("telegramtest: condition not met within %s", timeout)
		}
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"); ok {
		token, filePath, _ := strings.Cut(rest, "/")
		if token != s.token {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		s.serveFile(w, r, filePath)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	token, method, _ := strings.Cut(rest, "/")
	if !ok || token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil && err != http.ErrNotMultipart {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	s.mu.Lock()
	s.requests[method]++
	s.mu.Unlock()
	if s.injectFault(w, r, method) {
		return
	}
	switch method {
	case "getMe":
		writeOK(w, tgbotapi.User{ID: BotID, IsBot: true, FirstName: "CCHC", UserName: BotUsername})
	case "deleteWebhook", "deleteMyCommands":
		writeOK(w, true)
	case "setMyCommands":
		s.setMyCommands(w, r)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage":
		s.sendMessage(w, r)
	case "editMessageText", "editMessageReplyMarkup":
		s.editMessage(w, r, method)
	case "answerCallbackQuery":
		s.answerCallback(w, r)
	case "sendDocument":
		s.sendDocument(w, r)
	case "getFile":
		s.getFile(w, r)
	default:
		writeError(w, http.StatusNotFound, "Not Found", 0)
	}
}

func writeOK(w http.ResponseWriter, result any) {
	data, err := json.Marshal(result)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error(), 0)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"result":%s}`, data)
}

func writeError(w http.ResponseWriter, code int, desc string, retryAfter int) {
	resp := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		resp["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(resp)
}
