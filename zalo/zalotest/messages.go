package zalotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// MaxTextLength is the most characters (runes) a message's text may have.
const MaxTextLength = 2000

// The button types a template may carry (docs/ZALO.md §4).
const (
	ButtonQueryHide = "oa.query.hide" // pressing sends the payload as the user's hidden text
	ButtonQueryShow = "oa.query.show" // the same, the text shown in the user's chat
	ButtonOpenURL   = "oa.open.url"   // pressing opens payload.url
	ButtonOpenPhone = "oa.open.phone" // pressing calls payload.phone_code
)

// Message is a message the bot sent with /message/cs, as the test sees it.
type Message struct {
	ID      string    // the message_id the server answered with
	UserID  string    // recipient.user_id
	Text    string    // empty for a file
	Buttons []Button  // nil without a template
	File    *File     // nil unless a file was sent
	At      time.Time // on the server's clock
}

// Button is one button of a template.
type Button struct {
	Title string
	Type  string // ButtonQueryHide, ButtonQueryShow, ButtonOpenURL or ButtonOpenPhone
	// Payload is what pressing an oa.query.* button sends back (see
	// PressButton); URL is where an oa.open.url button leads; Phone is
	// the number an oa.open.phone button calls.
	Payload string
	URL     string
	Phone   string
}

// File is a file the bot uploaded: what a file message sends.
type File struct {
	Token   string // the id the upload answered with
	Key     string // its key: UploadKeyToken or UploadKeyAttachmentID
	Name    string // the uploaded part's file name
	Content []byte
}

// csRequest is the body of /message/cs.
type csRequest struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text       string `json:"text"`
		Attachment *struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		} `json:"attachment"`
	} `json:"message"`
}

