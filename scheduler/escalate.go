package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cchcbot"
)

// ladderBase is the day a unit's ladder counts from: the day of the last
// overdue step of its plan, or its due day when the plan has none.
func ladderBase(loc *time.Location, v view) cchcbot.Date {
	for i := len(v.plan) - 1; i >= 0; i-- {
		if v.plan[i].Kind == cchcbot.StepOverdue {
			return cchcbot.DateOf(v.plan[i].At.In(loc))
		}
	}
	return v.p.Due
}

// rungAt is when a rung days after base comes: at reminder time on the
// first working day from base + days.
func rungAt(cal *cchcbot.Calendar, base cchcbot.Date, days int) time.Time {
	return cal.Work.NextWorkingDay(base.AddDays(days)).At(cal.Reminders.TimeOfDay, cal.Location)
}

// rungDue reports whether a rung at at is to be taken at now: it has come,
// and not so long ago that it is stale, like a reminder step (a bot first
// started in March does not tell the leaders about January).
func rungDue(at, now time.Time) bool { return !now.Before(at) && now.Sub(at) < stale }

// escalated reports whether the unit was taken up the rung already.
func escalated(adj cchcbot.Adjustments, unit string, level cchcbot.EscalationLevel) bool {
	return slices.ContainsFunc(adj.Escalations[unit], func(e cchcbot.Escalation) bool { return e.Level == level })
}

// escalate takes the units still late for p up the kind's ladder: the
// unit's head, when only others were reminded, HeadAfterDays after the
// unit's last overdue step; the configured leaders LeadersAfterDays after
// it, in one letter per leader naming every unit escalated in the sweep.
// Each (period, unit, rung) happens once: the store records it with its
// messages and its audit entry in one commit, and refuses it again after
// a restart. late are the units that owe p and are neither exempt nor
// done; an extended unit counts from its own plan, so it is not escalated
// before its new deadline has passed.
func (s *Scheduler) escalate(ctx context.Context, cal *cchcbot.Calendar, k cchcbot.ReportKind, p cchcbot.Period, late []owing, f *facts, log periodLog, adj cchcbot.Adjustments, now time.Time) error {
	pol := k.Escalation
	if pol.IsZero() {
		return nil
	}
	today := cchcbot.DateOf(now.In(cal.Location))
	var es []cchcbot.Escalation
	toHeads := map[string][]*cchcbot.Outgoing{}
	toLeaders := map[string]owing{}
	for _, o := range late {
		code := o.unit.Code
		daysLate := -o.v.p.DaysLeft(now)
		if daysLate <= 0 {
			continue
		}
		base := ladderBase(cal.Location, o.v)
		if pol.HeadAfterDays > 0 && !escalated(adj, code, cchcbot.EscalateHead) && rungDue(rungAt(cal, base, pol.HeadAfterDays), now) {
			heads, err := s.headsToTell(ctx, f, log, code, today, now)
			if err != nil {
				return err
			}
			if len(heads) > 0 {
				e := cchcbot.Escalation{PeriodID: p.ID, UnitCode: code, Level: cchcbot.EscalateHead, At: now, DaysLate: daysLate}
				sent := sentDays(log.logged, code, cal.Location)
				for _, h := range heads {
					e.To = append(e.To, string(h.User))
					toHeads[code] = append(toHeads[code], &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: h.User, Priority: cchcbot.PriorityBulk,
						Text:    headText(s.Office, o.unit, o.v.p, daysLate, sent, today),
						Buttons: s.submitButton(h.User, p.ID)})
				}
				es = append(es, e)
			}
		}
		if pol.LeadersAfterDays > 0 && len(pol.Leaders) > 0 && !escalated(adj, code, cchcbot.EscalateLeaders) && rungDue(rungAt(cal, base, pol.LeadersAfterDays), now) {
			e := cchcbot.Escalation{PeriodID: p.ID, UnitCode: code, Level: cchcbot.EscalateLeaders, At: now, DaysLate: daysLate}
			for _, l := range pol.Leaders {
				e.To = append(e.To, cmp.Or(l.Name, string(l.User)))
			}
			es = append(es, e)
			toLeaders[code] = o
		}
	}
	if len(es) == 0 {
		return nil
	}
	_, err := s.Store.Escalate(ctx, es, func(fresh []cchcbot.Escalation) []*cchcbot.Outgoing {
		var out []*cchcbot.Outgoing
		var listed []lateLine
		for _, e := range fresh {
			switch e.Level {
			case cchcbot.EscalateHead:
				out = append(out, toHeads[e.UnitCode]...)
			case cchcbot.EscalateLeaders:
				o := toLeaders[e.UnitCode]
				listed = append(listed, lateLine{o.unit, o.v.p, e.DaysLate})
			}
		}
		if len(listed) == 0 {
			return out
		}
		slices.SortStableFunc(listed, func(a, b lateLine) int {
			return cmp.Or(cmp.Compare(a.unit.Group.Rank(), b.unit.Group.Rank()), cmp.Compare(a.unit.Order, b.unit.Order))
		})
		for _, l := range pol.Leaders {
			out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: l.User, Priority: cchcbot.PriorityBulk,
				Text: leadersText(s.Office, l, p, listed, today)})
		}
		return out
	})
	return err
}

