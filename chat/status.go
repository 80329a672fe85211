package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cchcbot"
)

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
