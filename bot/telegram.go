// Package bot connects cchcbot to Telegram through go-telegram-bot-api: it
// implements cchcbot.Channel (send, edit, documents, file downloads) and
// runs the long-poll loop that feeds updates to the conversation logic. It
// knows Telegram; nothing above it does.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
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
	api      *tgbotapi.BotAPI
	cfg      Config
	red      redactor
	download *http.Client
	ctx      context.Context
	log      *slog.Logger
}

var _ cchcbot.Channel = (*Telegram)(nil)

// New connects to the Bot API (getMe). ctx bounds every request the
// adapter makes: cancelling it aborts a long poll at once.
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
	red := redactor{cfg.Token}
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
		return nil, fmt.Errorf("telegram: getMe: %w", red.Error(err))
	}
	bot.Debug = false
	return &Telegram{
		api: bot, cfg: cfg, red: red, ctx: ctx, log: cfg.Logger,
		// Downloads of up to 20 MB over a slow district line need longer.
		download: &http.Client{Transport: transport, Timeout: 10 * time.Minute},
	}, nil
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
	parts := splitText(m.Text, MaxMessageLength)
	var last tgbotapi.Message
	for i, p := range parts {
		msg := tgbotapi.NewMessage(id, p)
		if i == len(parts)-1 {
			if kb := keyboard(m.Buttons); kb != nil {
				msg.ReplyMarkup = *kb
			}
		}
		if last, err = t.sendPart(ctx, msg, i); err != nil {
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
func (t *Telegram) sendPart(ctx context.Context, msg tgbotapi.MessageConfig, i int) (tgbotapi.Message, error) {
	for try := 1; ; try++ {
		m, err := t.api.Send(msg)
		if err == nil || ctx.Err() != nil {
			return m, err
		}
		err = classify(t.red.Error(err))
		if i == 0 {
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
	edit := tgbotapi.NewEditMessageText(id, msgID, splitText(text, MaxMessageLength)[0])
	kb := keyboard(buttons)
	if kb == nil {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	}
	edit.ReplyMarkup = kb
	if _, err := t.api.Request(edit); err != nil && !notModified(err) {
		return classify(t.red.Error(err))
	}
	return nil
}

// SendDocument sends a file back by Telegram's file_id (no re-upload) or
// uploads it from disk.
func (t *Telegram) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	id, err := chatID(d.To)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	var file tgbotapi.RequestFileData
	if d.ChannelFileID != "" {
		file = tgbotapi.FileID(d.ChannelFileID)
	} else {
		rc, err := d.Open()
		if err != nil {
			return cchcbot.MessageRef{}, err
		}
		defer rc.Close()
		file = tgbotapi.FileReader{Name: d.Name, Reader: rc}
	}
	doc := tgbotapi.NewDocument(id, file)
	doc.Caption = d.Caption
	m, err := t.api.Send(doc)
	if err != nil {
		return cchcbot.MessageRef{}, classify(t.red.Error(err))
	}
	return ref(d.To, m), nil
}

// AnswerCallback stops a pressed button's spinner, with an optional notice.
func (t *Telegram) AnswerCallback(ctx context.Context, callbackID, text string) error {
	// answerCallbackQuery returns true, not a Message: Request, not Send.
	if _, err := t.api.Request(tgbotapi.NewCallback(callbackID, text)); err != nil {
		return classify(t.red.Error(err))
	}
	return nil
}

// FetchFile opens a file a person sent. Files over the limit are refused
// before any request; the body is checked against getFile's size, so a
// truncated download is an error, never a short file.
func (t *Telegram) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	if f.Size > t.cfg.MaxFileSize {
		return nil, tooLarge(t.cfg.MaxFileSize)
	}
	tf, err := t.api.GetFile(tgbotapi.FileConfig{FileID: f.ChannelFileID})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == 400 && strings.Contains(strings.ToLower(te.Message), "too big") {
			return nil, tooLarge(t.cfg.MaxFileSize)
		}
		return nil, classify(t.red.Error(err))
	}
	if int64(tf.FileSize) > t.cfg.MaxFileSize {
		return nil, tooLarge(t.cfg.MaxFileSize)
	}
	// tgbotapi's File.Link points at the cloud; build the URL from our
	// endpoint, and never log it: it holds the token.
	url := fmt.Sprintf(t.cfg.FileEndpoint, t.cfg.Token, tf.FilePath)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, t.red.Error(err)
	}
	resp, err := t.download.Do(req)
	if err != nil {
		return nil, &cchcbot.TemporaryError{Err: t.red.Error(err)}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("download: HTTP %d", resp.StatusCode)
		if resp.StatusCode >= 500 {
			return nil, &cchcbot.TemporaryError{Err: err}
		}
		return nil, err
	}
	return &sizedBody{rc: resp.Body, want: int64(tf.FileSize), red: t.red}, nil
}

func tooLarge(limit int64) error {
	return cchcbot.Errorf(cchcbot.ETOOLARGE, "Tệp vượt quá giới hạn %d MB mà Telegram cho phép bot tải về. Xin vui lòng nén tệp (ZIP) hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", limit>>20)
}

// sizedBody fails a download whose length differs from what getFile said.
type sizedBody struct {
	rc   io.ReadCloser
	want int64
	got  int64
	red  redactor
}

func (b *sizedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.got += int64(n)
	switch {
	case b.want > 0 && b.got > b.want:
		return n, &cchcbot.TemporaryError{Err: fmt.Errorf("download: got more than the %d bytes announced", b.want)}
	case err == io.EOF && b.want > 0 && b.got != b.want:
		return n, &cchcbot.TemporaryError{Err: fmt.Errorf("download: got %d of %d bytes", b.got, b.want)}
	case err != nil && err != io.EOF:
		return n, &cchcbot.TemporaryError{Err: b.red.Error(err)}
	}
	return n, err
}

func (b *sizedBody) Close() error { return b.rc.Close() }
