package chat

import (
	"context"
	"fmt"
	"strings"
	"time"

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
	case "lienket":
		return (*Service).link
	case "giahan":
		return (*Service).extensionCmd
	case "giaitrinh":
		return (*Service).explainCmd
	case "vangmat":
		return (*Service).absenceCmd
	}
	return nil
}

// MemberCommands lists the members' commands for the chat menu.
func MemberCommands() []cchcbot.Command {
	return []cchcbot.Command{
		{Name: "trangthai", Description: "Tình hình nộp báo cáo của đơn vị"},
		{Name: "hoanthanh", Description: "Xác nhận hoàn thành nhiệm vụ không cần tệp"},
		{Name: "giahan", Description: "Xin gia hạn nộp báo cáo"},
		{Name: "giaitrinh", Description: "Giải trình việc chậm nộp báo cáo"},
		{Name: "vangmat", Description: "Báo vắng mặt (nhắc việc gửi người khác)"},
		{Name: "huy", Description: "Hủy thao tác đang làm"},
		{Name: "lienket", Description: "Liên kết tài khoản Telegram với tài khoản Zalo của mình"},
		{Name: "huongdan", Description: "Hướng dẫn nộp báo cáo"},
	}
}

// link is /lienket: a single-use code that links the member's account on
// the other network to this one, so that the person is reminded once, on
// the account that suits (a free Zalo reply while their 48-hour window is
// open, else Telegram), and still reached on one when the other fails.
func (s *Service) link(ctx context.Context, w who, cmd Command) error {
	if s.opts.InviteLink == nil || s.opts.ZaloOALink == "" {
		return s.reply(ctx, w.user, "Bot hiện chỉ dùng một mạng nhắn tin, nên không có tài khoản nào để liên kết.")
	}
	code, err := s.createInvite(ctx, w, cchcbot.Invite{UnitCode: w.unit.Code, LinkTo: w.user})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("link code created", "user", string(w.user))
	other := "Trên Zalo: quan tâm Official Account " + s.opts.ZaloOALink + ", rồi gửi mã sau vào cuộc trò chuyện với OA: " + code
	if w.user.Channel() == cchcbot.ChannelZalo {
		other = "Trên Telegram: bấm vào đường link " + s.opts.InviteLink(code)
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Mã liên kết tài khoản (dùng một lần, hết hạn lúc %s). Từ tài khoản còn lại của chính mình:\n%s\n\nSau khi liên kết, mỗi lời nhắc chỉ gửi tới một trong hai tài khoản; nộp báo cáo từ tài khoản nào cũng được.",
		timeVN(s.now().Add(s.opts.InviteTTL), s.calendar().Location), other))
}

func (s *Service) help(ctx context.Context, w who, cmd Command) error {
	text := memberHelp
	switch {
	case w.admin && w.member == nil:
		text = adminHelp(s.opts.Office)
	case w.admin:
		text += "\n\n" + adminHelp(s.opts.Office)
	}
	return s.reply(ctx, w.user, text)
}

// cancel is /huy: drop the draft, or an admin's pending return.
func (s *Service) cancel(ctx context.Context, w who, cmd Command) error {
	var done []string
	if w.admin {
		if id, ok, err := s.pendingReturn(ctx, w); err != nil {
			return err
		} else if ok {
			if err := s.opts.Store.PutState(ctx, returnKey(w.user), nil); err != nil {
				return err
			}
			done = append(done, fmt.Sprintf("Đã thôi trả lại hồ sơ số %d.", id))
		}
	}
	mine, err := s.cancelWorkflows(ctx, w)
	if err != nil {
		return err
	}
	done = append(done, mine...)
	if _, ok, err := s.loadDraft(ctx, w); err != nil {
		return err
	} else if ok {
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		done = append(done, "Đã hủy hồ sơ đang soạn. Chưa có báo cáo nào được nộp.")
	}
	if len(done) == 0 {
		return s.reply(ctx, w.user, "Không có thao tác nào đang làm.")
	}
	return s.reply(ctx, w.user, strings.Join(done, "\n"))
}

// closedShown is how many closed periods /trangthai shows.
const closedShown = 3

