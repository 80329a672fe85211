package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestStatusDaysOverdue: once the deadline has passed, a unit that has not
// submitted shows how many days it is overdue so far, in the chat's
// words; a unit that submitted shows how late it came. Before the
// deadline the column stays empty for those that have not.
func TestStatusDaysOverdue(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	seedStore(t, cfg, dataDir)
	row := func(out, unit string) string {
		t.Helper()
		for _, r := range tableRows(t, out) {
			if strings.HasPrefix(r, unit+"  ") {
				return r
			}
		}
		t.Fatalf("no row for %s in\n%s", unit, out)
		return ""
	}
	// Due Thursday 15/02/2024 (moved by Tết); on 01/03/2024 it is 15
	// days past.
	t.Setenv("CCHCBOT_NOW", "2024-03-01T09:00:00+07:00")
	code, out, errOut := run(t, "status", "02/2024", "-config", cfg)
	if code != exitOK {
		t.Fatalf("status: exit %d, %s", code, errOut)
	}
	for unit, want := range map[string]*regexp.Regexp{
		"UBND xã Châu Lộc": regexp.MustCompile(`Chưa nộp.* đã quá hạn 15 ngày +0/0$`),
		"Phòng Tư pháp":    regexp.MustCompile(`18/02/2024 14:00 +trễ 3 ngày +1 +0/0$`),
		"Phòng Nội vụ":     regexp.MustCompile(`10/02/2024 08:30 +đúng hạn +1 +0/0$`),
	} {
		if r := row(out, unit); !want.MatchString(r) {
			t.Errorf("row %q does not match %q", r, want)
		}
	}
	if !strings.Contains(out, "Hạn nộp: Thứ Năm 15/02/2024 (đã quá hạn 15 ngày).") {
		t.Errorf("the heading does not say how far past the deadline:\n%s", out)
	}

	t.Setenv("CCHCBOT_NOW", "2024-02-14T09:00:00+07:00")
	_, out, _ = run(t, "status", "02/2024", "-config", cfg)
	if r := row(out, "UBND xã Châu Lộc"); !regexp.MustCompile(`Chưa nộp \(chưa có thành viên\) +0/0$`).MatchString(r) {
		t.Errorf("before the deadline: %q", r)
	}
}
