package chat

import (
	"context"
	"fmt"
	"strings"

	"cchcbot"
)

// start binds a person to a unit (or makes them an admin) with an invite
// code, or explains how to get one.
func (s *Service) start(ctx context.Context, w who, in cchcbot.Incoming, code string) error {
	now := s.now()
	if code == "" {
		switch {
		case w.member != nil:
			return s.reply(ctx, in.User, s.welcome(ctx, w))
		case w.admin:
			return s.reply(ctx, in.User, "Xin chào cán bộ phòng Nội vụ. Gõ /huongdan để xem các lệnh.")
		}
		return s.unknownUser(ctx, in)
	}
	if blocked, until := s.limiter.Blocked(in.User, now); blocked {
		return s.reply(ctx, in.User, fmt.Sprintf("Bạn đã nhập sai mã mời nhiều lần. Xin vui lòng thử lại sau %s, hoặc liên hệ phòng Nội vụ để được cấp đường link mới.", until.In(s.calendar().Location).Format("15:04")))
	}
	m := cchcbot.Member{User: in.User, Name: in.Name, Username: in.Username}
	inv, err := s.opts.Store.RedeemInvite(ctx, cchcbot.HashInviteCode(code), m, now)
	if err != nil {
		switch cchcbot.ErrorCode(err) {
		case cchcbot.ENOTFOUND, cchcbot.ECONFLICT, cchcbot.EEXPIRED:
			s.limiter.Fail(in.User, now)
			return s.reply(ctx, in.User, cchcbot.ErrorMessage(err))
		}
		return err
	}
	if inv.Admin {
		return s.reply(ctx, in.User, "Xin chào đồng chí "+in.Name+". Tài khoản đã được ghi nhận là cán bộ phòng Nội vụ, quản lý việc nộp báo cáo CCHC của các đơn vị.\n\n"+adminHelp)
	}
	w, err = s.identify(ctx, in)
	if err != nil {
		return err
	}
	s.opts.Logger.Info("member joined", "user", string(in.User), "unit", inv.UnitCode)
	return s.reply(ctx, in.User, s.welcome(ctx, w))
}

// welcome introduces the bot to a member: their unit, who answers for it,
// and what it owes next.
func (s *Service) welcome(ctx context.Context, w who) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Xin chào %s. Tài khoản đã được ghi nhận là thành viên của %s", w.name, w.unit.Name)
	if w.unit.HeadTitle != "" {
		fmt.Fprintf(&b, " (người chịu trách nhiệm: %s)", w.unit.HeadTitle)
	}
	b.WriteString(".\n\n")
	cal := s.calendar()
	today := cchcbot.DateOf(s.now())
	var lines []string
	for _, k := range cal.Kinds {
		if !k.Owes(w.unit) {
			continue
		}
		for _, p := range cal.PeriodsOf(k, today, today.AddDays(400)) {
			lines = append(lines, fmt.Sprintf("• %s: hạn %s %s", p.Label, p.Due.WeekdayVN(), p.Due.VN()))
			break
		}
	}
	if len(lines) > 0 {
		b.WriteString("Báo cáo sắp đến hạn của đơn vị:\n" + strings.Join(lines, "\n") + "\n\n")
	}
	b.WriteString("Để nộp báo cáo, xin gửi tệp báo cáo vào cuộc trò chuyện này. Bot sẽ nhắc việc trước và sau mỗi hạn nộp.\n")
	b.WriteString("Gõ /trangthai để xem tình hình nộp của đơn vị, /huongdan để xem hướng dẫn.")
	return b.String()
}

func (s *Service) unknownUser(ctx context.Context, in cchcbot.Incoming) error {
	if in.Callback != nil {
		s.opts.Channel.AnswerCallback(ctx, in.Callback.ID, "Tài khoản chưa được đăng ký.")
	}
	return s.reply(ctx, in.User, fmt.Sprintf(
		"Xin chào. Đây là bot nhận báo cáo cải cách hành chính của %s.\n\n"+
			"Tài khoản của bạn chưa được đăng ký với đơn vị nào. Xin liên hệ phòng Nội vụ để được cấp đường link mời dành cho đơn vị mình, rồi bấm vào đường link đó.\n\n"+
			"Mã Telegram của bạn: %s (cung cấp cho phòng Nội vụ khi cần).", s.opts.Office, in.User.Local()))
}
