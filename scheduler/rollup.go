package scheduler

import (
	"context"
	"slices"
	"time"

	"cchcbot"
)

// RollUpTime is when the nightly roll-up of the reminder log runs, in the
// calendar's zone: a quiet hour, after the 02:30 backup has copied the
// rows it deletes.
var RollUpTime = cchcbot.TimeOfDay{Hour: 2, Minute: 40}

// RollUpJob returns the daily Job that folds the reminder rows of periods
// closed more than keepYears years ago into their tallies (RunRollUp), at
// RollUpTime and once at start-up. The start-up run goes on in the
// background, so that a store's first roll-up (years of rows) does not
// hold back cron; Stop waits for it. Give it reminders.keep_log_years
// when that is above 0 (0 keeps every row: add no job).
func (s *Scheduler) RollUpJob(keepYears int) Job {
	run := func(ctx context.Context) error {
		_, err := s.RunRollUp(ctx, s.Clock.Now(), keepYears)
		return err
	}
	return Job{Name: "reminder-rollup", At: RollUpTime, Run: run,
		CatchUp: func(ctx context.Context) error {
			// Called from the start-up goroutine, which holds a count of
			// s.running: adding to it here cannot race Stop's Wait.
			s.running.Add(1)
			go func() {
				defer s.running.Done()
				s.protect("reminder-rollup catch-up", func() { s.runJob(ctx, "reminder-rollup", run) })
			}()
			return nil
		}}
}

// RunRollUp folds into their tallies the reminder rows of every period
// that is over for good more than keepYears years before now: closed to
// late reports, every unit's extension included, and past every step of
// its reminder plan. Its /status, web and export figures come from the
// tally, which the roll-up keeps exact. A period the calendar does not
// know (its kind left the config) keeps its rows, unless an interrupted
// roll-up began it: that one is finished. It logs what it folded and
// returns the periods it folded rows of; keepYears 0 folds nothing.
func (s *Scheduler) RunRollUp(ctx context.Context, now time.Time, keepYears int) ([]string, error) {
	if keepYears <= 0 {
		return nil, nil
	}
	st := s.Store
	s.rollUpMu.Lock()
	defer s.rollUpMu.Unlock()
	cal := s.Calendar()
	ids, err := st.ReminderPeriods(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	begun, err := st.RolledUp(ctx)
	if err != nil {
		return nil, err
	}
	exts, err := s.loadExtensions(ctx, "")
	if err != nil {
		return nil, err
	}
	cutoff := now.In(cal.Location).AddDate(-keepYears, 0, 0)
	var folded []string
	total := 0
	for _, id := range ids {
		if _, resume := begun[id]; !resume && !overBefore(cal, id, exts, cutoff) {
			continue
		}
		n, err := st.RollUpReminders(ctx, id, now)
		total += n
		if n > 0 {
			folded = append(folded, id)
			s.Logger.Info("reminder log rolled up", "period", id, "rows", n)
		}
		if err != nil {
			return folded, err
		}
	}
	if total > 0 {
		s.Logger.Info("reminder log roll-up done", "periods", len(folded), "rows", total, "kept_years", keepYears, "before", cutoff.Format(time.DateOnly))
	}
	return folded, nil
}

// overBefore reports whether period id is over for every unit before
// cutoff: its late window closed and its reminder plan done, on the
// period's own dates and on each approved extension's.
func overBefore(cal *cchcbot.Calendar, id string, exts extensions, cutoff time.Time) bool {
	p, err := cal.Period(id)
	if err != nil {
		return false
	}
	views := []cchcbot.Period{p}
	for _, u := range exts[id] {
		if u.approved != nil {
			views = append(views, p.ForUnit(u.approved))
		}
	}
	return !slices.ContainsFunc(views, func(v cchcbot.Period) bool {
		if !v.Closes.Before(cutoff) {
			return true
		}
		plan := cal.Plan(v)
		return len(plan) > 0 && !plan[len(plan)-1].At.Before(cutoff)
	})
}
