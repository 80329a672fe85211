package config_test

import (
	"strings"
	"testing"
	"time"

	"cchcbot/config"
)

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * day},
		{"7d12h", 7*day + 12*time.Hour},
		{"1d1h1m1s", day + time.Hour + time.Minute + time.Second},
		{"1.5d", 36 * time.Hour},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"500ms", 500 * time.Millisecond},
		{"30D", 30 * day},
		{" 7d ", 7 * day},
		{"0", 0},
		{"0d", 0},
		{"36500d", 36500 * day},
		{"300d1ns", 300*day + time.Nanosecond}, // exact: no float rounding of whole numbers
		{"106751d", 106751 * day},
	} {
		got, err := config.ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "thiếu thời hạn: cần một số kèm đơn vị d (ngày), h (giờ), m (phút) hoặc s (giây)"},
		{"  ", "thiếu thời hạn"},
		{"30", `thời hạn "30" không hợp lệ: cần một số kèm đơn vị d (ngày)`},
		{"d", `thời hạn "d" không hợp lệ`},
		{"30 ngày", `thời hạn "30 ngày" không hợp lệ`},
		{"30 d", `thời hạn "30 d" không hợp lệ`},
		{"2w", `thời hạn "2w" không hợp lệ`},
		{"7d12", `thời hạn "7d12" không hợp lệ`},
		{"1..5d", `thời hạn "1..5d" không hợp lệ`},
		{"-7d", `thời hạn "-7d" không hợp lệ: thời hạn không được âm`},
		{"+7d", `thời hạn "+7d" không hợp lệ`},
		{"200000d", `thời hạn "200000d" quá lớn`},
		{"99999999999999h", `thời hạn "99999999999999h" quá lớn`},
		{"106751d23h59m59s", `thời hạn "106751d23h59m59s" quá lớn`},
		{"99999999999999999999d", `thời hạn "99999999999999999999d" quá lớn`},
	} {
		_, err := config.ParseDuration(tc.in)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseDuration(%q) error = %v; want it to start %q", tc.in, err, tc.want)
		}
	}
}
