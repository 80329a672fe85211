package export

import (
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// Summary is the text staff paste into the district's monthly CCHC report
// for one period: a paragraph with the figures, then the late, returned
// and missing units by name, in the order of the workbook, and the units
// granted more time or exempt. A unit granted more time is judged
// against its own deadline (a report within it is on time); an exempt
// unit is not among those that owe the period.
func Summary(d *Data, pd *PeriodData) string {
	p := pd.Period
	ps := pd.periodStatus()
	var b strings.Builder
	fmt.Fprintf(&b, "%s", p.Label)
	if p.HasWindow() {
		fmt.Fprintf(&b, " (số liệu từ %s đến %s)", p.WindowFrom.VN(), p.WindowTo.VN())
	}
	fmt.Fprintf(&b, ", hạn nộp ngày %s.\n", p.Due.VN())
	if pd.Cancelled {
		submitted := 0
		for _, us := range ps.Units {
			if us.Latest != nil {
				submitted++
			}
		}
		fmt.Fprintf(&b, "Yêu cầu báo cáo này đã được hủy; các đơn vị không còn phải nộp. Trước khi hủy, %d/%d đơn vị đã nộp.\n", submitted, len(ps.Units))
		return b.String()
	}
	if !pd.DeadlinePassed {
		fmt.Fprintf(&b, "Số liệu tính đến %s ngày %s; kỳ báo cáo còn hạn.\n", d.Generated.Format("15:04"), d.Generated.Format("02/01/2006"))
	}
	b.WriteString("\n")

	var late, missing, returned, waiting, extended, exempt []cchcbot.UnitStatus
	c := ps.Counts()
	thanks := 0 // on time only thanks to an extension
	for _, us := range ps.Units {
		if us.Extension.Approved() && us.State != cchcbot.UnitExempt {
			extended = append(extended, us)
		}
		switch us.State {
		case cchcbot.UnitOnTime:
			if us.Extension.Approved() && p.DaysLate(us.Latest.SubmittedAt) > 0 {
				thanks++
			}
		case cchcbot.UnitLate:
			late = append(late, us)
		case cchcbot.UnitReturned:
			returned = append(returned, us)
		case cchcbot.UnitExempt:
			exempt = append(exempt, us)
		case cchcbot.UnitMissing:
			// Past the period's deadline, a unit granted more time is
			// not missing until its own deadline passes.
			if pd.DeadlinePassed && !pd.Overdue(us) {
				waiting = append(waiting, us)
			} else {
				missing = append(missing, us)
			}
		}
	}
	missingWord := "chưa nộp"
	if !pd.DeadlinePassed {
		missingWord = "chưa nộp (còn hạn)"
	}
	first := fmt.Sprintf("Trong kỳ, %d/%d đơn vị nộp đúng hạn", c.OnTime, c.Owed)
	if thanks > 0 {
		first += fmt.Sprintf(" (trong đó %d đơn vị nộp trong thời hạn được gia hạn)", thanks)
	}
	parts := []string{first}
	if len(late) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị nộp trễ: %s", len(late), joinUnits(late, true)))
	}
	if len(returned) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị có báo cáo bị trả lại, chưa nộp lại: %s", len(returned), joinUnits(returned, false)))
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị %s: %s", len(missing), missingWord, joinUnits(missing, false)))
	}
	if len(waiting) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị được gia hạn, chưa nộp (còn hạn): %s", len(waiting), joinUnits(waiting, false)))
	}
	if len(late)+len(returned)+len(missing)+len(waiting) == 0 && c.Owed > 0 {
		parts[0] = first + "; không có đơn vị nào nộp trễ hoặc chưa nộp"
	}
	if len(exempt) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị được miễn nộp: %s", len(exempt), joinUnits(exempt, false)))
	}
	b.WriteString(strings.Join(parts, "; ") + ".\n")

	loc := pd.location()
	list := func(title string, us []cchcbot.UnitStatus, detail func(cchcbot.UnitStatus) string) {
		if len(us) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(us))
		for i, u := range us {
			fmt.Fprintf(&b, "%d. %s", i+1, u.Unit.Name)
			if s := detail(u); s != "" {
				b.WriteString(" – " + s)
			}
			b.WriteString(".\n")
		}
	}
	list("Các đơn vị nộp trễ hạn", late, func(u cchcbot.UnitStatus) string {
		return joinNotes(fmt.Sprintf("trễ %d ngày (nộp ngày %s)", u.Latest.DaysLate, dateVN(u.Latest.SubmittedAt.In(loc))), explained(u))
	})
	list("Các đơn vị có báo cáo bị trả lại, chưa nộp lại", returned, func(u cchcbot.UnitStatus) string {
		return joinNotes(explained(u), escalated(u, loc))
	})
	list("Các đơn vị "+missingWord, missing, func(u cchcbot.UnitStatus) string {
		return joinNotes(u.Extension.LabelVN(), explained(u), escalated(u, loc))
	})
	list("Các đơn vị được gia hạn", extended, func(u cchcbot.UnitStatus) string {
		return "gia hạn đến " + u.Extension.Until.VN() + ", " + extendedState(pd, u, loc)
	})
	list("Các đơn vị được miễn nộp", exempt, func(u cchcbot.UnitStatus) string {
		return "lý do: " + u.Exemption.Reason
	})
	return b.String()
}

// extendedState says where a unit granted more time stands.
func extendedState(pd *PeriodData, u cchcbot.UnitStatus, loc *time.Location) string {
	switch u.State {
	case cchcbot.UnitOnTime:
		return "nộp ngày " + dateVN(u.Latest.SubmittedAt.In(loc)) + ", đúng hạn"
	case cchcbot.UnitLate:
		return fmt.Sprintf("nộp ngày %s, trễ %d ngày so với hạn được gia hạn", dateVN(u.Latest.SubmittedAt.In(loc)), u.Latest.DaysLate)
	case cchcbot.UnitReturned:
		return "báo cáo bị trả lại, chưa nộp lại"
	}
	if !pd.Overdue(u) {
		return "chưa nộp (còn hạn)"
	}
	return "chưa nộp"
}

// explained is the unit's latest explanation, for a list line.
func explained(u cchcbot.UnitStatus) string {
	if s := latestExplanation(u); s != "" {
		return "giải trình: " + strings.Join(strings.Fields(s), " ")
	}
	return ""
}

// escalated says when the unit's lateness was last taken up the ladder.
func escalated(u cchcbot.UnitStatus, loc *time.Location) string {
	n := len(u.Escalations)
	if n == 0 {
		return ""
	}
	e := u.Escalations[n-1]
	who := "thủ trưởng đơn vị"
	if e.Level == cchcbot.EscalateLeaders {
		who = "lãnh đạo"
	}
	return "đã báo cáo " + who + " ngày " + dateVN(e.At.In(loc))
}

// joinNotes joins the non-empty notes of a list line.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// maxInline is how many units the paragraph names before it points to the
// list below it instead: a sentence naming thirty communes is unreadable.
const maxInline = 10

func joinUnits(us []cchcbot.UnitStatus, days bool) string {
	if len(us) > maxInline {
		return "xem danh sách dưới đây"
	}
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Unit.Name
		if days {
			names[i] += fmt.Sprintf(" (%d ngày)", u.Latest.DaysLate)
		}
	}
	return strings.Join(names, ", ")
}
