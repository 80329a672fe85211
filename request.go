package cchcbot

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// RequestPrefix starts the report-kind id of every ad-hoc request; the
// config may not use it for its own kinds.
const RequestPrefix = "dot-xuat-"

// RequestLateDays is how long after its deadline an ad-hoc request still
// takes late reports: a month, since such a request answers a need of the
// moment.
const RequestLateDays = 30

// Request is an ad-hoc report request ("báo cáo đột xuất"): a one-off
// report an admin asks of some units at run time. It lives in the store,
// not in the config, and becomes a report kind of its own with one period
// ("dot-xuat-3/2024"), reminded and tracked like a configured report.
type Request struct {
	ID           string // its report kind's id: RequestID(seq)
	Title        string
	Due          Date
	Groups       []UnitGroup // the groups that owe it
	Units        []string    // and single units, by code
	RequiresFile bool
	// Instruction is the office's letter (a PDF), forwarded to every unit
	// with its first reminder of the request; nil when there is none.
	Instruction *File

	CreatedBy     UserID // or "cli"
	CreatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// PlannedFrom is when the current reminder plan starts: the creation,
	// or the last change of due date (no step before it is sent).
	PlannedFrom time.Time

	CancelledAt  time.Time
	CancelledBy  UserID
	CancelReason string
}

// RequestID returns the kind id of the request numbered seq.
func RequestID(seq uint64) string { return RequestPrefix + strconv.FormatUint(seq, 10) }

// IsRequestKind reports whether a kind id names an ad-hoc request.
func IsRequestKind(id string) bool { return strings.HasPrefix(id, RequestPrefix) }

// Cancelled reports whether the request was withdrawn.
func (r Request) Cancelled() bool { return !r.CancelledAt.IsZero() }

// Kind returns the report kind r adds to the calendar. Its one period is
// keyed by the due date's year, which a change of due date must keep.
func (r Request) Kind() ReportKind {
	open := max(0, DateOf(r.CreatedAt).DaysUntil(r.Due))
	return ReportKind{
		ID:           r.ID,
		Title:        r.Title,
		Schedule:     Schedule{Kind: ScheduleOnce, Date: r.Due},
		RequiresFile: r.RequiresFile,
		Groups:       slices.Clone(r.Groups),
		Units:        slices.Clone(r.Units),
		OpenDays:     open,
		LateDays:     RequestLateDays,
		PlanFrom:     r.PlannedFrom,
		AdHoc:        true,
		Cancelled:    r.Cancelled(),
	}
}

// PeriodID returns the id of the request's one period.
func (r Request) PeriodID() string { return r.ID + "/" + strconv.Itoa(r.Due.Year) }

// WithRequests returns a calendar with c's rules and, after c's own
// kinds, one kind per request. c is left as it is.
func (c *Calendar) WithRequests(rs []Request) *Calendar {
	out := c.Clone()
	out.Kinds = slices.DeleteFunc(out.Kinds, func(k ReportKind) bool { return k.AdHoc })
	for _, r := range rs {
		out.Kinds = append(out.Kinds, r.Kind())
	}
	return out
}

// IssuedStepName names the first step of an ad-hoc request's plan: the
// units are told of the request when it is made.
const IssuedStepName = "issued"

// trimPlan fits a plan to a period planned from a given instant (an
// ad-hoc request made late, an extension granted): no step before from is
// kept, the first step is at from itself (the units hear at once), and
// the due day always has a step. Steps of an extended period are renamed
// so the log keeps them apart from the original plan's.
func trimPlan(p Period, steps []Step, tod TimeOfDay, loc *time.Location) []Step {
	if p.PlanFrom.IsZero() {
		return steps
	}
	from := p.PlanFrom
	var out []Step
	hasDue := false
	for _, s := range steps {
		if s.At.Before(from) {
			continue
		}
		hasDue = hasDue || s.Kind == StepDueDay
		out = append(out, s)
	}
	if !hasDue {
		at := p.Due.At(tod, loc)
		if at.Before(from) {
			at = from
		}
		if !at.After(p.Deadline) {
			out = append(out, Step{Name: DueStepName, Kind: StepDueDay, Nominal: p.Due.At(tod, loc), At: at})
		}
	}
	slices.SortFunc(out, func(a, b Step) int { return a.At.Compare(b.At) })
	if p.AdHoc && (len(out) == 0 || out[0].At.After(from)) {
		issued := Step{Name: IssuedStepName, Kind: StepBefore, N: DateOf(from.In(loc)).DaysUntil(p.Due), Nominal: from, At: from}
		if len(out) > 0 && DateOf(out[0].At.In(loc)) == DateOf(from.In(loc)) {
			// A step the same day says it all: it moves to now.
			out[0].At = from
		} else {
			out = append([]Step{issued}, out...)
		}
	}
	for i := range out {
		switch {
		case p.Extended():
			out[i].Name = ExtendedStepName(p.Due, out[i].Name)
		case p.AdHoc:
			out[i].Name = RequestStepName(p.Due, out[i].Name)
		}
	}
	return out
}

// RequestStepName names a step of an ad-hoc request's plan for due: a
// change of due date makes a new plan whose steps the log keeps apart
// from the old one's, and whose "issued" step tells the units the new date.
func RequestStepName(due Date, step string) string {
	return strings.ReplaceAll(due.String(), "-", "") + "-" + step
}

// ExtendedStepName names a step of the plan of a period extended to due:
// the reminder log keys steps by name, and "before-3" of the new deadline
// is not the "before-3" the unit was sent before the extension.
func ExtendedStepName(due Date, step string) string {
	return "gh" + strings.ReplaceAll(due.String(), "-", "") + "-" + step
}
