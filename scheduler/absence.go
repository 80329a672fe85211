package scheduler

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"cchcbot"
)

// away reports whether the person behind m is away on d: an absence
// marked on any of their accounts counts, since it is the person who is
// on leave.
func (f *facts) away(m cchcbot.Member, d cchcbot.Date) bool {
	for _, a := range f.absences[m.PersonKey()] {
		if a.Covers(d) {
			return true
		}
	}
	return false
}

// head reports whether the person behind m heads their unit.
func (f *facts) head(m cchcbot.Member) bool { return f.heads[m.PersonKey()] }

// recipients returns the members of a unit to remind of a step on day:
// those the bot can reach who are not away that day. When the kind's
// ladder has a head rung and someone else is left, the unit's head is
// left out: the head hears from the ladder, not from every reminder.
func (f *facts) recipients(k cchcbot.ReportKind, unit string, day cchcbot.Date) []cchcbot.Member {
	var present, others []cchcbot.Member
	for _, m := range f.members[unit] {
		if f.away(m, day) {
			continue
		}
		present = append(present, m)
		if !f.head(m) {
			others = append(others, m)
		}
	}
	if k.Escalation.HeadAfterDays > 0 && len(others) > 0 {
		return others
	}
	return present
}

// uncoveredWhy says why no one of a unit can be reminded on day.
func (f *facts) uncoveredWhy(unit string, day cchcbot.Date) string {
	all := f.all[unit]
	if len(all) == 0 {
		return "chưa có người nhận tin"
	}
	var until cchcbot.Date
	for _, m := range f.members[unit] {
		for _, a := range f.absences[m.PersonKey()] {
			if a.Covers(day) && a.To.After(until) {
				until = a.To
			}
		}
	}
	if until.IsZero() {
		return "không liên lạc được với người nhận tin"
	}
	return "người nhận tin vắng mặt đến hết ngày " + until.VN()
}

// reachedSince reports whether a reminder of a step at or after from went,
// or is on its way, to someone of the unit: a unit reached by its first
// step (its member marked an absence only afterwards) was not uncovered.
func reachedSince(logged []cchcbot.Reminder, unit string, from time.Time) bool {
	return slices.ContainsFunc(logged, func(r cchcbot.Reminder) bool {
		return r.UnitCode == unit && !r.PlannedAt.Before(from) && (r.State == cchcbot.ReminderSent || r.State == cchcbot.ReminderSending)
	})
}

// uncoveredUnit is a unit no one can be reminded for, and why.
type uncoveredUnit struct {
	unit cchcbot.Unit
	why  string
}

// RunUncovered tells the admins which units no one can be reminded for
// (every member away, unreachable, or none at all), on working days from
// digest time, from the working day before a unit's first reminder step
// of a period to that step's day: in time to find someone, or to remind
// the unit another way. Each unit is named once per (period, first-step
// date): an extension's new plan, with its own first step, may name it
// again.
func (s *Scheduler) RunUncovered(ctx context.Context, now time.Time) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	cal := s.Calendar()
	today := cchcbot.DateOf(now.In(cal.Location))
	if cal.InQuietHours(now) || !cal.Work.IsWorkingDay(today) || now.Before(today.At(cal.Reminders.DigestTime, cal.Location)) {
		return nil
	}
	inWindow := func(v view) bool {
		if len(v.plan) == 0 || !now.Before(v.p.Closes) {
			return false
		}
		first := cchcbot.DateOf(v.plan[0].At.In(cal.Location))
		before := cal.Work.PrevWorkingDay(first.AddDays(-1))
		return !today.Before(before) && !today.After(first)
	}
	exts, err := s.loadExtensions(ctx, "")
	if err != nil {
		return err
	}
	var f *facts
	var admins []cchcbot.Admin
	for _, p := range activePeriods(cal, now, exts) {
		vs := newViews(cal, p, exts[p.ID])
		if !inWindow(vs.base) && !slices.ContainsFunc(vs.extended(), inWindow) {
			continue
		}
		k, ok := cal.Kind(p.KindID)
		if !ok {
			continue
		}
		if f == nil {
			if admins, err = s.Store.Admins(ctx); err != nil || len(admins) == 0 {
				return err
			}
			if f, err = s.loadFacts(ctx); err != nil {
				return err
			}
		}
		latest, err := s.Store.LatestSubmissions(ctx, p.ID)
		if err != nil {
			return err
		}
		adj, err := s.Store.Adjustments(ctx, p.ID)
		if err != nil {
			return err
		}
		var logged []cchcbot.Reminder // read for the first unit uncovered
		read := false
		byFirst := map[cchcbot.Date][]uncoveredUnit{}
		for _, u := range f.units {
			if !k.Owes(u) || cchcbot.StateOf(latest[u.Code]).Done() || adj.Exemptions[u.Code] != nil {
				continue
			}
			v := vs.of(u.Code)
			if !inWindow(v) {
				continue
			}
			first := cchcbot.DateOf(v.plan[0].At.In(cal.Location))
			if len(f.recipients(k, u.Code, first)) > 0 {
				continue
			}
			if !read {
				if logged, err = s.Store.Reminders(ctx, p.ID); err != nil {
					return err
				}
				read = true
			}
			if !reachedSince(logged, u.Code, v.plan[0].At) {
				byFirst[first] = append(byFirst[first], uncoveredUnit{u, f.uncoveredWhy(u.Code, first)})
			}
		}
		for _, first := range slices.SortedFunc(maps.Keys(byFirst), cchcbot.Date.Compare) {
			if err := s.noticeUncovered(ctx, admins, p, first, byFirst[first], cal.GroupLabels); err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
		}
	}
	return nil
}

