package scheduler

import (
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// reminderText is a reminder in the voice of the district's letter: it
// names the unit and who answers for it, the report and its data window,
// the deadline and the days left ("rõ người, rõ việc, rõ trách nhiệm, rõ
// thời gian hoàn thành"). After the deadline it is firmer, and says what
// the delay leads to, and no more than that. p is the unit's own view of
// the period (extended or not); extend says the reminder carries the "Xin
// gia hạn" button.
func reminderText(office string, u cchcbot.Unit, p cchcbot.Period, st cchcbot.Step, latest *cchcbot.Submission, now time.Time, extend bool) string {
	var b strings.Builder
	head := u.HeadTitle
	if head == "" {
		head = "Thủ trưởng đơn vị"
	}
	fmt.Fprintf(&b, "Kính gửi: %s – %s.\n\n", head, u.Name)
	if st.Kind == cchcbot.StepOverdue {
		fmt.Fprintf(&b, "⚠️ NHẮC VIỆC QUÁ HẠN: %s\n", p.Label)
	} else {
		fmt.Fprintf(&b, "NHẮC VIỆC: %s\n", p.Label)
	}
	if p.HasWindow() {
		fmt.Fprintf(&b, "– Số liệu: từ %s đến %s.\n", p.WindowFrom.VN(), p.WindowTo.VN())
	}
	writeDeadline(&b, p, now)
	b.WriteString("\n")

	returned := latest != nil && latest.State == cchcbot.StateReturned
	switch {
	case returned:
		fmt.Fprintf(&b, "Báo cáo của đơn vị gửi ngày %s (biên nhận %s) đã được trả lại", cchcbot.DateOf(latest.SubmittedAt.In(p.Deadline.Location())).VN(), latest.ReceiptNo())
		if latest.Reason != "" {
			fmt.Fprintf(&b, " với lý do: %s", strings.TrimRight(latest.Reason, ". "))
		}
		b.WriteString(". Đơn vị cần chỉnh sửa, bổ sung và gửi lại.\n")
	case st.Kind == cchcbot.StepOverdue:
		b.WriteString("Đến nay, đơn vị vẫn chưa gửi báo cáo.\n")
	default:
		b.WriteString("Đến thời điểm này, đơn vị chưa gửi báo cáo.\n")
	}
	if st.Kind == cchcbot.StepOverdue {
		fmt.Fprintf(&b, "Đề nghị đồng chí %s khẩn trương chỉ đạo hoàn thành và gửi báo cáo; việc chậm nộp sẽ được tổng hợp vào kết quả đánh giá, xếp loại CCHC của đơn vị.\n", head)
	} else {
		fmt.Fprintf(&b, "Đề nghị đồng chí %s chỉ đạo hoàn thành và gửi báo cáo đúng hạn.\n", head)
	}
	b.WriteString("\n")
	if p.RequiresFile {
		b.WriteString("Cách nộp: gửi tệp báo cáo (PDF, Word, Excel hoặc ảnh chụp văn bản) vào cuộc trò chuyện này, hoặc bấm \"📎 Nộp báo cáo\".\n")
	} else {
		b.WriteString("Cách nộp: bấm \"📎 Nộp báo cáo\" để xác nhận đã hoàn thành.\n")
	}
	b.WriteString("Bấm \"✅ Đã nhận\" để báo đã nhận được lời nhắc. Lưu ý: bấm \"Đã nhận\" không dừng việc nhắc; lời nhắc chỉ dừng khi đơn vị đã nộp báo cáo.\n")
	if extend {
		b.WriteString("Nếu có lý do chính đáng cần thêm thời gian, đơn vị bấm \"⏳ Xin gia hạn\" và nêu rõ lý do, ngày đề nghị gia hạn đến.\n")
	}
	fmt.Fprintf(&b, "\nTrân trọng,\n%s", office)
	return b.String()
}

// digestText is the admins' morning digest: per open period the counts
// and the units that still owe it, by group.
func digestText(today cchcbot.Date, statuses []cchcbot.PeriodStatus, listNew bool, now time.Time, loc *time.Location, office string, labels cchcbot.GroupLabels) string {
	var b strings.Builder
	fmt.Fprintf(&b, "TỔNG HỢP HẰNG NGÀY – %s, %s\n", today.WeekdayVN(), today.VN())
	for _, ps := range statuses {
		p, c := ps.Period, ps.Counts()
		fmt.Fprintf(&b, "\n%s (hạn %s, %s)\n", p.Label, p.Due.VN(), cchcbot.DaysLeftVN(p.DaysLeft(now)))
		fmt.Fprintf(&b, "Đã nộp %d/%d (đúng hạn %d, trễ hạn %d); chưa nộp %d; bị trả lại %d; không liên lạc được %d%s.\n",
			c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable, decidedVN(c))
		if listNew {
			writeNew(&b, ps, now.Add(-24*time.Hour), loc)
		}
		writePending(&b, ps, labels)
		writeExempt(&b, ps)
	}
	fmt.Fprintf(&b, "\n%s", office)
	return b.String()
}

// writeNew lists the reports received since from.
func writeNew(b *strings.Builder, ps cchcbot.PeriodStatus, from time.Time, loc *time.Location) {
	var lines []string
	for _, u := range ps.Units {
		if l := u.Latest; l != nil && l.SubmittedAt.After(from) {
			lines = append(lines, fmt.Sprintf("   – %s: phiên bản %d lúc %s, biên nhận %s", u.Unit.Name, l.Version, l.SubmittedAt.In(loc).Format("15:04 02/01/2006"), l.ReceiptNo()))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(b, "Báo cáo mới nhận trong 24 giờ qua:\n%s\n", strings.Join(lines, "\n"))
	}
}

// writePending lists the units that still owe the period under the
// office's group headings, with what stands in the way of reaching them.
func writePending(b *strings.Builder, ps cchcbot.PeriodStatus, labels cchcbot.GroupLabels) {
	pending := ps.Pending()
	if len(pending) == 0 {
		b.WriteString("Tất cả đơn vị đã nộp.\n")
		return
	}
	b.WriteString("Đơn vị chưa hoàn thành:\n")
	var group cchcbot.UnitGroup
	for _, u := range pending {
		if u.Unit.Group != group {
			group = u.Unit.Group
			fmt.Fprintf(b, "  %s:\n", labels.Of(group))
		}
		note := ""
		if u.State == cchcbot.UnitReturned {
			note = " (bị trả lại)"
		}
		if u.Unreachable() {
			note += " (không liên lạc được)"
		} else if u.Members == 0 {
			note += " (chưa có người nhận tin)"
		}
		if q := u.QuotaNote(); q != "" {
			note += " (" + q + ")"
		}
		if e := u.Extension.LabelVN(); e != "" {
			note += " – " + e
		}
		fmt.Fprintf(b, "   – %s%s\n", u.Unit.Name, note)
	}
}

// decidedVN counts the units exempt from the period and those granted
// more time, for a counts line: "; được miễn nộp 2; được gia hạn 1".
func decidedVN(c cchcbot.Counts) string {
	s := ""
	if c.Exempt > 0 {
		s += fmt.Sprintf("; được miễn nộp %d", c.Exempt)
	}
	if c.Extended > 0 {
		s += fmt.Sprintf("; được gia hạn %d", c.Extended)
	}
	return s
}

// writeExempt lists the units exempt from the period, with the reason.
func writeExempt(b *strings.Builder, ps cchcbot.PeriodStatus) {
	var names []string
	for _, u := range ps.Units {
		if u.State != cchcbot.UnitExempt {
			continue
		}
		if u.Exemption != nil && u.Exemption.Reason != "" {
			names = append(names, fmt.Sprintf("%s (lý do: %s)", u.Unit.Name, strings.TrimRight(u.Exemption.Reason, ". ")))
		} else {
			names = append(names, u.Unit.Name)
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(b, "Đơn vị được miễn nộp: %s.\n", strings.Join(names, "; "))
	}
}

// summaryText is the result of a period the morning after its deadline:
// who submitted on time, who late, who not at all.
func summaryText(ps cchcbot.PeriodStatus, office string, labels cchcbot.GroupLabels) string {
	var b strings.Builder
	p, c := ps.Period, ps.Counts()
	fmt.Fprintf(&b, "KẾT QUẢ THỰC HIỆN: %s (hạn %s)\n", p.Label, p.Due.VN())
	fmt.Fprintf(&b, "Nộp đúng hạn: %d/%d đơn vị. Nộp trễ: %d. Chưa nộp: %d. Bị trả lại: %d.\n", c.OnTime, c.Owed, c.Late, c.Missing, c.Returned)
	if c.Exempt > 0 || c.Extended > 0 {
		fmt.Fprintf(&b, "Được miễn nộp: %d đơn vị. Được gia hạn: %d đơn vị (đúng hạn tính theo hạn đã gia hạn).\n", c.Exempt, c.Extended)
	}
	var onTime, late []string
	for _, u := range ps.Units {
		ext := ""
		if u.Extension.Approved() {
			ext = u.Extension.LabelVN()
		}
		switch {
		case u.State == cchcbot.UnitOnTime && ext != "":
			onTime = append(onTime, fmt.Sprintf("%s (%s)", u.Unit.Name, ext))
		case u.State == cchcbot.UnitOnTime:
			onTime = append(onTime, u.Unit.Name)
		case u.State == cchcbot.UnitLate && ext != "":
			late = append(late, fmt.Sprintf("%s (%s, trễ %d ngày)", u.Unit.Name, ext, u.Latest.DaysLate))
		case u.State == cchcbot.UnitLate:
			late = append(late, fmt.Sprintf("%s (trễ %d ngày)", u.Unit.Name, u.Latest.DaysLate))
		}
	}
	if len(onTime) > 0 {
		fmt.Fprintf(&b, "\nĐơn vị nộp đúng hạn: %s.\n", strings.Join(onTime, "; "))
	}
	if len(late) > 0 {
		fmt.Fprintf(&b, "\nĐơn vị nộp trễ: %s.\n", strings.Join(late, "; "))
	}
	b.WriteString("\n")
	writePending(&b, ps, labels)
	writeExempt(&b, ps)
	fmt.Fprintf(&b, "\n%s", office)
	return b.String()
}

// writeDeadline writes a reminder's deadline lines: the due day and hour,
// why it moved (a day off, the unit's extension), and the days left.
func writeDeadline(b *strings.Builder, p cchcbot.Period, now time.Time) {
	fmt.Fprintf(b, "– Hạn nộp: %s, ngày %s, trước 23 giờ 59", p.Due.WeekdayVN(), p.Due.VN())
	if p.Shifted() {
		fmt.Fprintf(b, " (ngày %s là ngày nghỉ, hạn đã lùi sang ngày làm việc tiếp theo)", p.NominalDue.VN())
	}
	if p.Extended() {
		fmt.Fprintf(b, " (đơn vị đã được gia hạn; hạn ban đầu là ngày %s)", p.OriginalDue.VN())
	}
	b.WriteString(".\n")
	switch left := p.DaysLeft(now); {
	case left > 0:
		fmt.Fprintf(b, "– Thời gian còn lại: %d ngày.\n", left)
	case left == 0:
		b.WriteString("– Hôm nay là hạn cuối.\n")
	default:
		fmt.Fprintf(b, "– Đã quá hạn %d ngày.\n", -left)
	}
}
