package zalo_test

import (
	"context"
	"io"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/zalo"
)

// nopChannel delivers everything.
type nopChannel struct{ sent int }

func (c *nopChannel) Send(context.Context, cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.sent++
	return cchcbot.MessageRef{ID: "m"}, nil
}
func (c *nopChannel) Edit(context.Context, cchcbot.MessageRef, string, [][]cchcbot.Button) error {
	c.sent++
	return nil
}
func (c *nopChannel) SendDocument(context.Context, cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	c.sent++
	return cchcbot.MessageRef{}, nil
}
func (c *nopChannel) AnswerCallback(context.Context, string, string) error { return nil }
func (c *nopChannel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, nil
}

// TestProactiveCounted: a message to someone who wrote within 48 h is a
// free reply and not counted; one to someone silent longer, or never
// heard from, is proactive and counted in the month of the office's zone;
// the warning comes once, when the count reaches 80 % of the quota.
func TestProactiveCounted(t *testing.T) {
	ctx := context.Background()
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Date(2026, 12, 31, 23, 30, 0, 0, hcm) // still December in Vietnam
	db, err := store.Open(t.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recent, silent := cchcbot.ZaloUser("841"), cchcbot.ZaloUser("842")
	// recent wrote an hour ago: the store records it when it accepts the event.
	now = now.Add(-time.Hour)
	if _, err := db.AcceptIncoming(ctx, []cchcbot.Inbound{{Key: "zalo:m1", In: &cchcbot.Incoming{User: recent, Text: "chào"}}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	var warned []string
	next := &nopChannel{}
	p := &zalo.Proactive{Channel: next, Store: db, Clock: cchcbot.ClockFunc(func() time.Time { return now }), Location: hcm, Quota: 5,
		Warn: func(_ context.Context, month string, count, quota int) { warned = append(warned, month) }}
	p.Send(ctx, cchcbot.OutMessage{To: recent, Text: "trả lời"})
	if n, _ := db.CountProactive(ctx, cchcbot.ChannelZalo, "2026-12"); n != 0 {
		t.Fatalf("a reply within the window was counted: %d", n)
	}
	for i := range 5 {
		if i%2 == 0 {
			p.Send(ctx, cchcbot.OutMessage{To: silent, Text: "nhắc việc"})
		} else {
			p.Edit(ctx, cchcbot.MessageRef{To: silent, ID: "x"}, "nhắc việc", nil)
		}
	}
	if n, _ := db.CountProactive(ctx, cchcbot.ChannelZalo, "2026-12"); n != 5 {
		t.Errorf("proactive messages counted: %d, want 5", n)
	}
	if len(warned) != 1 || warned[0] != "2026-12" {
		t.Errorf("warnings: %q, want one for 2026-12 (at 4 of 5)", warned)
	}
	if next.sent != 6 {
		t.Errorf("%d messages reached the network, want 6", next.sent)
	}
}
