package cchcbot_test

import (
	"strings"
	"testing"
	"time"

	"cchcbot"
)

func TestWorkCalendar(t *testing.T) {
	work := testCalendar().Work
	for _, tc := range []struct {
		day        string
		working    bool
		next, prev string
	}{
		{"2024-03-12", true, "2024-03-12", "2024-03-12"},  // Tuesday
		{"2024-03-16", false, "2024-03-18", "2024-03-15"}, // Saturday
		{"2024-02-08", false, "2024-02-15", "2024-02-07"}, // Tết 2024
		{"2024-05-04", true, "2024-05-04", "2024-05-04"},  // make-up Saturday
		{"2024-04-27", false, "2024-05-02", "2024-04-26"}, // Saturday in the 30/4 break
		{"2025-01-31", false, "2025-02-03", "2025-01-24"}, // Tết 2025
		{"2024-12-31", true, "2024-12-31", "2024-12-31"},  // New Year's Eve works
		{"2025-01-01", false, "2025-01-02", "2024-12-31"}, // New Year's Day, across the year
	} {
		d := date(tc.day)
		if got := work.IsWorkingDay(d); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.working)
		}
		if got := work.NextWorkingDay(d).String(); got != tc.next {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tc.day, got, tc.next)
		}
		if got := work.PrevWorkingDay(d).String(); got != tc.prev {
			t.Errorf("PrevWorkingDay(%s) = %s, want %s", tc.day, got, tc.prev)
		}
	}
}

func TestWorkCalendarNeverLoops(t *testing.T) {
	every := map[time.Weekday]bool{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		every[d] = true
	}
	work := cchcbot.WorkCalendar{Weekends: every}
	// A calendar with no working day at all is a config mistake; the
	// search must still end.
	_ = work.NextWorkingDay(date("2024-01-01"))
	_ = work.PrevWorkingDay(date("2024-01-01"))
}

func TestQuietHours(t *testing.T) {
	cal := testCalendar() // quiet 21:00–07:00
	for _, tc := range []struct {
		at    string
		quiet bool
		until string
	}{
		{"2024-03-12 08:00", false, "2024-03-12 08:00"},
		{"2024-03-12 20:59", false, "2024-03-12 20:59"},
		{"2024-03-12 21:00", true, "2024-03-13 07:00"},
		{"2024-03-12 23:30", true, "2024-03-13 07:00"},
		{"2024-03-13 00:15", true, "2024-03-13 07:00"},
		{"2024-03-13 06:59", true, "2024-03-13 07:00"},
		{"2024-03-13 07:00", false, "2024-03-13 07:00"},
	} {
		if got := cal.InQuietHours(at(tc.at)); got != tc.quiet {
			t.Errorf("InQuietHours(%s) = %v, want %v", tc.at, got, tc.quiet)
		}
		if got := cal.QuietUntil(at(tc.at)); !got.Equal(at(tc.until)) {
			t.Errorf("QuietUntil(%s) = %s, want %s", tc.at, got, tc.until)
		}
	}
	cal.Reminders.QuietFrom, cal.Reminders.QuietTo = cchcbot.TimeOfDay{}, cchcbot.TimeOfDay{}
	if cal.InQuietHours(at("2024-03-12 23:00")) {
		t.Error("no quiet hours configured, yet 23:00 is quiet")
	}
	cal.Reminders.QuietFrom, cal.Reminders.QuietTo = cchcbot.TimeOfDay{Hour: 12}, cchcbot.TimeOfDay{Hour: 13}
	if !cal.InQuietHours(at("2024-03-12 12:30")) || cal.InQuietHours(at("2024-03-12 13:00")) {
		t.Error("lunch quiet hours 12:00–13:00 not honoured")
	}
}

func TestOpenPeriods(t *testing.T) {
	cal := testCalendar()
	ids := func(now time.Time) string {
		var s []string
		for _, p := range cal.OpenPeriods(now) {
			s = append(s, p.ID)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ at, want string }{
		// 10/02/2024: February's report (due 15/02) is nearest, January's
		// and the plan are still taken late.
		{"2024-02-10 09:00", "bao-cao-thang/2024-02 ke-hoach-khac-phuc/2024 tong-ket-nam/2024 bao-cao-thang/2024-01"},
		// 20/01/2024: January's report (8 days late) is nearer its deadline
		// than the plan (due 31/01, 11 days ahead).
		{"2024-01-20 09:00", "bao-cao-thang/2024-01 ke-hoach-khac-phuc/2024 tong-ket-nam/2024"},
		// Long after everything closed but the running monthly ones.
		{"2024-09-01 09:00", "bao-cao-thang/2024-09 bao-cao-thang/2024-08 bao-cao-thang/2024-07 bao-cao-thang/2024-06"},
	} {
		if got := ids(at(tc.at)); got != tc.want {
			t.Errorf("OpenPeriods(%s) = %s\nwant %s", tc.at, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := date("2024-01-31")
	if got := d.AddMonths(1).String(); got != "2024-02-29" {
		t.Errorf("31/01/2024 + 1 month = %s", got)
	}
	if got := d.VN(); got != "31/01/2024" {
		t.Errorf("VN = %s", got)
	}
	if got := date("2024-02-12").WeekdayVN(); got != "Thứ Hai" {
		t.Errorf("WeekdayVN = %s", got)
	}
	if got := date("2024-12-30").DaysUntil(date("2025-01-02")); got != 3 {
		t.Errorf("DaysUntil across years = %d", got)
	}
	if _, err := cchcbot.ParseDate("2024-02-30"); err == nil {
		t.Error("ParseDate accepted 30/02")
	}
	if got, err := cchcbot.ParseDMY("5/3/2024"); err != nil || got.String() != "2024-03-05" {
		t.Errorf("ParseDMY = %v %v", got, err)
	}
}
