package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cchcbot"
)

// lookback bounds how far back a sweep looks for periods still taking
// reminders: the longest late window plus slack for holiday shifts.
const lookback = 400

// stale is the age past which even the latest missed step of a period no
// longer matters: a bot started in March does not chase units with
// January's last overdue reminder. Such steps are recorded as skipped.
const stale = 7 * 24 * time.Hour

// facts is what a sweep reads once from the store.
type facts struct {
	units   []cchcbot.Unit
	members map[string][]cchcbot.Member // by unit, reachable ones only
}

func (s *Scheduler) loadFacts(ctx context.Context) (facts, error) {
	units, err := s.Store.Units(ctx)
	if err != nil {
		return facts{}, err
	}
	all, err := s.Store.Members(ctx, "")
	if err != nil {
		return facts{}, err
	}
	f := facts{units: units, members: map[string][]cchcbot.Member{}}
	for _, m := range all {
		if !m.Unreachable {
			f.members[m.UnitCode] = append(f.members[m.UnitCode], m)
		}
	}
	return f, nil
}

// activePeriods returns the periods whose reminders may be due at now.
func activePeriods(cal *cchcbot.Calendar, now time.Time) []cchcbot.Period {
	today := cchcbot.DateOf(now.In(cal.Location))
	var out []cchcbot.Period
	for _, p := range cal.Periods(today.AddDays(-lookback), today.AddDays(lookback)) {
		if now.Before(p.Closes) {
			out = append(out, p)
		}
	}
	return out
}

// RunDue sends every reminder due at now that was not sent before. After
// downtime each unit gets only the latest due step of a period, and only if
// it is less than a week old; the others are recorded as skipped, in one
// transaction, so a restart brings no flood of stale steps.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	cal := s.Calendar()
	if cal.InQuietHours(now) {
		return nil
	}
	var f *facts
	for _, p := range activePeriods(cal, now) {
		plan := cal.Plan(p)
		var due []cchcbot.Step
		for _, st := range plan {
			if !st.At.After(now) {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		if f == nil {
			loaded, err := s.loadFacts(ctx)
			if err != nil {
				return err
			}
			f = &loaded
		}
		if err := s.runPeriod(ctx, cal, p, due, *f, now); err != nil {
			return fmt.Errorf("%s: %w", p.ID, err)
		}
	}
	return nil
}

func (s *Scheduler) runPeriod(ctx context.Context, cal *cchcbot.Calendar, p cchcbot.Period, due []cchcbot.Step, f facts, now time.Time) error {
	k, _ := cal.Kind(p.KindID)
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return err
	}
	logged, err := s.Store.Reminders(ctx, p.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range logged {
		have[r.UnitCode+"\x00"+r.Step+"\x00"+string(r.Member)] = true
	}
	last := due[len(due)-1]
	var skips []cchcbot.Reminder
	var sends []cchcbot.Reminder
	for _, u := range f.units {
		if !k.Owes(u) || cchcbot.StateOf(latest[u.Code]).Done() {
			continue
		}
		for _, m := range f.members[u.Code] {
			for _, st := range due {
				if have[u.Code+"\x00"+st.Name+"\x00"+string(m.User)] {
					continue
				}
				r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: st.Name, Member: m.User, PlannedAt: st.At, UpdatedAt: now}
				if st.Name == last.Name && now.Sub(st.At) < stale {
					sends = append(sends, r)
					continue
				}
				// Superseded by a later step that is due too (the bot was
				// down, or the member joined late): the later one says it
				// all, with the right days left.
				r.State = cchcbot.ReminderSkipped
				skips = append(skips, r)
			}
		}
	}
	if len(skips) > 0 {
		if err := s.Store.MarkReminders(ctx, skips); err != nil {
			return err
		}
	}
	byCode := map[string]cchcbot.Unit{}
	for _, u := range f.units {
		byCode[u.Code] = u
	}
	for _, r := range sends {
		if err := ctx.Err(); err != nil {
			return err
		}
		text := reminderText(cal, s.Office, byCode[r.UnitCode], p, last, latest[r.UnitCode], now)
		if err := s.send(ctx, r, p, text, now); err != nil {
			return err
		}
	}
	return nil
}

