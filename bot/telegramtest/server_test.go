package telegramtest_test

import (
	"net/http"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// TestOffsetSemantics checks the fake against what Telegram does: updates
// stay until a later offset confirms them.
func TestOffsetSemantics(t *testing.T) {
	srv := telegramtest.New(t, "1:x")
	api, err := tgbotapi.NewBotAPIWithClient("1:x", srv.APIEndpoint(), &nopClient{})
	if err != nil {
		t.Fatal(err)
	}
	u := telegramtest.User{ID: 5, FirstName: "A"}
	a, b := srv.SendText(u, "/start"), srv.SendText(u, "hai")
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 2 || got[0].UpdateID != a || !got[0].Message.IsCommand() || got[0].Message.Command() != "start" {
		t.Fatalf("first poll = %+v %v", got, err)
	}
	// Not confirmed: delivered again.
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{})
	if len(got) != 2 || srv.DeliveryCount(a) != 2 {
		t.Fatalf("redelivery = %d updates, count %d", len(got), srv.DeliveryCount(a))
	}
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: b})
	if len(got) != 1 || got[0].UpdateID != b || len(srv.Pending()) != 1 {
		t.Fatalf("after offset %d: %+v pending %v", b, got, srv.Pending())
	}
	srv.EnforceRateLimits(30, 1)
	if _, err := api.Send(tgbotapi.NewMessage(5, "một")); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Send(tgbotapi.NewMessage(5, "hai")); err != nil {
		t.Fatal(err) // the burst allows two
	}
	_, err = api.Send(tgbotapi.NewMessage(5, "ba"))
	if e, ok := err.(*tgbotapi.Error); !ok || e.Code != 429 || e.RetryAfter < 1 || srv.TooManyRequests() != 1 {
		t.Fatalf("third message to one chat in a second: %v", err)
	}
	if n := len(srv.Messages(5)); n != 2 {
		t.Errorf("%d messages recorded; a refused one must not be", n)
	}
}

// nopClient is http.DefaultClient under the tgbotapi.HTTPClient interface.
type nopClient struct{}

func (nopClient) Do(req *http.Request) (*http.Response, error) { return http.DefaultClient.Do(req) }
