package telegramtest_test

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// TestRateLimits uses rates so low that no refill can happen while the
// test runs, however slow the machine: the outcome depends on counts only.
func TestRateLimits(t *testing.T) {
	srv, api := setup(t)
	send := func(id int64) error {
		_, err := api.Send(tgbotapi.NewMessage(id, "x"))
		return err
	}
	srv.SetRateLimits(telegramtest.RateLimits{PerSecond: 0.001, Burst: 3, PerChatPerSecond: 0.001})
	if err := send(1); err != nil {
		t.Fatal(err)
	}
	// A second message to the same chat is beyond 1 per chat.
	te := apiError(t, send(1), 429, "")
	if te.RetryAfter < 1 {
		t.Errorf("retry_after = %d", te.RetryAfter)
	}
	if err := send(2); err != nil {
		t.Fatal(err)
	}
	if err := send(3); err != nil {
		t.Fatal(err)
	}
	// The fourth in the burst of three overall is refused, whatever chat.
	apiError(t, send(4), 429, "")
	if srv.RateLimited() != 2 || srv.TooManyRequests() != 2 || srv.TotalMessages() != 3 || len(srv.Messages(4)) != 0 {
		t.Errorf("refused %d, 429s %d, recorded %d", srv.RateLimited(), srv.TooManyRequests(), srv.TotalMessages())
	}
	srv.DisableRateLimits()
	if err := send(4); err != nil {
		t.Errorf("after DisableRateLimits: %v", err)
	}
}

// TestRateLimitsWithinLimits: Telegram's own figures let a fan-out of one
// message to each of many chats through, up to the global burst.
func TestRateLimitsWithinLimits(t *testing.T) {
	srv, api := setup(t)
	srv.SetRateLimits(telegramtest.RateLimits{PerSecond: 0.001, Burst: 50, PerChatPerSecond: 1, PerChatBurst: 2})
	for i := range 50 {
		if _, err := api.Send(tgbotapi.NewMessage(int64(5000+i/2), "x")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if srv.TooManyRequests() != 0 {
		t.Errorf("%d 429s within the limits", srv.TooManyRequests())
	}
	srv.EnforceRateLimits(30, 1)
	if _, err := api.Send(tgbotapi.NewMessage(1, "x")); err != nil {
		t.Errorf("first message after EnforceRateLimits: %v", err)
	}
}