// send delivers one reminder, recording it before and after: a crash in
// between leaves it "sending", the single message in doubt.
func (s *Scheduler) send(ctx context.Context, r cchcbot.Reminder, p cchcbot.Period, text string, now time.Time) error {
	ok, err := s.Store.BeginReminder(ctx, r)
	if err != nil || !ok {
		return err
	}
	return s.deliver(ctx, r, p, text, now)
}

func (s *Scheduler) deliver(ctx context.Context, r cchcbot.Reminder, p cchcbot.Period, text string, now time.Time) error {
	buttons, err := s.buttons(r.Member, p.ID, r.Step)
	if err != nil {
		return err
	}
	ref, sendErr := s.Channel.Send(ctx, cchcbot.OutMessage{To: r.Member, Text: text, Buttons: buttons, Priority: cchcbot.PriorityBulk})
	if sendErr != nil && ctx.Err() != nil {
		return ctx.Err() // shutting down: leave it "sending" for the next start
	}
	r.UpdatedAt = s.Clock.Now()
	if sendErr != nil {
		r.State, r.Error = cchcbot.ReminderFailed, cchcbot.ErrorMessage(sendErr)
		if cchcbot.ErrorCode(sendErr) == cchcbot.EINTERNAL {
			r.Error = sendErr.Error()
		}
		s.Logger.Warn("reminder not delivered", "period", r.PeriodID, "unit", r.UnitCode, "step", r.Step, "err", sendErr)
	} else {
		r.State, r.SentAt, r.MessageID = cchcbot.ReminderSent, r.UpdatedAt, ref.ID
	}
	return s.Store.FinishReminder(context.WithoutCancel(ctx), r)
}

func (s *Scheduler) buttons(to cchcbot.UserID, periodID, step string) ([][]cchcbot.Button, error) {
	submit, err := s.Signer.Sign(to, cchcbot.ActionSubmit, periodID)
	if err != nil {
		return nil, err
	}
	ack, err := s.Signer.Sign(to, cchcbot.ActionAck, periodID, step)
	if err != nil {
		return nil, err
	}
	return [][]cchcbot.Button{{{Text: "📎 Nộp báo cáo", Data: submit}, {Text: "✅ Đã nhận", Data: ack}}}, nil
}

// recoverPending finishes the reminders a crash left "sending". Whether the
// message went out is unknown; it is sent once more (at-least-once for
// that single message) unless the unit has submitted since.
func (s *Scheduler) recoverPending(ctx context.Context) error {
	pending, err := s.Store.PendingReminders(ctx)
	if err != nil || len(pending) == 0 {
		return err
	}
	cal := s.Calendar()
	f, err := s.loadFacts(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]cchcbot.Unit{}
	for _, u := range f.units {
		byCode[u.Code] = u
	}
	now := s.Clock.Now()
	for _, r := range pending {
		p, perr := cal.Period(r.PeriodID)
		latest, err := s.Store.LatestSubmissions(ctx, r.PeriodID)
		if err != nil {
			return err
		}
		if perr != nil || cchcbot.StateOf(latest[r.UnitCode]).Done() || !now.Before(p.Closes) {
			r.State, r.UpdatedAt = cchcbot.ReminderSkipped, now
			if err := s.Store.FinishReminder(ctx, r); err != nil {
				return err
			}
			continue
		}
		step := findStep(cal.Plan(p), r.Step, now)
		s.Logger.Info("resending a reminder left in flight by a crash", "period", r.PeriodID, "unit", r.UnitCode, "step", r.Step)
		if err := s.deliver(ctx, r, p, reminderText(cal, s.Office, byCode[r.UnitCode], p, step, latest[r.UnitCode], now), now); err != nil {
			return err
		}
	}
	return nil
}

func findStep(plan []cchcbot.Step, name string, now time.Time) cchcbot.Step {
	if i := slices.IndexFunc(plan, func(s cchcbot.Step) bool { return s.Name == name }); i >= 0 {
		return plan[i]
	}
	return cchcbot.Step{Name: name, Kind: cchcbot.StepBefore, At: now, Nominal: now}
}
