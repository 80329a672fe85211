package zalotest

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// The JSON shapes of the events the server posts, field for field as Zalo
// sends them: every value a string, ids included, and the timestamp in
// Unix milliseconds as a string.
type (
	idJSON struct {
		ID string `json:"id"`
	}

	// messageEvent is user_send_text, user_send_file, user_send_image and,
	// with sender and recipient swapped, the oa_send_* echoes.
	messageEvent struct {
		AppID       string       `json:"app_id"`
		UserIDByApp string       `json:"user_id_by_app"`
		EventName   string       `json:"event_name"`
		Timestamp   string       `json:"timestamp"`
		Sender      idJSON       `json:"sender"`
		Recipient   idJSON       `json:"recipient"`
		Message     eventMessage `json:"message"`
	}

	eventMessage struct {
		MsgID       string            `json:"msg_id"`
		Text        *string           `json:"text,omitempty"`
		Attachments []eventAttachment `json:"attachments,omitempty"`
	}

	eventAttachment struct {
		Type    string `json:"type"`
		Payload any    `json:"payload"`
	}

	filePayload struct {
		URL      string `json:"url"`
		Size     any    `json:"size"` // a string, or a number (WithNumericSize)
		Name     string `json:"name"`
		Checksum string `json:"checksum"`
		Type     string `json:"type"`
	}

	imagePayload struct {
		URL       string `json:"url"`
		Thumbnail string `json:"thumbnail"`
	}

	// deliveryEvent is user_received_message (message.msg_id) and
	// user_seen_message (message.msg_ids): the OA sent the message they
	// are about, so sender is the OA and recipient the user.
	deliveryEvent struct {
		AppID       string          `json:"app_id"`
		UserIDByApp string          `json:"user_id_by_app"`
		EventName   string          `json:"event_name"`
		Timestamp   string          `json:"timestamp"`
		Sender      idJSON          `json:"sender"`
		Recipient   idJSON          `json:"recipient"`
		Message     deliveryMessage `json:"message"`
	}

	deliveryMessage struct {
		MsgID  string   `json:"msg_id,omitempty"`
		MsgIDs []string `json:"msg_ids,omitempty"`
	}

	// followEvent is follow and unfollow.
	followEvent struct {
		AppID       string `json:"app_id"`
		OAID        string `json:"oa_id"`
		EventName   string `json:"event_name"`
		Timestamp   string `json:"timestamp"`
		Source      string `json:"source"`
		Follower    idJSON `json:"follower"`
		UserIDByApp string `json:"user_id_by_app"`
	}
)

// userMessage builds an event of a message from u to the OA.
func (s *Server) userMessage(u User, name, msgID string, text *string, atts ...eventAttachment) func(ts string) any {
	return func(ts string) any {
		return messageEvent{AppID: s.opts.appID, UserIDByApp: s.UserIDByApp(u), EventName: name, Timestamp: ts,
			Sender: idJSON{u.ID}, Recipient: idJSON{s.opts.oaID},
			Message: eventMessage{MsgID: msgID, Text: text, Attachments: atts}}
	}
}

// SendText posts user_send_text, as when u writes text to the OA, and
// returns the event's msg_id. The post is asynchronous: WaitEvent waits
// for its outcome.
func (s *Server) SendText(u User, text string) (msgID string) {
	s.interact(u.ID)
	msgID = newID()
	s.emit(msgID, u.ID, "user_send_text", s.userMessage(u, "user_send_text", msgID, &text), nil)
	return msgID
}

// PressButton posts what Zalo posts when u taps an oa.query.hide button:
// a user_send_text whose text is the button's payload, indistinguishable
// from typed text. payload is sent as given, so tests can forge presses.
func (s *Server) PressButton(u User, payload string) (msgID string) {
	return s.SendText(u, payload)
}

