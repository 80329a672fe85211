package cchcbot

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// ReminderPolicy says when units are reminded and staff are briefed.
type ReminderPolicy struct {
	TimeOfDay  TimeOfDay // when reminders go out, 08:00 by default
	DaysBefore []int     // 7, 3, 1, 0: days before the due day; 0 is the due day
	// OverdueEvery and OverdueMax: after the deadline a unit that has not
	// submitted is reminded every OverdueEvery days, at most OverdueMax times.
	OverdueEvery int
	OverdueMax   int
	DigestTime   TimeOfDay // the admins' daily digest
	// QuietFrom and QuietTo bound the hours when nothing is pushed (for
	// example 21:00–07:00). Equal values mean no quiet hours.
	QuietFrom TimeOfDay
	QuietTo   TimeOfDay
}

// Calendar is the reporting calendar: from the report kinds, the working
// days and the reminder policy it derives every period, its deadline and its
// reminder plan. It holds no clock: every question that depends on "now"
// takes the instant as an argument, so it is a set of pure functions.
type Calendar struct {
	Location  *time.Location
	Work      WorkCalendar
	Kinds     []ReportKind
	Reminders ReminderPolicy
	// ShiftDeadlines moves a deadline that falls on a non-working day to
	// the end of the next working day (Civil Code 2015, Art. 148).
	ShiftDeadlines bool
	// GroupLabels are the office's headings of the unit groups in the
	// lists it reads (nil: the letter's own, UnitGroup.Label). They ride
	// here because every list that needs them already has the calendar,
	// and a config reload brings new ones with it.
	GroupLabels GroupLabels

	// memo keeps the periods already derived, by kind and occurrence
	// (the year and month, quarter or half): every status and every reminder sweep asks for the same
	// months again, and deriving one walks the working-day calendar. The
	// fields above never change once the calendar is in use (a config
	// reload makes a new one), so a derived period stays right.
	memo sync.Map // periodKey → Period
}

// Clone returns a calendar with the same rules and none of the periods
// derived so far, to change before use. A calendar must not be copied
// (go vet says so): the copy would keep periods derived under the old rules.
func (c *Calendar) Clone() *Calendar {
	return &Calendar{Location: c.Location, Work: c.Work, Kinds: slices.Clone(c.Kinds), Reminders: c.Reminders, ShiftDeadlines: c.ShiftDeadlines, GroupLabels: c.GroupLabels}
}

type periodKey struct {
	kind string
	occ  occurrence
}

// Kind returns the report kind with the given id.
func (c *Calendar) Kind(id string) (ReportKind, bool) {
	i := slices.IndexFunc(c.Kinds, func(k ReportKind) bool { return k.ID == id })
	if i < 0 {
		return ReportKind{}, false
	}
	return c.Kinds[i], true
}

// Periods returns the periods of every kind whose nominal due date falls in
// [from, to], ordered by deadline.
func (c *Calendar) Periods(from, to Date) []Period {
	var ps []Period
	for _, k := range c.Kinds {
		ps = append(ps, c.PeriodsOf(k, from, to)...)
	}
	sortByDeadline(ps)
	return ps
}

// PeriodsOf returns the periods of kind k whose nominal due date falls in
// [from, to], ordered by deadline.
func (c *Calendar) PeriodsOf(k ReportKind, from, to Date) []Period {
	var ps []Period
	for _, o := range k.occurrences(from, to) {
		if k.inRange(k.due(o)) {
			ps = append(ps, c.period(k, o))
		}
	}
	return ps
}

// Period returns the period with the given id, such as
// "bao-cao-thang/2024-02", "bao-cao-quy/2024-Q1", "bao-cao-6-thang/2024-H1",
// "bao-cao-9-thang/2024-9T" or "ke-hoach-khac-phuc/2024".
func (c *Calendar) Period(id string) (Period, error) {
	notFound := Errorf(ENOTFOUND, "Không có kỳ báo cáo %q.", id)
	kindID, key, ok := SplitPeriodID(id)
	if !ok {
		return Period{}, notFound
	}
	k, ok := c.Kind(kindID)
	if !ok {
		return Period{}, notFound
	}
	o, ok := k.occurrenceOf(key)
	if !ok || !k.inRange(k.due(o)) {
		return Period{}, notFound
	}
	return c.period(k, o), nil
}

// OpenPeriods returns the periods that take submissions at t, the one whose
// deadline is nearest to t first.
func (c *Calendar) OpenPeriods(t time.Time) []Period {
	var open []Period
	for _, k := range c.Kinds {
		if k.Cancelled {
			continue
		}
		// A period opens at most OpenDays before and closes LateDays after
		// its due date (plus the longest holiday shift), so a span around t
		// of that size holds every candidate.
		d := DateOf(t.In(c.Location))
		for _, p := range c.PeriodsOf(k, d.AddDays(-k.LateDays-maxNonWorking), d.AddDays(k.OpenDays+maxNonWorking)) {
			if p.IsOpen(t) {
				open = append(open, p)
			}
		}
	}
	slices.SortStableFunc(open, func(a, b Period) int {
		return cmp.Or(cmp.Compare(absDur(a.Deadline.Sub(t)), absDur(b.Deadline.Sub(t))), cmp.Compare(a.ID, b.ID))
	})
	return open
}

