package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cchcbot"
)

// lookback bounds how far from now a sweep looks for periods still taking
// reminders: the longest late window plus slack for holiday shifts.
const lookback = 400

// stale is the age past which even the latest due step of a period is not
// sent but recorded skipped. A bot down a few days still sends each unit
// the latest step once; but a bot first started in March, or back after
// weeks, does not open with a burst of "quá hạn" reminders for January's
// and February's reports, which units may well have handed in on paper
// (the digest still lists them). The last overdue step falls about a week
// after the deadline, so a week covers every step's own lifetime.
const stale = 7 * 24 * time.Hour

// facts is what a sweep reads once from the store.
type facts struct {
	units    []cchcbot.Unit
	byCode   map[string]cchcbot.Unit
	members  map[string][]cchcbot.Member       // by unit, reachable ones only
	all      map[string][]cchcbot.Member       // by unit, every member
	person   map[cchcbot.UserID]cchcbot.UserID // every account's person (Member.PersonKey)
	heads    map[cchcbot.UserID]bool           // persons who head their unit
	absences map[cchcbot.UserID][]cchcbot.Absence
}

// personOf returns the person behind an account, the account itself when
// it is not a member any more.
func (f *facts) personOf(u cchcbot.UserID) cchcbot.UserID {
	if p, ok := f.person[u]; ok {
		return p
	}
	return u
}

func (s *Scheduler) loadFacts(ctx context.Context) (*facts, error) {
	units, err := s.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.Members(ctx, "")
	if err != nil {
		return nil, err
	}
	absences, err := s.Store.Absences(ctx, "")
	if err != nil {
		return nil, err
	}
	f := &facts{units: units, byCode: make(map[string]cchcbot.Unit, len(units)), members: map[string][]cchcbot.Member{},
		all: map[string][]cchcbot.Member{}, person: make(map[cchcbot.UserID]cchcbot.UserID, len(all)),
		heads: map[cchcbot.UserID]bool{}, absences: map[cchcbot.UserID][]cchcbot.Absence{}}
	for _, u := range units {
		f.byCode[u.Code] = u
	}
	for _, m := range all {
		f.person[m.User] = m.PersonKey()
		f.all[m.UnitCode] = append(f.all[m.UnitCode], m)
		if m.Head {
			f.heads[m.PersonKey()] = true
		}
		if !m.Unreachable && s.speaks(m.User) {
			f.members[m.UnitCode] = append(f.members[m.UnitCode], m)
		}
	}
	for _, a := range absences {
		p := f.personOf(a.Member)
		f.absences[p] = append(f.absences[p], a)
	}
	return f, nil
}

// speaks reports whether the bot speaks u's network now.
func (s *Scheduler) speaks(u cchcbot.UserID) bool {
	return s.Networks == nil || slices.Contains(s.Networks, u.Channel())
}

// activePeriods returns the periods that still take reminders at now:
// open, or open for a unit whose extension moved its deadline later. A
// cancelled request takes none.
func activePeriods(cal *cchcbot.Calendar, now time.Time, exts extensions) []cchcbot.Period {
	today := cchcbot.DateOf(now.In(cal.Location))
	var out []cchcbot.Period
	for _, p := range cal.Periods(today.AddDays(-lookback), today.AddDays(lookback)) {
		if k, ok := cal.Kind(p.KindID); ok && k.Cancelled {
			continue
		}
		if now.Before(p.Closes) || exts.closesAfter(p, now) {
			out = append(out, p)
		}
	}
	return out
}

// dueSteps returns the steps of plan at or before now, in time order.
func dueSteps(plan []cchcbot.Step, now time.Time) []cchcbot.Step {
	n := 0
	for n < len(plan) && !plan[n].At.After(now) {
		n++
	}
	return plan[:n]
}

// outgoing is one reminder to send: its log record, its text, when it
// stops being worth sending, and whether it offers to ask for more time.
type outgoing struct {
	r       cchcbot.Reminder
	text    string
	expires time.Time
	extend  bool
}

// expiry is when a reminder of step st, queued at now, stops being worth
// sending: when the period's next step is due (it says the same with the
// right days left), else a day after now; and for a step before or on the
// due day, a day after the deadline at the latest, unless that has passed
// already (a bot back after downtime still sends the latest step once).
func expiry(plan []cchcbot.Step, st cchcbot.Step, p cchcbot.Period, now time.Time) time.Time {
	end := now.Add(24 * time.Hour)
	for _, next := range plan {
		if next.At.After(now) {
			end = next.At
			break
		}
	}
	if st.Kind != cchcbot.StepOverdue && !p.Deadline.IsZero() {
		if d := p.Deadline.Add(24 * time.Hour); d.After(now) && d.Before(end) {
			end = d
		}
	}
	return end
}

