package telegramtest

import (
	"slices"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Message is a message the bot sent, as the test sees it. Values returned
// by the inspectors are snapshots: later edits do not change them.
type Message struct {
	ID     int
	ChatID int64
	// Text is the text exactly as the bot sent it (Telegram would strip
	// surrounding white space and, with a parse_mode, the markup).
	Text      string
	ParseMode string
	// Buttons is the decoded inline keyboard; nil when there is none or
	// it is empty.
	Buttons [][]Button
	// ReplyMarkup is the raw reply_markup JSON as sent, for reply
	// keyboards and anything Buttons does not show.
	ReplyMarkup      string
	ReplyToMessageID int
	Document         *Document // nil for a text message
	Edited           bool
	Edits            int       // how many edits changed the message
	At               time.Time // when it was sent
	EditedAt         time.Time // the last edit; zero if never edited
}

// Document is a file the bot sent with sendDocument.
type Document struct {
	FileID   string
	FileName string
	MimeType string
	Size     int
	Caption  string
	Content  []byte // the uploaded bytes; nil when sent by file_id
}

// chatState numbers one chat's messages and indexes the bot's ones.
type chatState struct {
	lastID int         // ids are shared by both sides of the chat
	sent   []int       // indexes into Server.messages
	byID   map[int]int // message id -> index into Server.messages
	cursor int         // NextMessage's position in sent
}

func (c *chatState) newID() int {
	c.lastID++
	return c.lastID
}

// chatLocked returns the chat's state, creating it; s.mu must be held.
func (s *Server) chatLocked(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{byID: map[int]int{}}
		s.chats[id] = c
	}
	return c
}

// findLocked returns the bot's message id in chat, or nil; s.mu must be
// held and the pointer not kept past it.
func (s *Server) findLocked(chatID int64, id int) *Message {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	if i, ok := c.byID[id]; ok {
		return &s.messages[i]
	}
	return nil
}

// record stores a message the bot sent, giving it the chat's next id and
// the current time, and wakes waiters.
func (s *Server) record(m Message) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(m.ChatID)
	m.ID = c.newID()
	m.At = time.Now()
	s.messages = append(s.messages, m)
	c.sent = append(c.sent, len(s.messages)-1)
	c.byID[m.ID] = len(s.messages) - 1
	s.notifyLocked()
	return m
}

// Messages returns the messages the bot sent to chatID, in order, with
// their current text and buttons.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID)
}

func (s *Server) messagesLocked(chatID int64) []Message {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Message, len(c.sent))
	for i, idx := range c.sent {
		out[i] = s.messages[idx]
	}
	return out
}

// MessageCount returns how many messages the bot sent to chatID, without
// copying them: cheap enough for WaitFor conditions in big fan-outs.
func (s *Server) MessageCount(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return len(c.sent)
	}
	return 0
}

// AllMessages returns every message the bot sent, in order.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// TotalMessages returns how many messages the bot sent in all, without
// copying them.
func (s *Server) TotalMessages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// tg renders the message as the Bot API returns it to the bot.
func (m *Message) tg(s *Server) *tgbotapi.Message {
	out := &tgbotapi.Message{
		MessageID: m.ID, From: s.botUser(), Chat: chatOf(m.ChatID),
		Date: int(m.At.Unix()), Text: m.Text, ReplyMarkup: inlineMarkup(m.Buttons),
	}
	if !m.EditedAt.IsZero() {
		out.EditDate = int(m.EditedAt.Unix())
	}
	if m.ReplyToMessageID != 0 {
		out.ReplyToMessage = &tgbotapi.Message{MessageID: m.ReplyToMessageID, Chat: out.Chat, Date: out.Date}
	}
	if d := m.Document; d != nil {
		out.Document = &tgbotapi.Document{FileID: d.FileID, FileUniqueID: uniqueID(d.FileID), FileName: d.FileName, MimeType: d.MimeType, FileSize: d.Size}
		out.Caption = d.Caption
	}
	return out
}

// chatOf describes a chat by its id: users' private chats are positive,
// groups negative and supergroups below -10^12, as on Telegram.
func chatOf(id int64) *tgbotapi.Chat {
	switch {
	case id > 0:
		return &tgbotapi.Chat{ID: id, Type: "private"}
	case id < -1_000_000_000_000:
		return &tgbotapi.Chat{ID: id, Type: "supergroup", Title: "Nhóm"}
	default:
		return &tgbotapi.Chat{ID: id, Type: "group", Title: "Nhóm"}
	}
}

// sendMessage records a text message after Telegram's checks: text present
// and at most 4,096 characters once parsed, a well-formed keyboard, an
// existing message to reply to, a reachable chat, the flood limits.
func (s *Server) sendMessage(c *call) (any, *apiError) {
	chatID, aerr := chatParam(c)
	if aerr != nil {
		return nil, aerr
	}
	text, mode := c.str("text"), c.str("parse_mode")
	if aerr := checkText(text, mode, MaxMessageLength, "message is too long", "message text is empty"); aerr != nil {
		return nil, aerr
	}
	buttons, aerr := replyMarkup(c.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	replyTo, ok := c.num("reply_to_message_id")
	if !ok {
		return nil, badRequest("message to be replied not found")
	}
	if aerr := s.checkReplyTo(c, chatID, replyTo); aerr != nil {
		return nil, aerr
	}
	if aerr := s.admit(chatID); aerr != nil {
		return nil, aerr
	}
	m := s.record(Message{ChatID: chatID, Text: text, ParseMode: mode, Buttons: buttons,
		ReplyMarkup: c.str("reply_markup"), ReplyToMessageID: replyTo})
	return m.tg(s), nil
}

// chatParam reads chat_id. Only numeric ids are supported; a @username
// addresses a public channel, which this bot never uses.
func chatParam(c *call) (int64, *apiError) {
	if c.str("chat_id") == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, ok := c.num64("chat_id")
	if !ok || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// checkReplyTo refuses a reply to a message that does not exist in the
// chat (every id up to the chat's last one exists: nothing is deleted),
// unless allow_sending_without_reply is set.
func (s *Server) checkReplyTo(c *call, chatID int64, replyTo int) *apiError {
	if replyTo == 0 || c.flag("allow_sending_without_reply") {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.chats[chatID]; ch == nil || replyTo < 0 || replyTo > ch.lastID {
		return badRequest("message to be replied not found")
	}
	return nil
}

// admit applies the chat's faults and then the flood limits to a message
// about to be sent; a refused message is not recorded.
func (s *Server) admit(chatID int64) *apiError {
	if aerr := s.faults.chat(chatID); aerr != nil {
		return aerr
	}
	if wait := s.limits.allow(chatID, time.Now()); wait > 0 {
		s.tooMany.Add(1)
		return tooManyRequests(wait)
	}
	return nil
}
