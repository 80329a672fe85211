package zalo_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// TestSendErrorClassification: each answer Zalo (or a proxy, or the
// network) can give a send becomes the kind the outbox acts on.
func TestSendErrorClassification(t *testing.T) {
	// Monday 04/03/2024 09:00 in Vietnam.
	nextDay, nextWeek, nextMonth := vn("2024-03-05 00:00"), vn("2024-03-11 00:00"), vn("2024-04-01 00:00")
	type want struct {
		code      string    // cchcbot.ErrorCode, when set
		quota     bool      // a *cchcbot.QuotaError
		until     time.Time // its Until
		temporary bool
		retry     time.Duration // a *cchcbot.RetryAfterError with this Wait
		apiCode   int           // a *zalo.APIError with this code
		says      string        // in cchcbot.ErrorMessage, or the QuotaError's Message
	}
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   want
	}{
		{"not a follower", func(w http.ResponseWriter) { answer(w, -213, "User has not followed OA") }, want{code: cchcbot.EUNREACHABLE, apiCode: -213}},
		{"text too long", func(w http.ResponseWriter) { answer(w, -210, "Parameter exceeds allowable limit") }, want{code: cchcbot.ETOOLARGE, apiCode: -210, says: "2.000 ký tự"}},
		{"invalid parameter", func(w http.ResponseWriter) { answer(w, -201, "message is invalid") }, want{code: cchcbot.EINVALID, apiCode: -201}},
		{"rate limit", func(w http.ResponseWriter) { answer(w, -32, "Request limit exceeded") }, want{retry: 5 * time.Second}},
		{"the OA's quota", func(w http.ResponseWriter) { answer(w, -211, "Out of quota") }, want{quota: true, says: "Official Account"}},
		{"the OA's quota naming its day", func(w http.ResponseWriter) { answer(w, -211, "Out of daily quota") }, want{quota: true, until: nextDay}},
		{"the user's quota", func(w http.ResponseWriter) { answer(w, -218, "User has reached the limit of messages received") }, want{quota: true, says: "người nhận này"}},
		{"user banned or inactive", func(w http.ResponseWriter) {
			answer(w, -227, "User is banned or has been inactive for more than 45 days")
		}, want{code: cchcbot.EUNREACHABLE, apiCode: -227, says: "45 ngày"}},
		{"outside the interaction window", func(w http.ResponseWriter) {
			answer(w, -230, "User has not interacted with the OA in the past 7 days")
		}, want{code: cchcbot.EUNREACHABLE, apiCode: -230, says: "khi họ nhắn tin cho Official Account"}},
		{"interaction expired", func(w http.ResponseWriter) { answer(w, -232, "User interaction has expired") }, want{code: cchcbot.EUNREACHABLE, apiCode: -232, says: "7 ngày"}},
		{"generic quota", func(w http.ResponseWriter) { answer(w, 12000, "Quota exceeded") }, want{quota: true}},
		{"generic quota naming its month", func(w http.ResponseWriter) { answer(w, 12000, "Monthly quota exceeded") }, want{quota: true, until: nextMonth}},
		{"daily quota", func(w http.ResponseWriter) { answer(w, 12002, "Daily quota exceeded") }, want{quota: true, until: nextDay}},
		{"weekly quota", func(w http.ResponseWriter) { answer(w, 12003, "Weekly quota exceeded") }, want{quota: true, until: nextWeek}},
		{"monthly quota", func(w http.ResponseWriter) { answer(w, 12004, "Monthly quota exceeded") }, want{quota: true, until: nextMonth}},
		{"the user's daily quota", func(w http.ResponseWriter) { answer(w, 12010, "Daily quota for this user exceeded") }, want{quota: true, until: nextDay}},
		{"inactive user", func(w http.ResponseWriter) {
			answer(w, 12007, "User has not interacted with the OA in the last 30 days")
		}, want{quota: true}},
		{"unknown code", func(w http.ResponseWriter) { answer(w, -999, "Something else") }, want{code: cchcbot.EINTERNAL, apiCode: -999}},
		{"proxy 502 page", func(w http.ResponseWriter) { http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway) }, want{temporary: true}},
		{"500", func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) }, want{temporary: true}},
		{"HTML with 200", func(w http.ResponseWriter) { fmt.Fprint(w, "<html>captive portal</html>") }, want{temporary: true}},
		{"429", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		}, want{retry: 7 * time.Second}},
		{"404", func(w http.ResponseWriter) { http.NotFound(w, nil) }, want{code: cchcbot.EINTERNAL}},
		{"connection dropped", func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, want{temporary: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t)
			u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool { tt.answer(w); return true }
			_, err := u.send("Nhắc việc")
			if err == nil {
				t.Fatal("no error")
			}
			var quota *cchcbot.QuotaError
			var temp *cchcbot.TemporaryError
			var ra *cchcbot.RetryAfterError
			var apiErr *zalo.APIError
			if got := errors.As(err, &quota); got != tt.want.quota {
				t.Errorf("quota = %v, want %v (%v)", got, tt.want.quota, err)
			} else if got {
				if !quota.Until.Equal(tt.want.until) {
					t.Errorf("Until = %v, want %v", quota.Until, tt.want.until)
				}
				if !strings.Contains(quota.Message, "Zalo") || !strings.Contains(quota.Message, tt.want.says) {
					t.Errorf("Message = %q, want it to say %q", quota.Message, tt.want.says)
				}
			}
			if got := errors.As(err, &temp); got != tt.want.temporary {
				t.Errorf("temporary = %v, want %v (%v)", got, tt.want.temporary, err)
			}
			if got := errors.As(err, &ra); got != (tt.want.retry != 0) {
				t.Errorf("retry after = %v, want %v (%v)", got, tt.want.retry, err)
			} else if got && ra.Wait != tt.want.retry {
				t.Errorf("Wait = %v, want %v", ra.Wait, tt.want.retry)
			}
			if !tt.want.quota && !strings.Contains(cchcbot.ErrorMessage(err), tt.want.says) {
				t.Errorf("message %q, want it to say %q", cchcbot.ErrorMessage(err), tt.want.says)
			}
			if tt.want.code != "" && cchcbot.ErrorCode(err) != tt.want.code {
				t.Errorf("code = %q, want %q (%v)", cchcbot.ErrorCode(err), tt.want.code, err)
			}
			if tt.want.apiCode != 0 && (!errors.As(err, &apiErr) || apiErr.Code != tt.want.apiCode) {
				t.Errorf("api error = %v, want code %d", apiErr, tt.want.apiCode)
			}
		})
	}
}

