package telegramtest

import (
	"io"
	"mime"
	"path"
)

// sendDocument sends a file either uploaded in a multipart "document" part
// (stored under a new file_id, as Telegram does, so the bot can resend it
// by id) or named by an existing file_id.
func (s *Server) sendDocument(c *call) (any, *apiError) {
	chatID, aerr := chatParam(c)
	if aerr != nil {
		return nil, aerr
	}
	caption, mode := c.str("caption"), c.str("parse_mode")
	if aerr := checkText(caption, mode, MaxCaptionLength, "message caption is too long", ""); aerr != nil {
		return nil, aerr
	}
	buttons, aerr := replyMarkup(c.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	doc := &Document{Caption: caption}
	var upload []byte
	if fh := c.file("document"); fh != nil {
		f, err := fh.Open()
		if err != nil {
			return nil, badRequest("can't read the uploaded file")
		}
		upload, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, badRequest("can't read the uploaded file")
		}
		if len(upload) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		doc.FileName, doc.Size, doc.Content = fh.Filename, len(upload), upload
		// Telegram guesses the type from the name; tgbotapi always sends
		// application/octet-stream in the part header.
		doc.MimeType = mime.TypeByExtension(path.Ext(fh.Filename))
		if doc.MimeType == "" {
			doc.MimeType = "application/octet-stream"
		}
	} else {
		id := c.str("document")
		if id == "" {
			return nil, badRequest("there is no document in the request")
		}
		s.mu.Lock()
		f := s.files[id]
		s.mu.Unlock()
		if f == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		doc.FileID, doc.FileName, doc.MimeType, doc.Size = f.id, f.name, f.mime, f.size
	}
	if aerr := s.admit(chatID); aerr != nil {
		return nil, aerr
	}
	if upload != nil {
		// Stored only once accepted: a refused upload leaves no file.
		s.mu.Lock()
		doc.FileID = s.addFileLocked(doc.FileName, doc.MimeType, upload, len(upload)).id
		s.mu.Unlock()
	}
	m := s.record(Message{ChatID: chatID, Document: doc, ParseMode: mode,
		ReplyMarkup: c.str("reply_markup"), Buttons: buttons})
	return m.tg(s), nil
}
