package cchcbot

import (
	"fmt"
	"strings"
	"time"
)

// Period is one occurrence of a ReportKind: its data window and its
// deadline. Its ID is stable across config reloads ("bao-cao-thang/2024-02")
// because every record of submissions and reminders is keyed by it.
type Period struct {
	ID     string
	KindID string
	Title  string // the kind's title
	Label  string // "Báo cáo CCHC tháng 02/2024"

	WindowFrom Date // zero when the kind has no data window
	WindowTo   Date

	NominalDue Date // the day the rule names
	Due        Date // after the working-day shift
	// Deadline is the last instant that counts as on time: the end of the
	// Due day in local time.
	Deadline time.Time
	// Opens is when submissions for the period start being taken, Closes
	// when even late ones stop.
	Opens  time.Time
	Closes time.Time

	RequiresFile bool

	// AdHoc marks the period of an ad-hoc request; its reminder plan starts
	// at PlanFrom (the request's making or last change of due date).
	AdHoc    bool
	PlanFrom time.Time
	// OriginalDue is set on a period extended for one unit (Extend): the
	// due day before the extension.
	OriginalDue Date
}

// Extended reports whether p is a unit's extended view of a period.
func (p Period) Extended() bool { return !p.OriginalDue.IsZero() }

// Shifted reports whether the deadline moved off a non-working day.
func (p Period) Shifted() bool { return p.Due != p.NominalDue }

// HasWindow reports whether the period has a data window.
func (p Period) HasWindow() bool { return !p.WindowFrom.IsZero() }

// WindowVN formats the data window for people: "12/01/2024 – 12/02/2024".
func (p Period) WindowVN() string {
	if !p.HasWindow() {
		return ""
	}
	return p.WindowFrom.VN() + " – " + p.WindowTo.VN()
}

// IsOpen reports whether a submission for p is taken at t.
func (p Period) IsOpen(t time.Time) bool {
	return !t.Before(p.Opens) && t.Before(p.Closes)
}

// OnTime reports whether a submission at t meets the deadline.
func (p Period) OnTime(t time.Time) bool { return !t.After(p.Deadline) }

// DaysLate returns how many calendar days after the due day t falls, 0 when
// on time. A report sent at 00:10 the day after the deadline is 1 day late.
func (p Period) DaysLate(t time.Time) int {
	if p.OnTime(t) {
		return 0
	}
	return p.Due.DaysUntil(DateOf(t.In(p.Deadline.Location())))
}

// DaysLeft returns the calendar days from t to the due day: 0 on the due
// day itself, negative when past.
func (p Period) DaysLeft(t time.Time) int {
	return DateOf(t.In(p.Deadline.Location())).DaysUntil(p.Due)
}

// SplitPeriodID splits "bao-cao-thang/2024-02" into its kind id and key.
func SplitPeriodID(id string) (kindID, key string, ok bool) {
	kindID, key, ok = strings.Cut(id, "/")
	return kindID, key, ok && kindID != "" && key != ""
}

// DaysLeftVN says in Vietnamese how far a deadline is: "còn 3 ngày", "hôm
// nay là hạn cuối", "đã quá hạn 2 ngày". left is Period.DaysLeft's value.
func DaysLeftVN(left int) string {
	switch {
	case left > 0:
		return fmt.Sprintf("còn %d ngày", left)
	case left == 0:
		return "hôm nay là hạn cuối"
	}
	return fmt.Sprintf("đã quá hạn %d ngày", -left)
}