// Plan returns the reminder steps of p in time order. A step that would
// fall on a non-working day moves to the previous working day at reminder
// time, so it never passes the deadline; overdue repeats move forward to
// the next working day instead, each on its own day. Two steps that land on
// the same day collapse into the one nearer the deadline.
func (c *Calendar) Plan(p Period) []Step {
	r := c.Reminders
	var steps []Step
	days := slices.Clone(r.DaysBefore)
	slices.Sort(days) // nearest first, so a collision keeps the nearer step
	seen := map[Date]bool{}
	for _, n := range days {
		nominal := p.Due.AddDays(-n)
		day := c.Work.PrevWorkingDay(nominal)
		if seen[day] {
			continue
		}
		seen[day] = true
		s := Step{Name: BeforeStepName(n), Kind: StepBefore, N: n,
			Nominal: nominal.At(r.TimeOfDay, c.Location), At: day.At(r.TimeOfDay, c.Location)}
		if n == 0 {
			s.Name, s.Kind = DueStepName, StepDueDay
		}
		steps = append(steps, s)
	}
	prev := p.Due
	for n := 1; n <= r.OverdueMax && r.OverdueEvery > 0; n++ {
		nominal := p.Due.AddDays(n * r.OverdueEvery)
		day := c.Work.NextWorkingDay(laterDate(nominal, prev.AddDays(1)))
		at := day.At(r.TimeOfDay, c.Location)
		if !at.Before(p.Closes) {
			break
		}
		prev = day
		steps = append(steps, Step{Name: OverdueStepName(n), Kind: StepOverdue, N: n,
			Nominal: nominal.At(r.TimeOfDay, c.Location), At: at})
	}
	slices.SortFunc(steps, func(a, b Step) int { return a.At.Compare(b.At) })
	return trimPlan(p, steps, r.TimeOfDay, c.Location)
}

// DueOf returns the due day of a deadline named nominal: moved to the
// next working day when it falls on a day off and deadlines shift.
func (c *Calendar) DueOf(nominal Date) Date {
	if c.ShiftDeadlines {
		return c.Work.NextWorkingDay(nominal)
	}
	return nominal
}

// DueVN says a deadline named nominal for people, with its shift:
// "Chủ nhật 20/12/2026, lùi sang Thứ Hai 21/12/2026 (ngày nghỉ)".
func (c *Calendar) DueVN(nominal Date) string {
	s := nominal.WeekdayVN() + " " + nominal.VN()
	if due := c.DueOf(nominal); due != nominal {
		s += ", lùi sang " + due.WeekdayVN() + " " + due.VN() + " (ngày nghỉ)"
	}
	return s
}

// SummaryAt returns when the admins get the summary of p: at digest time on
// the first working day after its deadline.
func (c *Calendar) SummaryAt(p Period) time.Time {
	return c.Work.NextWorkingDay(p.Due.AddDays(1)).At(c.Reminders.DigestTime, c.Location)
}

// InQuietHours reports whether t falls in the quiet hours.
func (c *Calendar) InQuietHours(t time.Time) bool {
	from, to := c.Reminders.QuietFrom.Minutes(), c.Reminders.QuietTo.Minutes()
	m := TimeOfDayOf(t.In(c.Location)).Minutes()
	switch {
	case from == to:
		return false
	case from < to:
		return m >= from && m < to
	default: // across midnight
		return m >= from || m < to
	}
}

// QuietUntil returns the first instant at or after t outside quiet hours.
func (c *Calendar) QuietUntil(t time.Time) time.Time {
	if !c.InQuietHours(t) {
		return t
	}
	t = t.In(c.Location)
	end := DateOf(t).At(c.Reminders.QuietTo, c.Location)
	if end.Before(t) {
		end = DateOf(t).AddDays(1).At(c.Reminders.QuietTo, c.Location)
	}
	return end
}

func (c *Calendar) period(k ReportKind, o occurrence) Period {
	key := periodKey{k.ID, o}
	if p, ok := c.memo.Load(key); ok {
		return p.(Period)
	}
	p := c.derive(k, o)
	c.memo.Store(key, p)
	return p
}

// derive computes the period o of kind k.
func (c *Calendar) derive(k ReportKind, o occurrence) Period {
	nominal := k.due(o)
	due := c.DueOf(nominal)
	deadline := due.AddDays(1).In(c.Location).Add(-time.Nanosecond)
	p := Period{
		ID:           k.ID + "/" + k.keyFor(o),
		KindID:       k.ID,
		Title:        k.Title,
		Label:        k.labelFor(o),
		NominalDue:   nominal,
		Due:          due,
		Deadline:     deadline,
		RequiresFile: k.RequiresFile,
		AdHoc:        k.AdHoc,
		PlanFrom:     k.PlanFrom,
	}
	if k.Schedule.Kind != ScheduleOnce && !k.Window.IsZero() {
		p.WindowFrom, p.WindowTo = k.windowOf(o)
	}
	// Submissions open OpenDays before the due day, and never after the
	// first reminder, which invites the unit to submit.
	opens := due.AddDays(-k.OpenDays)
	if len(c.Reminders.DaysBefore) > 0 {
		first := c.Work.PrevWorkingDay(due.AddDays(-slices.Max(c.Reminders.DaysBefore)))
		if first.Before(opens) {
			opens = first
		}
	}
	p.Opens = opens.In(c.Location)
	p.Closes = deadline.Add(time.Nanosecond).AddDate(0, 0, k.LateDays)
	return p
}

func (k ReportKind) inRange(due Date) bool {
	return (k.Start.IsZero() || !due.Before(k.Start)) && (k.End.IsZero() || !due.After(k.End))
}

// clampDay returns day d of month m, or the month's last day when m is
// shorter (a "31st" deadline in February).
func clampDay(y int, m time.Month, d int) Date {
	return Date{y, m, min(max(d, 1), daysIn(y, m))}
}

func laterDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func sortByDeadline(ps []Period) {
	slices.SortStableFunc(ps, func(a, b Period) int {
		return cmp.Or(a.Deadline.Compare(b.Deadline), cmp.Compare(a.ID, b.ID))
	})
}
