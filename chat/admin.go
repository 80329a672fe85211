package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cchcbot"
)

func adminCommand(name string) handlerFn {
	switch name {
	case "status":
		return (*Service).status
	case "chuanop":
		return (*Service).missing
	case "xem":
		return (*Service).view
	case "tiepnhan":
		return (*Service).accept
	case "tralai":
		return (*Service).returnCmd
	case "moi":
		return (*Service).invite
	case "moiadmin":
		return (*Service).inviteAdmin
	case "thanhvien":
		return (*Service).members
	case "xoathanhvien":
		return (*Service).removeMember
	case "nhacnho":
		return (*Service).remindCmd
	case "lichnhac":
		return (*Service).schedule
	}
	return nil
}

// AdminCommands lists phòng Nội vụ's commands for the chat menu.
func AdminCommands() []cchcbot.Command {
	return []cchcbot.Command{
		{Name: "status", Description: "Tổng hợp tình hình nộp báo cáo"},
		{Name: "chuanop", Description: "Các đơn vị chưa nộp"},
		{Name: "xem", Description: "Xem tệp báo cáo của đơn vị"},
		{Name: "tiepnhan", Description: "Tiếp nhận báo cáo"},
		{Name: "tralai", Description: "Trả lại báo cáo, ghi rõ lý do"},
		{Name: "moi", Description: "Tạo đường link mời thành viên đơn vị"},
		{Name: "moiadmin", Description: "Tạo đường link mời cán bộ phòng Nội vụ"},
		{Name: "thanhvien", Description: "Danh sách thành viên các đơn vị"},
		{Name: "xoathanhvien", Description: "Xóa một thành viên"},
		{Name: "nhacnho", Description: "Gửi nhắc việc ngay"},
		{Name: "lichnhac", Description: "Lịch nhắc việc sắp tới"},
	}
}

// lookupUnit finds the unit a person names; when none or several match it
// answers them itself and reports false.
func (s *Service) lookupUnit(ctx context.Context, w who, query string) (cchcbot.Unit, bool, error) {
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return cchcbot.Unit{}, false, err
	}
	found := findUnits(units, query)
	switch len(found) {
	case 0:
		return cchcbot.Unit{}, false, s.reply(ctx, w.user, fmt.Sprintf("Không tìm thấy đơn vị hoặc kỳ báo cáo \"%s\". Ví dụ: /status chau loc hoặc /status 02/2024.", query))
	case 1:
		return found[0], true, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Có %d đơn vị khớp với \"%s\". Xin ghi rõ hơn hoặc dùng mã đơn vị:\n", len(found), query)
	for i, u := range found {
		if i == 20 {
			b.WriteString("...\n")
			break
		}
		fmt.Fprintf(&b, "• %s – mã %s\n", u.Name, u.Code)
	}
	return cchcbot.Unit{}, false, s.reply(ctx, w.user, b.String())
}

func (s *Service) createInvite(ctx context.Context, w who, inv cchcbot.Invite) (string, error) {
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		return "", err
	}
	now := s.now()
	inv.Hash, inv.CreatedBy, inv.CreatedAt, inv.ExpiresAt = hash, string(w.user), now, now.Add(s.opts.InviteTTL)
	if err := s.opts.Store.CreateInvite(ctx, inv); err != nil {
		return "", err
	}
	return code, nil
}

// invite is /moi <unit>.
func (s *Service) invite(ctx context.Context, w who, cmd Command) error {
	if cmd.Arg == "" {
		return s.reply(ctx, w.user, "Cú pháp: /moi <đơn vị>, ví dụ: /moi chau loc")
	}
	u, ok, err := s.lookupUnit(ctx, w, cmd.Arg)
	if !ok || err != nil {
		return err
	}
	code, err := s.createInvite(ctx, w, cchcbot.Invite{UnitCode: u.Code})
	if err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đường link mời thành viên của %s (dùng một lần, hết hạn %s):\n%s\n\nXin chuyển đường link này cho %s hoặc cán bộ đầu mối CCHC của đơn vị.",
		u.Name, s.now().Add(s.opts.InviteTTL).Format("15:04 02/01/2006"), s.opts.InviteLink(code), or(u.HeadTitle, "lãnh đạo đơn vị")))
}

// inviteAdmin is /moiadmin <name>.
func (s *Service) inviteAdmin(ctx context.Context, w who, cmd Command) error {
	if cmd.Arg == "" {
		return s.reply(ctx, w.user, "Cú pháp: /moiadmin <họ tên cán bộ>")
	}
	code, err := s.createInvite(ctx, w, cchcbot.Invite{Admin: true, AdminName: cmd.Arg})
	if err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đường link mời cán bộ phòng Nội vụ %s (dùng một lần, hết hạn %s):\n%s", cmd.Arg, s.now().Add(s.opts.InviteTTL).Format("15:04 02/01/2006"), s.opts.InviteLink(code)))
}

