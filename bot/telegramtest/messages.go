package telegramtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Message is a message the bot sent, as the test sees it.
type Message struct {
	ID       int
	ChatID   int64
	Text     string
	Buttons  [][]Button
	Document *Document
	Edited   bool
	At       time.Time
}

// Button is an inline button of a sent message.
type Button struct {
	Text, CallbackData, URL string
}

// Document is a file the bot sent.
type Document struct {
	FileID   string
	FileName string
	Caption  string
	Content  []byte // for uploads; nil when sent by file_id
}

// CallbackAnswer is an answerCallbackQuery call.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
}

// CommandsCall is a setMyCommands call.
type CommandsCall struct {
	Commands []tgbotapi.BotCommand
	Scope    string // the raw scope JSON
}

// Messages returns the messages the bot sent to chatID, in order.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// AllMessages returns every message the bot sent.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitMessages waits until chatID has received at least n messages.
func (s *Server) WaitMessages(chatID int64, n int, timeout time.Duration) ([]Message, error) {
	err := s.WaitFor(func(s *Server) bool { return len(s.Messages(chatID)) >= n }, timeout)
	return s.Messages(chatID), err
}

// CallbackAnswers returns the answerCallbackQuery calls.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// Commands returns the setMyCommands calls.
func (s *Server) Commands() []CommandsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommandsCall(nil), s.commands...)
}

func decodeButtons(markup string) [][]Button {
	if markup == "" {
		return nil
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if json.Unmarshal([]byte(markup), &kb) != nil {
		return nil
	}
	var rows [][]Button
	for _, row := range kb.InlineKeyboard {
		var r []Button
		for _, b := range row {
			btn := Button{Text: b.Text}
			if b.CallbackData != nil {
				btn.CallbackData = *b.CallbackData
			}
			if b.URL != nil {
				btn.URL = *b.URL
			}
			r = append(r, btn)
		}
		rows = append(rows, r)
	}
	return rows
}

// record stores a sent message and returns it with its id.
func (s *Server) record(m Message) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[m.ChatID]++
	m.ID = s.nextMsg[m.ChatID] + 100000 // bot messages never collide with user ones
	m.At = time.Now()
	s.messages = append(s.messages, m)
	s.notifyLocked()
	return m
}

func (m Message) tg() tgbotapi.Message {
	out := tgbotapi.Message{MessageID: m.ID, From: &tgbotapi.User{ID: BotID, IsBot: true, UserName: BotUsername},
		Chat: &tgbotapi.Chat{ID: m.ChatID, Type: "private"}, Date: int(m.At.Unix()), Text: m.Text}
	if d := m.Document; d != nil {
		out.Document = &tgbotapi.Document{FileID: d.FileID, FileUniqueID: "u" + d.FileID, FileName: d.FileName}
		out.Caption = d.Caption
	}
	return out
}

func (s *Server) chatTarget(w http.ResponseWriter, r *http.Request) (int64, bool) {
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return 0, false
	}
	if desc, blocked := s.faults.blocked(chatID); blocked {
		writeError(w, http.StatusForbidden, desc, 0)
		return 0, false
	}
	if wait := s.rateLimit(chatID); wait > 0 {
		writeError(w, http.StatusTooManyRequests, "Too Many Requests: retry after "+strconv.Itoa(wait), wait)
		return 0, false
	}
	return chatID, true
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	text := r.FormValue("text")
	switch n := len(utf16(text)); {
	case n == 0:
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", 0)
		return
	case n > 4096:
		writeError(w, http.StatusBadRequest, "Bad Request: message is too long", 0)
		return
	}
	chatID, ok := s.chatTarget(w, r)
	if !ok {
		return
	}
	m := s.record(Message{ChatID: chatID, Text: text, Buttons: decodeButtons(r.FormValue("reply_markup"))})
	writeOK(w, m.tg())
}

func (s *Server) editMessage(w http.ResponseWriter, r *http.Request, method string) {
	chatID, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	id, _ := strconv.Atoi(r.FormValue("message_id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.messages {
		m := &s.messages[i]
		if m.ChatID != chatID || m.ID != id {
			continue
		}
		text, buttons := m.Text, decodeButtons(r.FormValue("reply_markup"))
		if method == "editMessageText" {
			text = r.FormValue("text")
		}
		if text == m.Text && jsonEqual(buttons, m.Buttons) {
			writeError(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0)
			return
		}
		m.Text, m.Buttons, m.Edited = text, buttons, true
		s.notifyLocked()
		writeOK(w, m.tg())
		return
	}
	writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func (s *Server) answerCallback(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.answers = append(s.answers, CallbackAnswer{ID: r.FormValue("callback_query_id"), Text: r.FormValue("text"), ShowAlert: r.FormValue("show_alert") == "true"})
	s.notifyLocked()
	s.mu.Unlock()
	writeOK(w, true)
}

func (s *Server) setMyCommands(w http.ResponseWriter, r *http.Request) {
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(r.FormValue("commands")), &cmds); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands", 0)
		return
	}
	s.mu.Lock()
	s.commands = append(s.commands, CommandsCall{Commands: cmds, Scope: r.FormValue("scope")})
	s.notifyLocked()
	s.mu.Unlock()
	writeOK(w, true)
}

// sendDocument takes an upload (multipart) or an existing file_id.
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request) {
	chatID, ok := s.chatTarget(w, r)
	if !ok {
		return
	}
	doc := &Document{Caption: r.FormValue("caption")}
	if r.MultipartForm != nil && len(r.MultipartForm.File["document"]) > 0 {
		fh := r.MultipartForm.File["document"][0]
		f, err := fh.Open()
		if err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
			return
		}
		content, _ := io.ReadAll(f)
		f.Close()
		doc.FileName, doc.Content = fh.Filename, content
		doc.FileID = s.AddFile(fh.Filename, "application/octet-stream", content)
	} else {
		id := r.FormValue("document")
		s.mu.Lock()
		f, known := s.files[id]
		s.mu.Unlock()
		if !known {
			writeError(w, http.StatusBadRequest, "Bad Request: wrong file identifier/HTTP URL specified", 0)
			return
		}
		doc.FileID, doc.FileName = id, f.name
	}
	m := s.record(Message{ChatID: chatID, Document: doc})
	writeOK(w, m.tg())
}
