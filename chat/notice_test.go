package chat

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
)

// heldAdmin holds every message to the admin until released, as Telegram's
// one-message-a-second pace holds them on a deadline day.
type heldAdmin struct {
	*fakeChannel
	release chan struct{}
}

func (c *heldAdmin) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	if m.To == admin.ID {
		select {
		case <-c.release:
		case <-ctx.Done():
			return cchcbot.MessageRef{}, ctx.Err()
		}
	}
	return c.fakeChannel.Send(ctx, m)
}

// The admins' notice is queued in the commit that records the report, so
// it cannot be lost; a slow admin chat does not hold up the member's
// receipt, and the notice still arrives, once.
func TestNoticeDoesNotHoldTheReceipt(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF-1.7 bc")})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")

	held := &heldAdmin{fakeChannel: h.ch, release: make(chan struct{})}
	h.out.Close()
	h.out = outbox.New(h.ctx, h.db, held, outbox.Options{GlobalPerSecond: 1e9, PerChatPerSecond: 1e9, MaxInFlight: 4, Clock: h.clock})
	t.Cleanup(h.out.Close)
	h.svc.opts.Channel = h.out
	in := h.incoming(chairLoc)
	in.Callback = &cchcbot.CallbackPress{ID: "cb-confirm", Data: h.button(confirm, "Xác nhận nộp"), Message: confirm.Ref}
	if err := h.svc.Handle(h.ctx, in); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(lastText(h.sentTo(chairLoc)), "BIÊN NHẬN") {
		if time.Now().After(deadline) {
			t.Fatal("the member's receipt waited for the admin's notice")
		}
		time.Sleep(time.Millisecond)
	}
	if n := len(h.sentTo(admin)); n != 0 {
		t.Fatalf("%d messages to the held admin", n)
	}
	close(held.release)
	h.drain()
	n := 0
	for _, m := range h.sentTo(admin) {
		if strings.HasPrefix(m.Text, "BÁO CÁO MỚI: UBND xã Châu Lộc") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d notices to the admin, want 1", n)
	}
}

func lastText(ms []sent) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[len(ms)-1].Text
}
