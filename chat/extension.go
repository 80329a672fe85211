package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cchcbot"
)

// /giahan: a member asks for more time for one period ("gia hạn"): the
// period (buttons, or the "Xin gia hạn" button of a reminder), the date
// proposed, the reason. Admins decide with buttons (extdecide.go). An
// admin grants one unasked with /giahan <đơn vị> <kỳ> <dd/mm/yyyy>.

// extensionTTL is how long a half-asked /giahan (or /giaitrinh) waits.
const extensionTTL = time.Hour

// maxExtensionDays bounds an extension past the unit's current deadline.
const maxExtensionDays = 90

// maxReason bounds the reason of an extension or an explanation.
const maxReason = 500

// The steps of /giahan.
const (
	extDate   = "date"
	extReason = "reason"
)

// extensionFlow is a member's unfinished /giahan.
type extensionFlow struct {
	PeriodID string
	Stage    string
	Proposed cchcbot.Date
	At       time.Time
}

func (f *extensionFlow) stamp() time.Time { return f.At }

func extensionKey(u cchcbot.UserID) string { return "chat/giahan/" + string(u) }

// extensionCmd is /giahan: a member's request, or an admin's grant.
func (s *Service) extensionCmd(ctx context.Context, w who, cmd Command) error {
	if w.admin && (len(cmd.Args) > 0 || w.member == nil) {
		return s.grantExtension(ctx, w, cmd.Args)
	}
	if len(cmd.Args) > 0 {
		p, err := s.resolvePeriodArg(cmd.Arg)
		if err != nil {
			return s.reply(ctx, w.user, "Không tìm thấy kỳ báo cáo đã ghi. Cú pháp: /giahan [kỳ], ví dụ: /giahan 02/2024 hoặc /giahan dot-xuat-3; hoặc chỉ gõ /giahan để chọn kỳ bằng nút bấm.")
		}
		return s.startExtension(ctx, w, p)
	}
	periods, err := s.owedPeriods(ctx, w)
	if err != nil {
		return err
	}
	if len(periods) == 0 {
		return s.reply(ctx, w.user, "Hiện "+w.unit.Name+" không có báo cáo nào đang nhận bài mà chưa nộp, nên không có kỳ nào cần xin gia hạn. Gõ /trangthai để xem tình hình nộp của đơn vị.")
	}
	var rows [][]cchcbot.Button
	for _, p := range periods {
		rows = append(rows, []cchcbot.Button{{Text: "Xin gia hạn: " + p.Label + " – hạn " + p.Due.VN(), Data: s.sign(w.user, cchcbot.ActionExtend, p.ID)}})
	}
	return s.reply(ctx, w.user, "XIN GIA HẠN NỘP BÁO CÁO – "+w.unit.Name+"\nXin chọn báo cáo cần gia hạn:", rows...)
}

// owedPeriods are the unit's periods taking reports now that it has not
// completed and is not exempt from, each as it stands for the unit.
func (s *Service) owedPeriods(ctx context.Context, w who) ([]cchcbot.Period, error) {
	cal := s.calendar()
	var out []cchcbot.Period
	for _, p := range cal.OpenPeriods(s.now()) {
		if k, _ := cal.Kind(p.KindID); !k.Owes(w.unit) {
			continue
		}
		up, d, err := s.unitView(ctx, p, w.unit.Code)
		if err != nil {
			return nil, err
		}
		done, err := s.unitDone(ctx, p, w.unit.Code)
		if err != nil {
			return nil, err
		}
		if !done && d.Exemption == nil {
			out = append(out, up)
		}
	}
	return out, nil
}

