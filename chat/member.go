package chat

import (
	"context"
	"fmt"
	"strings"

	"cchcbot"
)

type handlerFn func(s *Service, ctx context.Context, w who, cmd Command) error

func memberCommand(name string) handlerFn {
	switch name {
	case "trangthai":
		return (*Service).ownStatus
	case "huongdan", "help":
		return (*Service).help
	case "huy", "cancel":
		return (*Service).cancel
	case "hoanthanh":
		return (*Service).complete
	}
	return nil
}

// MemberCommands lists the members' commands for the chat menu.
func MemberCommands() []cchcbot.Command {
	return []cchcbot.Command{
		{Name: "trangthai", Description: "Tình hình nộp báo cáo của đơn vị"},
		{Name: "hoanthanh", Description: "Xác nhận hoàn thành (báo cáo không cần tệp)"},
		{Name: "huy", Description: "Hủy thao tác đang làm"},
		{Name: "huongdan", Description: "Hướng dẫn sử dụng"},
	}
}

const memberHelp = `HƯỚNG DẪN NỘP BÁO CÁO
1. Gửi tệp báo cáo (PDF, Word, Excel, ODT/ODS, ZIP/RAR; ảnh chụp văn bản cũng được) vào cuộc trò chuyện này.
2. Chọn kỳ báo cáo. Có thể gửi thêm tệp (ví dụ phụ lục) trước khi xác nhận.
3. Nhập số hiệu và ngày ký văn bản (ví dụ: 123/BC-UBND ngày 10/02/2024) hoặc bấm "Bỏ qua".
4. Bấm "✅ Xác nhận nộp". Bot gửi biên nhận có số biên nhận.
Gửi lại báo cáo cho cùng kỳ sẽ tạo phiên bản mới; mọi phiên bản đều được lưu.

Các lệnh:
/trangthai – tình hình nộp báo cáo của đơn vị
/hoanthanh – xác nhận hoàn thành với báo cáo không cần tệp
/huy – hủy thao tác đang làm
/huongdan – hướng dẫn này`

const adminHelp = `CÁC LỆNH CỦA PHÒNG NỘI VỤ
/status [kỳ] – tổng hợp tình hình nộp (ví dụ: /status 02/2024)
/status <đơn vị> – lịch sử nộp của một đơn vị (ví dụ: /status chau loc)
/chuanop [kỳ] – chỉ các đơn vị chưa nộp
/xem <đơn vị> [kỳ] – xem tệp báo cáo đơn vị đã nộp
/tiepnhan <số biên nhận> – tiếp nhận báo cáo
/tralai <số biên nhận> <lý do> – trả lại báo cáo
/moi <đơn vị> – tạo đường link mời thành viên đơn vị
/moiadmin <họ tên> – tạo đường link mời cán bộ phòng Nội vụ
/thanhvien [đơn vị] – danh sách thành viên
/xoathanhvien <mã Telegram> – xóa thành viên
/nhacnho [kỳ] – gửi nhắc việc ngay tới các đơn vị chưa nộp
/lichnhac – các lần nhắc việc sắp tới`

func (s *Service) help(ctx context.Context, w who, cmd Command) error {
	text := memberHelp
	if w.admin {
		if w.member == nil {
			text = adminHelp
		} else {
			text += "\n\n" + adminHelp
		}
	}
	return s.reply(ctx, w.user, text)
}

func (s *Service) cancel(ctx context.Context, w who, cmd Command) error {
	s.opts.Store.PutState(ctx, returnKey(w.user), nil)
	if _, err := s.opts.Store.Draft(ctx, w.user); cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return s.reply(ctx, w.user, "Không có thao tác nào đang làm.")
	}
	if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
		return err
	}
	return s.reply(ctx, w.user, "Đã hủy hồ sơ đang soạn. Chưa có báo cáo nào được nộp.")
}

// ownStatus is /trangthai: the member's own unit, each open period and the
// last ones closed.
func (s *Service) ownStatus(ctx context.Context, w who, cmd Command) error {
	cal := s.calendar()
	now := s.now()
	today := cchcbot.DateOf(now)
	var b strings.Builder
	fmt.Fprintf(&b, "TÌNH HÌNH NỘP BÁO CÁO – %s\n", w.unit.Name)
	var periods []cchcbot.Period
	for _, p := range cal.Periods(today.AddDays(-100), today.AddDays(60)) {
		k, _ := cal.Kind(p.KindID)
		if k.Owes(w.unit) && !now.Before(p.Opens) {
			periods = append(periods, p)
		}
	}
	if len(periods) == 0 {
		b.WriteString("\nChưa có kỳ báo cáo nào đang mở.")
	}
	for _, p := range periods {
		versions, err := s.opts.Store.Submissions(ctx, p.ID, w.unit.Code)
		if err != nil {
			return err
		}
		var latest *cchcbot.Submission
		if len(versions) > 0 {
			latest = versions[len(versions)-1]
		}
		fmt.Fprintf(&b, "\n%s\n  Hạn nộp: %s %s", p.Label, p.Due.WeekdayVN(), p.Due.VN())
		if latest == nil {
			fmt.Fprintf(&b, " – %s\n  Trạng thái: CHƯA NỘP\n", cchcbot.DaysLeftVN(p.DaysLeft(now)))
			continue
		}
		fmt.Fprintf(&b, "\n  Trạng thái: %s", stateLine(latest))
		fmt.Fprintf(&b, "\n  Lần nộp gần nhất: %s (phiên bản %d, biên nhận %s)\n", latest.SubmittedAt.In(cal.Location).Format("15:04 02/01/2006"), latest.Version, latest.ReceiptNo())
	}
	return s.reply(ctx, w.user, b.String())
}

func stateLine(sub *cchcbot.Submission) string {
	switch {
	case sub.State == cchcbot.StateReturned:
		return "BỊ TRẢ LẠI – lý do: " + sub.Reason + ". Đề nghị gửi lại."
	case sub.State == cchcbot.StateAccepted && sub.Late():
		return fmt.Sprintf("Đã tiếp nhận (nộp trễ %d ngày)", sub.DaysLate)
	case sub.State == cchcbot.StateAccepted:
		return "Đã tiếp nhận (nộp đúng hạn)"
	case sub.Late():
		return fmt.Sprintf("Đã nộp, trễ %d ngày, chờ phòng Nội vụ tiếp nhận", sub.DaysLate)
	}
	return "Đã nộp đúng hạn, chờ phòng Nội vụ tiếp nhận"
}

// text answers plain text: the document number a draft waits for, the
// reason an admin gives for returning a report, or else a short help.
func (s *Service) text(ctx context.Context, w who, in cchcbot.Incoming) error {
	if w.admin {
		if handled, err := s.returnReason(ctx, w, in.Text); handled || err != nil {
			return err
		}
	}
	if w.member != nil {
		d, err := s.opts.Store.Draft(ctx, w.user)
		if err == nil {
			return s.draftText(ctx, w, d, in.Text)
		} else if cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
			return err
		}
		return s.reply(ctx, w.user, "Để nộp báo cáo, xin gửi tệp báo cáo vào cuộc trò chuyện này. Gõ /trangthai để xem tình hình nộp, /huongdan để xem hướng dẫn.")
	}
	return s.reply(ctx, w.user, "Gõ /status để xem tình hình nộp báo cáo, /huongdan để xem các lệnh.")
}
