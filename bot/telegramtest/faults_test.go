package telegramtest_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestRetryAfterNext(t *testing.T) {
	srv, api := setup(t)
	srv.RetryAfterNext("sendMessage", 2, 7)
	for range 2 {
		_, err := api.Send(tgbotapi.NewMessage(alice.ID, "x"))
		te := apiError(t, err, 429, "Too Many Requests: retry after 7")
		if te.RetryAfter != 7 {
			t.Errorf("retry_after = %d", te.RetryAfter)
		}
	}
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages(alice.ID)); n != 1 || srv.TooManyRequests() != 2 || srv.RateLimited() != 0 {
		t.Errorf("%d recorded, %d 429s", n, srv.TooManyRequests())
	}
	// On uploads tgbotapi drops the code: RetryAfter is what to test.
	srv.RetryAfterNext("sendDocument", 1, 3)
	_, err := api.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.RetryAfter != 3 {
		t.Errorf("upload 429 = %v", err)
	}
}

func TestFailNext(t *testing.T) {
	srv, api := setup(t)
	srv.FailNext("sendMessage", 1, 500)
	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "x"))
	apiError(t, err, 500, "Internal Server Error")
	// A proxy's 502 page is not JSON: the client fails to decode it.
	srv.FailNext("sendMessage", 1, 502)
	_, err = api.Send(tgbotapi.NewMessage(alice.ID, "x"))
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		t.Errorf("502 = %v (%T)", err, err)
	}
	// n = 0 clears a pending fault.
	srv.FailNext("getFile", 5, 500)
	srv.FailNext("getFile", 0, 500)
	_, err = api.GetFile(tgbotapi.FileConfig{FileID: "x"})
	apiError(t, err, 400, "Bad Request: invalid file_id")
	if len(srv.Messages(alice.ID)) != 0 || srv.Requests("sendMessage") != 2 {
		t.Errorf("failed calls recorded: %+v", srv.Messages(alice.ID))
	}
}

func TestChatFaults(t *testing.T) {
	srv, api := setup(t)
	send := func(id int64) error {
		_, err := api.Send(tgbotapi.NewMessage(id, "x"))
		return err
	}
	srv.Block(1)
	srv.Deactivate(2)
	srv.ChatNotFound(3)
	srv.Migrate(-4, -1004)
	apiError(t, send(1), 403, "Forbidden: bot was blocked by the user")
	apiError(t, send(2), 403, "Forbidden: user is deactivated")
	apiError(t, send(3), 400, "Bad Request: chat not found")
	if te := apiError(t, send(-4), 400, "Bad Request: group chat was upgraded to a supergroup chat"); te.MigrateToChatID != -1004 {
		t.Errorf("migrate_to_chat_id = %d", te.MigrateToChatID)
	}
	_, err := api.Send(tgbotapi.NewDocument(1, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
	if err == nil {
		t.Error("a document reached a blocked chat")
	}
	srv.Unblock(1)
	if err := send(1); err != nil {
		t.Errorf("after Unblock: %v", err)
	}
	srv.ClearFaults()
	if err := send(2); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
	if len(srv.Messages(1)) != 1 || len(srv.Messages(3)) != 0 {
		t.Error("refused messages were recorded")
	}
}

func TestResetConnection(t *testing.T) {
	srv, api := setup(t)
	srv.ResetConnection("sendMessage", 1)
	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "x"))
	var te *tgbotapi.Error
	if err == nil || errors.As(err, &te) {
		t.Errorf("reset = %v", err)
	}
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Error(err)
	}
}

func TestLatency(t *testing.T) {
	srv, api := setup(t)
	srv.SetLatency("getMe", 50*time.Millisecond)
	start := time.Now()
	if _, err := api.GetMe(); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: slow machines make calls slower, never faster.
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("getMe took %s with 50ms latency", d)
	}
	srv.SetLatency("getMe", 0)
	srv.SetLatency("*", time.Hour)
	srv.SetLatency("sendMessage", time.Nanosecond) // its own setting wins over "*"
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Error(err)
	}
	srv.SetLatency("*", 0)
}

// TestOutage: while the line is down every request fails at the network,
// with no HTTP status and nothing recorded; afterwards all works again.
func TestOutage(t *testing.T) {
	srv, api := setup(t)
	srv.SetOutage(true)
	for _, send := range []func() error{
		func() error { _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); return err },
		func() error { _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); return err },
	} {
		err := send()
		var te *tgbotapi.Error
		if err == nil || errors.As(err, &te) {
			t.Errorf("during the outage: %v, want a network error", err)
		}
	}
	if n := len(srv.Messages(alice.ID)); n != 0 || srv.Dropped() != 2 {
		t.Errorf("%d messages recorded, %d dropped; want 0 and 2", n, srv.Dropped())
	}
	srv.SetOutage(false)
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}
