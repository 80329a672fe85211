package cchcbot

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ScheduleKind says how often a report kind falls due.
type ScheduleKind string

// The schedules a report kind may have.
const (
	ScheduleOnce       ScheduleKind = "once"        // a single date
	ScheduleYearly     ScheduleKind = "yearly"      // a day and month each year
	ScheduleMonthly    ScheduleKind = "monthly"     // a day each month
	ScheduleQuarterly  ScheduleKind = "quarterly"   // each quarter: báo cáo quý I–IV
	ScheduleHalfYearly ScheduleKind = "half_yearly" // 6 tháng đầu năm, 6 tháng cuối năm
	ScheduleNineMonths ScheduleKind = "nine_months" // January to September: báo cáo 9 tháng
)

// Schedule is when a report kind falls due, before any working-day shift.
type Schedule struct {
	Kind  ScheduleKind
	Date  Date       // once
	Month time.Month // yearly
	// Day is the due day of yearly, monthly, quarterly, half-yearly and
	// nine-month schedules, clamped to the month's length.
	Day int
	// MonthsAfter places the due day of a quarterly, half-yearly or
	// nine-month report: 0 in the period's last month (20/03 for quý I),
	// 1 in the month after it (05/04). Nghị định 09/2019/NĐ-CP, Điều 13,
	// has provinces report to the Government by the 25th of a period's
	// last month, so the offices below them are usually due earlier in
	// that month; other rules ask in the month after (Thông tư
	// 03/2015/TT-BTTTT: the half-year report by 10/07).
	MonthsAfter int
	// Parts keeps only some quarters (1–4) or halves (1–2) of a quarterly
	// or half-yearly schedule; the zero set keeps them all. An office that
	// takes "báo cáo 6 tháng" and "báo cáo năm" in place of the second and
	// fourth quarters keeps quarters 1 and 3.
	Parts PartSet
}

// PartSet is a set of quarters (1–4) or halves (1–2) of a year. It is a
// bit set, not a slice, so that a Schedule stays comparable.
type PartSet uint8

// PartsOf returns the set of the parts ns; numbers outside 1–8 are left out.
func PartsOf(ns ...int) PartSet {
	var s PartSet
	for _, n := range ns {
		if n >= 1 && n <= 8 {
			s |= 1 << (n - 1)
		}
	}
	return s
}

// Has reports whether part n is in s. Every part is in the zero set.
func (s PartSet) Has(n int) bool {
	return n >= 1 && n <= 8 && (s == 0 || s&(1<<(n-1)) != 0)
}

// Window is the data-window rule of a report kind (thời gian chốt số
// liệu): the data of each period run from FromDay of the window's first
// month to ToDay of the period's last month. The first month is the month
// before the period's first month, as in Nghị định 09/2019/NĐ-CP, Điều 12
// (a monthly report from the 15th of the month before, a quarterly one
// from the 15th of the month before the quarter), moved StartShift months
// later: 1 starts it in the period's own first month (01/01 – 31/03 for
// quý I), -1 a month earlier still.
//
// A monthly period is its due month; a quarterly, half-yearly or
// nine-month period the months it names; a yearly period the twelve months
// ending in EndMonth (December when zero) of the latest year whose EndMonth
// is not after the due month, so a report due 31/01/2025 covers the year to
// December 2024. Days past a month's end are its last day.
//
// Quỳ Hợp's monthly report uses 12 → 12 with a deadline on the 12th; NĐ 09
// offices 15 → 14 (WindowND09).
type Window struct {
	FromDay    int
	ToDay      int
	StartShift int
	EndMonth   time.Month // yearly kinds only
}

