package chat

import (
	"context"
	"fmt"
	"strings"

	"cchcbot"
)

// start binds a person to a unit (or makes them an admin) with an invite
// code, or explains how to get one. The code is never logged.
func (s *Service) start(ctx context.Context, w who, in cchcbot.Incoming, code string) error {
	now := s.now()
	if code == "" {
		switch {
		case w.member != nil:
			return s.reply(ctx, in.User, s.welcome(ctx, w))
		case w.admin:
			return s.reply(ctx, in.User, "Xin chào đồng chí "+or(in.Name, "cán bộ quản trị")+". Tài khoản đã được ghi nhận là cán bộ quản trị của "+s.opts.Office+".\n\n"+adminHelp(s.opts.Office))
		}
		return s.unknownUser(ctx, in)
	}
	if blocked, until := s.limiter.Blocked(in.User, now); blocked {
		return s.reply(ctx, in.User, fmt.Sprintf("Tài khoản đã nhập sai mã mời nhiều lần nên tạm thời không được nhập mã. Xin vui lòng thử lại sau %s, hoặc liên hệ %s để được cấp đường link mới.", timeVN(until, s.calendar().Location), s.opts.Office))
	}
	hash := cchcbot.HashInviteCode(code)
	m := cchcbot.Member{User: in.User, Name: in.Name, Username: in.Username}
	inv, err := s.opts.Store.RedeemInvite(ctx, hash, m, now)
	if cchcbot.ErrorCode(err) == cchcbot.ECONFLICT {
		// The same /start delivered twice: the code was used by this very
		// person, so it is a success, not a mistake.
		if prev, ok := s.usedBy(ctx, hash, in.User); ok {
			inv, err = prev, nil
		}
	}
	switch cchcbot.ErrorCode(err) {
	case "":
	case cchcbot.ENOTFOUND, cchcbot.ECONFLICT, cchcbot.EEXPIRED:
		msg := cchcbot.ErrorMessage(err)
		if blocked, until := s.limiter.Fail(in.User, now); blocked {
			msg += fmt.Sprintf("\n\nDo đã nhập sai mã mời %d lần trong %d phút, tài khoản tạm thời không được nhập mã đến %s.",
				maxBadCodes, int(badCodeWindow.Minutes()), timeVN(until, s.calendar().Location))
		}
		s.opts.Logger.Info("invite refused", "user", string(in.User), "reason", cchcbot.ErrorCode(err))
		return s.reply(ctx, in.User, msg)
	default:
		return err
	}
	s.limiter.Reset(in.User)
	if inv.Admin {
		s.opts.Logger.Info("admin joined", "user", string(in.User))
		return s.reply(ctx, in.User, "Xin chào đồng chí "+or(inv.AdminName, in.Name)+". Tài khoản đã được ghi nhận là cán bộ quản trị của "+s.opts.Office+", theo dõi việc nộp báo cáo CCHC của các đơn vị.\n\n"+adminHelp(s.opts.Office))
	}
	w, err = s.identify(ctx, in)
	if err != nil {
		return err
	}
	if w.member == nil {
		return cchcbot.Errorf(cchcbot.ENOTFOUND, "Đơn vị của mã mời không còn trong danh sách. Xin liên hệ %s.", s.opts.Office)
	}
	s.opts.Logger.Info("member joined", "user", string(in.User), "unit", inv.UnitCode)
	return s.reply(ctx, in.User, s.welcome(ctx, w))
}

// usedBy returns the invite with the given hash if user consumed it.
func (s *Service) usedBy(ctx context.Context, hash string, user cchcbot.UserID) (cchcbot.Invite, bool) {
	invs, err := s.opts.Store.Invites(ctx)
	if err != nil {
		return cchcbot.Invite{}, false
	}
	for _, inv := range invs {
		if inv.Hash == hash && inv.UsedBy == user {
			return inv, true
		}
	}
	return cchcbot.Invite{}, false
}

