package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// CallbackPrefix starts the payload of every data button the bot sends:
// Zalo posts a press of an oa.query.hide button back as the user's text,
// so a text with this prefix is a press, not something the person typed.
const CallbackPrefix = "cb:"

// pathMessage is the OA API's "customer service" message endpoint.
const pathMessage = "/v3.0/oa/message/cs"

type sendBody struct {
	Recipient recipient  `json:"recipient"`
	Message   outMessage `json:"message"`
}

type recipient struct {
	UserID string `json:"user_id"`
}

type outMessage struct {
	Text       string      `json:"text,omitempty"`
	Attachment *attachment `json:"attachment,omitempty"`
}

type attachment struct {
	Type    string `json:"type"` // "template" or "file"
	Payload any    `json:"payload"`
}

type templatePayload struct {
	Buttons []button `json:"buttons"`
}

type button struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Payload any    `json:"payload"` // a string for oa.query.hide, {"url"} for oa.open.url
}

type urlPayload struct {
	URL string `json:"url"`
}

// filePayload names an uploaded file under the key its upload answered
// with: "token" (Zalo's SDKs, chatwoot) or "attachment_id" (goclaw);
// docs/ZALO.md §5 has both.
type filePayload struct {
	Token        string `json:"token,omitempty"`
	AttachmentID string `json:"attachment_id,omitempty"`
}

// template turns the bot's button rows into Zalo's template, which shows
// buttons one under the other: the rows are read left to right, top to
// bottom.
func template(rows [][]cchcbot.Button) *attachment {
	var bs []button
	for _, row := range rows {
		for _, b := range row {
			if b.URL != "" {
				bs = append(bs, button{Title: b.Text, Type: "oa.open.url", Payload: urlPayload{URL: b.URL}})
			} else {
				bs = append(bs, button{Title: b.Text, Type: "oa.query.hide", Payload: CallbackPrefix + b.Data})
			}
		}
	}
	if len(bs) == 0 {
		return nil
	}
	return &attachment{Type: "template", Payload: templatePayload{Buttons: bs}}
}

// Send sends plain text; over Zalo's 2,000 characters it is split at line
// breaks, the buttons going with the last part. The reference is the last
// part's.
func (c *Client) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	uid, err := userID(m.To)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	parts := cchcbot.SplitText(m.Text, MaxMessageLength)
	var id string
	for i, p := range parts {
		msg := outMessage{Text: p}
		if i == len(parts)-1 {
			msg.Attachment = template(m.Buttons)
		}
		if id, err = c.sendPart(ctx, uid, msg, i); err != nil {
			return cchcbot.MessageRef{}, err
		}
	}
	return cchcbot.MessageRef{To: m.To, ID: id}, nil
}

// Edit cannot edit: Zalo has no way to change a sent message. It sends
// text and buttons as a new message instead, so the person sees the new
// state below the old one. The old message's buttons stay pressable; the
// chat handles such a press as any repeated or stale one (signed data,
// draft nonces).
func (c *Client) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	_, err := c.Send(ctx, cchcbot.OutMessage{To: ref.To, Text: text, Buttons: buttons, Priority: cchcbot.PriorityInteractive})
	return err
}

// AnswerCallback answers a press. Zalo shows no spinner and has no
// notice, so an empty text does nothing and any other text is sent to the
// person as a short message. callbackID is "zalo:<msg_id>:<user id>", as
// the webhook makes it.
func (c *Client) AnswerCallback(ctx context.Context, callbackID, text string) error {
	if text == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(callbackID, cchcbot.ChannelZalo+":")
	i := strings.LastIndexByte(rest, ':')
	if !ok || i < 0 || i == len(rest)-1 {
		return cchcbot.Errorf(cchcbot.EINVALID, "zalo: callback id %q", callbackID)
	}
	_, err := c.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(rest[i+1:]), Text: text, Priority: cchcbot.PriorityInteractive})
	return err
}

// laterPartTries bounds the attempts at a part after the first.
const laterPartTries = 6

// partBackoff is the wait before retry n of a later part.
var partBackoff = func(n int) time.Duration { return time.Duration(n) * 500 * time.Millisecond }

// sendPart sends part i of a message (a file after its caption counts as
// a later part). The first part's errors go to the caller, whose queue
// retries the whole message: nothing was sent yet. A later part must not
// make the queue send the earlier ones again, so it retries temporary
// failures here; if it still fails, the error is no longer temporary and
// the queue gives up.
func (c *Client) sendPart(ctx context.Context, uid string, msg outMessage, i int) (string, error) {
	r, err := c.jsonRequest(pathMessage, sendBody{Recipient: recipient{UserID: uid}, Message: msg})
	if err != nil {
		return "", err
	}
	for try := 1; ; try++ {
		id, err := c.send(ctx, r)
		if err == nil || i == 0 || ctx.Err() != nil {
			return id, err
		}
		var ra *cchcbot.RetryAfterError
		retry := temporary(err) || errors.As(err, &ra)
		if retry && try < laterPartTries {
			wait := partBackoff(try)
			if ra != nil {
				wait = max(wait, ra.Wait)
			}
			select {
			case <-time.After(wait):
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		var quota *cchcbot.QuotaError
		if retry || errors.As(err, &quota) {
			// Not temporary any more, nor a quota another network could
			// help with: the earlier parts went out.
			return "", fmt.Errorf("zalo: part %d of a message not sent, the earlier parts were: %s", i+1, err)
		}
		return "", err
	}
}

// send makes one /message/cs request and returns the message id.
func (c *Client) send(ctx context.Context, r request) (string, error) {
	env, err := c.call(ctx, r)
	if err != nil {
		return "", err
	}
	var d struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(env.Data, &d); err != nil || d.MessageID == "" {
		// Zalo said it sent: the message is out, the id is only missing.
		c.log.Warn("Zalo answered a send without a message_id")
	}
	return d.MessageID, nil
}