type buttonJSON struct {
	Title   string          `json:"title"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// serveMessage sends a message after Zalo's checks, in Zalo's order: the
// access token, the request, the recipient's follow, the quotas.
func (s *Server) serveMessage(w http.ResponseWriter, r *http.Request) {
	if aerr := s.checkAccess(r.Header.Get("access_token")); aerr != nil {
		writeError(w, aerr)
		return
	}
	var req csRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil {
		writeError(w, invalidParams("Body is not valid JSON"))
		return
	}
	m, aerr := s.parseMessage(&req)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := s.admit(m.UserID); aerr != nil {
		writeError(w, aerr)
		return
	}
	m = s.record(m)
	if s.opts.echo {
		s.echo(m)
	}
	writeOK(w, map[string]string{"message_id": m.ID, "user_id": m.UserID})
}

// parseMessage checks the request and turns it into the message to
// record.
func (s *Server) parseMessage(req *csRequest) (Message, *apiError) {
	m := Message{UserID: req.Recipient.UserID, Text: req.Message.Text}
	if m.UserID == "" {
		return m, invalidParams("recipient.user_id is missing")
	}
	if utf8.RuneCountInString(m.Text) > MaxTextLength {
		return m, &apiError{CodeTextTooLong, "Text is too long"}
	}
	att := req.Message.Attachment
	switch {
	case att == nil:
		if m.Text == "" {
			return m, invalidParams("Message is empty")
		}
	case att.Type == "template":
		if m.Text == "" {
			return m, invalidParams("A template message needs a text")
		}
		buttons, aerr := parseButtons(att.Payload)
		if aerr != nil {
			return m, aerr
		}
		m.Buttons = buttons
	case att.Type == "file":
		if m.Text != "" {
			// Zalo shows a file message without text: a caption would be
			// lost, so it must go as a message of its own.
			return m, invalidParams("A file message carries no text")
		}
		var p map[string]json.RawMessage
		if json.Unmarshal(att.Payload, &p) != nil {
			return m, invalidParams("attachment.payload is invalid")
		}
		key, id := UploadKeyToken, ""
		if json.Unmarshal(p[UploadKeyToken], &id) != nil || id == "" {
			key = UploadKeyAttachmentID
			if json.Unmarshal(p[UploadKeyAttachmentID], &id) != nil || id == "" {
				return m, invalidParams("attachment.payload.token is missing")
			}
		}
		s.mu.Lock()
		f := s.uploads[id]
		s.mu.Unlock()
		switch {
		case f == nil:
			return m, invalidParams("File token is invalid")
		case f.Key != key:
			return m, invalidParams("attachment.payload." + f.Key + " is missing")
		}
		m.File = &File{Token: f.Token, Key: f.Key, Name: f.Name, Content: f.Content}
	default:
		return m, invalidParams("Attachment type is not supported")
	}
	return m, nil
}

func parseButtons(raw json.RawMessage) ([]Button, *apiError) {
	var p struct {
		Buttons []buttonJSON `json:"buttons"`
	}
	if json.Unmarshal(raw, &p) != nil || len(p.Buttons) == 0 {
		return nil, invalidParams("attachment.payload.buttons is missing")
	}
	out := make([]Button, 0, len(p.Buttons))
	for _, b := range p.Buttons {
		if b.Title == "" {
			return nil, invalidParams("Button title is missing")
		}
		btn := Button{Title: b.Title, Type: b.Type}
		switch b.Type {
		case ButtonQueryHide, ButtonQueryShow:
			if json.Unmarshal(b.Payload, &btn.Payload) != nil || btn.Payload == "" {
				return nil, invalidParams("Button payload must be a non-empty string")
			}
		case ButtonOpenPhone:
			var p struct {
				Phone string `json:"phone_code"`
			}
			if json.Unmarshal(b.Payload, &p) != nil || p.Phone == "" {
				return nil, invalidParams("Button payload.phone_code is missing")
			}
			btn.Phone = p.Phone
		case ButtonOpenURL:
			var u struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(b.Payload, &u) != nil || u.URL == "" {
				return nil, invalidParams("Button payload.url is missing")
			}
			btn.URL = u.URL
		default:
			return nil, invalidParams("Button type is not supported")
		}
		out = append(out, btn)
	}
	return out, nil
}

// admit applies the recipient's follow state, the interaction window and
// the injected refusals to a message about to be sent; a refused message
// is not recorded.
func (s *Server) admit(userID string) *apiError {
	var follower bool
	var userCode int
	var last time.Time
	now := s.now() // never under s.mu: the clock is the test's code
	s.mu.Lock()
	if u := s.users[userID]; u != nil {
		follower, userCode, last = u.follower, u.code, u.interacted
	}
	s.mu.Unlock()
	if !follower {
		return &apiError{CodeNotFollower, codeMessages[CodeNotFollower]}
	}
	if code := s.faults.codeTake(); code != 0 {
		return &apiError{code, codeMessage(code)}
	}
	if userCode != 0 {
		return &apiError{userCode, codeMessage(userCode)}
	}
	if w := s.opts.interactionWindow; w > 0 && now.Sub(last) > w {
		return &apiError{CodeNoInteraction, codeMessages[CodeNoInteraction]}
	}
	return nil
}

// record stores a message the bot sent, giving it a new message_id and
// the current time, and wakes waiters.
func (s *Server) record(m Message) Message {
	m.ID = newID()
	m.At = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	u := s.userLocked(m.UserID)
	u.sent = append(u.sent, len(s.messages)-1)
	s.notifyLocked()
	return m
}

// newID returns a unique id in the shape of Zalo's message ids: 32 hex
// digits.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b)
}

// Messages returns the messages the bot sent to the user with id, in
// order.
func (s *Server) Messages(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userID]
	if u == nil {
		return nil
	}
	out := make([]Message, len(u.sent))
	for i, idx := range u.sent {
		out[i] = s.messages[idx]
	}
	return out
}

// MessageCount returns how many messages the bot sent to the user, without
// copying them: cheap enough for WaitFor conditions in big fan-outs.
func (s *Server) MessageCount(userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		return len(u.sent)
	}
	return 0
}

// AllMessages returns every message the bot sent, in order.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// TotalMessages returns how many messages the bot sent in all.
func (s *Server) TotalMessages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}
