package config

import (
	"net/url"
	"regexp"
	"strings"
)

// Defaults of the zalo section.
const (
	DefaultZaloAPIBase       = "https://openapi.zalo.me"
	DefaultZaloOAuthBase     = "https://oauth.zaloapp.com"
	DefaultZaloWebhookListen = "127.0.0.1:8081"
	DefaultZaloWebhookPath   = "/zalo/webhook"
	// DefaultZaloProactiveQuota is proactive_monthly_quota when absent:
	// the messages a month the office's OA package allows beyond replies.
	DefaultZaloProactiveQuota = 1000
)

// Zalo holds the settings of the office's Zalo Official Account: the zalo
// section, which configures the Zalo channel. Its secrets are never in
// the file: see ZaloSecretsFrom.
type Zalo struct {
	AppID     string // the app's id at developers.zalo.me: digits
	OAID      string // the Official Account's id: digits
	APIBase   string // the OA API, without a trailing "/"
	OAuthBase string // where access tokens are refreshed, without a trailing "/"
	// WebhookListen is the loopback host:port the webhook server listens
	// on, behind the reverse proxy that gives Zalo its public HTTPS
	// address; empty runs no webhook server (nothing is received).
	WebhookListen string
	WebhookPath   string // the path Zalo posts events to: starts with "/"
	// ProactiveMonthlyQuota bounds the messages a month sent outside
	// Zalo's free reply window (48 hours after a user's last message);
	// 0 sends none.
	ProactiveMonthlyQuota int
	MaxFileSize           int64 // bytes: the largest file taken from a user
}

// zaloIDPattern is the form of Zalo's app and OA ids: decimal digits
// (nineteen as issued; a little room either way).
var zaloIDPattern = regexp.MustCompile(`^[0-9]{1,32}$`)

// webhookPathPattern is a plain absolute URL path: what a reverse proxy
// can route and Zalo's console accepts, with no query or fragment.
var webhookPathPattern = regexp.MustCompile(`^/[A-Za-z0-9._~/-]{0,200}$`)

func (v *validator) zalo(c *Config, z rawZalo) {
	p := []any{"zalo"}
	c.Zalo = Zalo{
		AppID:                 strings.TrimSpace(z.AppID),
		OAID:                  strings.TrimSpace(z.OAID),
		APIBase:               or(z.APIBase, DefaultZaloAPIBase),
		OAuthBase:             or(z.OAuthBase, DefaultZaloOAuthBase),
		WebhookListen:         DefaultZaloWebhookListen,
		WebhookPath:           or(z.WebhookPath, DefaultZaloWebhookPath),
		ProactiveMonthlyQuota: orP(z.ProactiveMonthlyQuota, DefaultZaloProactiveQuota),
	}
	// The ids are not secret, but a secret pasted into the wrong key
	// would be: no message quotes them.
	for _, e := range []struct{ key, value, what string }{
		{"app_id", c.Zalo.AppID, "mã ứng dụng (App ID) tại developers.zalo.me"},
		{"oa_id", c.Zalo.OAID, "mã Official Account (OA ID) trong trang quản lý OA"},
	} {
		switch {
		case e.value == "":
			v.errorf(at(p, e.key), "zalo.%s: thiếu %s, một dãy chữ số", e.key, e.what)
		case !zaloIDPattern.MatchString(e.value):
			v.errorf(at(p, e.key), "zalo.%s: giá trị không hợp lệ: cần %s, chỉ gồm chữ số (giá trị không được hiển thị)", e.key, e.what)
		}
	}
	for _, e := range []struct {
		key     string
		value   *string
		example string
	}{
		{"api_base", &c.Zalo.APIBase, DefaultZaloAPIBase},
		{"oauth_base", &c.Zalo.OAuthBase, DefaultZaloOAuthBase},
	} {
		if !validBase(*e.value) {
			v.errorf(at(p, e.key), "zalo.%s: %s không hợp lệ: cần địa chỉ bắt đầu bằng http:// hoặc https://, không có ? hay #, ví dụ %s", e.key, quote(*e.value), e.example)
		}
		*e.value = strings.TrimRight(*e.value, "/") // the API's paths are appended with their "/"
	}
	if z.WebhookListen != nil {
		c.Zalo.WebhookListen = strings.TrimSpace(*z.WebhookListen)
	}
	v.listen(at(p, "webhook_listen"), "zalo.webhook_listen", c.Zalo.WebhookListen, DefaultZaloWebhookListen,
		"Zalo chỉ gửi sự kiện đến một địa chỉ HTTPS công khai, nên bot nghe trên 127.0.0.1, ::1 hoặc localhost và một reverse proxy có HTTPS (như nginx, Caddy) chuyển tiếp đến đó")
	if !webhookPathPattern.MatchString(c.Zalo.WebhookPath) || strings.Contains(c.Zalo.WebhookPath, "//") {
		v.errorf(at(p, "webhook_path"), "zalo.webhook_path: %s không hợp lệ: cần một đường dẫn bắt đầu bằng \"/\", chỉ gồm chữ cái không dấu, chữ số và các dấu / - _ . ~, ví dụ %s", quote(c.Zalo.WebhookPath), DefaultZaloWebhookPath)
	}
	if c.Zalo.ProactiveMonthlyQuota < 0 {
		v.errorf(at(p, "proactive_monthly_quota"), "zalo.proactive_monthly_quota phải từ 0 trở lên: số tin nhắn chủ động (ngoài 48 giờ sau tin nhắn cuối của người dùng) được gửi mỗi tháng; 0 là không gửi tin chủ động")
	}
	c.Zalo.MaxFileSize = v.fileSize(at(p, "max_file_size"), "zalo.max_file_size", z.MaxFileSize, DefaultMaxFileSize)
}

// validBase reports whether s is an http(s) URL with a host and nothing
// after its path, to which the API's paths are appended.
func validBase(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		u.RawQuery == "" && u.Fragment == "" && !strings.ContainsAny(s, "?# ")
}

// ZaloOALink returns the link that opens the office's Official Account in
// Zalo, where a person follows it and writes to the bot; "" when the file
// configures no Zalo.
func (c *Config) ZaloOALink() string {
	if !c.hasZalo || c.Zalo.OAID == "" {
		return ""
	}
	return "https://zalo.me/" + c.Zalo.OAID
}
