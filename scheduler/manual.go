package scheduler

import (
	"context"
	"slices"
	"time"

	"cchcbot"
)

// RemindNow pushes a reminder now to every member of every unit that still
// owes the period, at an admin's request. The step is named after the
// minute, so pressing twice by mistake sends once, while a push the next
// day sends again. It returns the units reminded.
func (s *Scheduler) RemindNow(ctx context.Context, periodID string, by cchcbot.UserID) (int, error) {
	cal := s.Calendar()
	p, err := cal.Period(periodID)
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	f, err := s.loadFacts(ctx)
	if err != nil {
		return 0, err
	}
	pending, err := s.pendingUnits(ctx, cal, p, f)
	if err != nil {
		return 0, err
	}
	step := cchcbot.Step{Name: "manual-" + now.In(cal.Location).Format("200601021504"), Kind: cchcbot.StepBefore, At: now, Nominal: now}
	if p.DaysLeft(now) < 0 {
		step.Kind = cchcbot.StepOverdue
	}
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	reached := 0
	for _, u := range pending {
		members := f.members[u.Code]
		if len(members) > 0 {
			reached++
		}
		for _, m := range members {
			r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: step.Name, Member: m.User, PlannedAt: now, UpdatedAt: now}
			if err := s.send(ctx, r, p, reminderText(cal, s.Office, u, p, step, latest[u.Code], now), now); err != nil {
				return reached, err
			}
		}
	}
	s.Logger.Info("manual reminder", "period", p.ID, "by", string(by), "units", reached)
	return reached, nil
}

// Pending returns how many units RemindNow would reach now.
func (s *Scheduler) Pending(ctx context.Context, periodID string) (int, error) {
	cal := s.Calendar()
	p, err := cal.Period(periodID)
	if err != nil {
		return 0, err
	}
	f, err := s.loadFacts(ctx)
	if err != nil {
		return 0, err
	}
	units, err := s.pendingUnits(ctx, cal, p, f)
	n := 0
	for _, u := range units {
		if len(f.members[u.Code]) > 0 {
			n++
		}
	}
	return n, err
}

func (s *Scheduler) pendingUnits(ctx context.Context, cal *cchcbot.Calendar, p cchcbot.Period, f facts) ([]cchcbot.Unit, error) {
	k, _ := cal.Kind(p.KindID)
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []cchcbot.Unit
	for _, u := range f.units {
		if k.Owes(u) && !cchcbot.StateOf(latest[u.Code]).Done() {
			out = append(out, u)
		}
	}
	return out, nil
}

// Upcoming returns the next reminder steps after now, soonest first, each
// with the number of units it would reach if it ran now.
func (s *Scheduler) Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error) {
	cal := s.Calendar()
	f, err := s.loadFacts(ctx)
	if err != nil {
		return nil, err
	}
	var out []cchcbot.UpcomingReminder
	for _, p := range activePeriods(cal, now) {
		for _, st := range cal.Plan(p) {
			if st.At.After(now) {
				out = append(out, cchcbot.UpcomingReminder{Period: p, Step: st})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b cchcbot.UpcomingReminder) int { return a.Step.At.Compare(b.Step.At) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		units, err := s.pendingUnits(ctx, cal, out[i].Period, f)
		if err != nil {
			return nil, err
		}
		out[i].Units = len(units)
	}
	return out, nil
}