// RunDue is the sweep: it sends every reminder due at now that is not in
// the log yet. For each period still open for reminding and each unit that
// owes it and has not submitted (or was returned), only the latest due step
// is sent; earlier due steps that a member never got (the bot was down, the
// member joined late) are recorded as skipped, all in one transaction, so
// that a restart brings no flood of stale reminders but the unit still
// hears once with the right days left; a latest step older than a week is
// skipped too (see stale). A unit whose report was returned
// resumes at the next step (see latestFor). In quiet hours nothing is
// sent: the first sweep after them sends it.
//
// A unit exempt from the period is not reminded; one granted an extension
// is reminded from its own plan (Period.ForUnit) only; members away on a
// step's day are left out, and so is the head while the kind's ladder has
// a head rung and someone else is left (see facts.recipients). After the
// reminders, the sweep takes the units still late up the kind's
// escalation ladder (see escalate).
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	cal := s.Calendar()
	if cal.InQuietHours(now) {
		return nil
	}
	exts, err := s.loadExtensions(ctx, "")
	if err != nil {
		return err
	}
	var f *facts
	var errs []error
	for _, p := range activePeriods(cal, now, exts) {
		vs := newViews(cal, p, exts[p.ID])
		if !vs.anyDue(now) {
			continue
		}
		if f == nil {
			var err error
			if f, err = s.loadFacts(ctx); err != nil {
				return err
			}
		}
		if err := s.runPeriod(ctx, cal, vs, f, now); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, fmt.Errorf("%s: %w", p.ID, err))
		}
	}
	return errors.Join(errs...)
}

// owing is a unit that still owes a period, with its view of it.
type owing struct {
	unit cchcbot.Unit
	v    view
}

// periodLog is a period's reminder log as a sweep reads it.
type periodLog struct {
	logged []cchcbot.Reminder
	// have holds the (unit, step, person) identities in the log: a person
	// with an account on each network is reminded of a step once, on
	// whichever account it went to.
	have map[identity]bool
	// reached holds the (unit, person) pairs a reminder of the period was
	// sent to, or is on its way to.
	reached map[identity]bool
}

type identity struct {
	unit, step string
	person     cchcbot.UserID
}

func newPeriodLog(logged []cchcbot.Reminder, f *facts) periodLog {
	l := periodLog{logged: logged, have: make(map[identity]bool, len(logged)), reached: map[identity]bool{}}
	for _, r := range logged {
		p := f.personOf(r.Member)
		l.have[identity{r.UnitCode, r.Step, p}] = true
		if r.State == cchcbot.ReminderSent || r.State == cchcbot.ReminderSending {
			l.reached[identity{unit: r.UnitCode, person: p}] = true
		}
	}
	return l
}

func (s *Scheduler) runPeriod(ctx context.Context, cal *cchcbot.Calendar, vs *views, f *facts, now time.Time) error {
	p := vs.base.p
	k, ok := cal.Kind(p.KindID)
	if !ok || k.Cancelled {
		return nil
	}
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return err
	}
	logged, err := s.Store.Reminders(ctx, p.ID)
	if err != nil {
		return err
	}
	adj, err := s.Store.Adjustments(ctx, p.ID)
	if err != nil {
		return err
	}
	req, err := s.request(ctx, k)
	if err != nil {
		return err
	}
	log := newPeriodLog(logged, f)
	var skips []cchcbot.Reminder
	var sends []outgoing
	var docs []*cchcbot.Outgoing
	var late []owing
	for _, u := range f.units {
		if !k.Owes(u) || cchcbot.StateOf(latest[u.Code]).Done() || adj.Exemptions[u.Code] != nil {
			continue
		}
		v := vs.of(u.Code)
		if !now.Before(v.p.Closes) {
			continue
		}
		late = append(late, owing{u, v})
		due := dueSteps(v.plan, now)
		if len(due) == 0 {
			continue
		}
		last, ok := latestFor(v.plan, due, latest[u.Code])
		if !ok {
			continue
		}
		members := f.recipients(k, u.Code, cchcbot.DateOf(last.At.In(cal.Location)))
		if len(members) == 0 {
			continue
		}
		members, err := s.onePerPerson(ctx, members, now)
		if err != nil {
			return err
		}
		extend := offersExtension(last) && !vs.pending(u.Code)
		text := ""
		for _, m := range members {
			for _, st := range due {
				if log.have[identity{u.Code, st.Name, m.PersonKey()}] {
					continue
				}
				r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: st.Name, Member: m.User, PlannedAt: st.At, UpdatedAt: now}
				if st.Name != last.Name || now.Sub(last.At) >= stale {
					// Superseded by the later step, which says it all with
					// the right days left; or too old to send at all.
					r.State = cchcbot.ReminderSkipped
					skips = append(skips, r)
					continue
				}
				if text == "" {
					text = s.reminderFor(cal, f, u, v.p, last, latest[u.Code], req, now, extend)
				}
				sends = append(sends, outgoing{r, text, expiry(v.plan, last, v.p, now), extend})
				if req != nil && req.Instruction != nil && !log.reached[identity{unit: u.Code, person: m.PersonKey()}] {
					docs = append(docs, s.instruction(*req, p, m))
				}
			}
		}
	}
	if len(skips) > 0 {
		if err := s.Store.MarkReminders(ctx, skips); err != nil {
			return err
		}
	}
	if err := s.queueInstructions(ctx, p.ID, docs, f); err != nil {
		return err
	}
	if err := s.sendAll(ctx, p.ID, sends); err != nil {
		return err
	}
	return s.escalate(ctx, cal, k, p, late, f, log, adj, now)
}