// startExtension asks for the date of an extension of p, after checking
// that the unit may ask.
func (s *Service) startExtension(ctx context.Context, w who, p cchcbot.Period) error {
	switch k, ok := s.calendar().Kind(p.KindID); {
	case ok && k.Cancelled:
		return s.reply(ctx, w.user, fmt.Sprintf("Yêu cầu %s đã được hủy; đơn vị không phải nộp nên không cần xin gia hạn.", p.Label))
	case !ok || !k.Owes(w.unit):
		return s.reply(ctx, w.user, fmt.Sprintf("%s không phải nộp %s nên không cần xin gia hạn.", w.unit.Name, p.Label))
	}
	up, d, err := s.unitView(ctx, p, w.unit.Code)
	if err != nil {
		return err
	}
	done, err := s.unitDone(ctx, p, w.unit.Code)
	if err != nil {
		return err
	}
	pending, err := s.pendingExtension(ctx, p.ID, w.unit.Code)
	if err != nil {
		return err
	}
	now := s.now()
	switch e := pending; {
	case done:
		return s.reply(ctx, w.user, fmt.Sprintf("%s đã nộp %s nên không cần xin gia hạn. Gõ /trangthai để xem tình hình nộp của đơn vị.", w.unit.Name, p.Label))
	case d.Exemption != nil:
		return s.reply(ctx, w.user, fmt.Sprintf("%s được miễn nộp %s (lý do: %s) nên không cần xin gia hạn.", w.unit.Name, p.Label, d.Exemption.Reason))
	case e != nil && e.State == cchcbot.ExtensionRequested:
		return s.reply(ctx, w.user, fmt.Sprintf("%s đã xin gia hạn %s đến %s lúc %s; đơn đang chờ %s xét. Kết quả sẽ được thông báo tới các thành viên của đơn vị.",
			w.unit.Name, p.Label, e.Proposed.VN(), timeVN(e.RequestedAt, s.calendar().Location), s.opts.Office))
	case !up.IsOpen(now):
		return s.reply(ctx, w.user, s.closedText(up))
	}
	if n := s.opts.ExtensionLimit; n > 0 {
		used, err := s.opts.Store.CountExtensions(ctx, w.unit.Code, now.Year())
		if err != nil {
			return err
		}
		if used >= n {
			return s.reply(ctx, w.user, fmt.Sprintf("%s đã được gia hạn %d lần trong năm %d, bằng số lần tối đa cho mỗi đơn vị trong một năm, nên không gửi được đơn mới qua bot. Nếu thật cần thiết, xin liên hệ trực tiếp %s.", w.unit.Name, used, now.Year(), s.opts.Office))
		}
	}
	if err := s.saveFlow(ctx, extensionKey(w.user), &extensionFlow{PeriodID: p.ID, Stage: extDate, At: now}); err != nil {
		return err
	}
	return s.reply(ctx, w.user, s.extensionDateQuestion(up, now))
}

// pendingExtension returns the unit's request for the period still
// waiting for a decision, nil if none.
func (s *Service) pendingExtension(ctx context.Context, periodID, unitCode string) (*cchcbot.Extension, error) {
	es, err := s.opts.Store.Extensions(ctx, periodID)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.UnitCode == unitCode && e.State == cchcbot.ExtensionRequested {
			return e, nil
		}
	}
	return nil, nil
}

func (s *Service) extensionDateQuestion(up cchcbot.Period, now time.Time) string {
	note := ""
	if up.Extended() {
		note = " (đã được gia hạn một lần)"
	}
	return fmt.Sprintf("XIN GIA HẠN: %s\nHạn nộp hiện tại: %s%s – %s.\nXin nhập ngày đề nghị gia hạn đến, theo dạng dd/mm/yyyy, ví dụ: %s. Gõ /huy để thôi.",
		up.Label, dueVN(up), note, cchcbot.DaysLeftVN(up.DaysLeft(now)), laterOf(up.Due, cchcbot.DateOf(now)).AddDays(5).VN())
}

func laterOf(a, b cchcbot.Date) cchcbot.Date {
	if a.After(b) {
		return a
	}
	return b
}

