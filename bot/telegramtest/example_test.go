package telegramtest_test

import (
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// A user writes, the bot polls and answers through the real client, the
// test reads the answer.
func Example() {
	srv := telegramtest.NewServer("123:abc") // telegramtest.New(t, ...) in a test
	defer srv.Close()
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.APIEndpoint(), &http.Client{Timeout: time.Minute})
	if err != nil {
		panic(err)
	}
	user := telegramtest.User{ID: 42, FirstName: "An"}
	srv.SendText(user, "/start")

	updates, _ := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
	for _, u := range updates {
		api.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "Xin chào "+u.Message.From.FirstName))
	}

	msgs, _ := srv.WaitMessages(user.ID, 1, 10*time.Second)
	fmt.Println(msgs[0].Text, srv.Pending(), srv.DeliveryCount(1000))
	// Output: Xin chào An [1000] 1
}
