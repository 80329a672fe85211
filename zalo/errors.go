package zalo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// The error codes of the OA API the adapter acts on. They are negative;
// docs/ZALO.md §7 gives the sources of each.
const (
	codeRateLimit      = -32  // the app's or the OA's requests per minute
	codeInvalidParam   = -201 // "<field> is invalid": a request Zalo will never take
	codeOverLimit      = -210 // a text over 2,000 characters, an upload over 5 MB
	codeQuota          = -211 // the OA is out of quota for this feature
	codeNotFollower    = -213 // the user does not follow the OA
	codeInvalidToken   = -216 // access token invalid: refresh, try once more
	codeUserQuota      = -218 // the user's quota of messages received is used up
	codeExpiredToken   = -220 // access token expired or removed: as -216
	codeUserInactive   = -227 // the user is banned or has not used Zalo for 45 days
	codeNoInteraction  = -230 // the user has not interacted with the OA for 7 days
	codeInteractionEnd = -232 // the same, other wording: the interaction has expired
)

// codeSocialInactive is the Social API's "user has not interacted for 30
// days", which the project's issue reports from production on /message/cs;
// no OA source has it (docs/ZALO.md §7), yet it is kept.
const codeSocialInactive = 12007

// rateLimitWait is how long the outbox pauses on -32. Zalo says neither
// which limit nor when it resets (a per-minute count): a short pause costs
// one refused request at most, a long one delays every message.
const rateLimitWait = 5 * time.Second

// The error codes of the OAuth API.
const (
	codeRefreshInvalid = -14014 // refresh token invalid: used or revoked
	codeRefreshExpired = -14020 // refresh token past its three months
	codeBadSecret      = -14002 // app secret (secret_key) refused; unverified (docs/ZALO.md §8)
	codeBadOAuthParam  = -14003 // a parameter missing or malformed
)

// refreshDead reports whether an OAuth code means the refresh token will
// never work again.
func refreshDead(code int) bool { return code == codeRefreshInvalid || code == codeRefreshExpired }

// ErrTokenDead means Zalo refuses the refresh token for good: it was used
// already (each is single-use), is over its three months, or was revoked.
// Nothing can be sent on Zalo until an admin gives a new one.
var ErrTokenDead = cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Zalo đã từ chối mã làm mới (refresh token) của Official Account: mã đã được dùng, đã hết hạn hoặc đã bị thu hồi. Tin nhắn Zalo không gửi được cho đến khi quản trị hệ thống chạy lệnh \"cchcbot zalo-auth\" với mã làm mới mới.")

// ErrAppSecret means Zalo refuses the app secret given in ZALO_APP_SECRET.
var ErrAppSecret = cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Zalo từ chối khóa bí mật của ứng dụng: xin kiểm tra biến môi trường ZALO_APP_SECRET rồi khởi động lại bot.")

// ErrNoTokens means the store holds no Zalo tokens yet.
var ErrNoTokens = cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Chưa có mã truy cập Zalo của Official Account: quản trị hệ thống cần chạy lệnh \"cchcbot zalo-auth\" (hoặc đặt biến môi trường ZALO_REFRESH_TOKEN) với mã làm mới lấy từ trang quản lý ứng dụng Zalo.")

// errUnsaved means Zalo gave a new token pair that the store has not yet
// committed: it is not used until it is, or a crash would lose the only
// refresh token that works.
var errUnsaved = cchcbot.Errorf(cchcbot.EINTERNAL, "Chưa lưu được mã truy cập Zalo mới vào cơ sở dữ liệu; bot sẽ thử lại.")

// APIError is a refusal by the Zalo API: its "error" code and "message".
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("zalo: error %d: %s", e.Code, e.Message) }

// quotaPeriod is when a quota renews.
type quotaPeriod int

const (
	periodUnknown quotaPeriod = iota
	periodDay
	periodWeek
	periodMonth
)

