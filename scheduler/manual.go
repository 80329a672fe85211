package scheduler

import (
	"context"
	"slices"
	"time"

	"cchcbot"
)

// ManualStepPrefix starts the step name of a reminder pushed by an admin:
// "manual-202403041015".
const ManualStepPrefix = "manual-"

// RemindNow pushes a reminder now, at an admin's request, to every member
// of every unit that still owes the period. key names the request: its
// step is named after the minute it was first run in and remembered under
// key before anything is queued, so the same request run again (a press
// delivered twice, a restart mid fan-out) finishes that round and sends
// nothing twice, while a new request the next day is a new round. It
// returns the units reached (those with a member who can be messaged).
func (s *Scheduler) RemindNow(ctx context.Context, periodID string, by cchcbot.UserID, key string) (int, error) {
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
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	name, err := s.manualStep(ctx, key, ManualStepPrefix+now.In(cal.Location).Format("200601021504"))
	if err != nil {
		return 0, err
	}
	step := adHocStep(name, p, now)
	expires := expiry(cal.Plan(p), step, p, now)
	var sends []outgoing
	reached := 0
	for _, u := range pendingUnits(cal, p, f, latest) {
		members := f.members[u.Code]
		if len(members) == 0 {
			continue
		}
		reached++
		members, err := s.onePerPerson(ctx, members, now)
		if err != nil {
			return reached, err
		}
		text := reminderText(s.Office, u, p, step, latest[u.Code], now)
		for _, m := range members {
			r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: step.Name, Member: m.User, PlannedAt: now, UpdatedAt: now}
			sends = append(sends, outgoing{r, text, expires})
		}
	}
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	s.Logger.Info("reminder pushed by an admin", "period", p.ID, "by", string(by), "units", reached)
	if err := s.sendAll(ctx, p.ID, sends); err != nil {
		return reached, err
	}
	return reached, nil
}

// manualStep returns the step name remembered under the request's key,
// remembering name for it if there is none yet.
func (s *Scheduler) manualStep(ctx context.Context, key, name string) (string, error) {
	k := "scheduler/manual/" + key
	if v, err := s.Store.GetState(ctx, k); err != nil {
		return "", err
	} else if v != nil {
		return string(v), nil
	}
	return name, s.Store.PutState(ctx, k, []byte(name))
}

// adHocStep is a step outside the plan, at now: overdue wording once the
// deadline has passed.
func adHocStep(name string, p cchcbot.Period, now time.Time) cchcbot.Step {
	st := cchcbot.Step{Name: name, Kind: cchcbot.StepBefore, N: max(p.DaysLeft(now), 0), At: now, Nominal: now}
	switch left := p.DaysLeft(now); {
	case left == 0:
		st.Kind = cchcbot.StepDueDay
	case left < 0:
		st.Kind, st.N = cchcbot.StepOverdue, 0
	}
	return st
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
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range pendingUnits(cal, p, f, latest) {
		if len(f.members[u.Code]) > 0 {
			n++
		}
	}
	return n, nil
}

// pendingUnits returns the units that owe p and have not submitted, or
// were returned.
func pendingUnits(cal *cchcbot.Calendar, p cchcbot.Period, f *facts, latest map[string]*cchcbot.Submission) []cchcbot.Unit {
	k, ok := cal.Kind(p.KindID)
	if !ok {
		return nil
	}
	var out []cchcbot.Unit
	for _, u := range f.units {
		if k.Owes(u) && !cchcbot.StateOf(latest[u.Code]).Done() {
			out = append(out, u)
		}
	}
	return out
}

// Upcoming returns the next planned reminder steps after now, soonest
// first, at most limit of them (0: all), each with how many units still
// owe its period now: the units it would remind if it ran now.
func (s *Scheduler) Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error) {
	cal := s.Calendar()
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
	if len(out) == 0 {
		return out, nil
	}
	f, err := s.loadFacts(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for i := range out {
		p := out[i].Period
		n, ok := counts[p.ID]
		if !ok {
			latest, err := s.Store.LatestSubmissions(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			n = len(pendingUnits(cal, p, f, latest))
			counts[p.ID] = n
		}
		out[i].Units = n
	}
	return out, nil
}