// WindowND09 is the data window of Nghị định 09/2019/NĐ-CP, Điều 12 "Thời
// gian chốt số liệu báo cáo trong chế độ báo cáo định kỳ", for every kind:
// from the 15th of the month before the period to the 14th of its last
// month. That gives 15/12 of the year before → 14/06 for "6 tháng đầu
// năm", 15/06 → 14/12 for "6 tháng cuối năm" and 15/12 → 14/12 for a
// year, as the decree says. The decree names no nine-month report; the
// same rule gives 15/12 → 14/09, as provinces that ask for one use.
//
// The decree:
// https://thuvienphapluat.vn/van-ban/bo-may-hanh-chinh/Nghi-dinh-09-2019-ND-CP-quy-dinh-ve-che-do-bao-cao-cua-co-quan-hanh-chinh-nha-nuoc-386322.aspx
// Điều 12 as checked against the texts quoting or restating it (README,
// "How the calendar works", lists them).
var WindowND09 = Window{FromDay: 15, ToDay: 14}

// IsZero reports whether w is unset: the kind has no data window.
func (w Window) IsZero() bool { return w == Window{} }

// ReportKind is one kind of report the units owe: the remediation plan, the
// monthly CCHC report.
type ReportKind struct {
	ID           string // "bao-cao-thang"; the prefix of its period ids
	Title        string // "Báo cáo CCHC"
	Schedule     Schedule
	Window       Window
	RequiresFile bool        // false: a confirmation "Đã hoàn thành" suffices
	Groups       []UnitGroup // who owes it
	Units        []string    // and single units, by code (ad-hoc requests)
	Start        Date        // first due date considered; zero means none
	End          Date        // last due date considered; zero means none

	// OpenDays is how many days before the due date units may submit.
	OpenDays int
	// LateDays is how many days after the deadline a late submission is
	// still taken for the period.
	LateDays int

	// AdHoc marks the kind of an ad-hoc request (Request.Kind); its plan
	// starts at PlanFrom. Cancelled: the request was withdrawn, so its
	// period takes no more reports but stays known for its history.
	AdHoc     bool
	PlanFrom  time.Time
	Cancelled bool

	// Escalation is the kind's ladder after its last overdue reminder.
	Escalation EscalationPolicy
}

// Owes reports whether u owes reports of kind k.
func (k ReportKind) Owes(u Unit) bool {
	return !u.Retired && k.names(u)
}

// names reports whether k names u, by its group or its code, retired or not.
func (k ReportKind) names(u Unit) bool {
	return slices.Contains(k.Groups, u.Group) || slices.Contains(k.Units, u.Code)
}

// ScheduleVN describes k's schedule and data window for staff: "hạn ngày
// 20 các tháng 3, 6, 9, 12 (quý I–IV); số liệu từ ngày 15 tháng trước kỳ
// đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)".
func (k ReportKind) ScheduleVN() string {
	s := k.Schedule
	var b strings.Builder
	switch s.Kind {
	case ScheduleOnce:
		return "hạn " + s.Date.VN()
	case ScheduleYearly:
		fmt.Fprintf(&b, "hạn ngày %02d/%02d hằng năm", s.Day, s.Month)
	case ScheduleMonthly:
		fmt.Fprintf(&b, "hạn ngày %d hằng tháng", s.Day)
	default:
		var months, parts []string
		for _, o := range k.occurrencesOfYear(2001) { // any year: only the months count
			months = append(months, strconv.Itoa(int(k.due(o).Month)))
			if o.part > 0 {
				parts = append(parts, partName(s.Kind, o.part))
			}
		}
		fmt.Fprintf(&b, "hạn ngày %d tháng %s", s.Day, strings.Join(months, ", "))
		if s.MonthsAfter > 0 {
			b.WriteString(" (tháng sau kỳ báo cáo)")
		}
		if s.Parts != 0 {
			fmt.Fprintf(&b, ", chỉ các kỳ %s", strings.Join(parts, ", "))
		}
	}
	switch w := k.Window; {
	case w.IsZero():
	case w == WindowND09:
		b.WriteString("; số liệu từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)")
	case s.Kind == ScheduleMonthly && w.StartShift == 0:
		fmt.Fprintf(&b, "; số liệu từ ngày %d tháng trước đến ngày %d", w.FromDay, w.ToDay)
	default:
		o := k.occurrencesOfYear(2001)[0]
		from, to := k.windowOf(o)
		fmt.Fprintf(&b, "; số liệu từ ngày %02d/%02d đến ngày %02d/%02d", from.Day, from.Month, to.Day, to.Month)
		if k.partsPerYear() > 0 {
			b.WriteString(" ở kỳ đầu năm, các kỳ sau tính tương tự")
		}
	}
	return b.String()
}

