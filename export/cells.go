package export

import (
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// CellState is how a status cell is coloured: the unit's state for the
// period, with missing split by whether the unit's deadline has passed.
type CellState string

// The cell states, in legend order.
const (
	CellOnTime    CellState = "on_time"
	CellLate      CellState = "late"
	CellMissing   CellState = "missing"
	CellReturned  CellState = "returned"
	CellNotDue    CellState = "not_due"
	CellExempt    CellState = "exempt"
	CellNotOwed   CellState = "not_owed"
	CellCancelled CellState = "cancelled"
)

// cellFills are the fills of the status cells: Excel's own "Good",
// "Neutral" and "Bad" colours, which staff already read at a glance; a
// light blue sets an exempt unit apart from one the report never
// concerned, and a cancelled request is as grey as "not owed".
var cellFills = map[CellState]string{
	CellOnTime:    "C6EFCE",
	CellLate:      "FFEB9C",
	CellMissing:   "FFC7CE",
	CellReturned:  "E4DFEC",
	CellNotDue:    "FFFFFF",
	CellExempt:    "DDEBF7",
	CellNotOwed:   "D9D9D9",
	CellCancelled: "D9D9D9",
}

var cellLegend = []struct {
	State CellState
	Text  string
}{
	{CellOnTime, "Nộp đúng hạn"},
	{CellLate, "Nộp trễ hạn"},
	{CellMissing, "Chưa nộp (đã quá hạn)"},
	{CellReturned, "Bị trả lại, chưa nộp lại"},
	{CellNotDue, "Chưa nộp (còn hạn)"},
	{CellExempt, "Được miễn nộp"},
	{CellNotOwed, "Không phải nộp"},
	{CellCancelled, "Yêu cầu đã hủy"},
}

// legendNote opens the legend row, left of the coloured states: what a
// cell's "GH" line means.
const legendNote = "Chú thích: \"GH dd/mm\" là ngày đơn vị được gia hạn đến; đúng hạn, trễ hạn tính theo hạn đó."

// CellOf returns how a unit's standing in a period is shown on a status
// sheet: the colour class and the text, such as "Trễ 3 ngày\n18/02/2024".
// The text is kept to a period column's width: the state, the day of the
// report, and "GH 20/03" when the unit was granted more time (the full
// dates are on the detail sheet). Exempt and cancelled say so; a unit
// granted more time is missing only once its own deadline has passed.
func CellOf(pd *PeriodData, code string) (CellState, string) {
	us, ok := pd.Unit(code)
	if !ok {
		return CellNotOwed, "—"
	}
	gh := ""
	if e := us.Extension; e.Approved() {
		gh = "\nGH " + dayMonth(e.Until)
	}
	l := us.Latest
	var at time.Time
	if l != nil {
		at = l.SubmittedAt.In(pd.location())
	}
	switch us.State {
	case cchcbot.UnitOnTime:
		return CellOnTime, "Đúng hạn\n" + dateVN(at) + gh
	case cchcbot.UnitLate:
		return CellLate, fmt.Sprintf("Trễ %d ngày\n%s", l.DaysLate, dateVN(at)) + gh
	case cchcbot.UnitReturned:
		return CellReturned, fmt.Sprintf("Bị trả lại\nlần %d, %s", l.Version, dayMonth(cchcbot.DateOf(at))) + gh
	case cchcbot.UnitExempt:
		return CellExempt, "Miễn nộp"
	}
	switch {
	case pd.Cancelled:
		return CellCancelled, "Đã hủy"
	case !pd.Overdue(us):
		return CellNotDue, "Chưa nộp\n(còn hạn)" + gh
	}
	return CellMissing, "Chưa nộp" + gh
}

// cellLines is how many lines CellOf's text takes.
func cellLines(text string) int { return strings.Count(text, "\n") + 1 }

func dateVN(t time.Time) string { return t.Format("02/01/2006") }

// dayMonth is "20/03": where a column has room for no more and the year is
// plain from the sheet.
func dayMonth(d cchcbot.Date) string { return fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)) }

// PeriodHeading is a period's full heading: "Tháng 02/2024" and its due
// date, or for a one-off report (the remediation plan, an ad-hoc request),
// whose label is the report's own title, "Hạn nộp" and the date.
func PeriodHeading(k cchcbot.ReportKind, p cchcbot.Period) string {
	return heading(k, p, p.Due.VN())
}

// columnHeading is a period's heading over its narrow status column: the
// due day without its year when the sheet covers that year.
func columnHeading(d *Data, k cchcbot.ReportKind, p cchcbot.Period) string {
	if d.Year == 0 || p.Due.Year != d.Year {
		return PeriodHeading(k, p)
	}
	return heading(k, p, dayMonth(p.Due))
}

func heading(k cchcbot.ReportKind, p cchcbot.Period, due string) string {
	if short := periodShort(k, p); short != "" {
		return short + "\nhạn " + due
	}
	return "Hạn nộp\n" + due
}

// periodShort is a period's label without its report's title, capitalised:
// "Tháng 02/2024", "Quý I/2024"; "" for a one-off report, whose label is
// the title.
func periodShort(k cchcbot.ReportKind, p cchcbot.Period) string {
	short := strings.TrimSpace(strings.TrimPrefix(p.Label, k.Title))
	if short == "" {
		return ""
	}
	r := []rune(short)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
