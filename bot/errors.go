package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// classify turns a tgbotapi error into the domain's kinds, which the
// outbound queue acts on: wait, retry, give up on the member, or fail.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.RetryAfter > 0:
			return &cchcbot.RetryAfterError{Wait: time.Duration(te.RetryAfter) * time.Second}
		case te.Code == 403:
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "%s", te.Message)
		case te.Code == 400 && strings.Contains(te.Message, "chat not found"):
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "%s", te.Message)
		case te.Code >= 500 || (te.Code == 0 && te.Message == ""):
			return &cchcbot.TemporaryError{Err: err}
		}
		return err
	}
	var syn *json.SyntaxError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &syn), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		strings.Contains(err.Error(), "connection reset"), strings.Contains(err.Error(), "invalid character '<'"):
		// A 502 page from a proxy surfaces as a JSON error: transient.
		return &cchcbot.TemporaryError{Err: err}
	}
	return err
}

// notModified reports Telegram's refusal of an edit that changes nothing,
// which for us is success.
func notModified(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && strings.Contains(te.Message, "message is not modified")
}