// members is /thanhvien [unit].
func (s *Service) members(ctx context.Context, w who, cmd Command) error {
	code := ""
	if cmd.Arg != "" {
		u, ok, err := s.lookupUnit(ctx, w, cmd.Arg)
		if !ok || err != nil {
			return err
		}
		code = u.Code
	}
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return err
	}
	members, err := s.opts.Store.Members(ctx, code)
	if err != nil {
		return err
	}
	by := map[string][]cchcbot.Member{}
	for _, m := range members {
		by[m.UnitCode] = append(by[m.UnitCode], m)
	}
	var b strings.Builder
	b.WriteString("THÀNH VIÊN CÁC ĐƠN VỊ\n")
	without := 0
	for _, u := range units {
		if u.Retired || code != "" && u.Code != code {
			continue
		}
		ms := by[u.Code]
		if len(ms) == 0 {
			without++
			if code == "" {
				continue
			}
		}
		fmt.Fprintf(&b, "\n%s:\n", u.Name)
		if len(ms) == 0 {
			b.WriteString("  (chưa có thành viên)\n")
		}
		for _, m := range ms {
			state := ""
			if m.Unreachable {
				state = " – KHÔNG LIÊN LẠC ĐƯỢC"
			}
			fmt.Fprintf(&b, "  • %s (mã %s, tham gia %s)%s\n", or(m.Name, "—"), m.User.Local(), m.JoinedAt.In(s.calendar().Location).Format("02/01/2006"), state)
		}
	}
	if code == "" && without > 0 {
		fmt.Fprintf(&b, "\n%d đơn vị chưa có thành viên: dùng /moi <đơn vị> để mời.", without)
	}
	return s.reply(ctx, w.user, b.String())
}

// removeMember is /xoathanhvien <id>.
func (s *Service) removeMember(ctx context.Context, w who, cmd Command) error {
	id, err := strconv.ParseInt(strings.TrimSpace(cmd.Arg), 10, 64)
	if err != nil || id <= 0 {
		return s.reply(ctx, w.user, "Cú pháp: /xoathanhvien <mã Telegram của thành viên> (xem mã bằng /thanhvien).")
	}
	user := cchcbot.NewUserID(w.user.Channel(), strconv.FormatInt(id, 10))
	m, err := s.opts.Store.Member(ctx, user)
	if err != nil {
		return err
	}
	if err := s.opts.Store.RemoveMember(ctx, user, string(w.user), s.now()); err != nil {
		return err
	}
	s.opts.Store.DeleteDraft(ctx, user)
	return s.reply(ctx, w.user, fmt.Sprintf("Đã xóa %s (mã %d) khỏi đơn vị %s.", or(m.Name, "thành viên"), id, m.UnitCode))
}

// remindCmd is /nhacnho [period]: shows the count and asks to confirm.
func (s *Service) remindCmd(ctx context.Context, w who, cmd Command) error {
	if s.opts.Reminders == nil {
		return s.reply(ctx, w.user, "Chức năng nhắc việc chưa được bật.")
	}
	p, err := s.calendar().ResolvePeriod(cmd.Arg, s.now())
	if err != nil {
		return err
	}
	n, err := s.opts.Reminders.Pending(ctx, p.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s: không có đơn vị nào cần nhắc (đã nộp hết, hoặc các đơn vị chưa nộp chưa có thành viên nhận tin).", p.Label))
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Gửi nhắc việc %s ngay bây giờ tới %d đơn vị chưa nộp?", p.Label, n),
		[]cchcbot.Button{{Text: fmt.Sprintf("📣 Gửi nhắc việc tới %d đơn vị", n), Data: s.sign(w.user, cchcbot.ActionRemindNow, p.ID)}})
}

func (s *Service) remindNow(ctx context.Context, w who, periodID string) error {
	if s.opts.Reminders == nil {
		return s.reply(ctx, w.user, "Chức năng nhắc việc chưa được bật.")
	}
	s.reply(ctx, w.user, "Đang gửi nhắc việc...")
	n, err := s.opts.Reminders.RemindNow(ctx, periodID, w.user)
	if err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đã gửi nhắc việc tới %d đơn vị.", n))
}

// schedule is /lichnhac.
func (s *Service) schedule(ctx context.Context, w who, cmd Command) error {
	if s.opts.Reminders == nil {
		return s.reply(ctx, w.user, "Chức năng nhắc việc chưa được bật.")
	}
	up, err := s.opts.Reminders.Upcoming(ctx, s.now(), 10)
	if err != nil {
		return err
	}
	if len(up) == 0 {
		return s.reply(ctx, w.user, "Không có lần nhắc việc nào sắp tới.")
	}
	var b strings.Builder
	b.WriteString("CÁC LẦN NHẮC VIỆC SẮP TỚI\n")
	for _, u := range up {
		at := u.Step.At.In(s.calendar().Location)
		fmt.Fprintf(&b, "• %s %s: %s – %s (hiện %d đơn vị chưa nộp)\n", cchcbot.DateOf(at).WeekdayVN(), at.Format("02/01/2006 15:04"), u.Period.Label, strings.ToLower(u.Step.Label()), u.Units)
	}
	return s.reply(ctx, w.user, b.String())
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
