package zalotest

import "time"

// The identity the server has unless options say otherwise. Zalo's ids
// are long digit strings; the secrets are opaque.
const (
	DefaultOAID        = "4318957236581928461"
	DefaultAppID       = "2840191035281746190"
	DefaultAppSecret   = "qW3rTy7UiOp1AsDfGh5J"
	DefaultOASecretKey = "Zx8CvBn2MlKj4HgFdS6A"
)

// Zalo's token lifetimes: an access token lives 25 hours (expires_in
// "90000"), a refresh token three months.
const (
	DefaultAccessTTL  = 90000 * time.Second
	DefaultRefreshTTL = 90 * 24 * time.Hour
)

// Zalo's webhook delivery: an answer that is not 200 within 2 s is a
// failure, and the event is posted again. The number of tries and the
// backoff are this server's choice (Zalo documents neither); the backoff
// doubles after each failure.
const (
	DefaultWebhookTimeout     = 2 * time.Second
	DefaultWebhookTries       = 3
	DefaultWebhookBackoff     = 100 * time.Millisecond
	DefaultWebhookConcurrency = 32
)

// Option configures a Server at creation.
type Option func(*options)

type options struct {
	oaID, appID, appSecret, oaSecretKey string

	now                   func() time.Time
	accessTTL, refreshTTL time.Duration

	hookTimeout     time.Duration
	hookTries       int
	hookBackoff     time.Duration
	hookConcurrency int
	echo            bool

	uploadKey         string        // UploadKeyToken or UploadKeyAttachmentID
	emptyReuseAnswer  bool          // a used refresh token gets an empty 200
	interactionWindow time.Duration // 0: every follower can be messaged
}

func defaultOptions() options {
	return options{
		oaID:            DefaultOAID,
		appID:           DefaultAppID,
		appSecret:       DefaultAppSecret,
		oaSecretKey:     DefaultOASecretKey,
		now:             time.Now,
		accessTTL:       DefaultAccessTTL,
		refreshTTL:      DefaultRefreshTTL,
		hookTimeout:     DefaultWebhookTimeout,
		hookTries:       DefaultWebhookTries,
		hookBackoff:     DefaultWebhookBackoff,
		hookConcurrency: DefaultWebhookConcurrency,
		uploadKey:       UploadKeyToken,
	}
}

// WithOAID sets the Official Account's id.
func WithOAID(id string) Option { return func(o *options) { o.oaID = id } }

// WithApp sets the app id and the app secret a token refresh must carry.
func WithApp(appID, appSecret string) Option {
	return func(o *options) { o.appID, o.appSecret = appID, appSecret }
}

// WithOASecretKey sets the key webhook events are signed with.
func WithOASecretKey(key string) Option { return func(o *options) { o.oaSecretKey = key } }

// WithClock makes now the server's clock: token expiry, event timestamps
// and message times follow it, so a test can move time past a token's
// expiry, and share one clock with the bot so that a signature's
// freshness check agrees with the server. It is called often and from
// many goroutines: it must be safe for concurrent use.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithWebhookTimeout changes how long a webhook post may take before it
// counts as failed (default 2 s, as Zalo), so that a test of the timeout
// need not wait 2 s.
func WithWebhookTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.hookTimeout = d
		}
	}
}

// WithWebhookRetry sets how many times an event is posted before it is
// given up (tries ≥ 1; 1 means no retry) and the wait before the first
// retry, doubled before each later one.
func WithWebhookRetry(tries int, backoff time.Duration) Option {
	return func(o *options) { o.hookTries, o.hookBackoff = max(tries, 1), max(backoff, 0) }
}

// WithWebhookConcurrency bounds how many webhook posts are in flight at
// once (default 32). Events of one user are always posted one after the
// other, in order; this bounds posts across users.
func WithWebhookConcurrency(n int) Option {
	return func(o *options) { o.hookConcurrency = max(n, 1) }
}

// WithEchoEvents makes the server post oa_send_text (or oa_send_file) for
// every message the bot sends, as Zalo does for an app subscribed to the
// OA's own messages: sender is the OA, recipient the user, message.msg_id
// the message_id. A bot must not take them for users' words.
func WithEchoEvents() Option { return func(o *options) { o.echo = true } }

// The keys under which /upload/file can answer the uploaded file's id,
// and under which a file message must then carry it. Sources differ
// (docs/ZALO.md §5): Zalo's SDKs and chatwoot use "token", goclaw
// "attachment_id".
const (
	UploadKeyToken        = "token"
	UploadKeyAttachmentID = "attachment_id"
)

// WithUploadKey makes /upload/file answer data.<key> (UploadKeyToken, the
// default, or UploadKeyAttachmentID). A file message must carry the id in
// payload.<key>, the key its upload answered with; the other key is
// refused (-201). Whether Zalo is that strict is unknown: a bot that
// passes here sends what it was given.
func WithUploadKey(key string) Option {
	return func(o *options) {
		if key == UploadKeyToken || key == UploadKeyAttachmentID {
			o.uploadKey = key
		}
	}
}

// WithEmptyReuseAnswer makes a refresh with a refresh token that was used
// already get HTTP 200 with an empty body instead of -14014, as one
// report says Zalo answers a consumed token (docs/ZALO.md §8). Unknown
// and expired tokens keep their codes.
func WithEmptyReuseAnswer() Option { return func(o *options) { o.emptyReuseAnswer = true } }

// WithInteractionWindow makes /message/cs refuse, with -230
// (CodeNoInteraction), a follower who has not interacted with the OA for
// longer than d on the server's clock, as Zalo does after 7 days
// (docs/ZALO.md §6). An interaction is a message, a file, a photo, a
// button press or a follow by the user (SendText, SendFile, SendImage,
// PressButton, Follow, AddFollower). Off (0) by default.
func WithInteractionWindow(d time.Duration) Option {
	return func(o *options) { o.interactionWindow = max(d, 0) }
}
