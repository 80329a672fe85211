package chat

import (
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// Every message about a report follows the district letter's rule "rõ
// người, rõ việc, rõ trách nhiệm, rõ thời gian hoàn thành": it names the
// unit, the report and its period, the deadline and who answers for it.
//
// No message assumes a district: since 01/07/2025 the office may be a
// province's Sở Nội vụ or a commune's own. A message that can name the
// office takes its name from the config (Options.Office); the constants
// below, which cannot, say "cán bộ quản trị" (the admins) and "cơ quan
// nhận báo cáo" (the office).

const (
	msgInternal    = "Hệ thống gặp lỗi khi xử lý yêu cầu. Xin vui lòng thử lại sau ít phút; nếu vẫn lỗi, xin báo cơ quan nhận báo cáo."
	msgAdminOnly   = "Lệnh này chỉ dành cho cán bộ quản trị của cơ quan nhận báo cáo. Để xem tình hình nộp báo cáo của đơn vị mình, xin gõ /trangthai."
	msgAdminNoUnit = "Tài khoản cán bộ quản trị không gắn với đơn vị nào nên không nộp báo cáo được. Nếu cần nộp thay đơn vị, xin dùng tài khoản đã được mời vào đơn vị đó."
	staleButton    = "Nút bấm này không còn hiệu lực."
	msgMemberHint  = "Để nộp báo cáo, xin gửi tệp báo cáo vào cuộc trò chuyện này. Gõ /trangthai để xem tình hình nộp của đơn vị, /huongdan để xem hướng dẫn."
	msgAdminHint   = "Gõ /status để xem tình hình nộp báo cáo, /huongdan để xem các lệnh."
)

// timeFormat is how instants are written to people: dd/mm/yyyy HH:MM.
const timeFormat = "02/01/2006 15:04"

func timeVN(t time.Time, loc *time.Location) string { return t.In(loc).Format(timeFormat) }

// headTitle is who answers for a unit's reports.
func headTitle(u cchcbot.Unit) string { return or(u.HeadTitle, "Thủ trưởng đơn vị") }

// dueVN writes a deadline with its weekday: "Thứ Năm 15/02/2024".
func dueVN(p cchcbot.Period) string { return p.Due.WeekdayVN() + " " + p.Due.VN() }

// reportHeader is the block that opens every message about one unit's
// report for one period.
func reportHeader(u cchcbot.Unit, p cchcbot.Period, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Đơn vị: %s\nNgười chịu trách nhiệm: %s\nBáo cáo: %s\n", u.Name, headTitle(u), p.Label)
	if p.HasWindow() {
		fmt.Fprintf(&b, "Số liệu: %s\n", p.WindowVN())
	}
	fmt.Fprintf(&b, "Hạn nộp: %s%s", dueVN(p), extendedVN(p))
	if p.Shifted() && !p.Extended() {
		fmt.Fprintf(&b, " (hạn %s trùng ngày nghỉ, lùi sang ngày làm việc tiếp theo)", p.NominalDue.VN())
	}
	if !now.IsZero() {
		fmt.Fprintf(&b, " – %s", cchcbot.DaysLeftVN(p.DaysLeft(now)))
	}
	b.WriteString("\n")
	return b.String()
}

// docRef writes a document's number and signing date.
func docRef(number string, date cchcbot.Date) string {
	if date.IsZero() {
		return number
	}
	return number + " ngày " + date.VN()
}

// receipt is the member's proof of submission.
func receipt(loc *time.Location, u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission) string {
	var b strings.Builder
	fmt.Fprintf(&b, "BIÊN NHẬN BÁO CÁO\nSố biên nhận: %s\nThời gian nhận: %s\n", sub.ReceiptNo(), timeVN(sub.SubmittedAt, loc))
	b.WriteString(reportHeader(u, p, time.Time{}))
	fmt.Fprintf(&b, "Phiên bản: %d", sub.Version)
	if sub.Version > 1 {
		b.WriteString(" (thay cho các lần nộp trước; mọi phiên bản đều được lưu)")
	}
	b.WriteString("\n")
	if sub.DocNumber != "" {
		fmt.Fprintf(&b, "Văn bản số: %s\n", docRef(sub.DocNumber, sub.DocDate))
	}
	for i, f := range sub.Files {
		fmt.Fprintf(&b, "Tệp %d: %s (%s, mã kiểm tra SHA-256 %s)\n", i+1, f.Name, cchcbot.FormatSize(f.Size), shortSum(f.SHA256))
	}
	if sub.Note != "" {
		fmt.Fprintf(&b, "Nội dung: %s\n", sub.Note)
	}
	fmt.Fprintf(&b, "Người nộp: %s\n", or(sub.SubmitterName, sub.SubmittedBy.Local()))
	switch {
	case sub.Late() && p.Extended():
		fmt.Fprintf(&b, "Tình trạng: NỘP TRỄ %d ngày so với hạn %s (đã gia hạn).\n", sub.DaysLate, p.Due.VN())
	case sub.Late():
		fmt.Fprintf(&b, "Tình trạng: NỘP TRỄ %d ngày so với hạn %s.\n", sub.DaysLate, p.Due.VN())
	case p.Extended():
		fmt.Fprintf(&b, "Tình trạng: nộp đúng hạn (gia hạn đến %s).\n", p.Due.VN())
	default:
		fmt.Fprintf(&b, "Tình trạng: nộp đúng hạn (hạn %s).\n", p.Due.VN())
	}
	if sub.Explanation != "" {
		fmt.Fprintf(&b, "Lý do nộp trễ: %s\n", sub.Explanation)
	}
	b.WriteString("Báo cáo sẽ được xem xét; kết quả tiếp nhận được thông báo trong cuộc trò chuyện này.")
	return b.String()
}

func shortSum(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// lateVN is "đúng hạn" or "trễ N ngày".
func lateVN(sub *cchcbot.Submission) string {
	if sub.Late() {
		return fmt.Sprintf("trễ %d ngày", sub.DaysLate)
	}
	return "đúng hạn"
}

// stateLine says where a unit's latest version stands.
func stateLine(sub *cchcbot.Submission) string {
	switch {
	case sub.State == cchcbot.StateReturned:
		return "BỊ TRẢ LẠI – lý do: " + sub.Reason + ". Đề nghị gửi lại."
	case sub.State == cchcbot.StateAccepted:
		return "Đã tiếp nhận (nộp " + lateVN(sub) + ")"
	}
	return "Đã nộp " + lateVN(sub) + ", chờ tiếp nhận"
}

// channelLabel names a chat network for people.
func channelLabel(u cchcbot.UserID) string {
	switch c := u.Channel(); c {
	case cchcbot.ChannelTelegram:
		return "Telegram"
	case "zalo":
		return "Zalo"
	case "":
		return "tài khoản"
	default:
		return c
	}
}

const memberHelp = `HƯỚNG DẪN NỘP BÁO CÁO
1. Gửi tệp báo cáo (PDF, Word, Excel, ODT/ODS, ZIP/RAR; ảnh chụp văn bản JPG/PNG cũng được) vào cuộc trò chuyện này. Mỗi lần nộp tối đa 10 tệp.
2. Chọn kỳ báo cáo. Có thể gửi thêm tệp (ví dụ phụ lục) trước khi xác nhận.
3. Nhập số hiệu và ngày ký văn bản (ví dụ: 123/BC-UBND ngày 10/02/2024) hoặc bấm "Bỏ qua".
4. Bấm "✅ Xác nhận nộp". Bot gửi biên nhận có số biên nhận.
Gửi lại báo cáo cho cùng kỳ sẽ tạo phiên bản mới; mọi phiên bản đều được lưu.
Với nhiệm vụ chỉ cần xác nhận (không kèm tệp), gõ /hoanthanh.

Các lệnh:
/trangthai – tình hình nộp báo cáo của đơn vị
/hoanthanh – xác nhận hoàn thành nhiệm vụ không cần tệp
/giahan [kỳ] – xin gia hạn nộp báo cáo: chọn kỳ, nhập ngày đề nghị và lý do
/giaitrinh [kỳ] – giải trình việc chưa nộp được báo cáo
/vangmat dd/mm/yyyy - dd/mm/yyyy [lý do] – báo vắng mặt; nhắc việc trong thời gian đó gửi tới thành viên khác của đơn vị (/vangmat để xem, /vangmat huy <số> để hủy)
/huy – hủy thao tác đang làm
/lienket – liên kết tài khoản Telegram với tài khoản Zalo của mình (khi bot dùng cả hai)
/huongdan – hướng dẫn này`

// adminHelp is /huongdan for the office's staff, headed by the office's
// own name.
func adminHelp(office string) string {
	return "CÁC LỆNH CỦA " + strings.ToUpper(office) + "\n" + adminCommandsHelp
}

const adminCommandsHelp = `/status [kỳ] – tổng hợp tình hình nộp (ví dụ: /status 02/2024)
/status <đơn vị> – lịch sử nộp của một đơn vị (ví dụ: /status chau loc)
/chuanop [kỳ] – chỉ các đơn vị chưa hoàn thành
/xem <đơn vị> [kỳ] – xem tệp báo cáo đơn vị đã nộp
/tiepnhan <số biên nhận> – tiếp nhận báo cáo
/tralai <số biên nhận> <lý do> – trả lại báo cáo
/moi <đơn vị> – tạo đường link mời thành viên đơn vị (/moi <đơn vị> thutruong: mời thủ trưởng đơn vị)
/moiadmin <họ tên> – tạo đường link mời cán bộ quản trị
/thanhvien [đơn vị] – danh sách thành viên
/xoathanhvien <mã tài khoản> – xóa thành viên
/nhacnho [kỳ] – gửi nhắc việc ngay tới các đơn vị chưa nộp
/lichnhac – các lần nhắc việc sắp tới
/xuat [năm hoặc kỳ] – bảng tổng hợp Excel (ví dụ: /xuat 2024, /xuat 02/2024)
/luutru [kỳ] – tệp nén chứa báo cáo của mọi đơn vị trong kỳ, kèm danh mục
/tonghop [kỳ] – đoạn văn tổng hợp để đưa vào báo cáo CCHC định kỳ
/web – đường link đăng nhập trang quản lý trên trình duyệt (dùng một lần, trong 10 phút)
/yeucau – tạo yêu cầu báo cáo đột xuất (từng bước) và xem các yêu cầu đã tạo
/yeucau doihan <mã> <dd/mm/yyyy> – đổi hạn nộp; /yeucau huy <mã> <lý do> – hủy yêu cầu
/giahan <đơn vị> <kỳ> <dd/mm/yyyy> [lý do] – gia hạn cho đơn vị (đơn xin gia hạn của đơn vị được xét bằng nút bấm)
/miennop <đơn vị> <kỳ> <lý do> – miễn nộp cho đơn vị; /miennop huy <đơn vị> <kỳ> – bỏ miễn nộp
/vangmat <thành viên hoặc đơn vị> dd/mm/yyyy - dd/mm/yyyy – báo vắng mặt cho thành viên; /vangmat – danh sách
/huy – thôi thao tác đang làm`

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
