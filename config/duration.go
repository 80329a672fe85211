package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// durationForms names the forms ParseDuration takes, for messages.
const durationForms = "một số kèm đơn vị d (ngày), h (giờ), m (phút) hoặc s (giây), viết liền, ví dụ 30d, 7d12h, 36h hoặc 90m"

// durationUnits are the units of time.ParseDuration, and the day.
var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond, "μs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
}

// ParseDuration parses a duration as staff type it, for instance for the
// lifetime of an invite: a Go duration ("36h", "1h30m", "90m") or one
// with days ("30d", "7d12h", "1.5d"), a day being 24 hours. Units may be
// in capitals. A negative duration is refused: none of ours can be. The
// error is a Vietnamese sentence that can be shown as is.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	switch {
	case in == "":
		return 0, fmt.Errorf("thiếu thời hạn: cần %s", durationForms)
	case in == "0":
		return 0, nil
	case strings.HasPrefix(in, "-"):
		return 0, fmt.Errorf("thời hạn %s không hợp lệ: thời hạn không được âm", quote(s))
	}
	bad := fmt.Errorf("thời hạn %s không hợp lệ: cần %s", quote(s), durationForms)
	isNum := func(r rune) bool { return (r >= '0' && r <= '9') || r == '.' }
	tooLarge := fmt.Errorf("thời hạn %s quá lớn", quote(s))
	var total time.Duration
	for p := in; p != ""; {
		i := strings.IndexFunc(p, func(r rune) bool { return !isNum(r) })
		if i <= 0 {
			return 0, bad // no number, or a number without a unit
		}
		j := strings.IndexFunc(p[i:], isNum)
		if j < 0 {
			j = len(p) - i
		}
		num, unit := p[:i], p[i:i+j]
		p = p[i+j:]
		u, ok := durationUnits[unit]
		if !ok {
			return 0, bad
		}
		var part time.Duration
		if n, err := strconv.ParseInt(num, 10, 64); err == nil {
			if n > math.MaxInt64/int64(u) {
				return 0, tooLarge
			}
			part = time.Duration(n) * u
		} else if f, err := strconv.ParseFloat(num, 64); err == nil {
			// A fraction ("1.5d"): float precision is ample for it.
			if f*float64(u) >= math.MaxInt64 {
				return 0, tooLarge
			}
			part = time.Duration(f * float64(u))
		} else {
			return 0, bad
		}
		if total > math.MaxInt64-part {
			return 0, tooLarge
		}
		total += part
	}
	return total, nil
}
