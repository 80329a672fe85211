package chat

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cchcbot"
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

// With notices in the background a member's receipt does not wait for
// the admins' chats, and the notice still arrives.
func TestNoticesInBackground(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	held := &heldAdmin{fakeChannel: h.ch, release: make(chan struct{})}
	h.svc = New(Options{Store: h.db, Calendar: h.cal, Channel: held, Clock: h.clock,
		Signer: cchcbot.CallbackSigner{Key: []byte("test key for buttons, 32 bytes!")}, Reminders: h.rem,
		Office: "Phòng Nội vụ huyện Quỳ Hợp", Logger: slog.New(slog.NewTextHandler(h.logs, nil)), NoticesInBackground: true})

	done := make(chan sent, 1)
	go func() {
		done <- h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF-1.7 bc")})
	}()
	select {
	case r := <-done:
		wantText(t, r.Text, "BIÊN NHẬN")
	case <-time.After(10 * time.Second):
		t.Fatal("the member's confirm waited for the admin's notice")
	}
	h.ch.mu.Lock()
	for _, m := range h.ch.msgs {
		if m.To == admin.ID {
			t.Error("the notice went out before it was released")
		}
	}
	h.ch.mu.Unlock()
	close(held.release)
	h.svc.Wait()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	n := 0
	for _, m := range h.ch.msgs {
		if m.To == admin.ID && strings.HasPrefix(m.Text, "BÁO CÁO MỚI: UBND xã Châu Lộc") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d notices to the admin, want 1", n)
	}
}
