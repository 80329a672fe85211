package bot

import (
	"context"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// SetCommands registers the command menus: member commands for everyone,
// member and admin commands in each admin's chat. The caller logs a
// failure; it is not fatal.
func (t *Telegram) SetCommands(ctx context.Context, member, admin []cchcbot.Command, admins []cchcbot.UserID) error {
	conv := func(cs []cchcbot.Command) []tgbotapi.BotCommand {
		var out []tgbotapi.BotCommand
		for _, c := range cs {
			out = append(out, tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
		}
		return out
	}
	api, done := t.call(ctx, t.http)
	defer done()
	var errs []error
	if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllPrivateChats(), conv(member)...)); err != nil {
		errs = append(errs, t.red.Error(err))
	}
	all := conv(append(append([]cchcbot.Command(nil), member...), admin...))
	for _, a := range admins {
		id, ok := a.TelegramID()
		if !ok {
			continue
		}
		if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(id), all...)); err != nil {
			errs = append(errs, t.red.Error(err))
		}
	}
	return errors.Join(errs...)
}
