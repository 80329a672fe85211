package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/scheduler"
	"cchcbot/store"
)

var ctx = context.Background()

var hcm = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses a wall time in the office's zone.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	planID = "ke-hoach-khac-phuc/2024"
	office = "Phòng Nội vụ huyện Quỳ Hợp"
)

var signer = cchcbot.CallbackSigner{Key: []byte("test key")}

// calendar2024 is the district letter's calendar, built by hand: weekends
// and the Tết break of 2024 (08–14/02) off, deadlines shifted to the next
// working day; the remediation plan once on 31/01/2024 and the monthly
// report on the 12th with its data window 12 → 12; the default policy
// (08:00; 7, 3, 1 and 0 days before; overdue every 2 days, at most 3;
// digest 07:30; quiet 21:00–07:00).
func calendar2024() *cchcbot.Calendar {
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	holidays := map[cchcbot.Date]string{}
	for d := cchcbot.D(2024, 2, 8); !d.After(cchcbot.D(2024, 2, 14)); d = d.AddDays(1) {
		holidays[d] = "Tết Nguyên đán Giáp Thìn"
	}
	return &cchcbot.Calendar{
		Location: hcm,
		Work: cchcbot.WorkCalendar{
			Weekends: map[time.Weekday]bool{time.Saturday: true, time.Sunday: true},
			Holidays: holidays,
		},
		ShiftDeadlines: true,
		Kinds: []cchcbot.ReportKind{
			{ID: "ke-hoach-khac-phuc", Title: "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023",
				Schedule:     cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 1, 31)},
				RequiresFile: true, Groups: all, OpenDays: 30, LateDays: 90},
			{ID: "bao-cao-thang", Title: "Báo cáo CCHC",
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, Window: cchcbot.Window{FromDay: 12, ToDay: 12},
				RequiresFile: true, Groups: all, Start: cchcbot.D(2024, 1, 1), OpenDays: 20, LateDays: 90},
		},
		Reminders: cchcbot.ReminderPolicy{
			TimeOfDay: cchcbot.TimeOfDay{Hour: 8}, DaysBefore: []int{7, 3, 1, 0}, OverdueEvery: 2, OverdueMax: 3,
			DigestTime: cchcbot.TimeOfDay{Hour: 7, Minute: 30},
			QuietFrom:  cchcbot.TimeOfDay{Hour: 21}, QuietTo: cchcbot.TimeOfDay{Hour: 7},
		},
	}
}

// clock is a fake clock: the tests move it, nothing sleeps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// message is what the fake channel recorded: for a reminder, the period
// and step its signed "Đã nhận" button names; for a document, its name.
type message struct {
	to           cchcbot.UserID
	text         string
	buttons      [][]cchcbot.Button
	period, step string
	doc          string
	at           time.Time
}

// channel records what the scheduler sent.
type channel struct {
	clock *clock

	mu      sync.Mutex
	msgs    []message
	blocked map[cchcbot.UserID]bool
	// after, when set, runs once a message is recorded (n counts them
	// from 1); its error is the send's. Tests use it to "crash".
	after func(n int) error
}

func (c *channel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	if c.blocked[m.To] {
		c.mu.Unlock()
		return cchcbot.MessageRef{}, cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
	}
	c.mu.Unlock()
	msg := message{to: m.To, text: m.Text, buttons: m.Buttons, at: c.clock.Now()}
	for _, row := range m.Buttons {
		for _, b := range row {
			action, fields, err := signer.Verify(m.To, b.Data)
			if err != nil {
				return cchcbot.MessageRef{}, fmt.Errorf("button %q: %v", b.Data, err)
			}
			if action == cchcbot.ActionAck {
				if len(fields) != 2 {
					return cchcbot.MessageRef{}, fmt.Errorf("ack button %q", b.Data)
				}
				msg.period, msg.step = fields[0], fields[1]
			}
		}
	}
	return c.record(msg)
}

