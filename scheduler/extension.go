package scheduler

import (
	"context"
	"time"

	"cchcbot"
)

// unitExt is where a unit's extensions of one period stand for the
// scheduler: the grant that moves its deadline, and whether a request
// still waits for a decision.
type unitExt struct {
	// approved is the latest approved extension, as the store's
	// Adjustments picks it: a later request pending or refused does not
	// take back a grant standing. nil when none stands.
	approved *cchcbot.Extension
	pending  bool
}

// extensions indexes extensions by period and unit.
type extensions map[string]map[string]unitExt

// loadExtensions reads the extensions of one period ("" for every
// period). The store returns them oldest first, so the last approved one
// of a unit wins.
func (s *Scheduler) loadExtensions(ctx context.Context, periodID string) (extensions, error) {
	all, err := s.Store.Extensions(ctx, periodID)
	if err != nil {
		return nil, err
	}
	x := extensions{}
	for _, e := range all {
		byUnit := x[e.PeriodID]
		if byUnit == nil {
			byUnit = map[string]unitExt{}
			x[e.PeriodID] = byUnit
		}
		u := byUnit[e.UnitCode]
		switch {
		case e.Approved():
			u.approved = e
		case e.State == cchcbot.ExtensionRequested:
			u.pending = true
		}
		byUnit[e.UnitCode] = u
	}
	return x, nil
}

// closesAfter reports whether some unit's extended view of p still takes
// reports at now: its period stays active for it after p.Closes.
func (x extensions) closesAfter(p cchcbot.Period, now time.Time) bool {
	for _, u := range x[p.ID] {
		if u.approved != nil && now.Before(p.ForUnit(u.approved).Closes) {
			return true
		}
	}
	return false
}

// view is a unit's own view of a period, extended or not, with the
// reminder plan that goes with it.
type view struct {
	p    cchcbot.Period
	plan []cchcbot.Step
}

// viewKey tells extended views apart: units granted the same date at the
// same instant share one plan.
type viewKey struct {
	due  cchcbot.Date
	from int64
}

// views gives each unit its view of one period, computing each distinct
// plan once.
type views struct {
	cal  *cchcbot.Calendar
	base view
	exts map[string]unitExt // by unit
	memo map[viewKey]view
}

func newViews(cal *cchcbot.Calendar, p cchcbot.Period, exts map[string]unitExt) *views {
	return &views{cal: cal, base: view{p, cal.Plan(p)}, exts: exts, memo: map[viewKey]view{}}
}

// of returns the view of the unit with the given code: the period
// extended for it when an approved extension moves its deadline, else the
// period itself.
func (vs *views) of(unit string) view {
	e := vs.exts[unit].approved
	if e == nil {
		return vs.base
	}
	p := vs.base.p.ForUnit(e)
	if !p.Extended() {
		return vs.base
	}
	k := keyOf(p)
	v, ok := vs.memo[k]
	if !ok {
		v = view{p, vs.cal.Plan(p)}
		vs.memo[k] = v
	}
	return v
}

func keyOf(p cchcbot.Period) viewKey {
	if !p.Extended() {
		return viewKey{}
	}
	return viewKey{p.Due, p.PlanFrom.UnixNano()}
}

// extended returns every extended view of the period, one per distinct
// plan, in no particular order.
func (vs *views) extended() []view {
	for unit := range vs.exts {
		vs.of(unit)
	}
	out := make([]view, 0, len(vs.memo))
	for _, v := range vs.memo {
		out = append(out, v)
	}
	return out
}

// anyDue reports whether some view's first step is due at now: nothing
// can be sent or escalated before it.
func (vs *views) anyDue(now time.Time) bool {
	if len(vs.base.plan) > 0 && !vs.base.plan[0].At.After(now) {
		return true
	}
	for _, v := range vs.extended() {
		if len(v.plan) > 0 && !v.plan[0].At.After(now) {
			return true
		}
	}
	return false
}

// pending reports whether the unit's request for more time awaits a
// decision: its reminders then offer no other.
func (vs *views) pending(unit string) bool { return vs.exts[unit].pending }

// offersExtension reports whether a reminder of step st carries the "Xin
// gia hạn" button: from the due day on, when the deadline presses.
func offersExtension(st cchcbot.Step) bool {
	return st.Kind == cchcbot.StepDueDay || st.Kind == cchcbot.StepOverdue
}
