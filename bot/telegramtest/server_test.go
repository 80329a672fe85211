package telegramtest_test

import (
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

func TestGetMe(t *testing.T) {
	srv, api := setup(t)
	if api.Self.UserName != telegramtest.BotUsername || api.Self.ID != telegramtest.BotID || !api.Self.IsBot {
		t.Errorf("getMe = %+v", api.Self)
	}
	if n := srv.Requests("getMe"); n != 1 {
		t.Errorf("Requests(getMe) = %d, want 1", n)
	}
	other := telegramtest.New(t, token, telegramtest.WithBotUsername("khac_bot"))
	api2, err := other.NewBotAPI()
	if err != nil || api2.Self.UserName != "khac_bot" {
		t.Errorf("WithBotUsername: %+v %v", api2, err)
	}
}

func TestEndpoints(t *testing.T) {
	srv := telegramtest.New(t, token)
	if srv.Token() != token || srv.APIEndpoint() != srv.URL()+"/bot%s/%s" || srv.FileEndpoint() != srv.URL()+"/file/bot%s/%s" {
		t.Errorf("endpoints = %q %q %q", srv.Token(), srv.APIEndpoint(), srv.FileEndpoint())
	}
	if strings.Contains(srv.String(), token) {
		t.Error("String shows the token")
	}
}

func TestBadToken(t *testing.T) {
	srv := telegramtest.New(t, token)
	_, err := tgbotapi.NewBotAPIWithClient("123456:wrong", srv.APIEndpoint(), &http.Client{})
	apiError(t, err, 401, "Unauthorized")
	if srv.Requests("getMe") != 0 {
		t.Error("a call with a wrong token was counted")
	}
}

func TestUnknownMethodAndCase(t *testing.T) {
	srv, api := setup(t)
	_, err := api.MakeRequest("sendDice", nil)
	apiError(t, err, 404, "Not Found")
	// Telegram's method names are case-insensitive.
	if _, err := api.MakeRequest("GETME", nil); err != nil {
		t.Fatal(err)
	}
	if srv.Requests("getMe") != 2 || srv.Requests("getme") != 2 {
		t.Errorf("Requests(getMe) = %d", srv.Requests("getMe"))
	}
}

// TestJSONBody checks the third encoding Telegram accepts, which other
// clients (and curl) use.
func TestJSONBody(t *testing.T) {
	srv := telegramtest.New(t, token)
	body := `{"chat_id":1001,"text":"xin chào","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`
	resp, err := http.Post(srv.URL()+"/bot"+token+"/sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	msgs := srv.Messages(1001)
	if resp.StatusCode != 200 || len(msgs) != 1 || msgs[0].Text != "xin chào" || msgs[0].Buttons[0][0].CallbackData != "a" {
		t.Errorf("status %d, messages %+v", resp.StatusCode, msgs)
	}
}

func TestCommands(t *testing.T) {
	srv, api := setup(t)
	cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Bắt đầu"}, {Command: "trangthai", Description: "Trạng thái"}}
	if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(9001), cmds...)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Request(tgbotapi.NewSetMyCommands(cmds[0])); err != nil {
		t.Fatal(err)
	}
	_, err := api.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Start", Description: "x"}))
	apiError(t, err, 400, "Bad Request: BOT_COMMAND_INVALID")
	if _, err := api.Request(tgbotapi.NewDeleteMyCommands()); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	if len(got) != 3 || len(got[0].Commands) != 2 || got[0].Commands[1].Command != "trangthai" ||
		got[0].Scope != `{"type":"chat","chat_id":9001}` || got[1].Scope != "" || !got[2].Deleted {
		t.Errorf("commands = %+v", got)
	}
}