// extensionText takes the date or the reason a member's /giahan waits for.
func (s *Service) extensionText(ctx context.Context, w who, text string) (bool, error) {
	var f extensionFlow
	ok, err := s.loadFlow(ctx, extensionKey(w.user), extensionTTL, &f)
	if !ok || err != nil {
		return false, err
	}
	if newer, err := s.draftNewer(ctx, w, f.At); newer || err != nil {
		return false, err
	}
	p, err := s.calendar().Period(f.PeriodID)
	if err != nil {
		return true, s.opts.Store.PutState(ctx, extensionKey(w.user), nil)
	}
	up, err := s.unitPeriod(ctx, p, w.unit.Code)
	if err != nil {
		return true, err
	}
	now := s.now()
	today := cchcbot.DateOf(now)
	text = strings.TrimSpace(text)
	switch f.Stage {
	case extDate:
		d, err := parseDate(text)
		if err != nil {
			return true, s.reply(ctx, w.user, cchcbot.ErrorMessage(err)+" Gõ /huy để thôi xin gia hạn.")
		}
		switch {
		case !d.After(up.Due):
			return true, s.reply(ctx, w.user, fmt.Sprintf("Ngày đề nghị phải sau hạn nộp hiện tại (%s). Xin nhập lại, ví dụ: %s; hoặc gõ /huy để thôi.", up.Due.VN(), laterOf(up.Due, today).AddDays(5).VN()))
		case d.Before(today):
			return true, s.reply(ctx, w.user, fmt.Sprintf("Ngày %s đã qua. Xin nhập một ngày từ hôm nay (%s) trở đi, hoặc gõ /huy để thôi.", d.VN(), today.VN()))
		case up.Due.DaysUntil(d) > maxExtensionDays:
			return true, s.reply(ctx, w.user, fmt.Sprintf("Mỗi lần gia hạn không quá %d ngày sau hạn hiện tại (tức đến %s). Xin nhập ngày sớm hơn, hoặc gõ /huy để thôi.", maxExtensionDays, up.Due.AddDays(maxExtensionDays).VN()))
		}
		f.Proposed, f.Stage, f.At = d, extReason, now
		if err := s.saveFlow(ctx, extensionKey(w.user), &f); err != nil {
			return true, err
		}
		return true, s.reply(ctx, w.user, fmt.Sprintf("Đề nghị gia hạn %s đến %s %s.\nXin nêu ngắn gọn lý do xin gia hạn (tối đa %d ký tự); lý do sẽ được gửi tới %s. Gõ /huy để thôi.", p.Label, d.WeekdayVN(), d.VN(), maxReason, s.opts.Office))
	case extReason:
		if n := utf8.RuneCountInString(text); n == 0 || n > maxReason {
			return true, s.reply(ctx, w.user, fmt.Sprintf("Lý do cần từ 1 đến %d ký tự. Xin nhập lại, hoặc gõ /huy để thôi.", maxReason))
		}
		return true, s.requestExtension(ctx, w, p, up, f.Proposed, text)
	}
	return true, s.opts.Store.PutState(ctx, extensionKey(w.user), nil)
}

