package export

import (
	"fmt"
	"strings"

	"cchcbot"
)

// Summary is the text staff paste into the district's monthly CCHC report
// for one period: a paragraph with the figures, then the late, returned
// and missing units by name, in the order of the workbook.
func Summary(d *Data, pd *PeriodData) string {
	p := pd.Period
	var late, missing, returned []cchcbot.UnitStatus
	onTime, owed := 0, len(pd.Status.Units)
	for _, us := range pd.Status.Units {
		switch us.State {
		case cchcbot.UnitOnTime:
			onTime++
		case cchcbot.UnitLate:
			late = append(late, us)
		case cchcbot.UnitReturned:
			returned = append(returned, us)
		case cchcbot.UnitMissing:
			missing = append(missing, us)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s", p.Label)
	if p.HasWindow() {
		fmt.Fprintf(&b, " (số liệu từ %s đến %s)", p.WindowFrom.VN(), p.WindowTo.VN())
	}
	fmt.Fprintf(&b, ", hạn nộp ngày %s.\n", p.Due.VN())
	if !pd.DeadlinePassed {
		fmt.Fprintf(&b, "Số liệu tính đến %s ngày %s; kỳ báo cáo còn hạn.\n", d.Generated.Format("15:04"), d.Generated.Format("02/01/2006"))
	}
	b.WriteString("\n")

	missingWord := "chưa nộp"
	if !pd.DeadlinePassed {
		missingWord = "chưa nộp (còn hạn)"
	}
	parts := []string{fmt.Sprintf("Trong kỳ, %d/%d đơn vị nộp đúng hạn", onTime, owed)}
	if len(late) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị nộp trễ: %s", len(late), joinUnits(late, true)))
	}
	if len(returned) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị có báo cáo bị trả lại, chưa nộp lại: %s", len(returned), joinUnits(returned, false)))
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d đơn vị %s: %s", len(missing), missingWord, joinUnits(missing, false)))
	}
	if len(late)+len(returned)+len(missing) == 0 && owed > 0 {
		parts[0] = fmt.Sprintf("Trong kỳ, %d/%d đơn vị nộp đúng hạn; không có đơn vị nào nộp trễ hoặc chưa nộp", onTime, owed)
	}
	b.WriteString(strings.Join(parts, "; ") + ".\n")

	list := func(title string, us []cchcbot.UnitStatus, days bool) {
		if len(us) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(us))
		for i, u := range us {
			fmt.Fprintf(&b, "%d. %s", i+1, u.Unit.Name)
			if days {
				fmt.Fprintf(&b, " – trễ %d ngày (nộp ngày %s)", u.Latest.DaysLate, dateVN(u.Latest.SubmittedAt))
			}
			b.WriteString(".\n")
		}
	}
	list("Các đơn vị nộp trễ hạn", late, true)
	list("Các đơn vị có báo cáo bị trả lại, chưa nộp lại", returned, false)
	list("Các đơn vị "+missingWord, missing, false)
	return b.String()
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