// quotas are the codes by which Zalo refuses a message for lack of quota.
// -211 and -218 are the OA API's (docs/ZALO.md §7); they say no period,
// which is then read from Zalo's message when it names one. The
// 12000-series are the Social API's, which the project's issue reports
// from production: kept, with the periods the issue gives them.
var quotas = map[int]struct {
	period quotaPeriod
	vn     string
}{
	codeQuota:     {periodUnknown, "Zalo đã hết hạn mức tin nhắn của Official Account"},
	codeUserQuota: {periodUnknown, "Zalo đã hết hạn mức tin nhắn mà người nhận này được nhận"},
	12000:         {periodUnknown, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12002:         {periodDay, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12003:         {periodWeek, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12004:         {periodMonth, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12010:         {periodDay, "Zalo đã hết hạn mức tin nhắn chủ động gửi tới người nhận này"},
}

// The refusals that concern the recipient, not the message: the outbox
// marks the member unreachable and tells the admins, and the chat clears
// the mark when the member writes again, which is also what makes Zalo
// deliver again. The messages have no final stop: the admins' alert puts
// them after a colon and ends the sentence itself.
var (
	errNotFollower   = cchcbot.Errorf(cchcbot.EUNREACHABLE, "Người nhận chưa quan tâm (hoặc đã bỏ quan tâm) Official Account trên Zalo nên không nhận được tin nhắn")
	errNoInteraction = cchcbot.Errorf(cchcbot.EUNREACHABLE, "Người nhận đã hơn 7 ngày không nhắn tin cho Official Account trên Zalo nên Zalo không cho gửi tin nhắn tới họ; tin nhắn Zalo sẽ gửi được lại khi họ nhắn tin cho Official Account")
	errUserInactive  = cchcbot.Errorf(cchcbot.EUNREACHABLE, "Tài khoản Zalo của người nhận đang bị khóa hoặc đã hơn 45 ngày không hoạt động nên Zalo không chuyển tin nhắn tới họ; tin nhắn Zalo sẽ gửi được lại khi họ nhắn tin cho Official Account")
)

// apiError turns a non-zero "error" of the OA API at path into the
// domain's kinds, on which the outbox acts: give up on the member, wait
// for the quota, wait a little, retry, or give up on the message.
func (c *Client) apiError(path string, code int, msg string) error {
	apiErr := &APIError{Code: code, Message: c.sec.String(msg)}
	switch code {
	case codeNotFollower:
		return fmt.Errorf("%w: %w", errNotFollower, apiErr)
	case codeNoInteraction, codeInteractionEnd:
		// Not temporary: Zalo refuses every message until the person
		// writes (docs/ZALO.md §6).
		return fmt.Errorf("%w: %w", errNoInteraction, apiErr)
	case codeUserInactive:
		return fmt.Errorf("%w: %w", errUserInactive, apiErr)
	case codeRateLimit:
		return &cchcbot.RetryAfterError{Wait: rateLimitWait}
	case codeOverLimit:
		if path == pathUpload {
			return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.ETOOLARGE, "Zalo không nhận tệp lớn hơn 5 MB."), apiErr)
		}
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.ETOOLARGE, "Tin nhắn dài quá giới hạn 2.000 ký tự Zalo cho phép."), apiErr)
	case codeInvalidParam:
		// A request of this shape will be refused however often it is
		// made: for good, and a fault of ours to look at.
		what := "tin nhắn"
		if path == pathUpload {
			what = "tệp tải lên"
		}
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINVALID, "Zalo từ chối %s vì có tham số không hợp lệ.", what), apiErr)
	case codeInvalidToken, codeExpiredToken:
		// Only after a refresh and a second try: the new token refused too.
		return &cchcbot.TemporaryError{Err: fmt.Errorf("a freshly refreshed access token was refused: %w", apiErr)}
	case codeSocialInactive:
		return &cchcbot.QuotaError{Message: "Người nhận đã không tương tác với Official Account trên Zalo quá 30 ngày nên Zalo không chuyển tin nhắn chủ động tới họ. Tin nhắn sẽ gửi được sau khi họ nhắn tin cho Official Account."}
	}
	if q, ok := quotas[code]; ok {
		p := q.period
		if p == periodUnknown {
			p = periodOf(msg)
		}
		until := c.renewal(p)
		text := q.vn
		switch p {
		case periodDay:
			text += " trong ngày hôm nay"
		case periodWeek:
			text += " trong tuần này"
		case periodMonth:
			text += " trong tháng này"
		}
		if !until.IsZero() {
			text += fmt.Sprintf("; hạn mức được cấp lại từ %s", until.Format("02/01/2006"))
		}
		return &cchcbot.QuotaError{Until: until, Message: text + "."}
	}
	return apiErr
}

// periodOf reads the period of a quota from Zalo's own message, in
// English or Vietnamese, when the code does not say it.
func periodOf(msg string) quotaPeriod {
	m := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(m, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("month", "tháng"):
		return periodMonth
	case has("week", "tuần"):
		return periodWeek
	case has("daily", " day", "today", "ngày"):
		return periodDay
	}
	return periodUnknown
}

// renewal returns when a quota of period p renews: the start of the next
// day, week (Monday) or month in Vietnam; zero when p is unknown.
func (c *Client) renewal(p quotaPeriod) time.Time {
	now := c.now().In(c.loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.loc)
	switch p {
	case periodDay:
		return day.AddDate(0, 0, 1)
	case periodWeek:
		days := (8 - int(day.Weekday())) % 7
		if days == 0 {
			days = 7
		}
		return day.AddDate(0, 0, days)
	case periodMonth:
		return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, c.loc)
	}
	return time.Time{}
}

// netError classifies a failed request: the caller's cancellation as is,
// anything else (a dropped connection, a timeout, a transfer's own time
// limit, a refused dial) as temporary. The text is cleaned of secrets and
// URL queries.
func (c *Client) netError(ctx context.Context, err error) error {
	err = c.sec.Error(err)
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), errTransferSlow) {
		return err
	}
	return &cchcbot.TemporaryError{Err: err}
}

// temporary reports whether err may pass on its own.
func temporary(err error) bool {
	var temp *cchcbot.TemporaryError
	return errors.As(err, &temp)
}