// SendFile posts user_send_file for a file u sends, served at a URL of
// this server that the event carries with its size, name, MD5 checksum
// and type (the extension, e.g. "pdf"), and returns the msg_id.
func (s *Server) SendFile(u User, name string, content []byte, opts ...FileOption) (msgID string) {
	s.interact(u.ID)
	o := newFileOptions(opts)
	msgID = newID()
	size := int64(len(content))
	if o.size >= 0 {
		size = o.size
	}
	var declared any = strconv.FormatInt(size, 10)
	if o.numeric {
		declared = size
	}
	sum := md5.Sum(content)
	s.mu.Lock()
	f := s.serveLocked(name, "", content, o.fault)
	s.mu.Unlock()
	att := eventAttachment{Type: "file", Payload: filePayload{URL: s.fileURL(f), Size: declared,
		Name: name, Checksum: hex.EncodeToString(sum[:]), Type: strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")}}
	s.emit(msgID, u.ID, "user_send_file", s.userMessage(u, "user_send_file", msgID, nil, att), []string{f.id})
	return msgID
}

// SendImage posts user_send_image for a photo u sends: the image and its
// thumbnail (the same bytes) are served at URLs of this server. It
// returns the msg_id. WithDeclaredSize has no effect: Zalo declares no
// size for images.
func (s *Server) SendImage(u User, content []byte, opts ...FileOption) (msgID string) {
	s.interact(u.ID)
	o := newFileOptions(opts)
	msgID = newID()
	ct := http.DetectContentType(content)
	name := "image.jpg"
	if ct == "image/png" {
		name = "image.png"
	}
	s.mu.Lock()
	img := s.serveLocked(name, ct, content, o.fault)
	thumb := s.serveLocked(name, ct, content, o.fault)
	s.mu.Unlock()
	att := eventAttachment{Type: "image", Payload: imagePayload{URL: s.fileURL(img), Thumbnail: s.fileURL(thumb)}}
	s.emit(msgID, u.ID, "user_send_image", s.userMessage(u, "user_send_image", msgID, nil, att), []string{img.id, thumb.id})
	return msgID
}

// Follow makes u a follower and posts a follow event; it returns the
// event's id ("follow-<n>", which the body does not carry: follow events
// have no msg_id).
func (s *Server) Follow(u User) (eventID string) {
	s.setFollower(u.ID, true)
	s.interact(u.ID)
	return s.emitFollow(u, "follow", "oa_follow_button")
}

// Unfollow makes u stop following, so sends to u fail with -213, and
// posts an unfollow event; it returns the event's id ("unfollow-<n>").
func (s *Server) Unfollow(u User) (eventID string) {
	s.setFollower(u.ID, false)
	return s.emitFollow(u, "unfollow", "oa_profile")
}

func (s *Server) emitFollow(u User, name, source string) string {
	s.mu.Lock()
	s.nextEvent++
	id := name + "-" + strconv.Itoa(s.nextEvent)
	s.mu.Unlock()
	s.emit(id, u.ID, name, func(ts string) any {
		return followEvent{AppID: s.opts.appID, OAID: s.opts.oaID, EventName: name, Timestamp: ts,
			Source: source, Follower: idJSON{u.ID}, UserIDByApp: s.UserIDByApp(u)}
	}, nil)
	return id
}

// Received posts user_received_message for the message msgID the bot
// sent to u, as Zalo does once it reaches u's phone, and returns the
// event's id ("received-<n>"). Like every delivery event it goes from the
// OA (sender) to the user (recipient); it is not an interaction.
func (s *Server) Received(u User, msgID string) (eventID string) {
	return s.emitDelivery(u, "user_received_message", deliveryMessage{MsgID: msgID})
}

// Seen posts user_seen_message for messages the bot sent that u has read:
// message.msg_ids lists them, and there is no msg_id. It returns the
// event's id ("seen-<n>").
func (s *Server) Seen(u User, msgIDs ...string) (eventID string) {
	return s.emitDelivery(u, "user_seen_message", deliveryMessage{MsgIDs: msgIDs})
}

func (s *Server) emitDelivery(u User, name string, m deliveryMessage) string {
	s.mu.Lock()
	s.nextEvent++
	id := strings.TrimPrefix(strings.TrimSuffix(name, "_message"), "user_") + "-" + strconv.Itoa(s.nextEvent)
	s.mu.Unlock()
	s.emit(id, u.ID, name, func(ts string) any {
		return deliveryEvent{AppID: s.opts.appID, UserIDByApp: s.UserIDByApp(u), EventName: name, Timestamp: ts,
			Sender: idJSON{s.opts.oaID}, Recipient: idJSON{u.ID}, Message: m}
	}, nil)
	return id
}

// echo posts oa_send_text or oa_send_file for a message the bot sent, as
// Zalo does for an app subscribed to the OA's own messages (WithEchoEvents).
func (s *Server) echo(m Message) {
	name := "oa_send_text"
	var text *string
	if m.File != nil {
		name = "oa_send_file"
	} else {
		text = &m.Text
	}
	u := User{ID: m.UserID}
	s.emit(m.ID+"/echo", m.UserID, name, func(ts string) any {
		return messageEvent{AppID: s.opts.appID, UserIDByApp: s.UserIDByApp(u), EventName: name, Timestamp: ts,
			Sender: idJSON{s.opts.oaID}, Recipient: idJSON{m.UserID}, Message: eventMessage{MsgID: m.ID, Text: text}}
	}, nil)
}

// SendRaw posts body as an event of the user with id userID, signed with
// the string "timestamp" the body holds (an empty one if it holds none),
// for events the helpers above do not make: unknown event names,
// malformed JSON, hostile input. It returns the event's id ("raw-<n>").
func (s *Server) SendRaw(userID string, body []byte) (eventID string) {
	s.mu.Lock()
	s.nextEvent++
	id := "raw-" + strconv.Itoa(s.nextEvent)
	s.mu.Unlock()
	name, ts := rawFields(body)
	s.emitRaw(id, userID, name, body, ts)
	return id
}

// StaleAge is how old the timestamp of a StaleTimestamp event is: well
// past the 5 minutes a receiver should accept.
const StaleAge = 10 * time.Minute
