package bot

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// toIncoming turns a Telegram update into the domain's event. Only private
// chats with people count: groups, channels, edits and other bots are
// ignored (false).
func toIncoming(u tgbotapi.Update) (cchcbot.Incoming, bool) {
	in := cchcbot.Incoming{ID: int64(u.UpdateID)}
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if q.From == nil || q.From.IsBot || q.Message == nil || q.Message.Chat == nil || !q.Message.Chat.IsPrivate() {
			return in, false
		}
		fillUser(&in, q.From)
		in.At = time.Unix(int64(q.Message.Date), 0)
		in.Callback = &cchcbot.CallbackPress{ID: q.ID, Data: q.Data,
			Message: cchcbot.MessageRef{To: in.User, ID: strconv.Itoa(q.Message.MessageID)}}
		return in, true
	case u.Message != nil:
		m := u.Message
		if m.From == nil || m.From.IsBot || m.Chat == nil || !m.Chat.IsPrivate() {
			return in, false
		}
		fillUser(&in, m.From)
		in.At = time.Unix(int64(m.Date), 0)
		in.Text = m.Text
		if in.Text == "" {
			in.Text = m.Caption
		}
		if d := m.Document; d != nil {
			in.Files = append(in.Files, cchcbot.IncomingFile{Channel: cchcbot.ChannelTelegram, ChannelFileID: d.FileID, Name: d.FileName, MIME: d.MimeType, Size: int64(d.FileSize)})
		}
		if len(m.Photo) > 0 {
			p := m.Photo[len(m.Photo)-1] // Telegram lists sizes smallest first
			in.Files = append(in.Files, cchcbot.IncomingFile{Channel: cchcbot.ChannelTelegram, ChannelFileID: p.FileID, Name: "anh-" + p.FileUniqueID + ".jpg",
				MIME: "image/jpeg", Size: int64(p.FileSize), Photo: true})
		}
		return in, in.Text != "" || len(in.Files) > 0
	}
	return in, false
}

func fillUser(in *cchcbot.Incoming, u *tgbotapi.User) {
	in.User = cchcbot.TelegramUser(u.ID)
	in.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
	in.Username = u.UserName
}
