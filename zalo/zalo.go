package zalo

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh on a bare machine: quotas renew by its days

	"cchcbot"
)

// The default endpoints of the Zalo platform.
const (
	DefaultAPIBase   = "https://openapi.zalo.me"
	DefaultOAuthBase = "https://oauth.zaloapp.com"
)

// Config configures the Zalo adapter.
type Config struct {
	AppID     string // the Zalo app the OA is linked to (developers.zalo.me)
	OAID      string // the Official Account; events for another OA of the app are ignored
	APIBase   string // default DefaultAPIBase
	OAuthBase string // default DefaultOAuthBase
	// AppSecret (ZALO_APP_SECRET) authenticates token refreshes;
	// OASecretKey (ZALO_OA_SECRET_KEY) signs the webhook's events.
	AppSecret   string
	OASecretKey string
	// MaxFileSize is the bot's own limit on a file a person sends.
	// Default 20 MB.
	MaxFileSize int64
	Logger      *slog.Logger  // default slog.Default()
	Clock       cchcbot.Clock // default cchcbot.SystemClock
	// OnTokenDead, when set, is called when Zalo refuses the refresh
	// token for good (used, expired or revoked) or the app secret: no
	// Zalo message can be sent until an admin runs "cchcbot zalo-auth".
	// It is called once, and again only after a new token was installed
	// and refused in turn.
	// The wiring tells the admins on Telegram. It runs on the goroutine
	// that found out, after the adapter's locks are released: it should
	// queue a message, not send one and wait.
	OnTokenDead func(err error)
	// AcceptTimeout bounds the webhook's commit into the store; past it
	// the webhook answers 503 so that Zalo delivers the event again.
	// Default 1.5 s, under the 2 s Zalo waits for an answer.
	AcceptTimeout time.Duration
}

// TokenStore keeps a network's OAuth tokens; *store.DB implements it.
type TokenStore interface {
	// Tokens returns the channel's tokens, ENOTFOUND when there are none.
	Tokens(ctx context.Context, channel string) (cchcbot.ChannelTokens, error)
	// PutTokens replaces the channel's tokens in one commit.
	PutTokens(ctx context.Context, channel string, t cchcbot.ChannelTokens) error
}

// Client is cchcbot.Channel over the Zalo Official Account API: it sends
// to followers of the OA, downloads what they send and serves the webhook
// Zalo posts their messages to. It keeps the OA's access token fresh,
// committing each new token pair to the store before using it.
type Client struct {
	cfg   Config
	store TokenStore
	log   *slog.Logger
	sec   *secrets
	clock cchcbot.Clock
	loc   *time.Location

	api      *http.Client // API and OAuth calls
	transfer *http.Client // uploads and downloads: the size sets each one's limit
	pace     pace

	tok tokenState
}

var _ cchcbot.Channel = (*Client)(nil)

// New returns a client; it makes no request. Sending needs a token pair
// in st: see InitialRefresh and Bootstrap.
func New(cfg Config, st TokenStore) (*Client, error) {
	switch {
	case st == nil:
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: thiếu nơi lưu mã truy cập")
	case strings.TrimSpace(cfg.AppID) == "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: thiếu mã ứng dụng Zalo (app_id)")
	case cfg.AppSecret == "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: thiếu khóa bí mật của ứng dụng (biến môi trường ZALO_APP_SECRET)")
	case cfg.OASecretKey == "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: thiếu khóa bí mật của Official Account (biến môi trường ZALO_OA_SECRET_KEY)")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	if cfg.OAuthBase == "" {
		cfg.OAuthBase = DefaultOAuthBase
	}
	for _, b := range []*string{&cfg.APIBase, &cfg.OAuthBase} {
		u, err := url.Parse(*b)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, cchcbot.Errorf(cchcbot.EINVALID, "zalo: địa chỉ máy chủ Zalo %q không hợp lệ", *b)
		}
		*b = strings.TrimRight(*b, "/")
	}
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = 20 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = cchcbot.SystemClock
	}
	if cfg.AcceptTimeout <= 0 {
		cfg.AcceptTimeout = 1500 * time.Millisecond
	}
	loc, err := time.LoadLocation(cchcbot.DefaultTimezone)
	if err != nil {
		loc = time.FixedZone("ICT", 7*3600) // Vietnam keeps no summer time
	}
	sec := newSecrets(cfg.AppSecret, cfg.OASecretKey)
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment, DialContext: dialer.DialContext,
		TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 60 * time.Second, MaxIdleConnsPerHost: 16}
	c := &Client{
		cfg: cfg, store: st, sec: sec, clock: cfg.Clock, loc: loc,
		log: slog.New(redactingHandler{h: cfg.Logger.Handler(), s: sec}).With("channel", cchcbot.ChannelZalo),
		// A half-open connection must not hold a send forever.
		api:      &http.Client{Transport: transport, Timeout: 60 * time.Second},
		transfer: &http.Client{Transport: transport},
		pace:     pace{base: transferBase, rate: transferRate},
	}
	c.tok.sem = make(chan struct{}, 1)
	return c, nil
}

// now is the adapter's clock.
func (c *Client) now() time.Time { return c.clock.Now() }

// userID returns the Zalo id of u, who must be a Zalo user.
func userID(u cchcbot.UserID) (string, error) {
	if u.Channel() != cchcbot.ChannelZalo || u.Local() == "" {
		return "", cchcbot.Errorf(cchcbot.EINVALID, "%q is not a Zalo user", u)
	}
	return u.Local(), nil
}

// tokenState is the token pair in use and what is known of its health.
// mu guards the fields; sem admits one refresher at a time (a channel, so
// that a caller waiting for it can give up when its context ends).
type tokenState struct {
	sem chan struct{}

	mu          sync.Mutex
	cur         cchcbot.ChannelTokens
	loaded      bool                   // cur came from the store (or a refresh)
	none        bool                   // the store had no tokens at the last look
	pending     *cchcbot.ChannelTokens // a new pair Zalo gave whose commit failed
	dead        error                  // Zalo refused deadRefresh (or the app secret) for good
	deadRefresh string                 // the refresh token dead is about
	retryAt     time.Time              // no routine refresh before: the last one failed
	noPairFor   string                 // the refresh token Zalo last answered without a pair
}