// headsToTell returns the accounts of the unit's heads to tell at the head
// rung, one per person, none away today; none when a head was reminded
// like everyone (no one else was left to remind): they know already.
func (s *Scheduler) headsToTell(ctx context.Context, f *facts, log periodLog, unit string, today cchcbot.Date, now time.Time) ([]cchcbot.Member, error) {
	for _, r := range log.logged {
		if r.UnitCode == unit && (r.State == cchcbot.ReminderSent || r.State == cchcbot.ReminderSending) && f.heads[f.personOf(r.Member)] {
			return nil, nil
		}
	}
	var heads []cchcbot.Member
	for _, m := range f.members[unit] {
		if f.head(m) && !f.away(m, today) {
			heads = append(heads, m)
		}
	}
	if len(heads) == 0 {
		return nil, nil
	}
	return s.onePerPerson(ctx, heads, now)
}

// sentDays returns the days a unit was sent a reminder of the period, in
// order.
func sentDays(logged []cchcbot.Reminder, unit string, loc *time.Location) []cchcbot.Date {
	var out []cchcbot.Date
	for _, r := range logged {
		if r.UnitCode != unit || r.State != cchcbot.ReminderSent {
			continue
		}
		at := r.SentAt
		if at.IsZero() {
			at = r.PlannedAt
		}
		out = append(out, cchcbot.DateOf(at.In(loc)))
	}
	slices.SortFunc(out, cchcbot.Date.Compare)
	return slices.Compact(out)
}

// submitButton is "📎 Nộp báo cáo" alone, for a head who may answer the
// note with the report itself.
func (s *Scheduler) submitButton(to cchcbot.UserID, periodID string) [][]cchcbot.Button {
	data, err := s.Signer.Sign(to, cchcbot.ActionSubmit, periodID)
	if err != nil {
		s.Logger.Error("escalation button", "period", periodID, "err", err)
		return nil
	}
	return [][]cchcbot.Button{{{Text: "📎 Nộp báo cáo", Data: data}}}
}

// deadlineVN says a unit's deadline for a letter: the original due day,
// and the extension when one was granted.
func deadlineVN(p cchcbot.Period) string {
	if p.Extended() {
		return fmt.Sprintf("hạn nộp ngày %s, được gia hạn đến ngày %s", p.OriginalDue.VN(), p.Due.VN())
	}
	return "hạn nộp ngày " + p.Due.VN()
}

