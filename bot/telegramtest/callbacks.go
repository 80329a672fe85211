package telegramtest

import (
	"encoding/json"
	"regexp"
	"slices"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// CallbackAnswer is an answerCallbackQuery call: the bot stopping a
// pressed button's spinner, with an optional notice.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
	At        time.Time
}

// CommandsCall is a setMyCommands or deleteMyCommands call.
type CommandsCall struct {
	Commands     []tgbotapi.BotCommand // nil for deleteMyCommands
	Scope        string                // the raw scope JSON; "" is the default scope
	LanguageCode string
	Deleted      bool // deleteMyCommands
	At           time.Time
}

// CallbackAnswers returns the answerCallbackQuery calls, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Commands returns the setMyCommands and deleteMyCommands calls, in order.
func (s *Server) Commands() []CommandsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}

const invalidQuery = "query is too old and response timeout expired or query ID is invalid"

func (s *Server) answerCallbackQuery(c *call) (any, *apiError) {
	id := c.str("callback_query_id")
	if id == "" {
		return nil, badRequest(invalidQuery)
	}
	cacheTime, _ := c.num("cache_time")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.strictCallbacks {
		if answered, issued := s.callbacks[id]; !issued || answered {
			return nil, badRequest(invalidQuery)
		}
	}
	if _, issued := s.callbacks[id]; issued {
		s.callbacks[id] = true
	}
	s.answers = append(s.answers, CallbackAnswer{ID: id, Text: c.str("text"), ShowAlert: c.flag("show_alert"),
		URL: c.str("url"), CacheTime: cacheTime, At: time.Now()})
	s.notifyLocked()
	return true, nil
}

// commandName is what Telegram accepts as a bot command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// setMyCommands records the command list per scope. Telegram refuses
// names outside [a-z0-9_]{1,32}, empty or over-long descriptions and more
// than 100 commands.
func (s *Server) setMyCommands(c *call) (any, *apiError) {
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(c.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, cmd := range cmds {
		if !commandName.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(cmd.Description); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	if aerr := checkScope(c.str("scope")); aerr != nil {
		return nil, aerr
	}
	s.recordCommands(CommandsCall{Commands: cmds, Scope: c.str("scope"), LanguageCode: c.str("language_code")})
	return true, nil
}

func (s *Server) deleteMyCommands(c *call) (any, *apiError) {
	if aerr := checkScope(c.str("scope")); aerr != nil {
		return nil, aerr
	}
	s.recordCommands(CommandsCall{Scope: c.str("scope"), LanguageCode: c.str("language_code"), Deleted: true})
	return true, nil
}

func checkScope(raw string) *apiError {
	if raw == "" {
		return nil
	}
	var scope tgbotapi.BotCommandScope
	if json.Unmarshal([]byte(raw), &scope) != nil || scope.Type == "" {
		return badRequest("can't parse BotCommandScope JSON object")
	}
	return nil
}

func (s *Server) recordCommands(cc CommandsCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cc.At = time.Now()
	s.commands = append(s.commands, cc)
	s.notifyLocked()
}
