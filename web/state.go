package web

import (
	"strconv"
	"time"

	"cchcbot"
)

// cellState is how a unit's standing for one period shows on the
// dashboard: the chat's states, with a reviewed report told apart and a
// missing one split by whether its deadline has passed.
type cellState string

// The cell states. Each is a CSS class ("st-on_time") and a data-state
// value, which the browser tests read.
const (
	stAccepted cellState = "accepted" // the latest version was accepted
	stOnTime   cellState = "on_time"  // submitted on time, not yet reviewed
	stLate     cellState = "late"     // submitted late, not yet reviewed
	stReturned cellState = "returned" // returned, no new version yet
	stMissing  cellState = "missing"  // nothing, and the deadline has passed
	stNotDue   cellState = "not_due"  // nothing yet, and the deadline is ahead
	stExempt   cellState = "exempt"   // excused from the period
	stNotOwed  cellState = "not_owed" // the kind does not apply to the unit
)

// legend lists the states in the order the pages explain them.
var legend = []struct {
	State cellState
	Label string
}{
	{stAccepted, "Đã tiếp nhận"},
	{stOnTime, "Đúng hạn (chưa xem xét)"},
	{stLate, "Trễ hạn (chưa xem xét)"},
	{stReturned, "Bị trả lại"},
	{stMissing, "Chưa nộp (đã quá hạn)"},
	{stNotDue, "Chưa đến hạn"},
	{stExempt, "Được miễn nộp"},
	{stNotOwed, "Không phải nộp"},
}

// place returns c's place in legend.
func (c cellState) place() int {
	switch c {
	case stAccepted:
		return 0
	case stOnTime:
		return 1
	case stLate:
		return 2
	case stReturned:
		return 3
	case stMissing:
		return 4
	case stNotDue:
		return 5
	case stExempt:
		return 6
	}
	return 7
}

// stateOf returns the cell state of a unit that owes (or owed) a period
// with deadline, given its latest version (nil when none) at now.
func stateOf(latest *cchcbot.Submission, deadline, now time.Time) cellState {
	return cellOf(latest, now.After(deadline))
}

// cellOf is stateOf knowing whether the deadline has passed.
func cellOf(latest *cchcbot.Submission, passed bool) cellState {
	switch {
	case latest == nil && passed:
		return stMissing
	case latest == nil:
		return stNotDue
	case latest.State == cchcbot.StateReturned:
		return stReturned
	case latest.State == cchcbot.StateAccepted:
		return stAccepted
	case latest.Late():
		return stLate
	}
	return stOnTime
}

// fromUnitState maps a /status state (with the period's decisions
// applied) onto the dashboard's: a unit granted more time is judged
// against its own deadline.
func fromUnitState(p cchcbot.Period, us cchcbot.UnitStatus, now time.Time) cellState {
	switch us.State {
	case cchcbot.UnitNotOwed:
		return stNotOwed
	case cchcbot.UnitExempt:
		return stExempt
	}
	return stateOf(us.Latest, p.ForUnit(us.Extension).Deadline, now)
}

// adjustedCell is a unit's cell with the period's decisions on it, as
// PeriodStatus.Apply makes /status's: an approved extension moves the
// unit's deadline, and so its lateness; an exemption excuses a unit that
// owes the period still. latest is never changed: it may be shared.
func adjustedCell(p cchcbot.Period, latest *cchcbot.Submission, passed bool, a cchcbot.Adjustments, code string, now time.Time) (cellState, *cchcbot.Submission) {
	if e := a.Extensions[code]; e.Approved() {
		q := p.ForUnit(e)
		passed = now.After(q.Deadline)
		if latest != nil && !q.Deadline.IsZero() {
			if n := q.DaysLate(latest.SubmittedAt); n != latest.DaysLate {
				l := *latest
				l.DaysLate = n
				latest = &l
			}
		}
	}
	st := cellOf(latest, passed)
	if a.Exemptions[code] != nil && !st.submitted() {
		st = stExempt
	}
	return st, latest
}

// label is the cell's text: "Đúng hạn", "Trễ 3 ngày", "Đã tiếp nhận".
func (c cellState) label(latest *cchcbot.Submission) string {
	switch c {
	case stAccepted:
		return "Đã tiếp nhận"
	case stOnTime:
		return "Đúng hạn"
	case stLate:
		return "Trễ " + strconv.Itoa(latest.DaysLate) + " ngày"
	case stReturned:
		return "Bị trả lại"
	case stMissing:
		return "Chưa nộp"
	case stNotDue:
		return "Chưa đến hạn"
	case stExempt:
		return "Miễn nộp"
	}
	return "—"
}

// onTime reports whether the cell counts as on time in the on-time rate:
// a standing version that met the deadline, reviewed or not.
func (c cellState) onTime(latest *cchcbot.Submission) bool {
	return c == stOnTime || c == stAccepted && !latest.Late()
}

// owed reports whether the cell counts among the units that owe the
// period.
func (c cellState) owed() bool { return c != stNotOwed && c != stExempt }

// submitted reports whether the unit has a standing version.
func (c cellState) submitted() bool { return c == stOnTime || c == stLate || c == stAccepted }
