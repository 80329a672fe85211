package scheduler

import (
	"cmp"
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
// Exempt units are left out; an extended unit hears its own deadline; a
// member away today, and the head while others are left (as in the
// sweep), is not reminded.
func (s *Scheduler) RemindNow(ctx context.Context, periodID string, by cchcbot.UserID, key string) (int, error) {
	cal := s.Calendar()
	p, err := cal.Period(periodID)
	if err != nil {
		return 0, err
	}
	k, _ := cal.Kind(p.KindID)
	if k.Cancelled {
		return 0, cchcbot.Errorf(cchcbot.ECONFLICT, "Yêu cầu báo cáo “%s” đã được hủy nên không nhắc việc nữa.", k.Title)
	}
	now := s.Clock.Now()
	f, err := s.loadFacts(ctx)
	if err != nil {
		return 0, err
	}
	pf, err := s.pendingFacts(ctx, cal, p)
	if err != nil {
		return 0, err
	}
	req, err := s.request(ctx, k)
	if err != nil {
		return 0, err
	}
	var log periodLog
	if req != nil && req.Instruction != nil {
		logged, err := s.Store.Reminders(ctx, p.ID)
		if err != nil {
			return 0, err
		}
		log = newPeriodLog(logged, f)
	}
	name, err := s.manualStep(ctx, key, ManualStepPrefix+now.In(cal.Location).Format("200601021504"))
	if err != nil {
		return 0, err
	}
	today := cchcbot.DateOf(now.In(cal.Location))
	var sends []outgoing
	var docs []*cchcbot.Outgoing
	reached := 0
	for _, u := range pf.units(k, f) {
		members := f.recipients(k, u.Code, today)
		if len(members) == 0 {
			continue
		}
		reached++
		members, err := s.onePerPerson(ctx, members, now)
		if err != nil {
			return reached, err
		}
		v := pf.views.of(u.Code)
		step := adHocStep(name, v.p, now)
		extend := offersExtension(step) && !pf.views.pending(u.Code)
		text := s.reminderFor(cal, f, u, v.p, step, pf.latest[u.Code], req, now, extend)
		expires := expiry(v.plan, step, v.p, now)
		for _, m := range members {
			r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: step.Name, Member: m.User, PlannedAt: now, UpdatedAt: now}
			sends = append(sends, outgoing{r, text, expires, extend})
			if req != nil && req.Instruction != nil && !log.reached[identity{unit: u.Code, person: m.PersonKey()}] {
				docs = append(docs, s.instruction(*req, p, m))
			}
		}
	}
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	s.Logger.Info("reminder pushed by an admin", "period", p.ID, "by", string(by), "units", reached)
	if err := s.queueInstructions(ctx, p.ID, docs, f); err != nil {
		return reached, err
	}
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
	k, _ := cal.Kind(p.KindID)
	if k.Cancelled {
		return 0, nil
	}
	f, err := s.loadFacts(ctx)
	if err != nil {
		return 0, err
	}
	pf, err := s.pendingFacts(ctx, cal, p)
	if err != nil {
		return 0, err
	}
	today := cchcbot.DateOf(s.Clock.Now().In(cal.Location))
	n := 0
	for _, u := range pf.units(k, f) {
		if len(f.recipients(k, u.Code, today)) > 0 {
			n++
		}
	}
	return n, nil
}

// periodFacts is what deciding who still owes a period reads: the latest
// versions, the exemptions, and each unit's view of the period.
type periodFacts struct {
	latest map[string]*cchcbot.Submission
	adj    cchcbot.Adjustments
	views  *views
}

func (s *Scheduler) pendingFacts(ctx context.Context, cal *cchcbot.Calendar, p cchcbot.Period) (periodFacts, error) {
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return periodFacts{}, err
	}
	adj, err := s.Store.Adjustments(ctx, p.ID)
	if err != nil {
		return periodFacts{}, err
	}
	exts, err := s.loadExtensions(ctx, p.ID)
	if err != nil {
		return periodFacts{}, err
	}
	return periodFacts{latest, adj, newViews(cal, p, exts[p.ID])}, nil
}

// units returns the units that owe the period and have not submitted, or
// were returned, and are not exempt from it.
func (pf periodFacts) units(k cchcbot.ReportKind, f *facts) []cchcbot.Unit {
	if k.Cancelled {
		return nil
	}
	var out []cchcbot.Unit
	for _, u := range f.units {
		if k.Owes(u) && !cchcbot.StateOf(pf.latest[u.Code]).Done() && pf.adj.Exemptions[u.Code] == nil {
			out = append(out, u)
		}
	}
	return out
}

// Upcoming returns the next planned reminder steps after now, soonest
// first, at most limit of them (0: all), each with how many units still
// owe its period now: the units it would remind if it ran now. A step of
// an extended unit's own plan comes with that unit's view of the period
// (Period.Extended), and counts the units on that plan only; exempt units
// count nowhere.
func (s *Scheduler) Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error) {
	cal := s.Calendar()
	exts, err := s.loadExtensions(ctx, "")
	if err != nil {
		return nil, err
	}
	type entry struct {
		r   cchcbot.UpcomingReminder
		key viewKey
	}
	var out []entry
	byPeriod := map[string]*views{}
	for _, p := range activePeriods(cal, now, exts) {
		vs := newViews(cal, p, exts[p.ID])
		byPeriod[p.ID] = vs
		for _, v := range append([]view{vs.base}, vs.extended()...) {
			if !now.Before(v.p.Closes) {
				continue
			}
			for _, st := range v.plan {
				if st.At.After(now) {
					out = append(out, entry{cchcbot.UpcomingReminder{Period: v.p, Step: st}, keyOf(v.p)})
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	f, err := s.loadFacts(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]map[viewKey]int{}
	for _, e := range out {
		id := e.r.Period.ID
		if counts[id] != nil {
			continue
		}
		vs := byPeriod[id]
		k, _ := cal.Kind(vs.base.p.KindID)
		latest, err := s.Store.LatestSubmissions(ctx, id)
		if err != nil {
			return nil, err
		}
		adj, err := s.Store.Adjustments(ctx, id)
		if err != nil {
			return nil, err
		}
		counts[id] = map[viewKey]int{}
		for _, u := range (periodFacts{latest, adj, vs}).units(k, f) {
			counts[id][keyOf(vs.of(u.Code).p)]++
		}
	}
	res := make([]cchcbot.UpcomingReminder, 0, len(out))
	for _, e := range out {
		e.r.Units = counts[e.r.Period.ID][e.key]
		if e.key != (viewKey{}) && e.r.Units == 0 {
			continue // the extended units have all submitted
		}
		res = append(res, e.r)
	}
	slices.SortStableFunc(res, func(a, b cchcbot.UpcomingReminder) int {
		return cmp.Or(a.Step.At.Compare(b.Step.At), a.Period.Due.Compare(b.Period.Due))
	})
	if limit > 0 && len(res) > limit {
		res = res[:limit]
	}
	return res, nil
}
