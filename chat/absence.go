package chat

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cchcbot"
)

// /vangmat marks a member away ("vắng mặt") from a date to a date: the
// reminders falling in it go to the unit's other members. A member marks
// themself; an admin marks a member named by their name or account id, or
// by their unit when it has one member. /vangmat alone lists the
// absences, each with how to cancel it.

// maxAbsenceDays bounds one absence: a longer one is a member who should
// be replaced (/xoathanhvien, /moi).
const maxAbsenceDays = 90

// rangeRe finds "dd/mm/yyyy - dd/mm/yyyy" (or "đến", "–") in a text.
var rangeRe = regexp.MustCompile(`(?i)(\d{1,2}/\d{1,2}/\d{4})(?:\s*(?:-|–|đến|den)\s*(\d{1,2}/\d{1,2}/\d{4}))?`)

const absenceSyntax = "Cú pháp: /vangmat dd/mm/yyyy - dd/mm/yyyy [lý do], ví dụ: /vangmat 10/03/2024 - 15/03/2024 Đi học lớp bồi dưỡng (có thể ghi \"đến\" thay cho dấu \"-\"; vắng một ngày thì ghi một ngày). Gõ /vangmat để xem các lần vắng mặt đã báo; hủy: /vangmat huy <số>."

const absenceAdminSyntax = "Cú pháp (cán bộ quản trị): /vangmat <tên thành viên hoặc đơn vị> dd/mm/yyyy - dd/mm/yyyy [lý do], ví dụ: /vangmat Lê Văn Lộc 10/03/2024 - 15/03/2024 Nghỉ phép. Gõ /vangmat để xem các lần vắng mặt; hủy: /vangmat huy <số>."

// absenceCmd is /vangmat.
func (s *Service) absenceCmd(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.absenceList(ctx, w)
	}
	if fold(cmd.Args[0]) == "huy" {
		return s.cancelAbsence(ctx, w, cmd.Args[1:])
	}
	loc := rangeRe.FindStringSubmatchIndex(cmd.Arg)
	if loc == nil {
		if w.admin {
			return s.reply(ctx, w.user, "Chưa có ngày vắng mặt. "+absenceAdminSyntax)
		}
		return s.reply(ctx, w.user, "Chưa có ngày vắng mặt. "+absenceSyntax)
	}
	before := strings.TrimSpace(cmd.Arg[:loc[0]])
	if f := strings.Fields(before); len(f) > 0 && fold(f[len(f)-1]) == "tu" { // "từ 10/03/2024 đến ..."
		before = strings.TrimSpace(strings.Join(f[:len(f)-1], " "))
	}
	reason := strings.TrimSpace(cmd.Arg[loc[1]:])
	from, err := parseDate(cmd.Arg[loc[2]:loc[3]])
	if err != nil {
		return err
	}
	to := from
	if loc[4] >= 0 {
		if to, err = parseDate(cmd.Arg[loc[4]:loc[5]]); err != nil {
			return err
		}
	}
	var m cchcbot.Member
	switch {
	case before == "" && w.member != nil:
		m = *w.member
	case before == "":
		return s.reply(ctx, w.user, "Tài khoản cán bộ quản trị không gắn với đơn vị nào. Xin ghi tên thành viên vắng mặt. "+absenceAdminSyntax)
	case !w.admin:
		return s.reply(ctx, w.user, "Thành viên chỉ báo vắng mặt cho chính mình; ngày ghi ngay sau lệnh. "+absenceSyntax)
	default:
		var ok bool
		if m, ok, err = s.lookupMember(ctx, w, before); !ok || err != nil {
			return err
		}
	}
	return s.addAbsence(ctx, w, m, from, to, reason)
}

