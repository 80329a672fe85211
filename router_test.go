package cchcbot_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"cchcbot"
)

// recording is a Channel that records what reaches it.
type recording struct{ calls []string }

func (c *recording) Send(_ context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.calls = append(c.calls, "send "+string(m.To))
	return cchcbot.MessageRef{To: m.To, ID: "1"}, nil
}
func (c *recording) Edit(_ context.Context, ref cchcbot.MessageRef, _ string, _ [][]cchcbot.Button) error {
	c.calls = append(c.calls, "edit "+string(ref.To))
	return nil
}
func (c *recording) SendDocument(_ context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	c.calls = append(c.calls, "document "+string(d.To))
	return cchcbot.MessageRef{}, nil
}
func (c *recording) AnswerCallback(_ context.Context, id, _ string) error {
	c.calls = append(c.calls, "answer "+id)
	return nil
}
func (c *recording) FetchFile(_ context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	c.calls = append(c.calls, "fetch "+f.ChannelFileID)
	return io.NopCloser(strings.NewReader("")), nil
}

// TestRouter: each call reaches the network it concerns; a network not
// configured refuses for good, in Vietnamese.
func TestRouter(t *testing.T) {
	ctx := context.Background()
	tg, zl := &recording{}, &recording{}
	r := cchcbot.Router{cchcbot.ChannelTelegram: tg, cchcbot.ChannelZalo: zl}
	r.Send(ctx, cchcbot.OutMessage{To: cchcbot.TelegramUser(1)})
	r.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser("84123")})
	r.Edit(ctx, cchcbot.MessageRef{To: cchcbot.ZaloUser("84123"), ID: "m"}, "x", nil)
	r.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.TelegramUser(2)})
	r.AnswerCallback(ctx, "4417", "")
	r.AnswerCallback(ctx, "zalo:msg-9", "Đã ghi nhận")
	r.FetchFile(ctx, cchcbot.IncomingFile{Channel: cchcbot.ChannelZalo, ChannelFileID: "https://f/1"})
	r.FetchFile(ctx, cchcbot.IncomingFile{Channel: cchcbot.ChannelTelegram, ChannelFileID: "BQAD"})
	want := map[*recording]string{
		tg: "send telegram:1|document telegram:2|answer 4417|fetch BQAD",
		zl: "send zalo:84123|edit zalo:84123|answer zalo:msg-9|fetch https://f/1",
	}
	for c, w := range want {
		if got := strings.Join(c.calls, "|"); got != w {
			t.Errorf("calls = %q, want %q", got, w)
		}
	}
	only := cchcbot.Router{cchcbot.ChannelTelegram: tg}
	if _, err := only.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser("1")}); cchcbot.ErrorCode(err) != cchcbot.EUNREACHABLE || !strings.Contains(cchcbot.ErrorMessage(err), "chưa được cấu hình") {
		t.Errorf("a network not configured: %v", err)
	}
	if _, err := only.FetchFile(ctx, cchcbot.IncomingFile{Channel: cchcbot.ChannelZalo}); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("a file on a network not configured: %v", err)
	}
}