// record keeps msg and runs after.
func (c *channel) record(msg message) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	c.msgs = append(c.msgs, msg)
	n, after := len(c.msgs), c.after
	c.mu.Unlock()
	if after != nil {
		if err := after(n); err != nil {
			return cchcbot.MessageRef{}, err
		}
	}
	return cchcbot.MessageRef{To: msg.to, ID: fmt.Sprint(n)}, nil
}

func (c *channel) Edit(context.Context, cchcbot.MessageRef, string, [][]cchcbot.Button) error {
	return nil
}
func (c *channel) SendDocument(_ context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return c.record(message{to: d.To, text: d.Caption, doc: d.Name, at: c.clock.Now()})
}
func (c *channel) AnswerCallback(context.Context, string, string) error { return nil }
func (c *channel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, nil
}

func (c *channel) all() []message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]message(nil), c.msgs...)
}

// to returns the messages to one person, of one period when period is
// not "" (admins' digests have none).
func (c *channel) to(user cchcbot.UserID, period string) []message {
	var out []message
	for _, m := range c.all() {
		if m.to == user && (period == "" || m.period == period) {
			out = append(out, m)
		}
	}
	return out
}

func (c *channel) block(user cchcbot.UserID) {
	c.mu.Lock()
	c.blocked[user] = true
	c.mu.Unlock()
}

type fixture struct {
	dir   string
	db    *store.DB
	cal   *cchcbot.Calendar
	ch    *channel
	clock *clock
	units []cchcbot.Unit
	// superseded, when set, is asked before each reminder is sent, as the
	// outbox's sender asks the scheduler: true drops it as expired.
	superseded func(context.Context, *cchcbot.Outgoing) (bool, error)
}

var admin = cchcbot.TelegramUser(1)

// member is the one member of unit i.
func member(i int) cchcbot.UserID { return cchcbot.TelegramUser(int64(1000 + i)) }

func unitCode(i int) string { return fmt.Sprintf("dv-%03d", i) }

// newFixture opens a real store in a temp dir with n units of one member
// each, in the three groups in turn, and one admin.
func newFixture(tb testing.TB, n int) *fixture {
	tb.Helper()
	f := &fixture{dir: tb.TempDir(), cal: calendar2024(), clock: &clock{now: at("2024-01-01 00:00")}}
	f.ch = &channel{clock: f.clock, blocked: map[cchcbot.UserID]bool{}}
	f.open(tb)
	tb.Cleanup(func() { f.db.Close() })
	for i := range n {
		f.units = append(f.units, cchcbot.Unit{Code: unitCode(i), Name: fmt.Sprintf("Đơn vị %03d", i),
			Group: cchcbot.UnitGroups[i%3], HeadTitle: "Thủ trưởng", Order: i})
	}
	if _, err := f.db.SyncUnits(ctx, f.units, f.clock.Now()); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		f.addMember(tb, unitCode(i), member(i))
	}
	if err := f.db.SyncAdmins(ctx, []cchcbot.Admin{{User: admin, Name: "Cán bộ Nội vụ", FromConfig: true}}, f.clock.Now()); err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *fixture) open(tb testing.TB) {
	tb.Helper()
	db, err := store.Open(f.dir, store.Options{Now: f.clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	f.db = db
}

// monthlyFromMarch leaves only the monthly report, from March 2024: on a
// fresh store in March no earlier period is open, so a sweep is one
// period's fan-out.
func (f *fixture) monthlyFromMarch() {
	k := f.cal.Kinds[1]
	k.Start = cchcbot.D(2024, 3, 1)
	f.cal.Kinds = []cchcbot.ReportKind{k}
}

// reopen closes the store and opens it again, as a restart does.
func (f *fixture) reopen(tb testing.TB) {
	tb.Helper()
	f.db.Close()
	f.open(tb)
}

func (f *fixture) addMember(tb testing.TB, unit string, user cchcbot.UserID) {
	tb.Helper()
	_, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unit, CreatedBy: "test", CreatedAt: f.clock.Now(), ExpiresAt: at("2030-01-01 00:00")}); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.db.RedeemInvite(ctx, hash, cchcbot.Member{User: user, UnitCode: unit, Name: string(user)}, f.clock.Now()); err != nil {
		tb.Fatal(err)
	}
}

