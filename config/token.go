package config

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// TokenEnv is the environment variable that holds the bot token. The token
// is never read from the file, so the file can be shared and versioned.
const TokenEnv = "TELEGRAM_BOT_TOKEN"

// tokenForm is the whole of a bot token as @BotFather issues it: the bot's
// numeric id, a colon, the secret. Nothing else is accepted: the token goes
// into every request URL, where a quote or a space would be URL-escaped
// into the path and, with the URL, into the logs of a failed request.
var tokenForm = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// quoteMarks are the quotes an env file may leave around a value, straight
// or typographic (a token pasted from a word processor).
const quoteMarks = "\"'`“”‘’"

// TokenFrom returns the bot token through getenv (os.Getenv in production).
// Spaces and line ends around the value are dropped (an env file written
// on Windows leaves a "\r"); anything else that is not of the form
// <digits>:<letters, digits, "_" or "-"> is refused. Errors name the
// variable and never hold any part of its value.
func TokenFrom(getenv func(string) string) (string, error) {
	tok := strings.TrimSpace(getenv(TokenEnv))
	if tok == "" {
		return "", fmt.Errorf("thiếu mã bot: hãy đặt biến môi trường %s bằng mã do @BotFather cấp, dạng <các chữ số>:<chuỗi chữ cái, chữ số, dấu _ hoặc dấu ->", TokenEnv)
	}
	if tokenForm.MatchString(tok) {
		return tok, nil
	}
	msg := fmt.Sprintf("biến môi trường %s không chứa một mã bot hợp lệ: mã do @BotFather cấp có dạng <các chữ số>:<chuỗi chữ cái, chữ số, dấu _ hoặc dấu ->, viết liền, không có dấu ngoặc kép hay dấu cách", TokenEnv)
	first, _ := utf8.DecodeRuneInString(tok)
	last, _ := utf8.DecodeLastRuneInString(tok)
	if strings.ContainsRune(quoteMarks, first) || strings.ContainsRune(quoteMarks, last) {
		// systemd's EnvironmentFile and docker's --env-file keep quotes
		// as part of the value, unlike a shell.
		msg += "; giá trị hiện có nằm trong dấu ngoặc: hãy bỏ dấu ngoặc kép (hoặc ngoặc đơn) bao quanh mã, vì tệp biến môi trường của systemd và docker giữ nguyên dấu ngoặc như một phần của mã"
	} else {
		msg += "; nếu mã được đặt trong dấu ngoặc, hãy bỏ dấu ngoặc kép (hoặc ngoặc đơn) đó"
	}
	return "", fmt.Errorf("%s (giá trị không được hiển thị)", msg)
}