// requestExtension stores the member's request and tells the admins, with
// buttons to decide, in one commit.
func (s *Service) requestExtension(ctx context.Context, w who, p, up cchcbot.Period, proposed cchcbot.Date, reason string) error {
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	used, err := s.opts.Store.CountExtensions(ctx, w.unit.Code, now.Year())
	if err != nil {
		return err
	}
	e := &cchcbot.Extension{PeriodID: p.ID, UnitCode: w.unit.Code, State: cchcbot.ExtensionRequested, Proposed: proposed, Reason: reason,
		RequestedBy: w.user, RequestedByName: w.name, RequestedAt: now}
	err = s.opts.Store.CreateExtension(ctx, e, func(e *cchcbot.Extension) []*cchcbot.Outgoing {
		text := fmt.Sprintf("ĐƠN XIN GIA HẠN số %d\n", e.ID) + reportHeader(w.unit, up, now) +
			fmt.Sprintf("Đề nghị gia hạn đến: %s %s (thêm %d ngày)\nLý do: %s\nNgười đề nghị: %s, lúc %s.\nSố lần đơn vị đã được gia hạn trong năm %d: %d.",
				proposed.WeekdayVN(), proposed.VN(), up.Due.DaysUntil(proposed), reason, or(w.name, w.user.Local()), timeVN(now, s.calendar().Location), now.Year(), used)
		id := strconv.FormatUint(e.ID, 10)
		var out []*cchcbot.Outgoing
		for _, a := range admins {
			if a.User == w.user || w.member != nil && a.User == w.member.PersonKey() {
				continue // nobody decides their own request
			}
			out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Priority: cchcbot.PriorityBulk, Buttons: [][]cchcbot.Button{
				{{Text: "✅ Đồng ý đến " + proposed.VN(), Data: s.sign(a.User, cchcbot.ActionExtDecide, id, cchcbot.ExtVerdictApprove)}},
				{{Text: "✂️ Đồng ý, rút ngắn thời hạn", Data: s.sign(a.User, cchcbot.ActionExtDecide, id, cchcbot.ExtVerdictShorten)}},
				{{Text: "❌ Không đồng ý", Data: s.sign(a.User, cchcbot.ActionExtDecide, id, cchcbot.ExtVerdictRefuse)}},
			}})
		}
		return append(out, replyTo(w.user, fmt.Sprintf("Đã gửi đơn xin gia hạn %s đến %s (đơn số %d) tới %s. Kết quả sẽ được thông báo tới các thành viên của %s; trong khi chờ, hạn nộp vẫn là %s.",
			p.Label, proposed.VN(), e.ID, s.opts.Office, w.unit.Name, up.Due.VN())))
	})
	if cchcbot.ErrorCode(err) == cchcbot.ECONFLICT {
		if derr := s.opts.Store.PutState(ctx, extensionKey(w.user), nil); derr != nil {
			return derr
		}
		return s.reply(ctx, w.user, fmt.Sprintf("%s đã có đơn xin gia hạn %s đang chờ xét; không gửi thêm đơn mới.", w.unit.Name, p.Label))
	} else if err != nil {
		return err
	}
	s.opts.Logger.Info("extension requested", "extension", e.ID, "unit", w.unit.Code, "period", p.ID)
	return s.opts.Store.PutState(ctx, extensionKey(w.user), nil)
}

