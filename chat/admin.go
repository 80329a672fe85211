package chat

import (
	"context"
	"fmt"
	"io"
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

// unitOrPeriod resolves an argument as a period first, then as a unit.
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

// status is /status [period|unit].
func (s *Service) status(ctx context.Context, w who, cmd Command) error {
	p, err := s.calendar().ResolvePeriod(cmd.Arg, s.now())
	if err == nil {
		text, buttons, err := s.statusPage(ctx, w, p, 0)
		if err != nil {
			return err
		}
		return s.reply(ctx, w.user, text, buttons...)
	}
	if cmd.Arg == "" {
		return err
	}
	u, ok, err := s.lookupUnit(ctx, w, cmd.Arg)
	if !ok || err != nil {
		return err
	}
	return s.unitHistory(ctx, w, u)
}

const pageSize = 20

func (s *Service) periodStatus(ctx context.Context, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	k, _ := s.calendar().Kind(p.KindID)
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	latest, err := s.opts.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	members, err := s.opts.Store.Members(ctx, "")
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	reminders, err := s.opts.Store.Reminders(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	return cchcbot.ComputeStatus(k, p, units, latest, members, reminders), nil
}

// statusPage renders one page of a period's status: the counts, then the
// units still owing it, grouped, with buttons to page and to move between
// periods.
func (s *Service) statusPage(ctx context.Context, w who, p cchcbot.Period, page int) (string, [][]cchcbot.Button, error) {
	ps, err := s.periodStatus(ctx, p)
	if err != nil {
		return "", nil, err
	}
	c := ps.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nHạn nộp: %s %s (%s)\n", p.Label, p.Due.WeekdayVN(), p.Due.VN(), cchcbot.DaysLeftVN(p.DaysLeft(s.now())))
	fmt.Fprintf(&b, "Đã nộp: %d/%d (đúng hạn %d, trễ hạn %d)\nChưa nộp: %d\nBị trả lại: %d\nKhông liên lạc được: %d\n",
		c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable)
	pending := ps.Pending()
	pages := max(1, (len(pending)+pageSize-1)/pageSize)
	page = min(max(page, 0), pages-1)
	if len(pending) > 0 {
		fmt.Fprintf(&b, "\nĐơn vị chưa hoàn thành (trang %d/%d):\n", page+1, pages)
		var group cchcbot.UnitGroup
		for _, u := range pending[page*pageSize : min(len(pending), (page+1)*pageSize)] {
			if u.Unit.Group != group {
				group = u.Unit.Group
				fmt.Fprintf(&b, "%s:\n", group.Label())
			}
			fmt.Fprintf(&b, "  • %s%s\n", u.Unit.Name, unitNote(u))
		}
	} else {
		b.WriteString("\nTất cả các đơn vị đã nộp.\n")
	}
	var nav []cchcbot.Button
	if page > 0 {
		nav = append(nav, cchcbot.Button{Text: "◀ Trang trước", Data: s.sign(w.user, cchcbot.ActionStatus, p.ID, strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, cchcbot.Button{Text: "Trang sau ▶", Data: s.sign(w.user, cchcbot.ActionStatus, p.ID, strconv.Itoa(page+1))})
	}
	var periods []cchcbot.Button
	cal := s.calendar()
	kind, _ := cal.Kind(p.KindID)
	all := cal.PeriodsOf(kind, p.NominalDue.AddDays(-62), p.NominalDue.AddDays(62))
	for i, q := range all {
		if q.ID != p.ID {
			continue
		}
		if i > 0 {
			periods = append(periods, cchcbot.Button{Text: "⏪ Kỳ trước", Data: s.sign(w.user, cchcbot.ActionStatus, all[i-1].ID, "0")})
		}
		if i+1 < len(all) {
			periods = append(periods, cchcbot.Button{Text: "Kỳ sau ⏩", Data: s.sign(w.user, cchcbot.ActionStatus, all[i+1].ID, "0")})
		}
	}
	var rows [][]cchcbot.Button
	for _, r := range [][]cchcbot.Button{nav, periods} {
		if len(r) > 0 {
			rows = append(rows, r)
		}
	}
	return b.String(), rows, nil
}

func unitNote(u cchcbot.UnitStatus) string {
	var notes []string
	if u.State == cchcbot.UnitReturned {
		notes = append(notes, "bị trả lại")
	}
	switch {
	case u.Unreachable():
		notes = append(notes, "không liên lạc được")
	case u.Members == 0:
		notes = append(notes, "chưa có thành viên")
	}
	if u.RemindSent > 0 {
		notes = append(notes, fmt.Sprintf("đã nhắc %d, đã nhận %d", u.RemindSent, u.RemindAcked))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// unitHistory is /status <unit>: every period of the unit, newest first.
func (s *Service) unitHistory(ctx context.Context, w who, u cchcbot.Unit) error {
	cal := s.calendar()
	subs, err := s.opts.Store.UnitSubmissions(ctx, u.Code)
	if err != nil {
		return err
	}
	by := map[string][]*cchcbot.Submission{}
	for _, x := range subs {
		by[x.PeriodID] = append(by[x.PeriodID], x)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "LỊCH SỬ NỘP BÁO CÁO – %s (mã %s)\n", u.Name, u.Code)
	today := cchcbot.DateOf(s.now())
	periods := cal.Periods(today.AddDays(-366), today.AddDays(31))
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		if k, _ := cal.Kind(p.KindID); !k.Owes(u) || s.now().Before(p.Opens) {
			continue
		}
		versions := by[p.ID]
		fmt.Fprintf(&b, "\n%s (hạn %s): ", p.Label, p.Due.VN())
		if len(versions) == 0 {
			b.WriteString("CHƯA NỘP")
		} else {
			b.WriteString(stateLine(versions[len(versions)-1]))
			for _, v := range versions {
				fmt.Fprintf(&b, "\n  – phiên bản %d: %s, biên nhận %s", v.Version, v.SubmittedAt.In(cal.Location).Format("15:04 02/01/2006"), v.ReceiptNo())
			}
		}
		rs, err := s.opts.Store.RemindersFor(ctx, p.ID, u.Code)
		if err != nil {
			return err
		}
		sent, acked := 0, 0
		for _, r := range rs {
			if r.State == cchcbot.ReminderSent {
				sent++
				if r.Acked() {
					acked++
				}
			}
		}
		if sent > 0 {
			fmt.Fprintf(&b, "\n  nhắc việc: đã gửi %d, đã nhận %d", sent, acked)
		}
	}
	return s.reply(ctx, w.user, b.String())
}

// missing is /chuanop [period]: only the units still owing.
func (s *Service) missing(ctx context.Context, w who, cmd Command) error {
	p, err := s.calendar().ResolvePeriod(cmd.Arg, s.now())
	if err != nil {
		return err
	}
	ps, err := s.periodStatus(ctx, p)
	if err != nil {
		return err
	}
	pending := ps.Pending()
	if len(pending) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s: tất cả %d đơn vị đã nộp.", p.Label, len(ps.Units)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (hạn %s): %d đơn vị chưa hoàn thành\n", p.Label, p.Due.VN(), len(pending))
	var group cchcbot.UnitGroup
	for _, u := range pending {
		if u.Unit.Group != group {
			group = u.Unit.Group
			fmt.Fprintf(&b, "%s:\n", group.Label())
		}
		fmt.Fprintf(&b, "  • %s%s\n", u.Unit.Name, unitNote(u))
	}
	return s.reply(ctx, w.user, b.String())
}

// view is /xem <unit> [period]: the latest version's files, sent back by
// the network's own file ids.
func (s *Service) view(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.reply(ctx, w.user, "Cú pháp: /xem <đơn vị> [kỳ], ví dụ: /xem chau loc 02/2024")
	}
	query, periodArg := cmd.Arg, ""
	if n := len(cmd.Args); n > 1 {
		if _, err := s.calendar().ResolvePeriod(cmd.Args[n-1], s.now()); err == nil {
			periodArg = cmd.Args[n-1]
			query = strings.Join(cmd.Args[:n-1], " ")
		}
	}
	u, ok, err := s.lookupUnit(ctx, w, query)
	if !ok || err != nil {
		return err
	}
	p, err := s.calendar().ResolvePeriod(periodArg, s.now())
	if err != nil {
		return err
	}
	versions, err := s.opts.Store.Submissions(ctx, p.ID, u.Code)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s chưa nộp %s.", u.Name, p.Label))
	}
	sub := versions[len(versions)-1]
	if len(sub.Files) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s – %s: đã xác nhận hoàn thành lúc %s, không kèm tệp. Nội dung: %s", u.Name, p.Label, sub.SubmittedAt.In(s.calendar().Location).Format("15:04 02/01/2006"), sub.Note))
	}
	for i, f := range sub.Files {
		caption := fmt.Sprintf("%s – %s, phiên bản %d, tệp %d/%d (biên nhận %s)", u.Name, p.Label, sub.Version, i+1, len(sub.Files), sub.ReceiptNo())
		sha := f.SHA256
		doc := cchcbot.OutDocument{To: w.user, ChannelFileID: f.ChannelFileID, Name: f.Name, Caption: caption, Priority: cchcbot.PriorityInteractive,
			Open: func() (io.ReadCloser, error) { return s.opts.Store.OpenFile(sha) }}
		if _, err := s.opts.Channel.SendDocument(ctx, doc); err != nil {
			// The network may have forgotten its id: upload from disk.
			doc.ChannelFileID = ""
			if _, err := s.opts.Channel.SendDocument(ctx, doc); err != nil {
				return err
			}
		}
	}
	id := strconv.FormatUint(sub.ID, 10)
	return s.reply(ctx, w.user, fmt.Sprintf("Trạng thái: %s", stateLine(sub)),
		[]cchcbot.Button{{Text: "✅ Tiếp nhận", Data: s.sign(w.user, cchcbot.ActionAccept, id)}, {Text: "↩️ Trả lại", Data: s.sign(w.user, cchcbot.ActionReturn, id)}})
}

// receiptID accepts "CCHC-2024-000123", "000123" or "123".
func receiptID(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		s = s[i+1:]
	}
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil && id > 0
}

