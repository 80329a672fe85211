package chat

import (
	"context"
	"fmt"
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
	case "xuat":
		return (*Service).exportXLSX
	case "luutru":
		return (*Service).archiveZIP
	case "tonghop":
		return (*Service).summaryText
	case "yeucau":
		return (*Service).requestCmd
	case "miennop":
		return (*Service).exemptCmd
	case "web":
		return (*Service).webLogin
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
		{Name: "moiadmin", Description: "Tạo đường link mời cán bộ quản trị"},
		{Name: "thanhvien", Description: "Danh sách thành viên các đơn vị"},
		{Name: "xoathanhvien", Description: "Xóa một thành viên"},
		{Name: "nhacnho", Description: "Gửi nhắc việc ngay"},
		{Name: "lichnhac", Description: "Lịch nhắc việc sắp tới"},
		{Name: "xuat", Description: "Xuất bảng tổng hợp Excel (năm hoặc kỳ)"},
		{Name: "luutru", Description: "Tải tệp báo cáo của một kỳ (tệp nén)"},
		{Name: "tonghop", Description: "Đoạn văn tổng hợp để đưa vào báo cáo"},
		{Name: "yeucau", Description: "Yêu cầu báo cáo đột xuất: tạo, đổi hạn, hủy"},
		{Name: "miennop", Description: "Miễn nộp một kỳ báo cáo cho đơn vị"},
		{Name: "web", Description: "Đường link đăng nhập trang quản lý trên trình duyệt"},
	}
}

// lookupUnit finds the unit a person names; when none or several match it
// answers them itself and reports false.
func (s *Service) lookupUnit(ctx context.Context, w who, query string) (cchcbot.Unit, bool, error) {
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return cchcbot.Unit{}, false, err
	}
	found := FindUnits(units, query)
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

// howToJoin says how to use an invite code on each configured network:
// Telegram opens the bot with a deep link; Zalo has none, so the person
// follows the Official Account and sends the code as a message.
func (s *Service) howToJoin(code string) string {
	var lines []string
	if s.opts.InviteLink != nil {
		lines = append(lines, "• Trên Telegram: bấm vào đường link "+s.opts.InviteLink(code))
	}
	if s.opts.ZaloOALink != "" {
		lines = append(lines, "• Trên Zalo: quan tâm Official Account "+s.opts.ZaloOALink+", rồi gửi mã sau vào cuộc trò chuyện với OA: "+code)
	}
	return strings.Join(lines, "\n")
}

// invite is /moi <unit>.
func (s *Service) invite(ctx context.Context, w who, cmd Command) error {
	if cmd.Arg == "" {
		return s.reply(ctx, w.user, "Cú pháp: /moi <đơn vị>, ví dụ: /moi chau loc")
	}
	query, head := headInvite(cmd)
	u, ok, err := s.lookupUnit(ctx, w, query)
	if !ok || err != nil {
		return err
	}
	code, err := s.createInvite(ctx, w, cchcbot.Invite{UnitCode: u.Code, Head: head})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("invite created", "unit", u.Code, "by", string(w.user), "head", head)
	if head {
		return s.reply(ctx, w.user, s.headInviteText(u, code))
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Mã mời thành viên của %s (người chịu trách nhiệm: %s), dùng một lần, hết hạn lúc %s:\n%s\n\nXin chuyển cho %s hoặc cán bộ đầu mối CCHC của đơn vị.",
		u.Name, headTitle(u), timeVN(s.now().Add(s.opts.InviteTTL), s.calendar().Location), s.howToJoin(code), headTitle(u)))
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
	s.opts.Logger.Info("admin invite created", "by", string(w.user))
	return s.reply(ctx, w.user, fmt.Sprintf("Mã mời cán bộ quản trị %s, dùng một lần, hết hạn lúc %s:\n%s\n\nNgười dùng mã này sẽ xem được báo cáo của mọi đơn vị: xin chỉ gửi trực tiếp cho đúng người.", cmd.Arg, timeVN(s.now().Add(s.opts.InviteTTL), s.calendar().Location), s.howToJoin(code)))
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
			fmt.Fprintf(&b, "  • %s (mã %s, tham gia %s)%s\n", or(m.Name, "—"), m.User.Local(), cchcbot.DateOf(m.JoinedAt.In(s.calendar().Location)).VN(), state)
		}
	}
	if code == "" && without > 0 {
		fmt.Fprintf(&b, "\n%d đơn vị chưa có thành viên: dùng /moi <đơn vị> để mời.", without)
	}
	return s.reply(ctx, w.user, b.String())
}

// removeMember is /xoathanhvien <id>: the id as /thanhvien shows it, or
// in full ("telegram:123").
func (s *Service) removeMember(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) != 1 {
		return s.reply(ctx, w.user, "Cú pháp: /xoathanhvien <mã tài khoản của thành viên> (xem mã bằng /thanhvien).")
	}
	user := cchcbot.UserID(cmd.Args[0])
	if !strings.Contains(cmd.Args[0], ":") {
		user = cchcbot.NewUserID(w.user.Channel(), cmd.Args[0])
	}
	m, err := s.opts.Store.Member(ctx, user)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return s.reply(ctx, w.user, fmt.Sprintf("Không có thành viên nào mang mã %s. Xem mã bằng /thanhvien.", user.Local()))
	} else if err != nil {
		return err
	}
	if err := s.opts.Store.RemoveMember(ctx, user, string(w.user), s.now()); err != nil {
		return err
	}
	if err := s.opts.Store.DeleteDraft(ctx, user); err != nil {
		return err
	}
	unit := m.UnitCode
	if u, err := s.opts.Store.Unit(ctx, m.UnitCode); err == nil {
		unit = u.Name
	}
	s.opts.Logger.Info("member removed", "member", string(user), "unit", m.UnitCode, "by", string(w.user))
	return s.reply(ctx, w.user, fmt.Sprintf("Đã xóa %s (mã %s) khỏi %s. Người này không còn nhận nhắc việc và không nộp được báo cáo cho đơn vị.", or(m.Name, "thành viên"), user.Local(), unit))
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
		[]cchcbot.Button{{Text: fmt.Sprintf("📣 Gửi nhắc việc tới %d đơn vị", n), Data: s.sign(w.user, cchcbot.ActionRemindNow, p.ID, newNonce())}})
}

// remindNow runs a confirmed /nhacnho. The question's button is taken
// away first, so a second press cannot start a second round; and the
// question's nonce names the round, so a press delivered again after a
// crash mid fan-out finishes that round instead of starting another.
func (s *Service) remindNow(ctx context.Context, w who, periodID, nonce string, ref cchcbot.MessageRef) error {
	if s.opts.Reminders == nil {
		return s.reply(ctx, w.user, "Chức năng nhắc việc chưa được bật.")
	}
	label := s.periodLabel(periodID)
	if err := s.edit(ctx, ref, fmt.Sprintf("Đã xác nhận gửi nhắc việc %s lúc %s.", label, timeVN(s.now(), s.calendar().Location))); err != nil {
		return err
	}
	n, err := s.opts.Reminders.RemindNow(ctx, periodID, w.user, string(w.user)+"/"+nonce)
	if err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đã gửi nhắc việc tới %d đơn vị. Kỳ báo cáo: %s.", n, label))
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
