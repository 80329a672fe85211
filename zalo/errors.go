package zalo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// The error codes of the OA API the adapter acts on (see doc.go).
const (
	codeInvalidToken = -216  // access token invalid or expired: refresh, try once more
	codeNotFollower  = -213  // the user does not follow the OA
	codeTextTooLong  = -201  // a parameter is invalid; for a text, too long
	codeFileTooLarge = -210  // an upload over 5 MB
	codeFileType     = -211  // an upload that is not PDF, DOC or DOCX
	codeInactiveUser = 12007 // the user has not interacted for 30+ days
)

// The error codes of the OAuth API.
const (
	codeRefreshDead   = -14014 // refresh token invalid: used, expired or revoked
	codeBadSecret     = -14002 // app secret (secret_key) refused
	codeBadOAuthParam = -14003 // grant_type or refresh_token missing or malformed
)

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

// quotas are the codes by which Zalo refuses a message for lack of quota,
// with what the project's issue says of each (see doc.go).
var quotas = map[int]struct {
	period quotaPeriod
	vn     string
}{
	12000: {periodUnknown, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12002: {periodDay, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12003: {periodWeek, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12004: {periodMonth, "Zalo đã hết hạn mức tin nhắn chủ động của Official Account"},
	12010: {periodDay, "Zalo đã hết hạn mức tin nhắn chủ động gửi tới người nhận này"},
}

// apiError turns a non-zero "error" of the OA API into the domain's
// kinds, on which the outbox acts: give up on the member, wait for the
// quota, retry, or fail.
func (c *Client) apiError(code int, msg string) error {
	apiErr := &APIError{Code: code, Message: c.sec.String(msg)}
	switch code {
	case codeNotFollower:
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EUNREACHABLE, "Người nhận chưa quan tâm (hoặc đã bỏ quan tâm) Official Account trên Zalo nên không nhận được tin nhắn."), apiErr)
	case codeTextTooLong:
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.ETOOLARGE, "Tin nhắn dài quá giới hạn Zalo cho phép."), apiErr)
	case codeFileTooLarge:
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.ETOOLARGE, "Zalo không nhận tệp lớn hơn 5 MB."), apiErr)
	case codeFileType:
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINVALID, "Zalo chỉ nhận tệp PDF, DOC hoặc DOCX."), apiErr)
	case codeInvalidToken:
		// Only after a refresh and a second try: the new token refused too.
		return &cchcbot.TemporaryError{Err: fmt.Errorf("a freshly refreshed access token was refused: %w", apiErr)}
	case codeInactiveUser:
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
