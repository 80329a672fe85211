package cchcbot

import (
	"slices"
	"time"
)

// ScheduleKind says how often a report kind falls due.
type ScheduleKind string

// The schedules a report kind may have.
const (
	ScheduleOnce    ScheduleKind = "once"    // a single date
	ScheduleYearly  ScheduleKind = "yearly"  // a day and month each year
	ScheduleMonthly ScheduleKind = "monthly" // a day each month
)

// Schedule is when a report kind falls due, before any working-day shift.
type Schedule struct {
	Kind  ScheduleKind
	Date  Date       // once
	Month time.Month // yearly
	Day   int        // yearly and monthly; clamped to the month's length
}

// Window is the data-window rule of a monthly report: the data runs from
// FromDay of the month before the due month to ToDay of the due month.
// Quỳ Hợp uses 12 → 12 with a deadline on the 12th; other offices 15 → 14
// with a deadline on the 20th.
type Window struct {
	FromDay int
	ToDay   int
}

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
	Start        Date        // first due date considered; zero means none
	End          Date        // last due date considered; zero means none

	// OpenDays is how many days before the due date units may submit.
	OpenDays int
	// LateDays is how many days after the deadline a late submission is
	// still taken for the period.
	LateDays int
}

// Owes reports whether u owes reports of kind k.
func (k ReportKind) Owes(u Unit) bool {
	return !u.Retired && slices.Contains(k.Groups, u.Group)
}