func (s *Service) accept(ctx context.Context, w who, cmd Command) error {
	id, ok := receiptID(cmd.Arg)
	if !ok {
		return s.reply(ctx, w.user, "Cú pháp: /tiepnhan <số biên nhận>, ví dụ: /tiepnhan CCHC-2024-000123")
	}
	return s.review(ctx, w, id, cchcbot.StateAccepted, "")
}

func (s *Service) returnCmd(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.reply(ctx, w.user, "Cú pháp: /tralai <số biên nhận> <lý do>, ví dụ: /tralai CCHC-2024-000123 Thiếu phụ lục số liệu")
	}
	id, ok := receiptID(cmd.Args[0])
	if !ok {
		return s.reply(ctx, w.user, "Số biên nhận không hợp lệ. Ví dụ: /tralai CCHC-2024-000123 Thiếu phụ lục số liệu")
	}
	reason := strings.TrimSpace(strings.TrimPrefix(cmd.Arg, cmd.Args[0]))
	if reason == "" {
		return s.askReturnReason(ctx, w, id)
	}
	return s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

func returnKey(admin cchcbot.UserID) string { return "chat/return/" + string(admin) }

func (s *Service) askReturnReason(ctx context.Context, w who, id uint64) error {
	sub, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return err
	}
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), []byte(strconv.FormatUint(id, 10))); err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Xin nhập lý do trả lại báo cáo %s (tin nhắn tiếp theo sẽ được gửi cho đơn vị), hoặc gõ /huy để thôi.", sub.ReceiptNo()))
}

