package telegramtest

// Option configures a Server at creation.
type Option func(*options)

type options struct {
	botID            int64
	botName          string
	botUsername      string
	firstUpdateID    int
	strictCallbacks  bool
	maxUploadBytes   int64
	maxDownloadBytes int
}

func defaultOptions() options {
	return options{
		botID:            BotID,
		botName:          "CCHC",
		botUsername:      BotUsername,
		firstUpdateID:    1000,
		maxUploadBytes:   MaxUpload,
		maxDownloadBytes: MaxDownload,
	}
}

// WithBotUsername changes the username getMe returns, for tests of
// "/cmd@botname" handling.
func WithBotUsername(username string) Option {
	return func(o *options) { o.botUsername = username }
}

// WithFirstUpdateID sets the update_id of the first update (default 1000).
// Telegram's ids are arbitrary, so a bot must not assume any start.
func WithFirstUpdateID(id int) Option {
	return func(o *options) { o.firstUpdateID = id }
}

// WithStrictCallbacks makes answerCallbackQuery refuse ids that PressButton
// never issued or that were already answered, as Telegram does ("query is
// too old ... or query ID is invalid"). It is off by default so that tests
// may answer made-up ids.
func WithStrictCallbacks() Option {
	return func(o *options) { o.strictCallbacks = true }
}

// WithMaxDownload changes the getFile size limit (default MaxDownload, the
// cloud Bot API's 20 MB) to imitate a local Bot API server.
func WithMaxDownload(bytes int) Option {
	return func(o *options) { o.maxDownloadBytes = bytes }
}

// WithMaxUpload changes the upload size limit (default MaxUpload), so that
// a test of the 413 answer needs no 50 MB body.
func WithMaxUpload(bytes int64) Option {
	return func(o *options) { o.maxUploadBytes = bytes }
}
