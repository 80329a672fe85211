package telegramtest_test

import (
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

const token = "123456:TEST-token"

// wait bounds every wait in these tests. It is a fail-safe against hangs,
// never a timing assertion: passing tests wake as soon as things happen.
const wait = 20 * time.Second

var (
	alice = telegramtest.User{ID: 1001, FirstName: "Nguyễn", LastName: "Văn An", Username: "an"}
	bob   = telegramtest.User{ID: 2002, FirstName: "Bob"}
)

// setup starts a server and a real tgbotapi client on it.
func setup(t *testing.T, opts ...telegramtest.Option) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.New(t, token, opts...)
	api, err := srv.NewBotAPI()
	if err != nil {
		t.Fatal(err)
	}
	return srv, api
}

// apiError asserts that err is Telegram's error with code and description.
func apiError(t *testing.T, err error, code int, desc string) *tgbotapi.Error {
	t.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		t.Fatalf("error = %v (%T), want *tgbotapi.Error %d %q", err, err, code, desc)
	}
	if te.Code != code || (desc != "" && te.Message != desc) {
		t.Fatalf("error = %d %q, want %d %q", te.Code, te.Message, code, desc)
	}
	return te
}
