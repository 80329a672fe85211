package main

import (
	"strings"
	"testing"

	"cchcbot"
)

func TestParseDateArg(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want cchcbot.Date // zero: refused
	}{
		{"2024-02-15", cchcbot.D(2024, 2, 15)},
		{"15/02/2024", cchcbot.D(2024, 2, 15)},
		{"5/2/2024", cchcbot.D(2024, 2, 5)},
		{" 29/02/2024 ", cchcbot.D(2024, 2, 29)},
		{"30/02/2024", cchcbot.Date{}},
		{"2024-13-01", cchcbot.Date{}},
		{"02/2024", cchcbot.Date{}},
		{"15-02-2024", cchcbot.Date{}},
		{"", cchcbot.Date{}},
	} {
		got, err := parseDateArg(tc.in)
		switch {
		case tc.want.IsZero() && (err == nil || !strings.Contains(cchcbot.ErrorMessage(err), "dd/mm/yyyy")):
			t.Errorf("parseDateArg(%q) = %v, %v; want a Vietnamese refusal", tc.in, got, err)
		case !tc.want.IsZero() && (err != nil || got != tc.want):
			t.Errorf("parseDateArg(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestCalendarVietnameseDates: the calendar takes dates as it prints
// them, with the same result as the ISO form.
func TestCalendarVietnameseDates(t *testing.T) {
	code, iso, errOut := run(t, "calendar", "-config", example, "--from", "2024-01-01", "--to", "2024-03-31")
	if code != exitOK {
		t.Fatalf("calendar: exit %d, %s", code, errOut)
	}
	code, vn, errOut := run(t, "calendar", "-config", example, "--from", "01/01/2024", "--to=31/3/2024")
	if code != exitOK || vn != iso || !strings.HasPrefix(vn, "Lịch báo cáo từ 01/01/2024 đến 31/03/2024") {
		t.Errorf("calendar with dd/mm/yyyy: exit %d, %s\n%s\n--- with yyyy-mm-dd:\n%s", code, errOut, vn, iso)
	}
}

// TestInviteTTLInDays: -ttl 30d makes an invite that expires 30 days on;
// a ttl beyond 90 days is refused in Vietnamese.
func TestInviteTTLInDays(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")
	cfg, _ := tempConfig(t)
	code, out, errOut := run(t, "invite", "-ttl", "30d", "xa-chau-loc", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "hết hạn 11/03/2024 09:00") {
		t.Errorf("-ttl 30d: exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = run(t, "invite", "xa-chau-loc", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "hết hạn 17/02/2024 09:00") {
		t.Errorf("default ttl: exit %d, %q", code, out)
	}
	code, _, errOut = run(t, "invite", "-ttl", "91d", "xa-chau-loc", "-config", cfg)
	if code != exitUsage || !strings.Contains(errOut, "90 ngày") {
		t.Errorf("-ttl 91d: exit %d, %q", code, errOut)
	}
}