// latestFor returns the step to send a unit that owes the period: the
// latest due one. A unit whose report was returned resumes at the first
// step after the return (which the chat announced itself, with the reason),
// not at once with a step due while its report stood; unless no step is
// left after the return, when it gets the latest due step, once.
func latestFor(plan, due []cchcbot.Step, latest *cchcbot.Submission) (cchcbot.Step, bool) {
	last := due[len(due)-1]
	if latest == nil || latest.State != cchcbot.StateReturned || latest.ReviewedAt.IsZero() {
		return last, true
	}
	if !plan[len(plan)-1].At.After(latest.ReviewedAt) {
		return last, true // nothing left after the return
	}
	return last, last.At.After(latest.ReviewedAt)
}

// queueBatch bounds the reminders queued in one commit: a province's
// fan-out of 30,000 messages is 60 commits, not 30,000, and no single
// commit holds the store's one writer for long.
const queueBatch = 500

// sendAll queues a fan-out in the outbox, each reminder's log record and
// its message in the same commit; the outbox's sender delivers them at the
// network's pace, and records each outcome in the log as it leaves.
func (s *Scheduler) sendAll(ctx context.Context, periodID string, sends []outgoing) error {
	for len(sends) > 0 {
		n := min(len(sends), queueBatch)
		rs := make([]cchcbot.Reminder, n)
		msgs := make([]*cchcbot.Outgoing, n)
		for i, o := range sends[:n] {
			rs[i] = o.r
			msgs[i] = &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: o.r.Member, Text: o.text, Priority: cchcbot.PriorityBulk,
				Buttons: s.buttons(o.r.Member, periodID, o.r.Step, o.extend), ExpiresAt: o.expires}
		}
		if _, err := s.Store.QueueReminders(ctx, rs, msgs); err != nil {
			return err
		}
		sends = sends[n:]
	}
	return nil
}

// buttons are "📎 Nộp báo cáo" and "✅ Đã nhận", signed for the member they
// are sent to, and, when extend is set, "⏳ Xin gia hạn" on a row of its
// own. A button whose data would not fit is left out rather than holding
// up the reminder.
func (s *Scheduler) buttons(to cchcbot.UserID, periodID, step string, extend bool) [][]cchcbot.Button {
	var row []cchcbot.Button
	if data, err := s.Signer.Sign(to, cchcbot.ActionSubmit, periodID); err == nil {
		row = append(row, cchcbot.Button{Text: "📎 Nộp báo cáo", Data: data})
	} else {
		s.Logger.Error("reminder button", "period", periodID, "err", err)
	}
	if data, err := s.Signer.Sign(to, cchcbot.ActionAck, periodID, step); err == nil {
		row = append(row, cchcbot.Button{Text: "✅ Đã nhận", Data: data})
	} else {
		s.Logger.Error("reminder button", "period", periodID, "step", step, "err", err)
	}
	var rows [][]cchcbot.Button
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if extend {
		// Optional: a period id too long for it only loses the shortcut,
		// /giahan still works.
		if data, err := s.Signer.Sign(to, cchcbot.ActionExtend, periodID); err == nil {
			rows = append(rows, []cchcbot.Button{{Text: "⏳ Xin gia hạn", Data: data}})
		}
	}
	return rows
}
