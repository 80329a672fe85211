// Package scheduler sends the reminders of the reporting calendar, the
// admins' daily digest and the summary after each deadline. cron
// (robfig/cron/v3) only triggers it: cron never catches up a missed run, so
// what is due is computed from the calendar, what was sent is recorded in
// the store, and every sweep sends what is due and not yet recorded.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
	_ "time/tzdata" // the office's zone must exist on a bare server

	"github.com/robfig/cron/v3"

	"cchcbot"
)

// Store is what the scheduler needs of the store: facts about units,
// members and submissions, the reminder log, and a little state of its own
// (which digests went out).
type Store interface {
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error)
	// LastSeen is when a person last wrote to the bot (zero if never):
	// Zalo answers free within 48 hours of it.
	LastSeen(ctx context.Context, user cchcbot.UserID) (time.Time, error)
	Admins(ctx context.Context) ([]cchcbot.Admin, error)
	LatestSubmissions(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error)

	Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error)
	ReminderCounts(ctx context.Context, periodID string) (map[string]cchcbot.ReminderCount, error)
	QuotaRefused(ctx context.Context, periodID string) (map[string][]string, error)
	MemberCounts(ctx context.Context) (map[string]cchcbot.MemberCount, error)
	// ReminderPeriods returns the periods that have rows in the log;
	// RolledUp those recorded rolled up (some maybe with rows left by an
	// interrupted roll-up); RollUpReminders folds one period's rows into
	// its tally and returns how many it deleted (see RunRollUp).
	ReminderPeriods(ctx context.Context) ([]string, error)
	RolledUp(ctx context.Context) (map[string]time.Time, error)
	RollUpReminders(ctx context.Context, periodID string, now time.Time) (int, error)
	// QueueReminders records each rs[i] "sending" and queues msgs[i] in
	// one commit, skipping identities already in the log.
	QueueReminders(ctx context.Context, rs []cchcbot.Reminder, msgs []*cchcbot.Outgoing) (int, error)
	// MarkReminders writes many records in one transaction.
	MarkReminders(ctx context.Context, rs []cchcbot.Reminder) error
	// QueueOnce queues msgs and remembers key in one commit, unless key
	// is remembered already; it reports whether it queued them.
	QueueOnce(ctx context.Context, key string, msgs ...*cchcbot.Outgoing) (bool, error)

	// GetState returns nil, nil for a key never put.
	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, val []byte) error

	// Request returns an ad-hoc request by its kind id (ENOTFOUND if
	// none): its addressees, its changes and its instruction document.
	Request(ctx context.Context, id string) (cchcbot.Request, error)
	// Extensions returns a period's extensions ("" for every period), any
	// state, oldest first.
	Extensions(ctx context.Context, periodID string) ([]*cchcbot.Extension, error)
	// Absences returns a unit's absences ("" for every unit).
	Absences(ctx context.Context, unitCode string) ([]cchcbot.Absence, error)
	// Adjustments returns one period's decisions: exemptions,
	// extensions, explanations, escalations.
	Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error)
	// UnitAdjustments is Adjustments for one unit: asked of every
	// reminder about to leave.
	UnitAdjustments(ctx context.Context, periodID, unitCode string) (cchcbot.Adjustments, error)
	// PeriodStatus is the standing of every unit owing p, with the
	// period's decisions applied.
	PeriodStatus(ctx context.Context, k cchcbot.ReportKind, p cchcbot.Period) (cchcbot.PeriodStatus, error)
	// Escalate records those of es not recorded yet (identity period,
	// unit, level) and queues out(fresh) in the same commit.
	Escalate(ctx context.Context, es []cchcbot.Escalation, out func(fresh []cchcbot.Escalation) []*cchcbot.Outgoing) ([]cchcbot.Escalation, error)
}

// Scheduler sends what the calendar says is due.
type Scheduler struct {
	// Store is also the outbox: every reminder and digest is queued in it,
	// in the commit that records it, and delivered by the outbox's sender.
	Store  Store
	Clock  cchcbot.Clock
	Signer cchcbot.CallbackSigner
	Office string // signs every message: "Phòng Nội vụ huyện Quỳ Hợp"
	Logger *slog.Logger
	// NewInDigest lists the reports received in the last day in the
	// morning digest (admin_notify: digest), instead of a notice each.
	NewInDigest bool
	// Jobs are other daily work cron triggers, such as the backup. Set
	// them before Start.
	Jobs []Job
	// Networks, when set, are the chat networks the bot speaks now: a
	// member on another (Zalo after the office turned it off) is not
	// reminded there, since nothing would deliver the message.
	Networks []string

	calMu sync.RWMutex
	cal   *cchcbot.Calendar

	tickMu sync.Mutex // one sweep at a time: cron jobs and pushes overlap
	// rollUpMu keeps the start-up roll-up and a nightly one from running
	// at once: both would walk the same periods.
	rollUpMu sync.Mutex

	cronMu  sync.Mutex
	cron    *cron.Cron
	stopped bool
	running sync.WaitGroup // the start-up sweep
}

// Job is daily work that is not a reminder (the backup): cron runs it at
// At in the calendar's zone with the application's context, so cron stays
// in this package. Like every sweep, a Job decides for itself what is due.
type Job struct {
	Name string // in the log
	At   cchcbot.TimeOfDay
	Run  func(ctx context.Context) error
	// CatchUp, if set, runs once at Start, after the first sweep: cron
	// never runs what was missed while the bot was down.
	CatchUp func(ctx context.Context) error
}

