package cchcbot

import (
	"context"
	"io"
	"strings"
)

// Router is a Channel that hands each call to the channel of the network
// it concerns: a message to its recipient's, a file to the network that
// holds it, a button's answer to the network whose ID prefix it carries
// (Telegram's, which has none, by default). One bot can so speak Telegram
// and Zalo at once without the conversation or the outbox knowing which.
type Router map[string]Channel

var _ Channel = Router(nil)

func (r Router) to(u UserID) (Channel, error) {
	if c := r[u.Channel()]; c != nil {
		return c, nil
	}
	return nil, Errorf(EUNREACHABLE, "Kênh %q chưa được cấu hình: không gửi được tin nhắn tới người dùng này.", u.Channel())
}

// Send sends through m.To's network.
func (r Router) Send(ctx context.Context, m OutMessage) (MessageRef, error) {
	c, err := r.to(m.To)
	if err != nil {
		return MessageRef{}, err
	}
	return c.Send(ctx, m)
}

// Edit edits through ref.To's network.
func (r Router) Edit(ctx context.Context, ref MessageRef, text string, buttons [][]Button) error {
	c, err := r.to(ref.To)
	if err != nil {
		return err
	}
	return c.Edit(ctx, ref, text, buttons)
}

// SendDocument sends through d.To's network.
func (r Router) SendDocument(ctx context.Context, d OutDocument) (MessageRef, error) {
	c, err := r.to(d.To)
	if err != nil {
		return MessageRef{}, err
	}
	return c.SendDocument(ctx, d)
}

// AnswerCallback answers through the network the ID names, Telegram's
// when it names none.
func (r Router) AnswerCallback(ctx context.Context, callbackID, text string) error {
	if name, _, ok := strings.Cut(callbackID, ":"); ok && r[name] != nil {
		return r[name].AnswerCallback(ctx, callbackID, text)
	}
	if c := r[ChannelTelegram]; c != nil {
		return c.AnswerCallback(ctx, callbackID, text)
	}
	return nil
}

// FetchFile downloads from the network that holds f.
func (r Router) FetchFile(ctx context.Context, f IncomingFile) (io.ReadCloser, error) {
	c := r[f.Channel]
	if c == nil {
		return nil, Errorf(ENOTFOUND, "Không tải được tệp: kênh %q chưa được cấu hình.", f.Channel)
	}
	return c.FetchFile(ctx, f)
}
