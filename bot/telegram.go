// Package bot connects cchcbot to Telegram through go-telegram-bot-api: it
// implements cchcbot.Channel (send, edit, documents, file downloads) and
// runs the long-poll loop that accepts updates into the durable inbox,
// whose dispatcher (package inbox) hands them to the conversation logic.
// It knows Telegram; nothing above it does.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// Config configures the Telegram adapter.
type Config struct {
	Token        string
	APIEndpoint  string // ".../bot%s/%s"
	FileEndpoint string // ".../file/bot%s/%s"
	PollTimeout  time.Duration
	MaxFileSize  int64
	Logger       *slog.Logger
}

// ErrUnauthorized means Telegram refused the token: retrying cannot help.
var ErrUnauthorized = errors.New("telegram: token bị từ chối (401): hãy kiểm tra biến TELEGRAM_BOT_TOKEN")

// Telegram is cchcbot.Channel over the Telegram Bot API.
type Telegram struct {
	// api's client carries the adapter's context; each call uses a copy
	// whose client carries the call's context too (see call).
	api      *tgbotapi.BotAPI
	cfg      Config
	red      redactor
	http     *http.Client // Bot API calls: PollTimeout + 15 s at most
	upload   *http.Client // uploads: no fixed timeout, the size sets the call's
	download *http.Client
	pace     pace
	ctx      context.Context
	log      *slog.Logger
}

var _ cchcbot.Channel = (*Telegram)(nil)

// New connects to the Bot API (getMe). ctx bounds every request the
// adapter makes, on top of each call's own context: cancelling it aborts a
// long poll at once.
//
// New fails with ErrUnauthorized when Telegram refuses the token, for
// which retrying cannot help. Any other failure is redacted and
// classified like a call's: a network failure or a 5xx is a
// *cchcbot.TemporaryError, so a caller retrying the connection can count
// it as a failed poll.
func New(ctx context.Context, cfg Config) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errNoToken
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = 20 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	red := newRedactor(cfg.Token)
	tgLogger.add(cfg.Token)
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: cfg.PollTimeout + 15*time.Second, MaxIdleConnsPerHost: 64}
	// A half-open connection must not hang a send or the poll forever.
	api := &http.Client{Transport: transport, Timeout: cfg.PollTimeout + 15*time.Second}
	bot, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, &client{http: api, ctx: ctx, red: red})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == 401 {
			return nil, ErrUnauthorized
		}
		return nil, fmt.Errorf("telegram: getMe: %w", classify(red.Error(err)))
	}
	bot.Debug = false
	return &Telegram{
		api: bot, cfg: cfg, red: red, ctx: ctx, log: cfg.Logger, http: api,
		upload: &http.Client{Transport: transport},
		// Downloads of up to 20 MB over a slow district line need longer.
		download: &http.Client{Transport: transport, Timeout: 10 * time.Minute},
		pace:     pace{base: uploadBase, rate: uploadRate},
	}, nil
}

// call returns the Bot API client for one call through hc: its requests
// end when ctx or the adapter's context ends, so cancelling a handler or
// an outbound job aborts its request. done must be called once the call
// has returned (and its response is read).
func (t *Telegram) call(ctx context.Context, hc *http.Client) (api *tgbotapi.BotAPI, done func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(t.ctx, cancel)
	// BotAPI is plain fields: token, endpoint, Self and the client. The
	// one reference a copy shares, shutdownChannel, serves only
	// GetUpdatesChan, which we never use. A shallow copy is safe.
	c := *t.api
	c.Client = &client{http: hc, ctx: ctx, red: t.red}
	return &c, func() { stop(); cancel() }
}

// Username returns the bot's username as Telegram knows it.
func (t *Telegram) Username() string { return t.api.Self.UserName }

func chatID(u cchcbot.UserID) (int64, error) {
	id, ok := u.TelegramID()
	if !ok {
		return 0, cchcbot.Errorf(cchcbot.EINVALID, "%q is not a Telegram user", u)
	}
	return id, nil
}