// scheduler returns a new scheduler on the fixture's store, as a start of
// the process makes one.
func (f *fixture) scheduler() *scheduler.Scheduler {
	return scheduler.New(f.cal, f.db, f.clock, signer, office, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// runAt sets the clock, runs a sweep and delivers what it queued.
func (f *fixture) runAt(tb testing.TB, s *scheduler.Scheduler, when time.Time) {
	tb.Helper()
	f.clock.Set(when)
	if err := s.RunDue(ctx, when); err != nil {
		tb.Fatalf("RunDue at %s: %v", when.Format("02/01/2006 15:04"), err)
	}
	f.deliver(tb)
}

// deliver plays the outbox's sender without its pacing: every queued
// message goes to the fake channel in order, and its outcome is recorded
// as the sender records it (delivered, refused, expired), each in its own
// commit. A send that fails otherwise (a test's "crash") stops it, leaving
// that message and the rest queued.
func (f *fixture) deliver(tb testing.TB) {
	tb.Helper()
	if err := f.tryDeliver(); err != nil {
		tb.Fatal(err)
	}
}

func (f *fixture) tryDeliver() error {
	pending, err := f.db.PendingOutgoing(ctx, 0, 0)
	if err != nil {
		return err
	}
	for _, o := range pending {
		now := f.clock.Now()
		d := cchcbot.Delivery{ID: o.ID, State: cchcbot.Expired, At: now}
		drop := o.Expired(now)
		if f.superseded != nil && !drop {
			if drop, err = f.superseded(ctx, &o); err != nil {
				return err
			}
		}
		if !drop {
			var ref cchcbot.MessageRef
			var err error
			if o.Document != nil {
				ref, err = f.ch.SendDocument(ctx, cchcbot.OutDocument{To: o.To, ChannelFileID: o.Document.ChannelFileID, Name: o.Document.Name, Size: o.Document.Size, Caption: o.Text})
			} else {
				ref, err = f.ch.Send(ctx, cchcbot.OutMessage{To: o.To, Text: o.Text, Buttons: o.Buttons, Priority: o.Priority})
			}
			switch {
			case err == nil:
				d.State, d.MessageID = cchcbot.Delivered, ref.ID
			case cchcbot.ErrorCode(err) == cchcbot.EUNREACHABLE:
				d.State, d.Error = cchcbot.Refused, cchcbot.ErrorMessage(err)
			default:
				return err
			}
		}
		if err := f.db.FinishOutgoing(ctx, []cchcbot.Delivery{d}); err != nil {
			return err
		}
	}
	return nil
}

// queued returns how many messages wait in the outbox.
func (f *fixture) queued(tb testing.TB) int {
	tb.Helper()
	n, err := f.db.OutboxLen(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// submit stores a report of unit for period, as the chat does.
func (f *fixture) submit(tb testing.TB, unit int, period string, when time.Time) *cchcbot.Submission {
	tb.Helper()
	sum, size, err := f.db.PutFile(ctx, strings.NewReader("báo cáo "+unitCode(unit)), 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := f.cal.Period(period)
	if err != nil {
		tb.Fatal(err)
	}
	s := &cchcbot.Submission{PeriodID: period, UnitCode: unitCode(unit), SubmittedBy: member(unit), SubmitterName: "Thủ trưởng",
		SubmittedAt: when, DaysLate: p.DaysLate(when), State: cchcbot.StateSubmitted,
		Files: []cchcbot.File{{SHA256: sum, Size: size, Name: "bao-cao.pdf", MIME: "application/pdf"}}}
	if err := f.db.CreateSubmission(ctx, s); err != nil {
		tb.Fatal(err)
	}
	return s
}

// logStates returns the reminder log of one unit for a period, by step.
func (f *fixture) logStates(tb testing.TB, period string, unit int) map[string]cchcbot.ReminderState {
	tb.Helper()
	rs, err := f.db.RemindersFor(ctx, period, unitCode(unit))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]cchcbot.ReminderState{}
	for _, r := range rs {
		out[r.Step] = r.State
	}
	return out
}

func steps(ms []message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.step)
	}
	return out
}