// New returns a scheduler for cal. Its exported fields may be changed
// before Start.
func New(cal *cchcbot.Calendar, st Store, clk cchcbot.Clock, signer cchcbot.CallbackSigner, office string, logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Scheduler{Store: st, Clock: clk, Signer: signer, Office: office, Logger: logger, cal: cal}
}

// SetCalendar swaps the calendar after a config reload (SIGHUP). The plan
// is recomputed at the next sweep and nothing is resent: the log is keyed
// by (period, unit, step, member), which a reload keeps.
func (s *Scheduler) SetCalendar(cal *cchcbot.Calendar) {
	s.calMu.Lock()
	s.cal = cal
	s.calMu.Unlock()
}

// Calendar returns the calendar in force.
func (s *Scheduler) Calendar() *cchcbot.Calendar {
	s.calMu.RLock()
	defer s.calMu.RUnlock()
	return s.cal
}

// Start checks the schedule and returns its error at once (a bad spec must
// fail the start, not surface at shutdown); then, in the background, it
// runs a first sweep (the bot may have been down when reminders were due)
// and each Job's CatchUp, and starts cron in the calendar's zone: a sweep
// every minute, and at reminder and digest time so those go out on the
// minute; each Job at its time. Jobs run with ctx, the application's
// context, and read the time from the Clock. Call Stop before closing
// the store.
func (s *Scheduler) Start(ctx context.Context) error {
	cal := s.Calendar()
	l := cronLogger{s.Logger}
	// Recover innermost: SkipIfStillRunning would never free its slot
	// after a panic otherwise (robfig/cron #366).
	c := cron.New(cron.WithLocation(cal.Location), cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	job := cron.FuncJob(func() { s.Tick(ctx) })
	specs := []string{"@every 1m",
		fmt.Sprintf("%d %d * * *", cal.Reminders.TimeOfDay.Minute, cal.Reminders.TimeOfDay.Hour),
		fmt.Sprintf("%d %d * * *", cal.Reminders.DigestTime.Minute, cal.Reminders.DigestTime.Hour)}
	for _, spec := range specs {
		if err := addJob(c, spec, job); err != nil {
			return err
		}
	}
	for _, j := range s.Jobs {
		spec := fmt.Sprintf("%d %d * * *", j.At.Minute, j.At.Hour)
		if err := addJob(c, spec, cron.FuncJob(func() { s.runJob(ctx, j.Name, j.Run) })); err != nil {
			return fmt.Errorf("job %s: %w", j.Name, err)
		}
	}

	s.cronMu.Lock()
	defer s.cronMu.Unlock()
	if s.stopped {
		return nil
	}
	s.cron = c
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		// The first sweep may be a long catch-up after downtime: it runs
		// in the background, under the same panic recovery as cron's jobs,
		// and cron starts after it so that the two never overlap.
		s.protect("start-up sweep", func() { s.Tick(ctx) })
		for _, j := range s.Jobs {
			if j.CatchUp != nil && ctx.Err() == nil {
				s.protect(j.Name+" catch-up", func() { s.runJob(ctx, j.Name, j.CatchUp) })
			}
		}
		s.cronMu.Lock()
		defer s.cronMu.Unlock()
		if !s.stopped && ctx.Err() == nil {
			c.Start()
		}
	}()
	return nil
}

// protect runs fn, logging a panic instead of letting it end the process:
// what runs outside cron needs the recovery cron's chain gives its jobs.
func (s *Scheduler) protect(what string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			s.Logger.Error("scheduler: panic recovered", "in", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// addJob adds a job, turning cron's panics on odd specs (a bare
// "CRON_TZ=") into errors.
func addJob(c *cron.Cron, spec string, job cron.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cron spec %q: %v", spec, r)
		}
	}()
	if _, err := c.AddJob(spec, job); err != nil {
		return fmt.Errorf("cron spec %q: %w", spec, err)
	}
	return nil
}

// Stop stops cron and waits, within ctx, for the sweeps in progress.
// cron does not cancel running jobs: cancel the context given to Start
// first to cut a long fan-out short.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.cronMu.Lock()
	s.stopped = true
	c := s.cron
	s.cronMu.Unlock()
	done := make(chan struct{})
	go func() {
		if c != nil {
			<-c.Stop().Done()
		}
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Tick runs one sweep at the clock's now: reminders and the escalation
// ladder, then digests, then the notice of units no one can be reminded.
func (s *Scheduler) Tick(ctx context.Context) {
	now := s.Clock.Now()
	if err := s.RunDue(ctx, now); err != nil && ctx.Err() == nil {
		s.Logger.Error("reminder sweep", "err", err)
	}
	if err := s.RunDigest(ctx, now); err != nil && ctx.Err() == nil {
		s.Logger.Error("digest", "err", err)
	}
	if err := s.RunUncovered(ctx, now); err != nil && ctx.Err() == nil {
		s.Logger.Error("uncovered units", "err", err)
	}
}

// runJob runs one Job's function, logging its failure: there is no one
// else to tell.
func (s *Scheduler) runJob(ctx context.Context, name string, fn func(ctx context.Context) error) {
	if err := fn(ctx); err != nil && ctx.Err() == nil {
		s.Logger.Error("job failed", "job", name, "err", err)
	}
}

type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