// ownStatus is /trangthai: the member's own unit, each open period and the
// last ones closed.
func (s *Service) ownStatus(ctx context.Context, w who, cmd Command) error {
	cal := s.calendar()
	now := s.now()
	today := cchcbot.DateOf(now)
	var open, closed []cchcbot.Period
	for _, p := range cal.Periods(today.AddDays(-400), today.AddDays(400)) {
		k, _ := cal.Kind(p.KindID)
		switch {
		case !k.Owes(w.unit) || now.Before(p.Opens) || k.Cancelled: // a request withdrawn
		case p.IsOpen(now):
			open = append(open, p)
		default:
			closed = append(closed, p)
		}
	}
	closed = closed[max(0, len(closed)-closedShown):]
	var b strings.Builder
	fmt.Fprintf(&b, "TÌNH HÌNH NỘP BÁO CÁO – %s\nNgười chịu trách nhiệm: %s\n", w.unit.Name, headTitle(w.unit))
	if len(open) == 0 {
		b.WriteString("\nHiện không có kỳ báo cáo nào đang nhận bài.\n")
	}
	for _, p := range open {
		if err := s.periodLine(ctx, &b, w.unit, p, now); err != nil {
			return err
		}
	}
	if len(closed) > 0 {
		b.WriteString("\nCÁC KỲ ĐÃ KẾT THÚC:\n")
		for _, p := range closed {
			if err := s.periodLine(ctx, &b, w.unit, p, now); err != nil {
				return err
			}
		}
	}
	if lines := s.owedLines(ctx, w.unit); len(lines) == 0 {
		b.WriteString("\nĐơn vị đã hoàn thành các báo cáo đang đến hạn.")
	}
	return s.reply(ctx, w.user, b.String())
}

// periodLine writes one period of a unit: deadline, state and versions.
func (s *Service) periodLine(ctx context.Context, b *strings.Builder, u cchcbot.Unit, p cchcbot.Period, now time.Time) error {
	versions, err := s.opts.Store.Submissions(ctx, p.ID, u.Code)
	if err != nil {
		return err
	}
	// The unit's own deadline (an extension) and the period's decisions.
	p, dec, err := s.unitView(ctx, p, u.Code)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "\n%s\n  Hạn nộp: %s%s", p.Label, dueVN(p), extendedVN(p))
	if len(versions) == 0 {
		state := "CHƯA NỘP"
		switch {
		case dec.Exemption != nil:
			state = "ĐƯỢC MIỄN NỘP (lý do: " + dec.Exemption.Reason + ")"
		case !p.IsOpen(now):
			state = "KHÔNG NỘP (đã hết thời gian nhận)"
		}
		fmt.Fprintf(b, " – %s\n  Trạng thái: %s\n", cchcbot.DaysLeftVN(p.DaysLeft(now)), state)
		s.writeDecisions(b, dec)
		return nil
	}
	latest := versions[len(versions)-1]
	fmt.Fprintf(b, "\n  Trạng thái: %s\n", stateLine(latest))
	for _, v := range versions {
		fmt.Fprintf(b, "  – phiên bản %d: %s, %s, biên nhận %s\n", v.Version, timeVN(v.SubmittedAt, s.calendar().Location), lateVN(v), v.ReceiptNo())
	}
	s.writeDecisions(b, dec)
	return nil
}

// text answers plain text: the document number or note a draft waits for,
// the reason an admin gives for returning a report, or else a short help.
func (s *Service) text(ctx context.Context, w who, in cchcbot.Incoming) error {
	if w.admin {
		if handled, err := s.returnReason(ctx, w, in.Text); handled || err != nil {
			return err
		}
	}
	if handled, err := s.workflowText(ctx, w, in.Text); handled || err != nil {
		return err
	}
	if w.member != nil {
		d, ok, err := s.loadDraft(ctx, w)
		if err != nil {
			return err
		}
		if ok {
			return s.draftText(ctx, w, d, in.Text)
		}
		return s.reply(ctx, w.user, msgMemberHint)
	}
	return s.reply(ctx, w.user, msgAdminHint)
}
