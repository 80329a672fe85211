package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"path"
	"strings"

	"cchcbot"
)

// Zalo sends an OA's file only as an upload: PDF, DOC or DOCX, at most
// 5 MB, judged by the name's extension.
const (
	MaxDocumentSize = 5 << 20
	pathUpload      = "/v2.0/oa/upload/file"
)

var documentTypes = map[string]string{
	".pdf":  "application/pdf",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// notSendable says why a document cannot go by Zalo and where staff find
// it instead.
func notSendable(code, name, why string) error {
	return cchcbot.Errorf(code, "Không gửi được tệp \"%s\" qua Zalo: %s. Zalo chỉ cho Official Account gửi tệp PDF, DOC hoặc DOCX không quá 5 MB. Cán bộ phòng Nội vụ có thể lấy tệp trên máy chủ bằng lệnh \"cchcbot archive KỲ -o TỆP.zip\" (sau này: trên trang quản trị của bot).", name, why)
}

// SendDocument uploads a report file and sends it, its caption first as a
// text message (a Zalo file message carries no text). Zalo keeps no id by
// which a file can be sent again, so the file is read from d.Open; when
// there is no Open, d.ChannelFileID must be a Zalo download URL (a file a
// person sent on Zalo), downloaded first. A file Zalo would refuse (too
// big, not PDF, DOC or DOCX) is refused before any request, with a message
// saying how staff can get it.
func (c *Client) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	uid, err := userID(d.To)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	name := path.Base(strings.ReplaceAll(d.Name, `\`, "/"))
	mimeType, ok := documentTypes[strings.ToLower(path.Ext(name))]
	switch {
	case !ok:
		return cchcbot.MessageRef{}, notSendable(cchcbot.EINVALID, name, "loại tệp này Zalo không nhận")
	case d.Size > MaxDocumentSize:
		return cchcbot.MessageRef{}, notSendable(cchcbot.ETOOLARGE, name, fmt.Sprintf("tệp nặng %.1f MB", float64(d.Size)/(1<<20)))
	}
	content, err := c.readDocument(ctx, d)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	if len(content) > MaxDocumentSize {
		return cchcbot.MessageRef{}, notSendable(cchcbot.ETOOLARGE, name, "tệp nặng hơn 5 MB")
	}
	file, err := c.upload(ctx, name, mimeType, content)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	part := 0
	if d.Caption != "" {
		for _, p := range cchcbot.SplitText(d.Caption, MaxMessageLength) {
			if _, err := c.sendPart(ctx, uid, outMessage{Text: p}, part); err != nil {
				return cchcbot.MessageRef{}, err
			}
			part++
		}
	}
	id, err := c.sendPart(ctx, uid, outMessage{Attachment: &attachment{Type: "file", Payload: file}}, part)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	return cchcbot.MessageRef{To: d.To, ID: id}, nil
}

// readDocument reads at most one byte over MaxDocumentSize of d.
func (c *Client) readDocument(ctx context.Context, d cchcbot.OutDocument) ([]byte, error) {
	var rc io.ReadCloser
	var err error
	switch {
	case d.Open != nil:
		rc, err = d.Open()
	case strings.HasPrefix(d.ChannelFileID, "http://") || strings.HasPrefix(d.ChannelFileID, "https://"):
		rc, err = c.download(ctx, d.ChannelFileID, 0, MaxDocumentSize)
	default:
		// A Telegram file id, say: Zalo cannot fetch it.
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: document %q has neither content nor a Zalo URL", d.Name)
	}
	if cchcbot.ErrorCode(err) == cchcbot.ETOOLARGE {
		return nil, notSendable(cchcbot.ETOOLARGE, d.Name, "tệp nặng hơn 5 MB")
	} else if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxDocumentSize+1))
	if cchcbot.ErrorCode(err) == cchcbot.ETOOLARGE {
		return nil, notSendable(cchcbot.ETOOLARGE, d.Name, "tệp nặng hơn 5 MB")
	}
	if err != nil {
		return nil, fmt.Errorf("zalo: read %q: %w", d.Name, err)
	}
	return b, nil
}

// upload sends content to Zalo, within a time that grows with its size,
// and returns what a file message carries: the data.token or the
// data.attachment_id of the answer, under the same key. Should both come
// back, the token is sent, as Zalo's own SDKs send it.
func (c *Client) upload(ctx context.Context, name, mimeType string, content []byte) (filePayload, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, escapeQuotes(name)))
	h.Set("Content-Type", mimeType)
	pw, err := w.CreatePart(h)
	if err == nil {
		_, err = pw.Write(content)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return filePayload{}, fmt.Errorf("zalo: build the upload: %w", err)
	}
	uctx, cancel := c.withPace(ctx, int64(len(content)))
	defer cancel()
	env, err := c.call(uctx, request{hc: c.transfer, path: pathUpload, url: c.cfg.APIBase + pathUpload, contentType: w.FormDataContentType(), body: b.Bytes()})
	if err != nil {
		return filePayload{}, err
	}
	var data struct {
		Token        flexString `json:"token"`
		AttachmentID flexString `json:"attachment_id"`
	}
	switch err := json.Unmarshal(env.Data, &data); {
	case err == nil && data.Token != "":
		return filePayload{Token: string(data.Token)}, nil
	case err == nil && data.AttachmentID != "":
		return filePayload{AttachmentID: string(data.AttachmentID)}, nil
	}
	return filePayload{}, fmt.Errorf("zalo: upload answered neither data.token nor data.attachment_id")
}

// escapeQuotes escapes a file name for a Content-Disposition header, as
// mime/multipart does.
var escapeQuotes = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