// occurrence is one period of a kind before any date is derived from it:
// the year and the part of it the period covers (month 1–12, quarter 1–4,
// half 1–2; 0 for yearly, nine-month and one-off kinds). The year of a
// yearly or one-off kind is that of its due date, as its period id says.
type occurrence struct{ year, part int }

// spanMonths is how many months a period of k covers.
func (k ReportKind) spanMonths() int {
	switch k.Schedule.Kind {
	case ScheduleMonthly:
		return 1
	case ScheduleQuarterly:
		return 3
	case ScheduleHalfYearly:
		return 6
	case ScheduleNineMonths:
		return 9
	}
	return 12
}

// partsPerYear is how many periods of a quarterly, half-yearly or monthly
// kind a year holds; 0 for the others, whose occurrences have no part.
func (k ReportKind) partsPerYear() int {
	switch k.Schedule.Kind {
	case ScheduleMonthly:
		return 12
	case ScheduleQuarterly:
		return 4
	case ScheduleHalfYearly:
		return 2
	}
	return 0
}

// lastMonth returns the first day of the last month of the period o.
func (k ReportKind) lastMonth(o occurrence) Date {
	switch k.Schedule.Kind {
	case ScheduleMonthly, ScheduleQuarterly, ScheduleHalfYearly:
		return D(o.year, time.Month(o.part*k.spanMonths()), 1)
	case ScheduleNineMonths:
		return D(o.year, time.September, 1)
	}
	end := cmp.Or(k.Window.EndMonth, time.December)
	if end > k.Schedule.Month {
		return D(o.year-1, end, 1) // a report early in the year on the year before
	}
	return D(o.year, end, 1)
}

// due returns the nominal due date of the period o.
func (k ReportKind) due(o occurrence) Date {
	s := k.Schedule
	switch s.Kind {
	case ScheduleOnce:
		return s.Date
	case ScheduleYearly:
		return clampDay(o.year, s.Month, s.Day)
	case ScheduleMonthly:
		return clampDay(o.year, time.Month(o.part), s.Day)
	}
	m := k.lastMonth(o).AddMonths(s.MonthsAfter)
	return clampDay(m.Year, m.Month, s.Day)
}

// windowOf returns the data window of the period o.
func (k ReportKind) windowOf(o occurrence) (from, to Date) {
	last := k.lastMonth(o)
	start := last.AddMonths(-k.spanMonths() + k.Window.StartShift)
	return clampDay(start.Year, start.Month, k.Window.FromDay), clampDay(last.Year, last.Month, k.Window.ToDay)
}

// occurrencesOfYear returns the periods of k that cover year y (for a
// one-off kind, its single period whatever y).
func (k ReportKind) occurrencesOfYear(y int) []occurrence {
	switch k.Schedule.Kind {
	case ScheduleOnce:
		return []occurrence{{k.Schedule.Date.Year, 0}}
	case ScheduleYearly, ScheduleNineMonths:
		return []occurrence{{y, 0}}
	}
	var os []occurrence
	for n := 1; n <= k.partsPerYear(); n++ {
		if k.Schedule.Kind == ScheduleMonthly || k.Schedule.Parts.Has(n) {
			os = append(os, occurrence{y, n})
		}
	}
	return os
}

// occurrences returns the periods of k whose nominal due date falls in
// [from, to], in due order.
func (k ReportKind) occurrences(from, to Date) []occurrence {
	in := func(o occurrence) bool { d := k.due(o); return !d.Before(from) && !d.After(to) }
	var os []occurrence
	switch k.Schedule.Kind {
	case ScheduleOnce:
		if o := (occurrence{k.Schedule.Date.Year, 0}); in(o) {
			os = append(os, o)
		}
		return os
	case ScheduleMonthly:
		for m := D(from.Year, from.Month, 1); !m.After(to); m = m.AddMonths(1) {
			if o := (occurrence{m.Year, int(m.Month)}); in(o) {
				os = append(os, o)
			}
		}
		return os
	}
	first := from.Year
	if k.Schedule.Kind != ScheduleYearly {
		// A period may fall due after its year ends: quý IV due in
		// January, or any period MonthsAfter months on.
		first -= 1 + k.Schedule.MonthsAfter/12
	}
	for y := first; y <= to.Year; y++ {
		for _, o := range k.occurrencesOfYear(y) {
			if in(o) {
				os = append(os, o)
			}
		}
	}
	return os
}