func keyboard(rows [][]cchcbot.Button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
			} else {
				r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			}
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return &kb
}

func ref(to cchcbot.UserID, m tgbotapi.Message) cchcbot.MessageRef {
	return cchcbot.MessageRef{To: to, ID: strconv.Itoa(m.MessageID)}
}

// Send sends plain text; over Telegram's 4,096 characters it is split at
// line breaks, the buttons going with the last part.
func (t *Telegram) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	id, err := chatID(m.To)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	api, done := t.call(ctx, t.http)
	defer done()
	parts := cchcbot.SplitText(m.Text, MaxMessageLength)
	var last tgbotapi.Message
	for i, p := range parts {
		msg := tgbotapi.NewMessage(id, p)
		if i == len(parts)-1 {
			if kb := keyboard(m.Buttons); kb != nil {
				msg.ReplyMarkup = *kb
			}
		}
		if last, err = t.sendPart(ctx, api, msg, i); err != nil {
			return cchcbot.MessageRef{}, err
		}
	}
	return ref(m.To, last), nil
}

// laterPartTries bounds the attempts at a part after the first.
const laterPartTries = 6

// sendPart sends part i of a message. The first part's errors go to the
// caller, whose queue retries the whole message: nothing was sent yet. A
// later part must not make the queue send the earlier ones again (each
// retry would repeat them, and under a per-chat 429 never finish), so it
// waits out 429s and retries network failures here; if it still fails, the
// error is no longer temporary and the queue gives up.
func (t *Telegram) sendPart(ctx context.Context, api *tgbotapi.BotAPI, msg tgbotapi.MessageConfig, i int) (tgbotapi.Message, error) {
	for try := 1; ; try++ {
		m, err := api.Send(msg)
		if err == nil {
			return m, nil
		}
		err = classify(t.red.Error(err))
		if i == 0 || ctx.Err() != nil || t.ctx.Err() != nil {
			return m, err
		}
		var ra *cchcbot.RetryAfterError
		var temp *cchcbot.TemporaryError
		wait := time.Duration(try) * 500 * time.Millisecond
		switch {
		case try >= laterPartTries:
		case errors.As(err, &ra):
			wait = max(ra.Wait, time.Second)
			fallthrough
		case errors.As(err, &temp):
			select {
			case <-time.After(wait):
				continue
			case <-ctx.Done():
				return m, ctx.Err()
			}
		}
		if errors.As(err, &ra) || errors.As(err, &temp) {
			err = fmt.Errorf("telegram: part %d of a long message not sent, the earlier parts were: %s", i+1, err)
		}
		return m, err
	}
}

// Edit replaces a sent message's text and buttons. An edit that changes
// nothing is not an error.
func (t *Telegram) Edit(ctx context.Context, r cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	id, err := chatID(r.To)
	if err != nil {
		return err
	}
	msgID, err := strconv.Atoi(r.ID)
	if err != nil {
		return cchcbot.Errorf(cchcbot.EINVALID, "message id %q", r.ID)
	}
	edit := tgbotapi.NewEditMessageText(id, msgID, cchcbot.SplitText(text, MaxMessageLength)[0])
	kb := keyboard(buttons)
	if kb == nil {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	}
	edit.ReplyMarkup = kb
	api, done := t.call(ctx, t.http)
	defer done()
	if _, err := api.Request(edit); err != nil && !notModified(err) {
		return classify(t.red.Error(err))
	}
	return nil
}

// AnswerCallback stops a pressed button's spinner, with an optional notice.
func (t *Telegram) AnswerCallback(ctx context.Context, callbackID, text string) error {
	api, done := t.call(ctx, t.http)
	defer done()
	// answerCallbackQuery returns true, not a Message: Request, not Send.
	if _, err := api.Request(tgbotapi.NewCallback(callbackID, text)); err != nil {
		return classify(t.red.Error(err))
	}
	return nil
}