// TestQuotaRenewal: the renewal dates at the edges of days, weeks and
// months, counted in Vietnam whatever the clock's zone.
func TestQuotaRenewal(t *testing.T) {
	tests := []struct {
		now        time.Time
		code       int
		want       string
		wantInText string
	}{
		{vn("2024-03-10 23:59"), 12003, "2024-03-11 00:00", "11/03/2024"}, // Sunday night
		{vn("2024-03-11 00:00"), 12003, "2024-03-18 00:00", "18/03/2024"}, // Monday
		{vn("2024-12-31 23:00"), 12004, "2025-01-01 00:00", "01/01/2025"},
		{vn("2024-02-29 12:00"), 12002, "2024-03-01 00:00", "01/03/2024"},
		// 17:30 UTC on 31/03 is already 01/04 in Vietnam.
		{time.Date(2024, 3, 31, 17, 30, 0, 0, time.UTC), 12004, "2024-05-01 00:00", "01/05/2024"},
	}
	for _, tt := range tests {
		u := newUnit(t)
		u.clock.Set(tt.now)
		u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool { answer(w, tt.code, "quota"); return true }
		_, err := u.send("x")
		var quota *cchcbot.QuotaError
		if !errors.As(err, &quota) {
			t.Fatalf("%v: err = %v", tt.now, err)
		}
		if !quota.Until.Equal(vn(tt.want)) || !strings.Contains(quota.Message, tt.wantInText) {
			t.Errorf("at %v code %d: Until %v %q, want %s", tt.now, tt.code, quota.Until, quota.Message, tt.want)
		}
	}
}
