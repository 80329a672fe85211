package telegramtest

import (
	"encoding/json"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Button is an inline keyboard button of a sent message.
type Button struct {
	Text, CallbackData, URL string
}

// replyMarkup decodes a reply_markup parameter. Telegram refuses an inline
// keyboard that is not JSON, has a button with neither callback_data nor
// url (text buttons are for reply keyboards) or callback_data over 64
// bytes; the bot must not depend on those being accepted.
func replyMarkup(raw string) ([][]Button, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var kb struct {
		InlineKeyboard *[][]struct {
			Text         string  `json:"text"`
			CallbackData *string `json:"callback_data"`
			URL          *string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if kb.InlineKeyboard == nil {
		return nil, nil // a reply keyboard or its removal: kept raw only
	}
	var rows [][]Button
	for _, row := range *kb.InlineKeyboard {
		r := make([]Button, 0, len(row))
		for _, b := range row {
			btn := Button{Text: b.Text}
			switch {
			case b.CallbackData != nil:
				if len(*b.CallbackData) > 64 {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				btn.CallbackData = *b.CallbackData
			case b.URL != nil:
				btn.URL = *b.URL
			default:
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if strings.TrimSpace(b.Text) == "" {
				return nil, badRequest("BUTTON_TEXT_EMPTY")
			}
			r = append(r, btn)
		}
		if len(r) > 0 {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// inlineMarkup renders buttons back into tgbotapi's type.
func inlineMarkup(rows [][]Button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, len(rows))}
	for i, row := range rows {
		for _, b := range row {
			btn := tgbotapi.InlineKeyboardButton{Text: b.Text}
			if b.URL != "" {
				btn.URL = &b.URL
			} else {
				btn.CallbackData = &b.CallbackData
			}
			kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], btn)
		}
	}
	return kb
}

func sameButtons(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}