// lookupMember finds the member an admin names: an account id, a name
// (without diacritics too), or a unit with one member. When none or
// several match it answers itself and reports false.
func (s *Service) lookupMember(ctx context.Context, w who, query string) (cchcbot.Member, bool, error) {
	all, err := s.opts.Store.Members(ctx, "")
	if err != nil {
		return cchcbot.Member{}, false, err
	}
	q := fold(query)
	var exact, partial []cchcbot.Member
	for _, m := range all {
		switch name := fold(m.Name); {
		case string(m.User) == query || m.User.Local() == query || name == q:
			exact = append(exact, m)
		case q != "" && strings.Contains(name, q):
			partial = append(partial, m)
		}
	}
	found := exact
	if len(found) == 0 {
		found = partial
	}
	if len(found) == 0 {
		units, err := s.opts.Store.Units(ctx)
		if err != nil {
			return cchcbot.Member{}, false, err
		}
		if us := FindUnits(units, query); len(us) == 1 {
			for _, m := range all {
				if m.UnitCode == us[0].Code {
					found = append(found, m)
				}
			}
			if len(found) == 0 {
				return cchcbot.Member{}, false, s.reply(ctx, w.user, fmt.Sprintf("%s chưa có thành viên nào.", us[0].Name))
			}
		}
	}
	switch len(found) {
	case 0:
		return cchcbot.Member{}, false, s.reply(ctx, w.user, fmt.Sprintf("Không tìm thấy thành viên hoặc đơn vị \"%s\". Xem danh sách bằng /thanhvien. %s", query, absenceAdminSyntax))
	case 1:
		return found[0], true, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Có %d thành viên khớp với \"%s\". Xin ghi họ tên đầy đủ hoặc mã tài khoản:\n", len(found), query)
	for i, m := range found {
		if i == 20 {
			b.WriteString("...\n")
			break
		}
		fmt.Fprintf(&b, "• %s (mã %s), %s\n", or(m.Name, "—"), m.User.Local(), s.unitName(ctx, m.UnitCode))
	}
	return cchcbot.Member{}, false, s.reply(ctx, w.user, b.String())
}

func (s *Service) unitName(ctx context.Context, code string) string {
	if u, err := s.opts.Store.Unit(ctx, code); err == nil {
		return u.Name
	}
	return code
}

// addAbsence records m away from from to to, after checking the range.
func (s *Service) addAbsence(ctx context.Context, w who, m cchcbot.Member, from, to cchcbot.Date, reason string) error {
	today := cchcbot.DateOf(s.now())
	switch {
	case to.Before(from):
		return s.reply(ctx, w.user, fmt.Sprintf("Ngày kết thúc %s trước ngày bắt đầu %s. Xin ghi ngày bắt đầu trước, ví dụ: /vangmat %s - %s.", to.VN(), from.VN(), to.VN(), from.VN()))
	case from.Before(today):
		return s.reply(ctx, w.user, fmt.Sprintf("Ngày bắt đầu %s đã qua. Xin báo vắng mặt từ hôm nay (%s) trở đi.", from.VN(), today.VN()))
	case from.DaysUntil(to)+1 > maxAbsenceDays:
		return s.reply(ctx, w.user, fmt.Sprintf("Mỗi lần báo vắng mặt không quá %d ngày (từ %s đến %s là %d ngày). Nếu vắng lâu hơn, xin đề nghị đơn vị cử người khác nhận nhắc việc.", maxAbsenceDays, from.VN(), to.VN(), from.DaysUntil(to)+1))
	case utf8.RuneCountInString(reason) > maxReason:
		return s.reply(ctx, w.user, fmt.Sprintf("Lý do quá dài (tối đa %d ký tự).", maxReason))
	}
	existing, err := s.opts.Store.Absences(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	for _, a := range existing {
		if a.Member == m.User && !a.To.Before(from) && !a.From.After(to) {
			return s.reply(ctx, w.user, fmt.Sprintf("%s đã được báo vắng mặt từ %s đến %s (số %d), trùng với khoảng ngày này. Nếu cần sửa, xin hủy lần đó (/vangmat huy %d) rồi báo lại.",
				or(m.Name, "Thành viên"), a.From.VN(), a.To.VN(), a.ID, a.ID))
		}
	}
	a := &cchcbot.Absence{Member: m.User, UnitCode: m.UnitCode, From: from, To: to, Reason: reason, By: w.user, ByName: w.name, At: s.now()}
	if err := s.opts.Store.AddAbsence(ctx, a); err != nil {
		return err
	}
	s.opts.Logger.Info("absence added", "absence", a.ID, "member", string(m.User), "by", string(w.user))
	// Who else of the unit is reachable and not away in the whole range.
	members, err := s.opts.Store.Members(ctx, m.UnitCode)
	if err != nil {
		return err
	}
	away := map[cchcbot.UserID]bool{m.User: true}
	for _, x := range existing {
		if !x.To.Before(from) && !x.From.After(to) {
			away[x.Member] = true
		}
	}
	others := 0
	for _, x := range members {
		if !away[x.User] && !x.Unreachable && x.PersonKey() != m.PersonKey() {
			others++
		}
	}
	span := "ngày " + from.VN()
	if to != from {
		span = "từ " + from.VN() + " đến " + to.VN()
	}
	subject := "đồng chí"
	if m.User != w.user {
		subject = or(m.Name, "thành viên") + " (" + s.unitName(ctx, m.UnitCode) + ")"
	}
	text := fmt.Sprintf("Đã ghi nhận %s vắng mặt %s (số %d). ", subject, span, a.ID)
	if others > 0 {
		text += fmt.Sprintf("Nhắc việc trong thời gian này được gửi tới %d thành viên khác của %s.", others, s.unitName(ctx, m.UnitCode))
	} else {
		text += fmt.Sprintf("Lưu ý: %s không còn thành viên nào khác nhận được nhắc việc trong thời gian này; cán bộ quản trị sẽ được báo trước lần nhắc đầu tiên. Nên đề nghị đơn vị cử người nhận thay (/moi).", s.unitName(ctx, m.UnitCode))
	}
	text += fmt.Sprintf(" Hủy: /vangmat huy %d.", a.ID)
	msgs := []*cchcbot.Outgoing{replyTo(w.user, text)}
	if m.User != w.user {
		msgs = append(msgs, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: m.User, Priority: cchcbot.PriorityInteractive,
			Text: fmt.Sprintf("%s đã ghi nhận đồng chí vắng mặt %s. Nhắc việc trong thời gian này được gửi tới các thành viên khác của đơn vị. Nếu không đúng, xin gõ /vangmat huy %d.", s.opts.Office, span, a.ID)})
	}
	return s.opts.Store.Queue(ctx, msgs...)
}

