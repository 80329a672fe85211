package zalo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// event is a webhook event as Zalo posts it: ids as strings, the
// timestamp in Unix milliseconds. Fields an event does not carry stay
// empty; fields the bot does not read (user_seen_message's
// message.msg_ids, say) are skipped. message is decoded on its own
// (eventMessage), so that an odd one cannot make Zalo's event unreadable.
type event struct {
	AppID       flexString      `json:"app_id"`
	OAID        flexString      `json:"oa_id"` // follow and unfollow
	EventName   string          `json:"event_name"`
	Timestamp   json.RawMessage `json:"timestamp"`
	Sender      idField         `json:"sender"`
	Recipient   idField         `json:"recipient"`
	Follower    idField         `json:"follower"` // follow and unfollow
	UserIDByApp flexString      `json:"user_id_by_app"`
	Message     json.RawMessage `json:"message"`
}

// eventMessage is an event's "message". Some payloads name the id
// message_id rather than msg_id (docs/ZALO.md §1).
type eventMessage struct {
	MsgID       flexString `json:"msg_id"`
	MessageID   flexString `json:"message_id"`
	Text        string     `json:"text"`
	Attachments []struct {
		Type    string `json:"type"`
		Payload struct {
			URL  string     `json:"url"`
			Size flexString `json:"size"` // "233947" or 233947
			Name string     `json:"name"`
			Type string     `json:"type"` // the extension: "pdf"
		} `json:"payload"`
	} `json:"attachments"`
}

type idField struct {
	ID flexString `json:"id"`
}

// flexString decodes a JSON string or number as its text, and anything
// else (null, an object) as "": Zalo sends ids as strings, and a value
// of another shape must not make a signed event unreadable, which Zalo
// would post again and again.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexString(n.String())
		return nil
	}
	*f = ""
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
// links, the OA's own messages, unfollow, names it has never heard of...)
// is only remembered. GC spells follow and unfollow user_follow and
// user_unfollow (docs/ZALO.md §1): both are read.
const (
	eventText       = "user_send_text"
	eventFile       = "user_send_file"
	eventImage      = "user_send_image"
	eventFollow     = "follow"
	eventUserFollow = "user_follow"
	eventUnfollow   = "unfollow"
	eventUserUnfoll = "user_unfollow"
	eventReceived   = "user_received_message"
	eventSeen       = "user_seen_message"
	prefixOAEcho    = "oa_send_" // the OA's own messages, mirrored
)

// parties returns the user an event concerns and the OA it names, by its
// kind (docs/ZALO.md §1): follow events name the user in follower.id and
// the OA in oa_id, and may lack sender and recipient; the OA sends the
// messages delivery events and echoes are about, so their recipient is
// the user; a user's message goes from the user to the OA.
func (e *event) parties(oaID string) (user, oa string) {
	first := func(a, b flexString) string {
		if a != "" {
			return string(a)
		}
		return string(b)
	}
	switch name := e.EventName; {
	case name == eventFollow || name == eventUserFollow || name == eventUnfollow || name == eventUserUnfoll:
		return first(e.Follower.ID, e.Sender.ID), first(e.OAID, e.Recipient.ID)
	case name == eventReceived || name == eventSeen || strings.HasPrefix(name, prefixOAEcho):
		user, oa = string(e.Recipient.ID), first(e.OAID, e.Sender.ID)
		if oaID != "" && user == oaID {
			// The direction the project's issue gave delivery events.
			user, oa = string(e.Sender.ID), string(e.Recipient.ID)
		}
		return user, oa
	}
	return string(e.Sender.ID), first(e.Recipient.ID, e.OAID)
}

// maxKey bounds an event's Key: a longer one is hashed.
const maxKey = 256

// inbound turns a verified event into what the store accepts. An event
// the bot ignores keeps only its Key, so that a redelivery is recognised.
func (c *Client) inbound(e *event, ts string, at time.Time) cchcbot.Inbound {
	user, oa := e.parties(c.cfg.OAID)
	var m eventMessage
	if len(e.Message) > 0 {
		if err := json.Unmarshal(e.Message, &m); err != nil {
			c.log.Warn("a webhook event's message is not understood; the event is remembered, not handled",
				"event_name", e.EventName, "err", err)
			m = eventMessage{}
		}
	}
	msgID := string(m.MsgID)
	if msgID == "" {
		msgID = string(m.MessageID)
	}
	// An event without a message id (follow, unfollow, seen) is known by
	// what, who and when: a redelivery repeats all three.
	key := cchcbot.ChannelZalo + ":" + msgID
	if msgID == "" {
		key = cchcbot.ChannelZalo + ":" + e.EventName + ":" + user + ":" + ts
	}
	if len(key) > maxKey {
		sum := sha256.Sum256([]byte(key))
		key = cchcbot.ChannelZalo + ":sha256:" + hex.EncodeToString(sum[:])
	}
	ev := cchcbot.Inbound{Key: key}
	switch {
	case user == "" || strings.HasPrefix(e.EventName, prefixOAEcho):
		return ev
	case c.cfg.OAID != "" && (user == c.cfg.OAID || string(e.Sender.ID) == c.cfg.OAID):
		return ev // the OA's own doing, echoed
	case c.cfg.OAID != "" && oa != "" && oa != c.cfg.OAID:
		return ev // an event of another OA linked to the same app
	}
	in := &cchcbot.Incoming{User: cchcbot.ZaloUser(user), At: at}
	switch e.EventName {
	case eventFollow, eventUserFollow:
		// The chat greets on /start and tells an unknown person how to
		// join: a new follower gets the same welcome as on Telegram.
		in.Text = "/start"
		ev.In = in
		return ev
	case eventText, eventFile, eventImage:
	default:
		return ev
	}
	text := m.Text
	if data, ok := strings.CutPrefix(text, CallbackPrefix); ok && e.EventName == eventText && msgID != "" {
		in.Callback = &cchcbot.CallbackPress{ID: cchcbot.ChannelZalo + ":" + msgID + ":" + user, Data: data,
			// Zalo does not say which message carried the button; an
			// edit of it sends a new message to the person anyway.
			Message: cchcbot.MessageRef{To: in.User}}
		ev.In = in
		return ev
	}
	in.Text = text
	for _, a := range m.Attachments {
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

// size reads a declared size, written as an integer ("233947") or, by
// some encoder, a float (233947.0, 2.33947e5); anything else, or a
// negative, is unknown.
func size(s string) int64 {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return n
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && x >= 0 && x < 1<<53 && x == math.Trunc(x) {
		return int64(x)
	}
	return 0
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
