package telegramtest_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

func TestSendMessageWithKeyboard(t *testing.T) {
	srv, api := setup(t)
	srv.SendText(alice, "/start") // message 1 of the chat
	msg := tgbotapi.NewMessage(alice.ID, "<b>Xin chào</b>")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyToMessageID = 1
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ Đã nhận", "ak|x"), tgbotapi.NewInlineKeyboardButtonURL("Mở", "https://t.me/x")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Sau", "later")),
	)
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID != 2 || sent.Chat.ID != alice.ID || sent.Text != "<b>Xin chào</b>" || sent.ReplyMarkup == nil ||
		*sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "ak|x" || sent.From.UserName != telegramtest.BotUsername {
		t.Errorf("returned = %+v", sent)
	}
	msgs := srv.Messages(alice.ID)
	want := [][]telegramtest.Button{{{Text: "✅ Đã nhận", CallbackData: "ak|x"}, {Text: "Mở", URL: "https://t.me/x"}}, {{Text: "Sau", CallbackData: "later"}}}
	if len(msgs) != 1 || msgs[0].ID != 2 || msgs[0].ParseMode != "HTML" || msgs[0].ReplyToMessageID != 1 || msgs[0].At.IsZero() {
		t.Fatalf("recorded = %+v", msgs)
	}
	if len(msgs[0].Buttons) != 2 || msgs[0].Buttons[0][0] != want[0][0] || msgs[0].Buttons[0][1] != want[0][1] || msgs[0].Buttons[1][0] != want[1][0] {
		t.Errorf("buttons = %+v", msgs[0].Buttons)
	}
	if !strings.Contains(msgs[0].ReplyMarkup, `"inline_keyboard"`) {
		t.Errorf("raw markup = %q", msgs[0].ReplyMarkup)
	}
	if all := srv.AllMessages(); len(all) != 1 || srv.TotalMessages() != 1 || srv.MessageCount(alice.ID) != 1 || srv.MessageCount(bob.ID) != 0 {
		t.Errorf("all = %+v", all)
	}
}

func TestSendMessageChecks(t *testing.T) {
	srv, api := setup(t)
	send := func(text, mode string) error {
		m := tgbotapi.NewMessage(alice.ID, text)
		m.ParseMode = mode
		_, err := api.Send(m)
		return err
	}
	apiError(t, send("", ""), 400, "Bad Request: message text is empty")
	apiError(t, send(" \n ", ""), 400, "Bad Request: message text is empty")
	// 4,096 characters pass, one more does not; Vietnamese letters count one.
	if err := send(strings.Repeat("ệ", 4096), ""); err != nil {
		t.Errorf("4096 characters: %v", err)
	}
	apiError(t, send(strings.Repeat("ệ", 4097), ""), 400, "Bad Request: message is too long")
	// An emoji outside the BMP is two UTF-16 code units.
	apiError(t, send(strings.Repeat("😀", 2049), ""), 400, "Bad Request: message is too long")
	// Markup does not count.
	if err := send("<b>"+strings.Repeat("a", 4096)+"</b>", "HTML"); err != nil {
		t.Errorf("4096 characters in bold: %v", err)
	}
	apiError(t, send("a <foo> b", "HTML"), 400, `Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 2`)
	apiError(t, send("x", "Fancy"), 400, "Bad Request: unsupported parse_mode")
	m := tgbotapi.NewMessage(alice.ID, "x")
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
	_, err := api.Send(m)
	apiError(t, err, 400, "Bad Request: BUTTON_DATA_INVALID")
	m = tgbotapi.NewMessage(alice.ID, "x")
	m.ReplyToMessageID = 99
	_, err = api.Send(m)
	apiError(t, err, 400, "Bad Request: message to be replied not found")
	m.AllowSendingWithoutReply = true
	if _, err := api.Send(m); err != nil {
		t.Error(err)
	}
	if n := len(srv.Messages(alice.ID)); n != 3 {
		t.Errorf("%d messages recorded, want the 3 accepted", n)
	}
}

