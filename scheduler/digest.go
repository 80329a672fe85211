package scheduler

import (
	"context"
	"time"

	"cchcbot"
)

// summaryWindow bounds how late a missed summary is still worth sending
// after its morning (the bot was down): an old summary is noise, the
// digest says the same.
const summaryWindow = 3 * 24 * time.Hour

// RunDigest sends, on working days from digest time, the admins' daily
// digest of every open period, and the morning after each deadline
// (Calendar.SummaryAt) the period's summary. Each goes to each admin once:
// sends are recorded in the store ("digest/<date>/<admin>",
// "summary/<period>/<admin>"), so a restart does not repeat them.
func (s *Scheduler) RunDigest(ctx context.Context, now time.Time) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	cal := s.Calendar()
	if cal.InQuietHours(now) {
		return nil
	}
	today := cchcbot.DateOf(now.In(cal.Location))
	digestDue := cal.Work.IsWorkingDay(today) && !now.Before(today.At(cal.Reminders.DigestTime, cal.Location))
	exts, err := s.loadExtensions(ctx, "")
	if err != nil {
		return err
	}
	var summaries []cchcbot.Period
	for _, p := range activePeriods(cal, now, exts) {
		if at := cal.SummaryAt(p); !now.Before(at) && now.Sub(at) <= summaryWindow {
			summaries = append(summaries, p)
		}
	}
	if !digestDue && len(summaries) == 0 {
		return nil
	}
	admins, err := s.Store.Admins(ctx)
	if err != nil || len(admins) == 0 {
		return err
	}
	if digestDue {
		var statuses []cchcbot.PeriodStatus
		for _, p := range digestPeriods(cal, now, exts) {
			ps, err := s.status(ctx, cal, p)
			if err != nil {
				return err
			}
			statuses = append(statuses, ps)
		}
		if len(statuses) > 0 {
			text := digestText(today, statuses, s.NewInDigest, now, cal.Location, s.Office, cal.GroupLabels)
			if err := s.sendOnce(ctx, admins, "digest/"+today.String(), text); err != nil {
				return err
			}
		}
	}
	for _, p := range summaries {
		ps, err := s.status(ctx, cal, p)
		if err != nil {
			return err
		}
		if err := s.sendOnce(ctx, admins, "summary/"+p.ID, summaryText(ps, s.Office, cal.GroupLabels)); err != nil {
			return err
		}
	}
	return nil
}

// digestPeriods are the open periods of the digest: reminders have begun
// (the first step is due) and late reports are still taken.
func digestPeriods(cal *cchcbot.Calendar, now time.Time, exts extensions) []cchcbot.Period {
	var out []cchcbot.Period
	for _, p := range activePeriods(cal, now, exts) {
		if plan := cal.Plan(p); len(plan) > 0 && !now.Before(plan[0].At) {
			out = append(out, p)
		}
	}
	return out
}

// sendOnce queues text to each admin not yet sent it under key, the mark
// and the message in one commit: a sweep repeated, or run again after a
// crash, queues nothing twice.
func (s *Scheduler) sendOnce(ctx context.Context, admins []cchcbot.Admin, key, text string) error {
	for _, a := range admins {
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutDigest, To: a.User, Text: text, Priority: cchcbot.PriorityBulk}
		if _, err := s.Store.QueueOnce(ctx, key+"/"+string(a.User), msg); err != nil {
			return err
		}
	}
	return nil
}

// status is the standing of p from the store's facts.
func (s *Scheduler) status(ctx context.Context, cal *cchcbot.Calendar, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	k, _ := cal.Kind(p.KindID)
	return s.Store.PeriodStatus(ctx, k, p)
}