// grantExtension is an admin's /giahan <đơn vị> <kỳ> <dd/mm/yyyy> [lý do]:
// an extension granted unasked; the unit's members are told.
func (s *Service) grantExtension(ctx context.Context, w who, args []string) error {
	const syntax = "Cú pháp (cán bộ quản trị): /giahan <đơn vị> <kỳ> <dd/mm/yyyy> [lý do], ví dụ: /giahan chau loc 02/2024 25/02/2024 Mất điện kéo dài. Đơn xin gia hạn của các đơn vị được gửi tới đồng chí kèm nút xét duyệt."
	j := -1
	for i, a := range args {
		if dateRe.MatchString(a) {
			j = i
			break
		}
	}
	if j < 2 {
		return s.reply(ctx, w.user, syntax)
	}
	until, err := parseDate(args[j])
	if err != nil {
		return err
	}
	p, err := s.resolvePeriodArg(args[j-1])
	if err != nil {
		return s.reply(ctx, w.user, cchcbot.ErrorMessage(err)+"\n"+syntax)
	}
	u, ok, err := s.lookupUnit(ctx, w, strings.Join(args[:j-1], " "))
	if !ok || err != nil {
		return err
	}
	if w.member != nil && w.member.UnitCode == u.Code {
		// Nobody decides their own unit's extension: another admin does,
		// on the unit's request (/giahan as a member).
		return s.reply(ctx, w.user, fmt.Sprintf("Đồng chí là thành viên của %s nên không tự gia hạn cho đơn vị mình được. Xin gửi đơn bằng lệnh /giahan (không kèm tên đơn vị) để cán bộ quản trị khác xét.", u.Name))
	}
	note := strings.Join(args[j+1:], " ")
	if utf8.RuneCountInString(note) > maxReason {
		return s.reply(ctx, w.user, fmt.Sprintf("Lý do quá dài (tối đa %d ký tự).", maxReason))
	}
	if k, ok := s.calendar().Kind(p.KindID); !ok || !k.Owes(u) {
		return s.reply(ctx, w.user, fmt.Sprintf("%s không phải nộp %s.", u.Name, p.Label))
	}
	switch {
	case !until.After(p.Due):
		return s.reply(ctx, w.user, fmt.Sprintf("Ngày gia hạn phải sau hạn nộp %s của %s. Xin nhập lại.", p.Due.VN(), p.Label))
	case p.Due.DaysUntil(until) > maxExtensionDays:
		return s.reply(ctx, w.user, fmt.Sprintf("Gia hạn không quá %d ngày sau hạn nộp (tức đến %s). Xin nhập ngày sớm hơn.", maxExtensionDays, p.Due.AddDays(maxExtensionDays).VN()))
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	now := s.now()
	e := &cchcbot.Extension{PeriodID: p.ID, UnitCode: u.Code, State: cchcbot.ExtensionApproved, Until: until, Reason: note, Note: note,
		RequestedBy: w.user, RequestedByName: w.name, RequestedAt: now, DecidedBy: w.user, DecidedByName: w.name, DecidedAt: now}
	err = s.opts.Store.CreateExtension(ctx, e, func(e *cchcbot.Extension) []*cchcbot.Outgoing {
		out := memberNotices(members, s.extensionNotice(u, p, e))
		return append(out, replyTo(w.user, fmt.Sprintf("Đã gia hạn %s cho %s đến %s (số %d). %s", p.Label, u.Name, until.VN(), e.ID, toldVN(u, len(members)))))
	})
	if cchcbot.ErrorCode(err) == cchcbot.ECONFLICT {
		return s.reply(ctx, w.user, fmt.Sprintf("%s đang có đơn xin gia hạn %s chờ xét. Xin xét đơn đó bằng các nút ở tin nhắn \"ĐƠN XIN GIA HẠN\".", u.Name, p.Label))
	} else if err != nil {
		return err
	}
	s.opts.Logger.Info("extension granted", "extension", e.ID, "unit", u.Code, "period", p.ID, "by", string(w.user))
	return nil
}

// toldVN says who of the unit was told.
func toldVN(u cchcbot.Unit, members int) string {
	if members == 0 {
		return fmt.Sprintf("Đơn vị chưa có thành viên nhận tin: dùng /moi %s để mời.", u.Code)
	}
	return fmt.Sprintf("Đã gửi thông báo tới %d thành viên của đơn vị.", members)
}

// extensionNotice is what a unit's members are told of a decision.
func (s *Service) extensionNotice(u cchcbot.Unit, p cchcbot.Period, e *cchcbot.Extension) string {
	var b strings.Builder
	b.WriteString(greeting(u))
	switch {
	case e.Approved():
		fmt.Fprintf(&b, "%s ĐỒNG Ý gia hạn %s cho %s đến hết ngày %s %s (hạn ban đầu %s).", s.opts.Office, p.Label, u.Name, e.Until.WeekdayVN(), e.Until.VN(), p.Due.VN())
		if !e.Proposed.IsZero() && e.Until != e.Proposed {
			fmt.Fprintf(&b, "\nĐơn vị đề nghị đến %s; thời hạn được rút ngắn.", e.Proposed.VN())
		}
		if e.Note != "" {
			fmt.Fprintf(&b, "\nGhi chú: %s", e.Note)
		}
		fmt.Fprintf(&b, "\nĐề nghị %s chỉ đạo hoàn thành và gửi báo cáo trong thời hạn được gia hạn.", headTitle(u))
	default:
		fmt.Fprintf(&b, "%s KHÔNG ĐỒNG Ý gia hạn %s cho %s (đơn vị đề nghị đến %s).\nLý do: %s\n", s.opts.Office, p.Label, u.Name, e.Proposed.VN(), e.Note)
		fmt.Fprintf(&b, "Hạn nộp vẫn là %s; đề nghị %s chỉ đạo khẩn trương hoàn thành và gửi báo cáo.", dueVN(p), headTitle(u))
	}
	return b.String()
}
