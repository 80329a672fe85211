package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cchcbot"
)

// status is /status [period|unit]: a period's standing, or a unit's
// history when the argument names a unit.
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

// pageSize is how many units one status page lists.
const pageSize = 20

func (s *Service) periodStatus(ctx context.Context, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	k, _ := s.calendar().Kind(p.KindID)
	return s.opts.Store.PeriodStatus(ctx, k, p)
}

// statusPage renders one page of a period's status: the counts, then the
// units still owing it, grouped, with buttons to page and to move to the
// previous or next period of the same kind.
func (s *Service) statusPage(ctx context.Context, w who, p cchcbot.Period, page int) (string, [][]cchcbot.Button, error) {
	ps, err := s.periodStatus(ctx, p)
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	c := ps.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "TÌNH HÌNH NỘP BÁO CÁO: %s\n", p.Label)
	if p.HasWindow() {
		fmt.Fprintf(&b, "Số liệu: %s\n", p.WindowVN())
	}
	fmt.Fprintf(&b, "Hạn nộp: %s (%s)\n", dueVN(p), cchcbot.DaysLeftVN(p.DaysLeft(now)))
	fmt.Fprintf(&b, "Đã nộp: %d/%d (đúng hạn %d, trễ hạn %d)\nChưa nộp: %d\nBị trả lại: %d\nKhông liên lạc được: %d\n",
		c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable)
	if c.Extended > 0 {
		fmt.Fprintf(&b, "Được gia hạn: %d\n", c.Extended)
	}
	if c.Exempt > 0 {
		fmt.Fprintf(&b, "Được miễn nộp: %d (không tính vào số phải nộp)\n", c.Exempt)
	}
	pending := ps.Pending()
	pages := max(1, (len(pending)+pageSize-1)/pageSize)
	page = min(max(page, 0), pages-1)
	if len(pending) > 0 {
		fmt.Fprintf(&b, "\nĐơn vị chưa hoàn thành (trang %d/%d):\n", page+1, pages)
		writeGrouped(&b, pending[page*pageSize:min(len(pending), (page+1)*pageSize)], s.calendar().GroupLabels)
	} else {
		b.WriteString("\nTất cả các đơn vị đã nộp.\n")
	}
	b.WriteString(decisionSections(ps))
	var nav []cchcbot.Button
	if page > 0 {
		nav = append(nav, cchcbot.Button{Text: "◀ Trang trước", Data: s.sign(w.user, cchcbot.ActionStatus, p.ID, strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, cchcbot.Button{Text: "Trang sau ▶", Data: s.sign(w.user, cchcbot.ActionStatus, p.ID, strconv.Itoa(page+1))})
	}
	var periods []cchcbot.Button
	prev, next := s.neighbours(p)
	if prev != nil {
		periods = append(periods, cchcbot.Button{Text: "⏪ Kỳ trước", Data: s.sign(w.user, cchcbot.ActionStatus, prev.ID, "0")})
	}
	if next != nil {
		periods = append(periods, cchcbot.Button{Text: "Kỳ sau ⏩", Data: s.sign(w.user, cchcbot.ActionStatus, next.ID, "0")})
	}
	var rows [][]cchcbot.Button
	for _, r := range [][]cchcbot.Button{nav, periods} {
		if len(r) > 0 {
			rows = append(rows, r)
		}
	}
	return b.String(), rows, nil
}

// neighbours returns the periods of p's kind just before and after it;
// a period that has not opened yet has nothing to show.
func (s *Service) neighbours(p cchcbot.Period) (prev, next *cchcbot.Period) {
	cal := s.calendar()
	kind, ok := cal.Kind(p.KindID)
	if !ok {
		return nil, nil
	}
	all := cal.PeriodsOf(kind, p.NominalDue.AddDays(-400), p.NominalDue.AddDays(400))
	for i, q := range all {
		if q.ID != p.ID {
			continue
		}
		if i > 0 {
			prev = &all[i-1]
		}
		if i+1 < len(all) && !s.now().Before(all[i+1].Opens) {
			next = &all[i+1]
		}
	}
	return prev, next
}

// writeGrouped lists units under their group's heading, as the office
// names its groups.
func writeGrouped(b *strings.Builder, us []cchcbot.UnitStatus, labels cchcbot.GroupLabels) {
	var group cchcbot.UnitGroup
	for _, u := range us {
		if u.Unit.Group != group {
			group = u.Unit.Group
			fmt.Fprintf(b, "%s:\n", labels.Of(group))
		}
		fmt.Fprintf(b, "  • %s%s\n", u.Unit.Name, unitNote(u))
	}
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
	if q := u.QuotaNote(); q != "" {
		notes = append(notes, q)
	}
	notes = append(notes, decisionNotes(u)...)
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// historyDays is how far back /status <unit> looks.
const historyDays = 366

// unitHistory is /status <unit>: every period of the unit in the last
// year, newest first, with its versions and reminders.
func (s *Service) unitHistory(ctx context.Context, w who, u cchcbot.Unit) error {
	cal := s.calendar()
	now := s.now()
	subs, err := s.opts.Store.UnitSubmissions(ctx, u.Code)
	if err != nil {
		return err
	}
	by := map[string][]*cchcbot.Submission{}
	for _, x := range subs {
		by[x.PeriodID] = append(by[x.PeriodID], x)
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	reachable := 0
	for _, m := range members {
		if !m.Unreachable {
			reachable++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "LỊCH SỬ NỘP BÁO CÁO – %s (mã %s)\nNgười chịu trách nhiệm: %s\nThành viên: %d (nhận được tin: %d)\n", u.Name, u.Code, headTitle(u), len(members), reachable)
	today := cchcbot.DateOf(now)
	periods := cal.Periods(today.AddDays(-historyDays), today.AddDays(62))
	shown := 0
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		if k, _ := cal.Kind(p.KindID); !k.Owes(u) || now.Before(p.Opens) || k.Cancelled {
			continue
		}
		shown++
		versions := by[p.ID]
		p, dec, err := s.unitView(ctx, p, u.Code)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\n%s (hạn %s", p.Label, p.Due.VN())
		if p.Extended() {
			fmt.Fprintf(&b, ", đã gia hạn; hạn ban đầu %s", p.OriginalDue.VN())
		}
		b.WriteString("): ")
		if len(versions) == 0 && dec.Exemption != nil {
			b.WriteString("ĐƯỢC MIỄN NỘP (lý do: " + dec.Exemption.Reason + ")")
		} else if len(versions) == 0 {
			b.WriteString("CHƯA NỘP")
			if p.DaysLeft(now) < 0 {
				fmt.Fprintf(&b, " – %s", cchcbot.DaysLeftVN(p.DaysLeft(now)))
			}
		} else {
			b.WriteString(stateLine(versions[len(versions)-1]))
			for _, v := range versions {
				fmt.Fprintf(&b, "\n  – phiên bản %d: nộp %s (%s), biên nhận %s", v.Version, timeVN(v.SubmittedAt, cal.Location), lateVN(v), v.ReceiptNo())
				if v.State != cchcbot.StateSubmitted && !v.ReviewedAt.IsZero() {
					fmt.Fprintf(&b, "; %s lúc %s", strings.ToLower(v.State.Label()), timeVN(v.ReviewedAt, cal.Location))
				}
			}
		}
		// The tally, not the log: it outlives the rows of a rolled-up period.
		rc, err := s.opts.Store.ReminderCountFor(ctx, p.ID, u.Code)
		if err != nil {
			return err
		}
		if rc.Sent > 0 {
			fmt.Fprintf(&b, "\n  nhắc việc: đã gửi %d, đã nhận %d", rc.Sent, rc.Acked)
		}
		var d strings.Builder
		s.writeDecisions(&d, dec)
		if d.Len() > 0 {
			b.WriteString("\n" + strings.TrimSuffix(d.String(), "\n"))
		}
	}
	if shown == 0 {
		b.WriteString("\nChưa có kỳ báo cáo nào trong năm qua.")
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
	fmt.Fprintf(&b, "%s (hạn %s, %s): %d đơn vị chưa hoàn thành\n", p.Label, dueVN(p), cchcbot.DaysLeftVN(p.DaysLeft(s.now())), len(pending))
	writeGrouped(&b, pending, s.calendar().GroupLabels)
	return s.reply(ctx, w.user, b.String())
}
