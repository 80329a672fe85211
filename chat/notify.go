package chat

import (
	"context"
	"fmt"
	"strconv"

	"cchcbot"
)

// noticeAdmins returns the admins to tell of a new report: all of them
// when admin_notify is "each", none otherwise.
func (s *Service) noticeAdmins(ctx context.Context) ([]cchcbot.Admin, error) {
	if s.opts.AdminNotify != "each" {
		return nil, nil
	}
	return s.opts.Store.Admins(ctx)
}

// newSubmissionNotices are the "BÁO CÁO MỚI" notices to admins, with
// buttons to accept or return the report, signed for each admin: a button
// forwarded to someone else is refused. They are bulk: on a deadline day
// the admins' chats, paced at one message a second each, must not hold up
// the receipts.
func (s *Service) newSubmissionNotices(admins []cchcbot.Admin, u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission) []*cchcbot.Outgoing {
	if len(admins) == 0 {
		return nil
	}
	text := fmt.Sprintf("BÁO CÁO MỚI: %s – %s\n", u.Name, p.Label) +
		reportHeader(u, p, sub.SubmittedAt) +
		fmt.Sprintf("Số biên nhận: %s\nPhiên bản %d, %d tệp, nộp %s lúc %s, người nộp: %s.",
			sub.ReceiptNo(), sub.Version, len(sub.Files), lateVN(sub), timeVN(sub.SubmittedAt, s.calendar().Location), or(sub.SubmitterName, sub.SubmittedBy.Local()))
	if sub.DocNumber != "" {
		text += "\nVăn bản số: " + docRef(sub.DocNumber, sub.DocDate)
	}
	if sub.Note != "" {
		text += "\nNội dung: " + sub.Note
	}
	if sub.Explanation != "" {
		text += "\nLý do nộp trễ: " + sub.Explanation
	}
	id := strconv.FormatUint(sub.ID, 10)
	out := make([]*cchcbot.Outgoing, 0, len(admins))
	for _, a := range admins {
		buttons := []cchcbot.Button{
			{Text: "✅ Tiếp nhận", Data: s.sign(a.User, cchcbot.ActionAccept, id)},
			{Text: "↩️ Trả lại", Data: s.sign(a.User, cchcbot.ActionReturn, id)},
		}
		out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Buttons: [][]cchcbot.Button{buttons}, Priority: cchcbot.PriorityBulk})
	}
	return out
}

// NotifyAdmins queues text to every admin.
func (s *Service) NotifyAdmins(ctx context.Context, text string, buttons [][]cchcbot.Button) error {
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	return s.opts.Store.Queue(ctx, adminNotices(admins, text, buttons)...)
}

func adminNotices(admins []cchcbot.Admin, text string, buttons [][]cchcbot.Button) []*cchcbot.Outgoing {
	out := make([]*cchcbot.Outgoing, 0, len(admins))
	for _, a := range admins {
		out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Buttons: buttons, Priority: cchcbot.PriorityBulk})
	}
	return out
}

// MemberUnreachable records that a member can no longer be messaged (the
// outbox calls it when the network refuses, e.g. Telegram's 403) and tells
// the admins which unit it concerns; when no member of the unit is left
// reachable, they are told the unit cannot be reached at all. The mark and
// the admins' alert are one commit that happens once per member, however
// many refusals arrive together.
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
	u, err := s.opts.Store.Unit(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	members, err := s.opts.Store.Members(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	reachable := 0
	for _, x := range members {
		if !x.Unreachable && x.User != user {
			reachable++
		}
	}
	text := fmt.Sprintf("Không gửi được tin nhắn tới %s (mã %s), thành viên của %s: %s.", or(m.Name, "thành viên"), user.Local(), u.Name, or(reason, "bị từ chối"))
	if reachable == 0 {
		text += fmt.Sprintf("\n%s hiện KHÔNG LIÊN LẠC ĐƯỢC: không còn thành viên nào nhận được tin nhắn của bot, nên nhắc việc không đến được đơn vị. Đề nghị liên hệ %s và gửi đường link mời mới (/moi %s).",
			u.Name, headTitle(u), u.Code)
	} else {
		text += fmt.Sprintf(" Đơn vị còn %d thành viên nhận được tin nhắn.", reachable)
	}
	_, err = s.opts.Store.MarkUnreachable(ctx, user, reason, s.now(), func(cchcbot.Member) []*cchcbot.Outgoing {
		return adminNotices(admins, text, nil)
	})
	return err
}
