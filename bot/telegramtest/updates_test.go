package telegramtest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// TestOffsetSemantics checks the fake against what Telegram does: updates
// stay until a later offset confirms them.
func TestOffsetSemantics(t *testing.T) {
	srv, api := setup(t)
	a, b := srv.SendText(alice, "/start abc"), srv.SendText(alice, "hai")
	if a != 1000 || b != 1001 {
		t.Errorf("update ids = %d, %d; want 1000, 1001", a, b)
	}
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 2 || got[0].UpdateID != a || got[1].UpdateID != b {
		t.Fatalf("first poll = %+v %v", got, err)
	}
	m := got[0].Message
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "abc" || m.From.LanguageCode != "vi" ||
		m.From.FirstName != alice.FirstName || m.From.LastName != alice.LastName || m.From.UserName != alice.Username ||
		m.Chat.ID != alice.ID || m.Chat.Type != "private" {
		t.Errorf("message = %+v from %+v", m, m.From)
	}
	// Not confirmed: delivered again.
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{})
	if len(got) != 2 || srv.DeliveryCount(a) != 2 || srv.DeliveryCount(b) != 2 {
		t.Fatalf("redelivery = %d updates, counts %d %d", len(got), srv.DeliveryCount(a), srv.DeliveryCount(b))
	}
	// Offset b confirms a only.
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: b})
	if len(got) != 1 || got[0].UpdateID != b || !slices.Equal(srv.Pending(), []int{b}) {
		t.Fatalf("after offset %d: %+v pending %v", b, got, srv.Pending())
	}
	// A lower offset cannot bring a confirmed update back.
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: a})
	if len(got) != 1 || got[0].UpdateID != b {
		t.Fatalf("after a lower offset: %+v", got)
	}
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: b + 1})
	if len(got) != 0 || len(srv.Pending()) != 0 || srv.DeliveryCount(b) != 4 {
		t.Fatalf("after confirming all: %+v pending %v count %d", got, srv.Pending(), srv.DeliveryCount(b))
	}
}

func TestLimitAndNegativeOffset(t *testing.T) {
	srv, api := setup(t, telegramtest.WithFirstUpdateID(1))
	for range 5 {
		srv.SendText(bob, "x")
	}
	got, _ := api.GetUpdates(tgbotapi.UpdateConfig{Limit: 2})
	if len(got) != 2 || got[0].UpdateID != 1 {
		t.Fatalf("limit 2 = %+v", got)
	}
	// A negative offset keeps the last -offset updates and forgets the rest.
	got, _ = api.GetUpdates(tgbotapi.UpdateConfig{Offset: -2})
	if len(got) != 2 || got[0].UpdateID != 4 || !slices.Equal(srv.Pending(), []int{4, 5}) {
		t.Fatalf("offset -2 = %+v pending %v", got, srv.Pending())
	}
	// Telegram may restart the ids lower after a quiet week.
	srv.SetNextUpdateID(7)
	if id := srv.SendText(bob, "y"); id != 7 {
		t.Errorf("next id = %d", id)
	}
}

func TestUpdateKinds(t *testing.T) {
	srv, api := setup(t)
	fid := srv.AddFile("bao-cao.pdf", "application/pdf", []byte("%PDF"))
	srv.SendDocument(alice, fid, "bao-cao.pdf", "application/pdf", 4, "Báo cáo")
	srv.SendPhoto(bob, "PHOTO1", 5000)
	srv.SendGroupText(alice, -100, "/start@"+telegramtest.BotUsername)
	srv.SendUpdate(tgbotapi.Update{EditedMessage: &tgbotapi.Message{MessageID: 1, Text: "sửa", Chat: &tgbotapi.Chat{ID: alice.ID}}})
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 4 {
		t.Fatalf("updates = %+v %v", got, err)
	}
	if d := got[0].Message.Document; d == nil || d.FileID != fid || d.FileName != "bao-cao.pdf" || d.FileSize != 4 || got[0].Message.Caption != "Báo cáo" {
		t.Errorf("document = %+v", got[0].Message)
	}
	if p := got[1].Message.Photo; len(p) != 2 || p[1].FileID != "PHOTO1" || p[1].FileSize != 5000 {
		t.Errorf("photo = %+v", p)
	}
	if g := got[2].Message; g.Chat.Type != "group" || g.Command() != "start" {
		t.Errorf("group message = %+v", g)
	}
	if e := got[3].EditedMessage; e == nil || e.Text != "sửa" || got[3].UpdateID != got[2].UpdateID+1 {
		t.Errorf("edited = %+v", got[3])
	}
	// User and bot messages share the chat's id sequence.
	if got[0].Message.MessageID != 1 {
		t.Errorf("first message id in alice's chat = %d", got[0].Message.MessageID)
	}
	// The group text has its own chat: alice's next id is 2.
	sent, err := api.Send(tgbotapi.NewMessage(alice.ID, "ok"))
	if err != nil || sent.MessageID != 2 {
		t.Errorf("bot message id = %d %v", sent.MessageID, err)
	}
}

// TestLongPollWakesOnUpdate checks that a waiting getUpdates returns as
// soon as an update arrives, not at its timeout.
func TestLongPollWakesOnUpdate(t *testing.T) {
	srv, api := setup(t)
	done := make(chan []tgbotapi.Update, 1)
	go func() {
		got, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 3600})
		if err != nil {
			t.Error(err)
		}
		done <- got
	}()
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 1 }, wait); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(alice, "dậy đi")
	got := <-done // a one-hour poll: only the update can end it
	if len(got) != 1 || got[0].UpdateID != id {
		t.Errorf("long poll = %+v", got)
	}
}

func TestLongPollTimeout(t *testing.T) {
	_, api := setup(t)
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(got) != 0 {
		t.Errorf("empty poll = %+v %v", got, err)
	}
}

// ctxClient gives tgbotapi, which has no contexts, a cancellable one.
type ctxClient struct{ ctx context.Context }

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return http.DefaultClient.Do(req.WithContext(c.ctx))
}

func TestLongPollCancelled(t *testing.T) {
	srv := telegramtest.New(t, token)
	ctx, cancel := context.WithCancel(context.Background())
	api, err := tgbotapi.NewBotAPIWithClient(token, srv.APIEndpoint(), ctxClient{ctx})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 3600})
		done <- err
	}()
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 1 }, wait); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled poll = %v", err)
	}
	// The server notices and ends the call.
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 0 }, wait); err != nil {
		t.Fatal(err)
	}
}

// TestConflict: a second poller ends the first with 409, as Telegram does
// when two instances of a bot run.
func TestConflict(t *testing.T) {
	srv, api := setup(t)
	done := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 3600})
		done <- err
	}()
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 1 }, wait); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatal(err)
	}
	apiError(t, <-done, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
}

func TestCloseEndsLongPoll(t *testing.T) {
	srv, api := setup(t)
	done := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 3600})
		done <- err
	}()
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 1 }, wait); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if err := <-done; err == nil {
		t.Error("a poll survived Close")
	}
	if _, err := srv.WaitMessages(1, 1, wait); !errors.Is(err, telegramtest.ErrClosed) {
		t.Errorf("wait on a closed server = %v", err)
	}
	srv.Close() // twice is fine
}
