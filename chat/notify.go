package chat

import (
	"context"
	"fmt"
	"strconv"

	"cchcbot"
)

// notifyNewSubmission tells every admin of a new report, with buttons to
// accept or return it, when admin_notify is "each". The buttons are signed
// for each admin: a button forwarded to someone else is refused.
func (s *Service) notifyNewSubmission(ctx context.Context, u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission) error {
	if s.opts.AdminNotify != "each" {
		return nil
	}
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("BÁO CÁO MỚI: %s – %s\n", u.Name, p.Label) +
		reportHeader(u, p, s.now()) +
		fmt.Sprintf("Số biên nhận: %s\nPhiên bản %d, %d tệp, nộp %s lúc %s, người nộp: %s.",
			sub.ReceiptNo(), sub.Version, len(sub.Files), lateVN(sub), timeVN(sub.SubmittedAt, s.calendar().Location), or(sub.SubmitterName, sub.SubmittedBy.Local()))
	if sub.DocNumber != "" {
		text += "\nVăn bản số: " + docRef(sub.DocNumber, sub.DocDate)
	}
	if sub.Note != "" {
		text += "\nNội dung: " + sub.Note
	}
	id := strconv.FormatUint(sub.ID, 10)
	if s.opts.NoticesInBackground {
		// The member has the receipt; the notice must not be cut off by
		// the end of this update's handling.
		ctx = context.WithoutCancel(ctx)
		s.notices.Add(1)
		go func() {
			defer s.notices.Done()
			s.sendNotices(ctx, admins, text, id)
		}()
		return nil
	}
	s.sendNotices(ctx, admins, text, id)
	return nil
}

// Wait waits for the admin notices sent in the background: the caller
// stops the channel first, so a notice still paced gives up at once.
func (s *Service) Wait() { s.notices.Wait() }

func (s *Service) sendNotices(ctx context.Context, admins []cchcbot.Admin, text, id string) {
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
}

// NotifyAdmins sends text to every admin. A failed send to one admin is
// logged and does not stop the others.
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
// outbound queue calls it when the network refuses, e.g. Telegram's 403)
// and tells the admins which unit it concerns; when no member of the unit
// is left reachable, they are told the unit cannot be reached at all.
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
	return s.NotifyAdmins(ctx, text, nil)
}
