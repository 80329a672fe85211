// Package scheduler sends the reminders of the reporting calendar, the
// admins' daily digest and the summary after each deadline. cron
// (robfig/cron/v3) only triggers it: cron never catches up a missed run, so
// what is due is computed from the calendar and what was sent is recorded
// in the store, and every sweep sends what is due and not yet recorded.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	_ "time/tzdata" // the office's zone must exist on a bare server

	"github.com/robfig/cron/v3"

	"cchcbot"
)

// Store is what the scheduler needs of the store.
type Store interface {
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error)
	Admins(ctx context.Context) ([]cchcbot.Admin, error)
	LatestSubmissions(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error)
	Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error)
	BeginReminder(ctx context.Context, r cchcbot.Reminder) (bool, error)
	FinishReminder(ctx context.Context, r cchcbot.Reminder) error
	MarkReminders(ctx context.Context, rs []cchcbot.Reminder) error
	PendingReminders(ctx context.Context) ([]cchcbot.Reminder, error)
	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, val []byte) error
}

// Scheduler sends what the calendar says is due.
type Scheduler struct {
	Store   Store
	Channel cchcbot.Channel
	Clock   cchcbot.Clock
	Signer  cchcbot.CallbackSigner
	Office  string
	Logger  *slog.Logger
	// NewInDigest lists the reports received in the last day in the
	// morning digest (admin_notify: digest), instead of a notice each.
	NewInDigest bool

	calMu sync.RWMutex
	cal   *cchcbot.Calendar

	tickMu sync.Mutex // one sweep at a time: cron and start-up may overlap
	cronMu sync.Mutex
	cron   *cron.Cron
}

// New returns a scheduler for cal.
func New(cal *cchcbot.Calendar, st Store, ch cchcbot.Channel, clk cchcbot.Clock, signer cchcbot.CallbackSigner, office string, logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Scheduler{Store: st, Channel: ch, Clock: clk, Signer: signer, Office: office, Logger: logger, cal: cal}
}

// SetCalendar swaps the calendar after a config reload. Nothing is resent:
// the log is keyed by (period, unit, step, member), which a reload keeps.
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

// Start recovers what a crash left in flight, runs a first sweep (the bot
// may have been down when reminders were due) and starts cron in the
// calendar's zone: a sweep every minute, and at reminder and digest time.
func (s *Scheduler) Start(ctx context.Context) error {
	if err := s.recoverPending(ctx); err != nil {
		s.Logger.Error("recovering reminders in flight", "err", err)
	}
	s.Tick(ctx)
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
	s.cronMu.Lock()
	defer s.cronMu.Unlock()
	if ctx.Err() != nil {
		return nil // stopped while starting
	}
	s.cron = c
	c.Start()
	return nil
}

// addJob adds a job, turning cron's panics on odd specs into errors.
func addJob(c *cron.Cron, spec string, job cron.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cron spec %q: %v", spec, r)
		}
	}()
	_, err = c.AddJob(spec, job)
	return err
}

// Stop stops cron and waits, within ctx, for a sweep in progress.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.cronMu.Lock()
	c := s.cron
	s.cronMu.Unlock()
	if c == nil {
		return nil
	}
	select {
	case <-c.Stop().Done():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Tick runs one sweep at the clock's now: reminders, then digests.
func (s *Scheduler) Tick(ctx context.Context) {
	now := s.Clock.Now()
	if err := s.RunDue(ctx, now); err != nil {
		s.Logger.Error("reminder sweep", "err", err)
	}
	if err := s.RunDigest(ctx, now); err != nil {
		s.Logger.Error("digest", "err", err)
	}
}

type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
