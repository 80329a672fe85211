package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The environment variables of the Zalo channel's secrets. Like the bot
// token, they are never read from the file.
const (
	// ZaloAppSecretEnv holds the app's secret key (developers.zalo.me),
	// which refreshing the OA's access token requires.
	ZaloAppSecretEnv = "ZALO_APP_SECRET"
	// ZaloOASecretKeyEnv holds the OA secret key that signs the events
	// Zalo posts to the webhook.
	ZaloOASecretKeyEnv = "ZALO_OA_SECRET_KEY"
	// ZaloRefreshTokenEnv holds the refresh token issued when the OA
	// granted the app access. It is single-use: once the bot has used it,
	// the store keeps the current one, and the variable is read only when
	// the store has none.
	ZaloRefreshTokenEnv = "ZALO_REFRESH_TOKEN"
)

// maxSecretLen bounds a secret: Zalo's refresh tokens are a few hundred
// characters; a longer value is something else pasted by mistake.
const maxSecretLen = 4096

// ZaloSecrets are the Zalo channel's secrets, from the environment.
type ZaloSecrets struct {
	AppSecret   string
	OASecretKey string
	// RefreshToken is empty when ZaloRefreshTokenEnv is not set: it is
	// needed only while the store keeps no token (RequireRefreshToken).
	RefreshToken string
}

// ZaloSecretsFrom reads the Zalo secrets through getenv (os.Getenv in
// production). ZaloAppSecretEnv and ZaloOASecretKeyEnv are required;
// ZaloRefreshTokenEnv is checked only when set. Spaces and line ends
// around a value are dropped; a value with a space, a quote or a
// character outside printable ASCII inside is refused. Every problem is
// reported at once; errors name the variable and never hold any part of
// its value.
func ZaloSecretsFrom(getenv func(string) string) (ZaloSecrets, error) {
	var s ZaloSecrets
	var errs []error
	for _, e := range []struct {
		env      string
		dst      *string
		required bool
	}{
		{ZaloAppSecretEnv, &s.AppSecret, true},
		{ZaloOASecretKeyEnv, &s.OASecretKey, true},
		{ZaloRefreshTokenEnv, &s.RefreshToken, false},
	} {
		v, err := secretFrom(getenv, e.env, e.required)
		if err != nil {
			errs = append(errs, err)
		}
		*e.dst = v
	}
	if len(errs) > 0 {
		return ZaloSecrets{}, errors.Join(errs...)
	}
	return s, nil
}

// RequireRefreshToken returns the error to show when the store keeps no
// Zalo token and ZaloRefreshTokenEnv gave none either, nil if it did.
func (s ZaloSecrets) RequireRefreshToken() error {
	if s.RefreshToken != "" {
		return nil
	}
	return fmt.Errorf("thiếu mã làm mới của Zalo: kho dữ liệu chưa lưu mã nào, hãy đặt biến môi trường %s bằng mã làm mới (refresh token) nhận được khi Official Account cấp quyền cho ứng dụng; sau lần chạy đầu bot tự lưu và thay mã, biến này không còn được dùng", ZaloRefreshTokenEnv)
}

// secretFrom reads one secret; an empty value is an error only when
// required.
func secretFrom(getenv func(string) string, env string, required bool) (string, error) {
	v := strings.TrimSpace(getenv(env))
	switch {
	case v == "" && required:
		return "", fmt.Errorf("thiếu biến môi trường %s: hãy đặt nó bằng giá trị lấy từ trang quản lý ứng dụng Zalo (developers.zalo.me)", env)
	case v == "":
		return "", nil
	case len(v) > maxSecretLen:
		return "", fmt.Errorf("biến môi trường %s dài hơn %d ký tự: đây không phải khóa của Zalo (giá trị không được hiển thị)", env, maxSecretLen)
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	if strings.ContainsRune(quoteMarks, first) || strings.ContainsRune(quoteMarks, last) {
		// systemd's EnvironmentFile and docker's --env-file keep quotes
		// as part of the value, unlike a shell.
		return "", fmt.Errorf("biến môi trường %s có giá trị nằm trong dấu ngoặc: hãy bỏ dấu ngoặc kép (hoặc ngoặc đơn) bao quanh, vì tệp biến môi trường của systemd và docker giữ nguyên dấu ngoặc như một phần của giá trị (giá trị không được hiển thị)", env)
	}
	for _, r := range v {
		if r <= ' ' || r > '~' || strings.ContainsRune(quoteMarks, r) {
			return "", fmt.Errorf("biến môi trường %s không hợp lệ: giá trị phải viết liền, không có dấu cách, dấu ngoặc hay ký tự ngoài bảng chữ cái không dấu, chữ số và dấu thông thường (giá trị không được hiển thị)", env)
		}
	}
	return v, nil
}

// Secrets are the secrets of the chat networks a file configures.
type Secrets struct {
	TelegramToken string      // empty unless HasTelegram
	Zalo          ZaloSecrets // zero unless HasZalo
}

// SecretsFrom reads through getenv (os.Getenv in production) the secrets
// of every chat network c configures, and no others: a Zalo-only office
// needs no bot token. Every problem is reported at once, as TokenFrom and
// ZaloSecretsFrom report them.
func (c *Config) SecretsFrom(getenv func(string) string) (Secrets, error) {
	var s Secrets
	var errs []error
	if c.hasTelegram {
		tok, err := TokenFrom(getenv)
		if err != nil {
			errs = append(errs, err)
		}
		s.TelegramToken = tok
	}
	if c.hasZalo {
		z, err := ZaloSecretsFrom(getenv)
		if err != nil {
			errs = append(errs, err)
		}
		s.Zalo = z
	}
	if len(errs) > 0 {
		return Secrets{}, errors.Join(errs...)
	}
	return s, nil
}
