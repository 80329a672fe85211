package scheduler

import (
	"context"
	"slices"
	"strings"
	"time"

	"cchcbot"
)

// NotBefore tells the outbox's sender when a queued message may go out: a
// reminder or digest queued before the night, and still undelivered when
// the night comes (the bot was down, the network was), waits for quiet
// hours to end. A reply to a person is never held. Zero means now.
func (s *Scheduler) NotBefore(o *cchcbot.Outgoing, now time.Time) time.Time {
	if o.Kind != cchcbot.OutReminder && o.Kind != cchcbot.OutDigest {
		return time.Time{}
	}
	cal := s.Calendar()
	if !cal.InQuietHours(now) {
		return time.Time{}
	}
	return cal.QuietUntil(now)
}

// Superseded tells the outbox's sender that a queued reminder is no longer
// worth sending: its unit has submitted (or been accepted) or was exempted
// since it was queued, its period has closed (for the unit: an extension
// keeps it open) or left the calendar, its request was cancelled, its step
// belongs to a plan no longer in force (the unit was granted an extension,
// or the request's due date changed), or the member has left the unit. It
// is dropped and recorded expired rather than sent.
func (s *Scheduler) Superseded(ctx context.Context, o *cchcbot.Outgoing) (bool, error) {
	if o.Kind != cchcbot.OutReminder || o.Reminder == nil {
		return false, nil
	}
	r := o.Reminder
	cal := s.Calendar()
	p, err := cal.Period(r.PeriodID)
	if err != nil {
		return true, nil
	}
	if k, ok := cal.Kind(p.KindID); !ok || k.Cancelled {
		return true, nil
	}
	adj, err := s.Store.UnitAdjustments(ctx, r.PeriodID, r.UnitCode)
	if err != nil {
		return false, err
	}
	if adj.Exemptions[r.UnitCode] != nil {
		return true, nil
	}
	v := p.ForUnit(adj.Extensions[r.UnitCode])
	if !s.Clock.Now().Before(v.Closes) {
		return true, nil
	}
	if !strings.HasPrefix(r.Step, ManualStepPrefix) &&
		!slices.ContainsFunc(cal.Plan(v), func(st cchcbot.Step) bool { return st.Name == r.Step }) {
		return true, nil
	}
	latest, err := s.Store.LatestSubmissions(ctx, r.PeriodID)
	if err != nil {
		return false, err
	}
	if cchcbot.StateOf(latest[r.UnitCode]).Done() {
		return true, nil
	}
	members, err := s.Store.Members(ctx, r.UnitCode)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(members, func(m cchcbot.Member) bool { return m.User == r.Member }), nil
}