// welcome introduces the bot to a member: their unit, who answers for it,
// and what it owes next.
func (s *Service) welcome(ctx context.Context, w who) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Xin chào %s. Tài khoản đã được ghi nhận là thành viên của %s (người chịu trách nhiệm: %s).\n\n",
		or(w.name, "đồng chí"), w.unit.Name, headTitle(w.unit))
	if p := w.member.Person; p != "" {
		fmt.Fprintf(&b, "Tài khoản này đã được liên kết với tài khoản %s của đồng chí: mỗi lời nhắc chỉ gửi tới một trong hai tài khoản.\n\n", channelLabel(p))
	}
	if lines := s.owedLines(ctx, w.unit); len(lines) > 0 {
		b.WriteString("Báo cáo đơn vị cần nộp:\n" + strings.Join(lines, "\n") + "\n\n")
	}
	b.WriteString("Để nộp báo cáo, xin gửi tệp báo cáo vào cuộc trò chuyện này. Bot sẽ nhắc việc trước và sau mỗi hạn nộp.\n")
	b.WriteString("Gõ /trangthai để xem tình hình nộp của đơn vị, /huongdan để xem hướng dẫn.")
	return b.String()
}

// owedLines lists what a unit owes: every open period it has not yet
// completed, and for each kind with none open, the next one.
func (s *Service) owedLines(ctx context.Context, u cchcbot.Unit) []string {
	cal := s.calendar()
	now := s.now()
	today := cchcbot.DateOf(now)
	var lines []string
	for _, k := range cal.Kinds {
		if !k.Owes(u) {
			continue
		}
		var open []cchcbot.Period
		for _, p := range cal.OpenPeriods(now) {
			if p.KindID != k.ID {
				continue
			}
			if l, err := s.latest(ctx, p.ID, u.Code); err == nil && cchcbot.StateOf(l).Done() {
				continue
			}
			open = append(open, p)
		}
		if len(open) == 0 {
			for _, p := range cal.PeriodsOf(k, today, today.AddDays(400)) {
				if now.Before(p.Opens) {
					open = append(open, p)
					break
				}
			}
		}
		for _, p := range open {
			lines = append(lines, fmt.Sprintf("• %s: hạn %s (%s)", p.Label, dueVN(p), cchcbot.DaysLeftVN(p.DaysLeft(now))))
		}
	}
	return lines
}

// latest returns a unit's latest version for a period, nil if none.
func (s *Service) latest(ctx context.Context, periodID, unitCode string) (*cchcbot.Submission, error) {
	versions, err := s.opts.Store.Submissions(ctx, periodID, unitCode)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	return versions[len(versions)-1], nil
}

// unknownUser is all a stranger hears, whatever they send: how to join,
// in the way their network allows.
func (s *Service) unknownUser(ctx context.Context, in cchcbot.Incoming) error {
	if in.Callback != nil {
		s.opts.Channel.AnswerCallback(ctx, in.Callback.ID, "Tài khoản chưa được đăng ký với đơn vị nào.")
	}
	how := "Xin liên hệ " + s.opts.Office + " để được cấp đường link mời dành cho đơn vị mình, rồi bấm vào đường link đó."
	if in.User.Channel() != cchcbot.ChannelTelegram {
		how = "Xin liên hệ " + s.opts.Office + " để được cấp mã mời dành cho đơn vị mình, rồi gửi mã đó vào cuộc trò chuyện này."
	}
	return s.reply(ctx, in.User, fmt.Sprintf(
		"Xin chào. Đây là bot nhận báo cáo cải cách hành chính của %s.\n\n"+
			"Tài khoản của bạn chưa được đăng ký với đơn vị nào. %s\n\n"+
			"Mã %s của bạn: %s (cung cấp cho %s khi cần).", s.opts.Office, how, channelLabel(in.User), in.User.Local(), s.opts.Office))
}

// bareInviteCode reports whether text is an invite code and nothing else,
// as a person on Zalo sends it (Telegram's deep link sends "/start CODE").
func bareInviteCode(text string) (string, bool) {
	code := strings.TrimSpace(text)
	if len(code) != cchcbot.InviteCodeLen {
		return "", false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "", false
		}
	}
	return code, true
}