// keyFor returns the period key of o: "2024-02", "2024-Q1", "2024-H1",
// "2024-9T", "2024".
func (k ReportKind) keyFor(o occurrence) string {
	switch k.Schedule.Kind {
	case ScheduleMonthly:
		return fmt.Sprintf("%04d-%02d", o.year, o.part)
	case ScheduleQuarterly:
		return fmt.Sprintf("%04d-Q%d", o.year, o.part)
	case ScheduleHalfYearly:
		return fmt.Sprintf("%04d-H%d", o.year, o.part)
	case ScheduleNineMonths:
		return fmt.Sprintf("%04d-9T", o.year)
	}
	return strconv.Itoa(o.year)
}

// occurrenceOf returns the period a key names, the inverse of keyFor.
func (k ReportKind) occurrenceOf(key string) (occurrence, bool) {
	switch k.Schedule.Kind {
	case ScheduleMonthly:
		t, err := time.Parse("2006-01", key)
		if err != nil {
			return occurrence{}, false
		}
		return occurrence{t.Year(), int(t.Month())}, true
	case ScheduleYearly:
		y, ok := parseKeyYear(key)
		return occurrence{y, 0}, ok
	case ScheduleOnce:
		return occurrence{k.Schedule.Date.Year, 0}, key == strconv.Itoa(k.Schedule.Date.Year)
	}
	ys, part, ok := strings.Cut(key, "-")
	y, okY := parseKeyYear(ys)
	if !ok || !okY {
		return occurrence{}, false
	}
	if k.Schedule.Kind == ScheduleNineMonths {
		return occurrence{y, 0}, part == "9T"
	}
	letter := map[ScheduleKind]string{ScheduleQuarterly: "Q", ScheduleHalfYearly: "H"}[k.Schedule.Kind]
	n, err := strconv.Atoi(strings.TrimPrefix(part, letter))
	if err != nil || part != letter+strconv.Itoa(n) || n < 1 || n > k.partsPerYear() || !k.Schedule.Parts.Has(n) {
		return occurrence{}, false
	}
	return occurrence{y, n}, true
}

// parseKeyYear parses the year of a period key, written as itself. Years
// before 1900 are refused so that "/xem 12" is not read as the year 12.
func parseKeyYear(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 1900 && y <= 9999 && strconv.Itoa(y) == s
}

// labelFor returns the period's name for people: "Báo cáo CCHC quý
// I/2024", "... 6 tháng đầu năm 2024", "... 9 tháng năm 2024".
func (k ReportKind) labelFor(o occurrence) string {
	switch k.Schedule.Kind {
	case ScheduleMonthly:
		return fmt.Sprintf("%s tháng %02d/%04d", k.Title, o.part, o.year)
	case ScheduleQuarterly:
		return fmt.Sprintf("%s %s/%04d", k.Title, partName(ScheduleQuarterly, o.part), o.year)
	case ScheduleHalfYearly:
		return fmt.Sprintf("%s %s năm %04d", k.Title, partName(ScheduleHalfYearly, o.part), o.year)
	case ScheduleNineMonths:
		return fmt.Sprintf("%s 9 tháng năm %04d", k.Title, o.year)
	case ScheduleYearly:
		return fmt.Sprintf("%s năm %04d", k.Title, o.year)
	}
	return k.Title
}

// partName names a quarter or half in Vietnamese: "quý III", "6 tháng đầu".
func partName(kind ScheduleKind, n int) string {
	if kind == ScheduleHalfYearly {
		return [...]string{"", "6 tháng đầu", "6 tháng cuối"}[n]
	}
	return "quý " + [...]string{"", "I", "II", "III", "IV"}[n]
}
