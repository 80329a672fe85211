package zalo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// event is a webhook event as Zalo posts it: every value a string, the
// timestamp in Unix milliseconds. Fields an event does not carry stay
// empty.
type event struct {
	AppID       string          `json:"app_id"`
	OAID        string          `json:"oa_id"` // follow and unfollow
	EventName   string          `json:"event_name"`
	Timestamp   json.RawMessage `json:"timestamp"`
	Sender      idField         `json:"sender"`
	Recipient   idField         `json:"recipient"`
	Follower    idField         `json:"follower"` // follow and unfollow
	UserIDByApp flexString      `json:"user_id_by_app"`
	Message     struct {
		MsgID       flexString `json:"msg_id"`
		Text        string     `json:"text"`
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL  string     `json:"url"`
				Size flexString `json:"size"`
				Name string     `json:"name"`
				Type string     `json:"type"` // the extension: "pdf"
			} `json:"payload"`
		} `json:"attachments"`
	} `json:"message"`
}

type idField struct {
	ID flexString `json:"id"`
}

// flexString decodes a JSON string or number as its text: Zalo sends ids
// as strings, and a number must not make an event unreadable.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// timestamp returns the event's timestamp as the text the signature
// covers, and as a time.
func (e *event) timestamp() (string, time.Time, bool) {
	var s string
	if json.Unmarshal(e.Timestamp, &s) != nil {
		var n json.Number
		if json.Unmarshal(e.Timestamp, &n) != nil {
			return "", time.Time{}, false
		}
		s = n.String()
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms <= 0 {
		return s, time.Time{}, false
	}
	return s, time.UnixMilli(ms), true
}

// The events the bot acts on; every other one (seen, received, stickers,
// links, the OA's own messages, unfollow...) is only remembered.
const (
	eventText   = "user_send_text"
	eventFile   = "user_send_file"
	eventImage  = "user_send_image"
	eventFollow = "follow"
)

// maxKey bounds an event's Key: a longer one is hashed.
const maxKey = 256

// inbound turns a verified event into what the store accepts. An event
// the bot ignores keeps only its Key, so that a redelivery is recognised.
func (c *Client) inbound(e *event, ts string, at time.Time) cchcbot.Inbound {
	user := string(e.Sender.ID)
	if e.EventName == eventFollow || e.EventName == "unfollow" {
		user = string(e.Follower.ID)
	}
	msgID := string(e.Message.MsgID)
	key := cchcbot.ChannelZalo + ":" + msgID
	if msgID == "" {
		key = cchcbot.ChannelZalo + ":" + e.EventName + ":" + user + ":" + ts
	}
	if len(key) > maxKey {
		sum := sha256.Sum256([]byte(key))
		key = cchcbot.ChannelZalo + ":sha256:" + hex.EncodeToString(sum[:])
	}
	ev := cchcbot.Inbound{Key: key}
	if user == "" || (user == c.cfg.OAID && c.cfg.OAID != "") {
		return ev
	}
	in := &cchcbot.Incoming{User: cchcbot.ZaloUser(user), At: at}
	switch e.EventName {
	case eventFollow:
		if c.cfg.OAID != "" && e.OAID != "" && e.OAID != c.cfg.OAID {
			return ev // a follow of another OA linked to the same app
		}
		// The chat greets on /start and tells an unknown person how to
		// join: a new follower gets the same welcome as on Telegram.
		in.Text = "/start"
		ev.In = in
		return ev
	case eventText, eventFile, eventImage:
	default:
		return ev
	}
	if c.cfg.OAID != "" && e.Recipient.ID != "" && string(e.Recipient.ID) != c.cfg.OAID {
		return ev // a message to another OA linked to the same app
	}
	text := e.Message.Text
	if data, ok := strings.CutPrefix(text, CallbackPrefix); ok && e.EventName == eventText && msgID != "" {
		in.Callback = &cchcbot.CallbackPress{ID: cchcbot.ChannelZalo + ":" + msgID + ":" + user, Data: data,
			// Zalo does not say which message carried the button; an
			// edit of it sends a new message to the person anyway.
			Message: cchcbot.MessageRef{To: in.User}}
		ev.In = in
		return ev
	}
	in.Text = text
	for _, a := range e.Message.Attachments {
		p := a.Payload
		if p.URL == "" {
			continue
		}
		f := cchcbot.IncomingFile{Channel: cchcbot.ChannelZalo, ChannelFileID: p.URL, Size: size(string(p.Size))}
		switch a.Type {
		case "file":
			f.Name = p.Name
			f.MIME = mimeOf(p.Type, p.Name)
		case "image":
			f.Name, f.MIME, f.Photo = "anh-"+safeName(msgID)+".jpg", "image/jpeg", true
			if strings.HasSuffix(strings.ToLower(pathOf(p.URL)), ".png") {
				f.Name, f.MIME = strings.TrimSuffix(f.Name, ".jpg")+".png", "image/png"
			}
		default:
			continue
		}
		in.Files = append(in.Files, f)
	}
	if in.Text != "" || len(in.Files) > 0 {
		ev.In = in
	}
	return ev
}

// size reads a declared size; anything but a positive number is unknown.
func size(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// mimeOf returns the MIME type of a file by the type Zalo gives (its
// extension) or else its name's. The chat checks the content anyway.
func mimeOf(typ, name string) string {
	ext := strings.ToLower(strings.TrimPrefix(typ, "."))
	if ext == "" {
		ext = strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
	}
	switch ext {
	case "pdf":
		return "application/pdf"
	case "doc":
		return "application/msword"
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "xls":
		return "application/vnd.ms-excel"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "zip":
		return "application/zip"
	case "rar":
		return "application/vnd.rar"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "png":
		return "image/png"
	}
	return "application/octet-stream"
}

// pathOf returns a URL's path, without its query.
func pathOf(raw string) string {
	p, _, _ := strings.Cut(raw, "?")
	return p
}

// safeName keeps the characters of an id that are safe in a file name.
func safeName(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
		if b.Len() >= 64 {
			break
		}
	}
	if b.Len() == 0 {
		return "zalo"
	}
	return b.String()
}