func TestEdit(t *testing.T) {
	srv, api := setup(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", "a")))
	msg := tgbotapi.NewMessage(alice.ID, "một")
	msg.ReplyMarkup = kb
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageTextAndMarkup(alice.ID, sent.MessageID, "hai", kb)
	if _, err := api.Request(edit); err != nil {
		t.Fatal(err)
	}
	_, err = api.Request(edit)
	apiError(t, err, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	// An empty keyboard removes the buttons; repeating it changes nothing.
	empty := tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	if _, err := api.Request(empty); err != nil {
		t.Fatal(err)
	}
	_, err = api.Request(empty)
	apiError(t, err, 400, "")
	m := srv.Messages(alice.ID)[0]
	if m.Text != "hai" || m.Buttons != nil || !m.Edited || m.Edits != 2 || m.EditedAt.IsZero() {
		t.Errorf("edited = %+v", m)
	}
	_, err = api.Request(tgbotapi.NewEditMessageText(alice.ID, 42, "x"))
	apiError(t, err, 400, "Bad Request: message to edit not found")
	_, err = api.Request(tgbotapi.NewEditMessageText(bob.ID, sent.MessageID, "x"))
	apiError(t, err, 400, "Bad Request: message to edit not found")
	// Edit returns the message, so Send works too.
	got, err := api.Send(tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "ba"))
	if err != nil || got.Text != "ba" || got.EditDate == 0 {
		t.Errorf("edit result = %+v %v", got, err)
	}
}

func TestCallbackQuery(t *testing.T) {
	srv, api := setup(t, telegramtest.WithStrictCallbacks())
	msg := tgbotapi.NewMessage(alice.ID, "Chọn")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", "a")))
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	id := srv.PressButton(alice, sent.MessageID, "a")
	got, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 1 {
		t.Fatalf("updates = %+v %v", got, err)
	}
	cq := got[0].CallbackQuery
	if cq == nil || cq.ID != id || cq.Data != "a" || cq.From.ID != alice.ID || cq.Message.MessageID != sent.MessageID ||
		cq.Message.Text != "Chọn" || cq.Message.ReplyMarkup == nil || cq.Message.Chat.ID != alice.ID {
		t.Fatalf("callback = %+v", cq)
	}
	// answerCallbackQuery returns true, not a Message: Request, not Send.
	cb := tgbotapi.NewCallbackWithAlert(id, "Đã ghi nhận")
	if _, err := api.Request(cb); err != nil {
		t.Fatal(err)
	}
	_, err = api.Request(cb)
	apiError(t, err, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	_, err = api.Request(tgbotapi.NewCallback("made-up", ""))
	apiError(t, err, 400, "")
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].ID != id || a[0].Text != "Đã ghi nhận" || !a[0].ShowAlert {
		t.Errorf("answers = %+v", a)
	}
	// By default made-up ids are accepted, for tests that need no press.
	srv2, api2 := setup(t)
	if _, err := api2.Request(tgbotapi.NewCallback("cb1", "x")); err != nil || len(srv2.CallbackAnswers()) != 1 {
		t.Errorf("lenient answer: %v", err)
	}
}

func TestWaitHelpers(t *testing.T) {
	srv, api := setup(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, text := range []string{"một", "hai", "ba"} {
			if _, err := api.Send(tgbotapi.NewMessage(alice.ID, text)); err != nil {
				t.Error(err)
			}
		}
	})
	msgs, err := srv.WaitMessages(alice.ID, 3, wait)
	if err != nil || len(msgs) < 3 {
		t.Fatalf("WaitMessages = %+v %v", msgs, err)
	}
	for _, want := range []string{"một", "hai", "ba"} {
		m, err := srv.NextMessage(alice.ID, wait)
		if err != nil || m.Text != want {
			t.Fatalf("NextMessage = %+v %v, want %q", m, err, want)
		}
	}
	wg.Wait()
	// Nothing new: a short fail-safe ends the wait with an error.
	if _, err := srv.NextMessage(alice.ID, 10*time.Millisecond); err == nil {
		t.Error("NextMessage returned a message twice")
	}
	if _, err := srv.WaitMessages(bob.ID, 1, 10*time.Millisecond); err == nil {
		t.Error("WaitMessages succeeded with no message")
	}
}

// TestConcurrentUse drives every side at once, for the race detector.
func TestConcurrentUse(t *testing.T) {
	srv, api := setup(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 25 {
				if _, err := api.Send(tgbotapi.NewMessage(int64(100+i), "x")); err != nil {
					t.Error(err)
				}
				srv.SendText(telegramtest.User{ID: int64(100 + i)}, "y")
				_ = srv.Messages(int64(100 + i))
				_ = srv.Pending()
				if j%5 == 0 {
					srv.Block(999)
					srv.Unblock(999)
				}
			}
		})
	}
	wg.Go(func() {
		offset := 0
		for seen := 0; seen < 200; {
			got, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 5})
			if err != nil {
				t.Error(err)
				return
			}
			for _, u := range got {
				offset = u.UpdateID + 1
				seen++
			}
		}
	})
	wg.Wait()
	if n := srv.TotalMessages(); n != 200 {
		t.Errorf("%d messages", n)
	}
}
