package scheduler

import (
	"context"
	"slices"
	"time"

	"cchcbot"
)

// recoverPending deals with the records a crash left "sending": whether
// those messages reached the member is unknown. The choice made here is to
// send each of them once more (at-least-once for the message that was in
// flight), because a reminder repeated once is a nuisance while a reminder
// lost before a deadline defeats the bot. One that no longer matters (the
// unit has submitted, the period is closed or gone from the calendar, the
// member is unreachable or has left the unit, the step is stale) is
// recorded skipped instead.
//
// Every other reminder goes out at most once: BeginReminder refuses an
// identity already in the log, and the record is committed before the
// send. So a crash costs at most one duplicate per message that was in
// flight: one, with Concurrency 1.
//
// It runs in the first sweep outside quiet hours, under tickMu.
func (s *Scheduler) recoverPending(ctx context.Context, cal *cchcbot.Calendar, now time.Time) error {
	pending, err := s.Store.PendingReminders(ctx)
	if err != nil || len(pending) == 0 {
		return err
	}
	f, err := s.loadFacts(ctx)
	if err != nil {
		return err
	}
	latestBy := map[string]map[string]*cchcbot.Submission{}
	for _, r := range pending {
		latest, ok := latestBy[r.PeriodID]
		if !ok {
			if latest, err = s.Store.LatestSubmissions(ctx, r.PeriodID); err != nil {
				return err
			}
			latestBy[r.PeriodID] = latest
		}
		p, perr := cal.Period(r.PeriodID)
		k, _ := cal.Kind(p.KindID)
		u, known := f.byCode[r.UnitCode]
		member := slices.ContainsFunc(f.members[r.UnitCode], func(m cchcbot.Member) bool { return m.User == r.Member })
		if perr != nil || !now.Before(p.Closes) || !known || !k.Owes(u) || cchcbot.StateOf(latest[u.Code]).Done() || !member || now.Sub(r.PlannedAt) >= stale {
			r.State, r.UpdatedAt = cchcbot.ReminderSkipped, now
			r.Error = "Gửi dở khi hệ thống dừng; không gửi lại vì không còn cần thiết."
			if err := s.Store.FinishReminder(ctx, r); err != nil {
				return err
			}
			continue
		}
		s.Logger.Info("resending a reminder left in flight by a crash", "period", r.PeriodID, "unit", r.UnitCode, "step", r.Step, "to", string(r.Member))
		step := findStep(cal.Plan(p), r.Step, p, now)
		if err := s.deliver(ctx, p.ID, outgoing{r, reminderText(s.Office, u, p, step, latest[u.Code], now)}); err != nil {
			return err
		}
	}
	return nil
}

// findStep returns the named step of plan, or for a push by an admin (or a
// step a reload removed) a step at now of the kind its timing implies.
func findStep(plan []cchcbot.Step, name string, p cchcbot.Period, now time.Time) cchcbot.Step {
	if i := slices.IndexFunc(plan, func(s cchcbot.Step) bool { return s.Name == name }); i >= 0 {
		return plan[i]
	}
	return adHocStep(name, p, now)
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
