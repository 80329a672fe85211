package scheduler

import (
	"context"
	"slices"
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
// worth sending: its unit has submitted (or been accepted) since it was
// queued, its period has closed or left the calendar, or the member has
// left the unit. It is dropped and recorded expired rather than sent.
func (s *Scheduler) Superseded(ctx context.Context, o *cchcbot.Outgoing) (bool, error) {
	if o.Kind != cchcbot.OutReminder || o.Reminder == nil {
		return false, nil
	}
	r := o.Reminder
	p, err := s.Calendar().Period(r.PeriodID)
	if err != nil {
		return true, nil
	}
	if !s.Clock.Now().Before(p.Closes) {
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
