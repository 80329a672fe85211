package chat

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"cchcbot"
)

// /miennop excuses a unit from one period ("miễn nộp"): a merged commune,
// a unit not yet set up. It is no longer reminded nor counted as missing.
// The unit's members are told, and told again when it is taken back.

const exemptSyntax = "Cú pháp:\n/miennop <đơn vị> <kỳ> <lý do> – miễn nộp cho đơn vị, ví dụ: /miennop chau loc 02/2024 Đơn vị đang sáp nhập\n/miennop huy <đơn vị> <kỳ> – bỏ miễn nộp, ví dụ: /miennop huy chau loc 02/2024"

// exemptCmd is /miennop.
func (s *Service) exemptCmd(ctx context.Context, w who, cmd Command) error {
	args := cmd.Args
	undo := len(args) > 0 && fold(args[0]) == "huy"
	if undo {
		args = args[1:]
	}
	unitQuery, p, rest, ok := s.splitUnitPeriod(args)
	if !ok {
		if len(cmd.Args) == 0 {
			return s.exemptList(ctx, w)
		}
		return s.reply(ctx, w.user, "Không đọc được đơn vị và kỳ báo cáo (ví dụ kỳ: 02/2024, 2024 hoặc dot-xuat-3).\n"+exemptSyntax)
	}
	u, ok, err := s.lookupUnit(ctx, w, unitQuery)
	if !ok || err != nil {
		return err
	}
	if k, ok := s.calendar().Kind(p.KindID); !ok || !k.Owes(u) {
		return s.reply(ctx, w.user, fmt.Sprintf("%s không phải nộp %s nên không cần miễn nộp.", u.Name, p.Label))
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	now := s.now()
	if undo {
		if len(rest) > 0 {
			return s.reply(ctx, w.user, "Bỏ miễn nộp không cần lý do. "+exemptSyntax)
		}
		err := s.opts.Store.RemoveExemption(ctx, p.ID, u.Code, w.user, now)
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
			return s.reply(ctx, w.user, fmt.Sprintf("%s không được miễn nộp %s; không có gì thay đổi.", u.Name, p.Label))
		} else if err != nil {
			return err
		}
		s.opts.Logger.Info("exemption removed", "unit", u.Code, "period", p.ID, "by", string(w.user))
		up, err := s.unitPeriod(ctx, p, u.Code)
		if err != nil {
			return err
		}
		text := greeting(u) + fmt.Sprintf("%s thông báo: %s KHÔNG CÒN được miễn nộp %s. Đề nghị %s chỉ đạo gửi báo cáo; hạn nộp %s (%s).",
			s.opts.Office, u.Name, p.Label, headTitle(u), dueVN(up), cchcbot.DaysLeftVN(up.DaysLeft(now)))
		return s.opts.Store.Queue(ctx, append(memberNotices(members, text), replyTo(w.user, fmt.Sprintf("Đã bỏ miễn nộp %s cho %s. %s", p.Label, u.Name, toldVN(u, len(members)))))...)
	}
	reason := strings.Join(rest, " ")
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return s.reply(ctx, w.user, "Xin ghi lý do miễn nộp sau kỳ báo cáo. "+exemptSyntax)
	case n > maxReason:
		return s.reply(ctx, w.user, fmt.Sprintf("Lý do quá dài (tối đa %d ký tự).", maxReason))
	}
	x := cchcbot.Exemption{PeriodID: p.ID, UnitCode: u.Code, Reason: reason, By: w.user, ByName: w.name, At: now}
	created, err := s.opts.Store.SetExemption(ctx, x, func() []*cchcbot.Outgoing {
		text := greeting(u) + fmt.Sprintf("%s thông báo: %s được MIỄN NỘP %s.\nLý do: %s\nĐơn vị không phải gửi báo cáo này và không nhận nhắc việc về báo cáo này nữa.", s.opts.Office, u.Name, p.Label, reason)
		return append(memberNotices(members, text), replyTo(w.user, fmt.Sprintf("Đã miễn nộp %s cho %s (lý do: %s). %s Bỏ miễn nộp: /miennop huy %s %s.", p.Label, u.Name, reason, toldVN(u, len(members)), u.Code, periodArgOf(p))))
	})
	if err != nil {
		return err
	}
	if !created {
		return s.reply(ctx, w.user, fmt.Sprintf("%s đã được miễn nộp %s từ trước; không có gì thay đổi.", u.Name, p.Label))
	}
	s.opts.Logger.Info("exemption set", "unit", u.Code, "period", p.ID, "by", string(w.user))
	return nil
}

// periodArgOf is how a period is typed back in a command: its full id.
func periodArgOf(p cchcbot.Period) string { return p.ID }

// exemptList is /miennop alone: the syntax, and the exemptions of the
// periods taking reports now.
func (s *Service) exemptList(ctx context.Context, w who) error {
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(exemptSyntax + "\n\n")
	n := 0
	for _, p := range s.calendar().OpenPeriods(s.now()) {
		adj, err := s.opts.Store.Adjustments(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(adj.Exemptions) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s – các đơn vị được miễn nộp:\n", p.Label)
		for _, u := range units {
			if x := adj.Exemptions[u.Code]; x != nil {
				n++
				fmt.Fprintf(&b, "• %s: %s (%s, %s)\n", u.Name, x.Reason, or(x.ByName, x.By.Local()), cchcbot.DateOf(x.At.In(s.calendar().Location)).VN())
			}
		}
	}
	if n == 0 {
		b.WriteString("Hiện không có đơn vị nào được miễn nộp các kỳ báo cáo đang nhận bài.")
	}
	return s.reply(ctx, w.user, b.String())
}
