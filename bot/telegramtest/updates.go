package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

type pendingUpdate struct {
	id   int
	data json.RawMessage
}

// addUpdate queues an update built by fill and returns its id.
func (s *Server) addUpdate(fill func(u *tgbotapi.Update)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpd++
	u := tgbotapi.Update{UpdateID: s.nextUpd}
	fill(&u)
	data, _ := json.Marshal(u)
	s.updates = append(s.updates, pendingUpdate{id: u.UpdateID, data: data})
	s.notifyLocked()
	return u.UpdateID
}

func (u User) tg() *tgbotapi.User {
	return &tgbotapi.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, UserName: u.Username, LanguageCode: "vi"}
}

func (u User) chat() *tgbotapi.Chat {
	return &tgbotapi.Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName, UserName: u.Username}
}

func (s *Server) userMessage(from User) *tgbotapi.Message {
	s.nextMsg[from.ID]++ // called with s.mu held by addUpdate
	return &tgbotapi.Message{MessageID: s.nextMsg[from.ID], From: from.tg(), Chat: from.chat(), Date: int(time.Now().Unix())}
}

// SendText delivers a text message from a user; a leading "/" makes it a
// command, with the bot_command entity Telegram adds.
func (s *Server) SendText(from User, text string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessage(from)
		m.Text = text
		if strings.HasPrefix(text, "/") {
			cmd, _, _ := strings.Cut(text, " ")
			m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16(cmd))}}
		}
		u.Message = m
	})
}

// SendDocument delivers a document a user sent; fileID should come from
// AddFile (or be unknown, to test that path).
func (s *Server) SendDocument(from User, fileID, fileName, mime string, size int, caption string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessage(from)
		m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: fileName, MimeType: mime, FileSize: size}
		m.Caption = caption
		u.Message = m
	})
}

// SendPhoto delivers a photo, as Telegram does: several sizes of one image.
func (s *Server) SendPhoto(from User, fileID string, size int) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessage(from)
		m.Photo = []tgbotapi.PhotoSize{
			{FileID: fileID + "-small", FileUniqueID: "s" + fileID, Width: 90, Height: 120, FileSize: size / 20},
			{FileID: fileID, FileUniqueID: "u" + fileID, Width: 1200, Height: 1600, FileSize: size},
		}
		u.Message = m
	})
}

// SendGroupText delivers a text from a group chat, which the bot ignores.
func (s *Server) SendGroupText(from User, groupID int64, text string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessage(from)
		m.Chat = &tgbotapi.Chat{ID: groupID, Type: "group", Title: "Nhóm"}
		m.Text = text
		u.Message = m
	})
}

// PressButton delivers a callback query: the user pressed the button with
// data under the bot's message messageID.
func (s *Server) PressButton(from User, messageID int, data string) string {
	var id string
	s.addUpdate(func(u *tgbotapi.Update) {
		id = strconv.Itoa(s.nextUpd) + "cb"
		u.CallbackQuery = &tgbotapi.CallbackQuery{
			ID: id, From: from.tg(), Data: data, ChatInstance: "ci",
			Message: &tgbotapi.Message{MessageID: messageID, Chat: from.chat(), From: &tgbotapi.User{ID: BotID, IsBot: true}},
		}
	})
	return id
}

// Pending returns the ids of updates not yet confirmed by the bot.
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	for _, u := range s.updates {
		ids = append(ids, u.id)
	}
	return ids
}

// DeliveryCount returns how many times the update was returned by getUpdates.
func (s *Server) DeliveryCount(updateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivery[updateID]
}

// getUpdates follows Telegram: an offset confirms every update below it;
// unconfirmed ones are returned again; with a timeout the call waits for
// news. A second concurrent poller makes the first fail with 409.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.FormValue("offset"))
	limit, _ := strconv.Atoi(r.FormValue("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()

	s.mu.Lock()
	s.polling++
	myPoll := s.polling
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if s.polling != myPoll {
			s.mu.Unlock()
			writeError(w, http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0)
			return
		}
		if offset > 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u.id >= offset {
					kept = append(kept, u)
				}
			}
			s.updates = kept
		}
		var out []json.RawMessage
		for _, u := range s.updates {
			if len(out) == limit {
				break
			}
			out = append(out, u.data)
			s.delivery[u.id]++
		}
		ch := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			if out == nil {
				out = []json.RawMessage{}
			}
			writeOK(w, out)
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			writeOK(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// utf16 returns s in UTF-16 code units, Telegram's unit for lengths.
func utf16(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
		} else {
			out = append(out, uint16(r))
		}
	}
	return out
}