// headText is the note to a unit's head at the ladder's first rung, in the
// "đôn đốc" tone of the office's letters: the report, the deadline, the
// days late and the reminders the unit was already sent.
func headText(office string, u cchcbot.Unit, p cchcbot.Period, daysLate int, sent []cchcbot.Date, today cchcbot.Date) string {
	var b strings.Builder
	head := u.HeadTitle
	if head == "" {
		head = "Thủ trưởng đơn vị"
	}
	fmt.Fprintf(&b, "V/v đôn đốc gửi báo cáo: %s\n\n", p.Label)
	fmt.Fprintf(&b, "Kính gửi: đồng chí %s – %s.\n\n", head, u.Name)
	fmt.Fprintf(&b, "Đến ngày %s, %s chưa gửi “%s”.\n", today.VN(), u.Name, p.Label)
	if p.Extended() {
		fmt.Fprintf(&b, "– Hạn nộp: ngày %s; đơn vị đã được gia hạn đến ngày %s.\n", p.OriginalDue.VN(), p.Due.VN())
	} else {
		fmt.Fprintf(&b, "– Hạn nộp: ngày %s.\n", p.Due.VN())
	}
	fmt.Fprintf(&b, "– Đã quá hạn %d ngày.\n", daysLate)
	if len(sent) > 0 {
		days := make([]string, len(sent))
		for i, d := range sent {
			days[i] = d.VN()
		}
		fmt.Fprintf(&b, "– %s đã nhắc việc cán bộ đầu mối của đơn vị %d lần, vào các ngày: %s.\n", office, len(sent), strings.Join(days, ", "))
	} else {
		b.WriteString("– Chưa có lời nhắc nào đến được cán bộ đầu mối của đơn vị.\n")
	}
	b.WriteString("\nĐề nghị đồng chí quan tâm, chỉ đạo bộ phận chuyên môn khẩn trương hoàn thành và gửi báo cáo; việc chậm nộp sẽ được tổng hợp vào kết quả đánh giá, xếp loại CCHC của đơn vị.\n")
	b.WriteString("Báo cáo có thể gửi ngay vào cuộc trò chuyện này, hoặc bấm \"📎 Nộp báo cáo\".\n")
	fmt.Fprintf(&b, "\nTrân trọng,\n%s", office)
	return b.String()
}

// lateLine is one unit in the leaders' letter.
type lateLine struct {
	unit     cchcbot.Unit
	p        cchcbot.Period // the unit's own view
	daysLate int
}

// leadersText is the letter to a leader at the ladder's last rung: the
// office reports the units still late and asks the leader to press them.
func leadersText(office string, l cchcbot.Leader, p cchcbot.Period, lines []lateLine, today cchcbot.Date) string {
	var b strings.Builder
	fmt.Fprintf(&b, "V/v đôn đốc các đơn vị chưa gửi báo cáo: %s\n\n", p.Label)
	switch {
	case l.Name != "" && l.Title != "":
		fmt.Fprintf(&b, "Kính gửi: đồng chí %s – %s.\n\n", l.Name, l.Title)
	case l.Name != "":
		fmt.Fprintf(&b, "Kính gửi: đồng chí %s.\n\n", l.Name)
	case l.Title != "":
		fmt.Fprintf(&b, "Kính gửi: đồng chí %s.\n\n", l.Title)
	}
	fmt.Fprintf(&b, "%s kính báo cáo: đến ngày %s, %d đơn vị sau chưa gửi “%s” (hạn nộp ngày %s), dù đã được nhắc việc theo kế hoạch:\n",
		office, today.VN(), len(lines), p.Label, p.Due.VN())
	for i, x := range lines {
		fmt.Fprintf(&b, "%d. %s – %s; đã quá hạn %d ngày.\n", i+1, x.unit.Name, deadlineVN(x.p), x.daysLate)
	}
	b.WriteString("\nKính đề nghị đồng chí quan tâm, chỉ đạo Thủ trưởng các đơn vị nêu trên khẩn trương hoàn thành và gửi báo cáo theo quy định.\n")
	fmt.Fprintf(&b, "\nTrân trọng,\n%s", office)
	return b.String()
}
