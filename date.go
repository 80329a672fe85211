package cchcbot

import (
	"fmt"
	"time"
)

// Date is a civil date with no time zone: a deadline day, a holiday, a
// data-window bound. Instants are made from it only with an explicit
// location, so a deadline never drifts with the server's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D returns the Date y-m-d, normalised (D(2024, 2, 30) is 01/03/2024).
func D(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date, YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "Ngày %q không hợp lệ, cần dạng YYYY-MM-DD.", s)
	}
	return DateOf(t), nil
}

// ParseDMY parses a Vietnamese date, DD/MM/YYYY.
func ParseDMY(s string) (Date, error) {
	t, err := time.Parse("2/1/2006", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "Ngày %q không hợp lệ, cần dạng dd/mm/yyyy.", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, the form used in ids and files.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// VN formats d as dd/mm/yyyy, the form used in every message to people.
func (d Date) VN() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// In returns the instant at which d starts in loc: the first instant whose
// local date is d.
func (d Date) In(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	// time.Date picks either side of a clock change, so where the change is
	// at midnight it may miss the start of the day.
	switch before := t.Add(-time.Nanosecond); {
	case DateOf(t).Before(d):
		// Clocks set forward at midnight (Havana, 10/06/1928): there is no
		// 00:00, and time.Date went back into the day before. d starts
		// when the clocks jump.
		if _, end := t.ZoneBounds(); !end.IsZero() && DateOf(end) == d {
			t = end
		}
	case DateOf(before) == d:
		// Clocks set back at midnight (Ho Chi Minh City, 01/07/1955): the
		// first hour happens twice, and time.Date picked the second.
		_, off := before.Zone()
		if s := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.FixedZone("", off)).In(loc); DateOf(s) == d {
			t = s
		}
	}
	return t
}

// At returns the instant of clock time tod on d in loc.
func (d Date) At(tod TimeOfDay, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, tod.Hour, tod.Minute, 0, 0, loc)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return D(d.Year, d.Month, d.Day+n) }

// AddMonths returns the same day n months away, clamped to the month's end
// (31/01 + 1 month is 29/02 in a leap year), as a deadline rule expects.
func (d Date) AddMonths(n int) Date {
	first := D(d.Year, d.Month+time.Month(n), 1)
	day := min(d.Day, daysIn(first.Year, first.Month))
	return Date{first.Year, first.Month, day}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d comes after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp3(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp3(int(d.Month), int(e.Month))
	default:
		return cmp3(d.Day, e.Day)
	}
}

// DaysUntil returns the number of calendar days from d to e (negative when
// e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.In(time.UTC).Sub(d.In(time.UTC)).Hours() / 24)
}

func cmp3(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Weekday names as written in Vietnamese letters.
var weekdayVN = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// WeekdayVN returns the Vietnamese name of d's weekday ("Thứ Hai").
func (d Date) WeekdayVN() string { return weekdayVN[d.Weekday()] }

// TimeOfDay is a wall-clock time, hours and minutes.
type TimeOfDay struct {
	Hour, Minute int
}

// ParseTimeOfDay parses HH:MM.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return TimeOfDay{}, Errorf(EINVALID, "Giờ %q không hợp lệ, cần dạng HH:MM.", s)
	}
	return TimeOfDay{t.Hour(), t.Minute()}, nil
}

// String formats t as HH:MM.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// Minutes returns the minutes since midnight.
func (t TimeOfDay) Minutes() int { return t.Hour*60 + t.Minute }

// TimeOfDayOf returns the wall-clock time of t in its location.
func TimeOfDayOf(t time.Time) TimeOfDay { return TimeOfDay{t.Hour(), t.Minute()} }