// returnReason takes an admin's next text as the reason asked for.
func (s *Service) returnReason(ctx context.Context, w who, text string) (bool, error) {
	v, err := s.opts.Store.GetState(ctx, returnKey(w.user))
	if err != nil || len(v) == 0 {
		return false, err
	}
	id, _ := strconv.ParseUint(string(v), 10, 64)
	reason := strings.TrimSpace(text)
	if reason == "" || len([]rune(reason)) > 1000 {
		return true, s.reply(ctx, w.user, "Lý do không hợp lệ (cần từ 1 đến 1.000 ký tự). Xin nhập lại, hoặc gõ /huy để thôi.")
	}
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), nil); err != nil {
		return true, err
	}
	return true, s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

// review accepts or returns a submission and tells the unit.
func (s *Service) review(ctx context.Context, w who, id uint64, state cchcbot.SubmissionState, reason string) error {
	before, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return err
	}
	sub, err := s.opts.Store.ReviewSubmission(ctx, id, state, reason, w.user, s.now())
	if err != nil {
		return err
	}
	u, err := s.opts.Store.Unit(ctx, sub.UnitCode)
	if err != nil {
		return err
	}
	p, err := s.calendar().Period(sub.PeriodID)
	if err != nil {
		return err
	}
	if before.State == sub.State && before.Reason == sub.Reason {
		return s.reply(ctx, w.user, fmt.Sprintf("Báo cáo %s đã ở trạng thái \"%s\".", sub.ReceiptNo(), sub.State.Label()))
	}
	var note string
	if state == cchcbot.StateAccepted {
		note = fmt.Sprintf("Phòng Nội vụ đã TIẾP NHẬN %s của %s (biên nhận %s). Cảm ơn đơn vị.", p.Label, u.Name, sub.ReceiptNo())
	} else {
		deadline := "đề nghị đơn vị gửi lại trước hạn " + p.Due.VN()
		if !p.OnTime(s.now()) {
			deadline = "đề nghị đơn vị khẩn trương gửi lại"
		}
		note = fmt.Sprintf("Phòng Nội vụ TRẢ LẠI %s của %s (biên nhận %s).\nLý do: %s\nĐơn vị cần chỉnh sửa và nộp phiên bản mới; %s. Gửi tệp vào cuộc trò chuyện này để nộp lại.", p.Label, u.Name, sub.ReceiptNo(), reason, deadline)
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	told := 0
	for _, m := range members {
		if _, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: m.User, Text: note, Priority: cchcbot.PriorityInteractive}); err == nil {
			told++
		}
	}
	verb := "tiếp nhận"
	if state == cchcbot.StateReturned {
		verb = "trả lại"
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đã %s báo cáo %s của %s. Đã thông báo tới %d/%d thành viên của đơn vị.",
		verb, sub.ReceiptNo(), u.Name, told, len(members)))
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
