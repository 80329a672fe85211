package telegramtest

import "time"

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// editMessageText replaces a message's text and keyboard. As on Telegram,
// an edit without reply_markup removes the inline keyboard.
func (s *Server) editMessageText(c *call) (any, *apiError) {
	text, mode := c.str("text"), c.str("parse_mode")
	if aerr := checkText(text, mode, MaxMessageLength, "message is too long", "message text is empty"); aerr != nil {
		return nil, aerr
	}
	return s.edit(c, func(m *Message) *apiError {
		if m.Document != nil {
			return badRequest("there is no text in the message to edit")
		}
		m.Text, m.ParseMode = text, mode
		return nil
	})
}

// editMessageReplyMarkup replaces only the keyboard; without reply_markup
// it removes it.
func (s *Server) editMessageReplyMarkup(c *call) (any, *apiError) {
	return s.edit(c, func(*Message) *apiError { return nil })
}

// edit finds the message named by chat_id and message_id, lets change
// alter a copy, sets the keyboard and stores the result unless nothing
// changed.
func (s *Server) edit(c *call, change func(*Message) *apiError) (any, *apiError) {
	if c.has("inline_message_id") {
		return nil, badRequest("message to edit not found") // no inline mode here
	}
	chatID, aerr := chatParam(c)
	if aerr != nil {
		return nil, aerr
	}
	id, ok := c.num("message_id")
	if !ok || id == 0 {
		return nil, badRequest("message to edit not found")
	}
	buttons, aerr := replyMarkup(c.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.faults.chat(chatID); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findLocked(chatID, id)
	if m == nil {
		return nil, badRequest("message to edit not found")
	}
	next := *m
	if aerr := change(&next); aerr != nil {
		return nil, aerr
	}
	next.Buttons, next.ReplyMarkup = buttons, c.str("reply_markup")
	if next.Text == m.Text && sameButtons(next.Buttons, m.Buttons) {
		return nil, badRequest(notModified)
	}
	next.Edited, next.Edits, next.EditedAt = true, m.Edits+1, time.Now()
	*m = next
	s.notifyLocked()
	return m.tg(s), nil
}
