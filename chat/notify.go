package chat

import (
	"context"
	"fmt"
	"strconv"

	"cchcbot"
)

// notifyNewSubmission tells every admin of a new report, with buttons to
// accept or return it, when admin_notify is "each".
func (s *Service) notifyNewSubmission(ctx context.Context, u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission) error {
	if s.opts.AdminNotify != "each" {
		return nil
	}
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	late := "đúng hạn"
	if sub.Late() {
		late = fmt.Sprintf("trễ %d ngày", sub.DaysLate)
	}
	text := fmt.Sprintf("BÁO CÁO MỚI: %s – %s\nPhiên bản %d, %d tệp, nộp %s lúc %s bởi %s.\nSố biên nhận: %s",
		u.Name, p.Label, sub.Version, len(sub.Files), late, sub.SubmittedAt.In(s.calendar().Location).Format("15:04 02/01/2006"), sub.SubmitterName, sub.ReceiptNo())
	id := strconv.FormatUint(sub.ID, 10)
	for _, a := range admins {
		buttons := []cchcbot.Button{
			{Text: "✅ Tiếp nhận", Data: s.sign(a.User, cchcbot.ActionAccept, id)},
			{Text: "↩️ Trả lại", Data: s.sign(a.User, cchcbot.ActionReturn, id)},
		}
		// A notice that fails (an admin blocked the bot) must not undo the
		// member's receipt.
		if _, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: a.User, Text: text, Buttons: [][]cchcbot.Button{buttons}, Priority: cchcbot.PriorityBulk}); err != nil {
			s.opts.Logger.Warn("admin notice not delivered", "admin", string(a.User), "err", err)
		}
	}
	return nil
}

// NotifyAdmins sends text to every admin.
func (s *Service) NotifyAdmins(ctx context.Context, text string, buttons [][]cchcbot.Button) error {
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	for _, a := range admins {
		if _, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: a.User, Text: text, Buttons: buttons, Priority: cchcbot.PriorityBulk}); err != nil {
			s.opts.Logger.Warn("admin notice not delivered", "admin", string(a.User), "err", err)
		}
	}
	return nil
}

// MemberUnreachable records that a member can no longer be messaged (the
// outbound queue calls it on 403) and tells the admins; when no member of
// the unit is left reachable they are told the unit cannot be reached.
func (s *Service) MemberUnreachable(ctx context.Context, user cchcbot.UserID, reason string) error {
	m, err := s.opts.Store.Member(ctx, user)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return nil // an admin, or a stranger: nothing to record
	} else if err != nil {
		return err
	}
	if m.Unreachable {
		return nil // already known and reported
	}
	if err := s.opts.Store.SetReachable(ctx, user, false, reason, s.now()); err != nil {
		return err
	}
	u, err := s.opts.Store.Unit(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	members, err := s.opts.Store.Members(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	reachable := 0
	for _, x := range members {
		if !x.Unreachable {
			reachable++
		}
	}
	text := fmt.Sprintf("Không gửi được tin nhắn tới %s (%s), thành viên của %s: %s.", m.Name, user.Local(), u.Name, reason)
	if reachable == 0 {
		text += fmt.Sprintf("\n%s hiện KHÔNG LIÊN LẠC ĐƯỢC qua bot. Đề nghị liên hệ đơn vị và gửi đường link mời mới (/moi %s).", u.Name, u.Code)
	} else {
		text += fmt.Sprintf(" Đơn vị còn %d thành viên nhận được tin.", reachable)
	}
	return s.NotifyAdmins(ctx, text, nil)
}