// absenceList is /vangmat alone: the person's own absences not yet over
// (a member), or everyone's (an admin).
func (s *Service) absenceList(ctx context.Context, w who) error {
	unit := ""
	if !w.admin {
		unit = w.unit.Code
	}
	all, err := s.opts.Store.Absences(ctx, unit)
	if err != nil {
		return err
	}
	today := cchcbot.DateOf(s.now())
	var b strings.Builder
	n := 0
	for _, a := range all {
		if a.To.Before(today) || !w.admin && a.Member != w.user {
			continue
		}
		if n == 0 {
			b.WriteString("CÁC LẦN VẮNG MẶT ĐÃ BÁO (chưa kết thúc)\n")
		}
		n++
		fmt.Fprintf(&b, "• Số %d: ", a.ID)
		if w.admin {
			name := a.Member.Local()
			if m, err := s.opts.Store.Member(ctx, a.Member); err == nil {
				name = or(m.Name, name)
			}
			fmt.Fprintf(&b, "%s (%s), ", name, s.unitName(ctx, a.UnitCode))
		}
		fmt.Fprintf(&b, "từ %s đến %s", a.From.VN(), a.To.VN())
		if a.Reason != "" {
			fmt.Fprintf(&b, " – %s", a.Reason)
		}
		fmt.Fprintf(&b, " – hủy: /vangmat huy %d\n", a.ID)
	}
	if n == 0 {
		b.WriteString("Không có lần vắng mặt nào đang hoặc sắp diễn ra.\n")
	}
	if w.admin {
		b.WriteString("\n" + absenceAdminSyntax)
	} else {
		b.WriteString("\n" + absenceSyntax)
	}
	return s.reply(ctx, w.user, b.String())
}

// cancelAbsence is /vangmat huy <số>: a member cancels their own, an admin
// any.
func (s *Service) cancelAbsence(ctx context.Context, w who, args []string) error {
	var id uint64
	var err error
	if len(args) == 1 {
		id, err = strconv.ParseUint(strings.TrimPrefix(args[0], "#"), 10, 64)
	}
	if len(args) != 1 || err != nil {
		return s.reply(ctx, w.user, "Cú pháp: /vangmat huy <số>, ví dụ: /vangmat huy 12. Gõ /vangmat để xem số của các lần vắng mặt.")
	}
	unit := ""
	if !w.admin {
		unit = w.unit.Code
	}
	all, err := s.opts.Store.Absences(ctx, unit)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(a cchcbot.Absence) bool { return a.ID == id && (w.admin || a.Member == w.user) })
	if i < 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("Không có lần vắng mặt số %d của đồng chí. Gõ /vangmat để xem danh sách.", id))
	}
	a := all[i]
	if err := s.opts.Store.RemoveAbsence(ctx, id, w.user, s.now()); err != nil {
		return err
	}
	s.opts.Logger.Info("absence removed", "absence", id, "by", string(w.user))
	msgs := []*cchcbot.Outgoing{replyTo(w.user, fmt.Sprintf("Đã hủy lần vắng mặt số %d (từ %s đến %s). Nhắc việc trong những ngày này được gửi như bình thường.", id, a.From.VN(), a.To.VN()))}
	if a.Member != w.user {
		msgs = append(msgs, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.Member, Priority: cchcbot.PriorityInteractive,
			Text: fmt.Sprintf("%s đã hủy lần báo vắng mặt của đồng chí từ %s đến %s; đồng chí nhận nhắc việc như bình thường trong những ngày này.", s.opts.Office, a.From.VN(), a.To.VN())})
	}
	return s.opts.Store.Queue(ctx, msgs...)
}
