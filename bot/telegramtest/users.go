package telegramtest

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// User is a simulated Telegram user. Its private chat with the bot has the
// same id, as on Telegram.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
}

// LanguageCode is what simulated users' clients report: the bot serves
// Vietnamese officials.
const LanguageCode = "vi"

func (u User) tg() *tgbotapi.User {
	return &tgbotapi.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, UserName: u.Username, LanguageCode: LanguageCode}
}

func (u User) chat() *tgbotapi.Chat {
	return &tgbotapi.Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName, UserName: u.Username}
}

// userMessageLocked builds a message from a user in chat, taking the next
// id of that chat: in a private chat both sides share one id sequence.
// s.mu must be held.
func (s *Server) userMessageLocked(from User, chat *tgbotapi.Chat) *tgbotapi.Message {
	return &tgbotapi.Message{MessageID: s.chatLocked(chat.ID).newID(), From: from.tg(), Chat: chat, Date: int(time.Now().Unix())}
}

// SendText delivers a text message from a user in their private chat and
// returns its update_id. A leading "/" makes it a command, with the
// bot_command entity Telegram adds.
func (s *Server) SendText(from User, text string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessageLocked(from, from.chat())
		m.Text = text
		m.Entities = commandEntity(text)
		u.Message = m
	})
}

// SendGroupText delivers a text from a group chat (groupID < 0), which a
// bot that only serves private chats must ignore.
func (s *Server) SendGroupText(from User, groupID int64, text string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessageLocked(from, &tgbotapi.Chat{ID: groupID, Type: "group", Title: "Nhóm"})
		m.Text = text
		m.Entities = commandEntity(text)
		u.Message = m
	})
}

// commandEntity marks "/cmd" or "/cmd@bot" at the start of a text, with
// its length in UTF-16 code units as Telegram measures entities.
func commandEntity(text string) []tgbotapi.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	cmd, _, _ := strings.Cut(text, " ")
	cmd, _, _ = strings.Cut(cmd, "\n")
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
}

// SendDocument delivers a document a user sent and returns its update_id.
// fileID should come from AddFile so that the bot can fetch it; an unknown
// one tests the bot's handling of getFile errors. size is the declared
// file_size, which the bot should check against the 20 MB limit before
// calling getFile.
func (s *Server) SendDocument(from User, fileID, fileName, mime string, size int, caption string) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessageLocked(from, from.chat())
		m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: uniqueID(fileID), FileName: fileName, MimeType: mime, FileSize: size}
		m.Caption = caption
		u.Message = m
	})
}

// SendPhoto delivers a photo and returns its update_id. Telegram sends a
// photo as several sizes of one image, largest last; the largest has
// fileID and size, a thumbnail gets a derived id.
func (s *Server) SendPhoto(from User, fileID string, size int) int {
	return s.addUpdate(func(u *tgbotapi.Update) {
		m := s.userMessageLocked(from, from.chat())
		m.Photo = []tgbotapi.PhotoSize{
			{FileID: fileID + "-small", FileUniqueID: uniqueID(fileID + "-small"), Width: 90, Height: 120, FileSize: size / 20},
			{FileID: fileID, FileUniqueID: uniqueID(fileID), Width: 1200, Height: 1600, FileSize: size},
		}
		u.Message = m
	})
}

// PressButton delivers a callback query, as when the user presses the
// inline button carrying data under the bot's message messageID in their
// private chat, and returns the callback query id the bot should answer.
// The query carries the bot's recorded message (text and keyboard) when it
// exists; data is sent as given, so tests can forge presses.
func (s *Server) PressButton(from User, messageID int, data string) string {
	var id string
	s.addUpdate(func(u *tgbotapi.Update) {
		s.nextCB++
		id = strconv.FormatInt(from.ID, 10) + "-" + strconv.Itoa(s.nextCB)
		s.callbacks[id] = false
		msg := &tgbotapi.Message{MessageID: messageID, Chat: from.chat(), From: s.botUser(), Date: int(time.Now().Unix())}
		if m := s.findLocked(from.ID, messageID); m != nil {
			msg = m.tg(s)
		}
		u.CallbackQuery = &tgbotapi.CallbackQuery{
			ID: id, From: from.tg(), Message: msg, Data: data,
			ChatInstance: "ci" + strconv.FormatInt(from.ID, 10),
		}
	})
	return id
}

// SendUpdate queues an arbitrary update (edited messages, chat member
// changes...) for cases the helpers above do not cover. Its UpdateID is
// replaced by the next id; the id is returned.
func (s *Server) SendUpdate(u tgbotapi.Update) int {
	return s.addUpdate(func(dst *tgbotapi.Update) {
		id := dst.UpdateID
		*dst = u
		dst.UpdateID = id
	})
}

func (s *Server) botUser() *tgbotapi.User {
	return &tgbotapi.User{ID: s.opts.botID, IsBot: true, FirstName: s.opts.botName, UserName: s.opts.botUsername}
}

// uniqueID derives a file_unique_id: stable for one file, as Telegram's.
func uniqueID(fileID string) string { return "AQAD" + fileID }
