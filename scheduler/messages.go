package scheduler

import (
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// reminderText is a reminder in the voice of the district's letter: it
// names the unit and who answers for it, the report, the period and its
// data window, the deadline and the days left ("rõ người, rõ việc, rõ trách
// nhiệm, rõ thời gian hoàn thành").
func reminderText(cal *cchcbot.Calendar, office string, u cchcbot.Unit, p cchcbot.Period, st cchcbot.Step, latest *cchcbot.Submission, now time.Time) string {
	var b strings.Builder
	head := u.HeadTitle
	if head == "" {
		head = "Thủ trưởng đơn vị"
	}
	fmt.Fprintf(&b, "Kính gửi: %s – %s.\n\n", head, u.Name)
	switch st.Kind {
	case cchcbot.StepOverdue:
		fmt.Fprintf(&b, "⚠️ NHẮC VIỆC QUÁ HẠN: %s", p.Label)
	default:
		fmt.Fprintf(&b, "NHẮC VIỆC: %s", p.Label)
	}
	if p.HasWindow() {
		fmt.Fprintf(&b, " (số liệu từ %s đến %s)", p.WindowFrom.VN(), p.WindowTo.VN())
	}
	fmt.Fprintf(&b, ".\nHạn nộp: %s, ngày %s, trước 23 giờ 59", p.Due.WeekdayVN(), p.Due.VN())
	if p.Shifted() {
		fmt.Fprintf(&b, " (hạn ngày %s trùng ngày nghỉ nên lùi sang ngày làm việc tiếp theo)", p.NominalDue.VN())
	}
	b.WriteString(".\n")
	left := p.DaysLeft(now)
	switch {
	case left > 0:
		fmt.Fprintf(&b, "Thời gian còn lại: %d ngày.\n", left)
	case left == 0:
		b.WriteString("Hôm nay là hạn cuối.\n")
	default:
		fmt.Fprintf(&b, "Đã quá hạn %d ngày.\n", -left)
	}
	b.WriteString("\n")
	if latest != nil && latest.State == cchcbot.StateReturned {
		fmt.Fprintf(&b, "Báo cáo đơn vị gửi (biên nhận %s) đã bị phòng Nội vụ trả lại với lý do: %s. ", latest.ReceiptNo(), latest.Reason)
		b.WriteString("Đề nghị đơn vị chỉnh sửa và gửi lại.\n")
	} else {
		b.WriteString("Đến thời điểm này, đơn vị chưa gửi báo cáo của kỳ này.\n")
	}
	if st.Kind == cchcbot.StepOverdue {
		fmt.Fprintf(&b, "Đề nghị %s khẩn trương chỉ đạo hoàn thành và gửi ngay. Việc chậm nộp sẽ được tổng hợp vào kết quả đánh giá, xếp loại CCHC của đơn vị.\n", head)
		b.WriteString("Lời nhắc sẽ tiếp tục cho đến khi đơn vị nộp báo cáo; bấm \"Đã nhận\" không dừng lời nhắc.\n")
	} else {
		fmt.Fprintf(&b, "Đề nghị %s chỉ đạo hoàn thành và gửi đúng hạn.\n", head)
	}
	if p.RequiresFile {
		b.WriteString("Cách nộp: gửi tệp báo cáo (PDF, Word, Excel) vào cuộc trò chuyện này, hoặc bấm \"📎 Nộp báo cáo\".\n")
	} else {
		b.WriteString("Cách nộp: bấm \"📎 Nộp báo cáo\" để xác nhận đã hoàn thành.\n")
	}
	fmt.Fprintf(&b, "\nTrân trọng,\n%s", office)
	return b.String()
}