// noticeUncovered tells the admins of the units of us not named before for
// (p, first). The units named are remembered under one state key per
// (p, first) after the notice is queued, and the notice's own key is made
// of the units it names: a crash in between queues the same notice again
// under the same key, which QueueOnce refuses.
func (s *Scheduler) noticeUncovered(ctx context.Context, admins []cchcbot.Admin, p cchcbot.Period, first cchcbot.Date, us []uncoveredUnit, labels cchcbot.GroupLabels) error {
	markKey := "scheduler/uncovered/" + p.ID + "/" + first.String()
	var named []string
	if v, err := s.Store.GetState(ctx, markKey); err != nil {
		return err
	} else if v != nil {
		if err := json.Unmarshal(v, &named); err != nil {
			return fmt.Errorf("%s: %w", markKey, err)
		}
	}
	us = slices.DeleteFunc(us, func(u uncoveredUnit) bool { return slices.Contains(named, u.unit.Code) })
	if len(us) == 0 {
		return nil
	}
	codes := make([]string, len(us))
	for i, u := range us {
		codes[i] = u.unit.Code
	}
	sum := sha256.Sum256([]byte(strings.Join(codes, "\x00")))
	key := markKey + "/" + hex.EncodeToString(sum[:8])
	text := uncoveredText(p, first, us, labels, s.Office)
	for _, a := range admins {
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Priority: cchcbot.PriorityBulk}
		if _, err := s.Store.QueueOnce(ctx, key+"/"+string(a.User), msg); err != nil {
			return err
		}
	}
	named = append(named, codes...)
	slices.Sort(named)
	v, err := json.Marshal(named)
	if err != nil {
		return err
	}
	return s.Store.PutState(ctx, markKey, v)
}

// uncoveredText is the admins' notice of units no one can be reminded
// for, by group.
func uncoveredText(p cchcbot.Period, first cchcbot.Date, us []uncoveredUnit, labels cchcbot.GroupLabels, office string) string {
	slices.SortStableFunc(us, func(a, b uncoveredUnit) int {
		return cmp.Or(cmp.Compare(a.unit.Group.Rank(), b.unit.Group.Rank()), cmp.Compare(a.unit.Order, b.unit.Order))
	})
	var b strings.Builder
	fmt.Fprintf(&b, "ĐƠN VỊ CHƯA CÓ NGƯỜI NHẬN NHẮC VIỆC: %s (hạn %s)\n", p.Label, p.Due.VN())
	fmt.Fprintf(&b, "Lời nhắc đầu tiên của kỳ báo cáo dự kiến gửi ngày %s, nhưng %d đơn vị sau không có ai nhận được:\n", first.VN(), len(us))
	var group cchcbot.UnitGroup
	for _, u := range us {
		if u.unit.Group != group {
			group = u.unit.Group
			fmt.Fprintf(&b, "  %s:\n", labels.Of(group))
		}
		fmt.Fprintf(&b, "   – %s: %s.\n", u.unit.Name, u.why)
	}
	b.WriteString("\nĐề nghị liên hệ các đơn vị trên để bố trí cán bộ nhận tin (cấp mã mời cho cán bộ đầu mối), hoặc thông báo cho đơn vị bằng hình thức khác.\n")
	fmt.Fprintf(&b, "\n%s", office)
	return b.String()
}
