package store_test

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

const mar = "bao-cao-thang/2024-03"

// seedLog writes a reminder log to two periods through the bot's own
// writes: queued and delivered, refused, expired, skipped, acknowledged,
// for every unit, several steps and members. It returns how many rows.
func seedLog(tb testing.TB, db *store.DB, periods ...string) int {
	tb.Helper()
	rows := 0
	for pi, p := range periods {
		var rs []cchcbot.Reminder
		for ui, u := range testUnits {
			for si, step := range []string{"before-7", "before-3", "due", "overdue-1"} {
				for m := range 3 {
					rs = append(rs, cchcbot.Reminder{PeriodID: p, UnitCode: u.Code, Step: step,
						Member: cchcbot.TelegramUser(int64(100*ui + m + 1)), PlannedAt: t0.Add(time.Duration(si) * time.Hour)})
				}
			}
		}
		msgs, n := queueReminders(tb, db, rs...)
		rows += n
		var ds []cchcbot.Delivery
		for i, m := range msgs {
			st := cchcbot.Delivered
			switch (i + pi) % 7 {
			case 3:
				st = cchcbot.Refused
			case 5:
				st = cchcbot.Expired
			}
			ds = append(ds, cchcbot.Delivery{ID: m.ID, State: st, At: t0, MessageID: "m", Error: "blocked"})
		}
		if err := db.FinishOutgoing(ctx, ds); err != nil {
			tb.Fatal(err)
		}
		for i, r := range rs {
			if (i+pi)%3 == 0 {
				if err := db.AckReminder(ctx, p, r.UnitCode, r.Step, r.Member, t0.Add(time.Hour)); err != nil {
					tb.Fatal(err)
				}
			}
		}
		skipped := cchcbot.Reminder{PeriodID: p, UnitCode: "xa-chau-loc", Step: "before-1", Member: cchcbot.TelegramUser(101), State: cchcbot.ReminderSkipped}
		if err := db.MarkReminders(ctx, []cchcbot.Reminder{skipped}); err != nil {
			tb.Fatal(err)
		}
		rows++
	}
	return rows
}

// logTally is the tally of period p counted from its rows, as the bot
// counted before the tally existed.
func logTally(tb testing.TB, db *store.DB, p string) map[string]cchcbot.ReminderCount {
	tb.Helper()
	log, err := db.Reminders(ctx, p)
	if err != nil {
		tb.Fatal(err)
	}
	return cchcbot.CountReminders(p, log)
}

func counts(tb testing.TB, db *store.DB, p string) map[string]cchcbot.ReminderCount {
	tb.Helper()
	c, err := db.ReminderCounts(ctx, p)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// statusCounts is what /status shows of p per unit: sent and acked.
func statusCounts(tb testing.TB, db *store.DB, p string) map[string]cchcbot.ReminderCount {
	tb.Helper()
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	k := cchcbot.ReportKind{ID: "bao-cao-thang", Title: "Báo cáo CCHC", Groups: all,
		Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, OpenDays: 20, LateDays: 90}
	cal := &cchcbot.Calendar{Location: t0.Location(), Kinds: []cchcbot.ReportKind{k}}
	period, err := cal.Period(p)
	if err != nil {
		tb.Fatal(err)
	}
	ps, err := db.PeriodStatus(ctx, k, period)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]cchcbot.ReminderCount{}
	for _, u := range ps.Units {
		out[u.Unit.Code] = cchcbot.ReminderCount{Sent: u.RemindSent, Acked: u.RemindAcked}
	}
	return out
}

// TestRollUpKeepsTallies: rolling up a period deletes its rows in
// batches and leaves its tally, and so /status, exactly as the rows
// counted; another period's rows are untouched.
func TestRollUpKeepsTallies(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	rows := seedLog(t, db, feb, mar) / 2
	store.SetRollUpBatch(t, 7, nil) // rows/7 full batches and a short one
	before, status := logTally(t, db, feb), statusCounts(t, db, feb)
	acked := 0
	for _, c := range before {
		acked += c.Acked
	}
	if !maps.Equal(counts(t, db, feb), before) || len(before) != len(testUnits) || acked == 0 {
		t.Fatalf("before: tally %v, log %v", counts(t, db, feb), before)
	}
	marLog, _ := db.Reminders(ctx, mar)
	marCounts := counts(t, db, mar)

	when := time.Date(2026, 3, 1, 2, 40, 0, 0, t0.Location())
	got, err := db.RollUpReminders(ctx, feb, when)
	if err != nil || got != rows {
		t.Errorf("RollUpReminders = %d, %v; want %d rows", got, err, rows)
	}
	if log, _ := db.Reminders(ctx, feb); len(log) != 0 {
		t.Errorf("%d rows left in %s", len(log), feb)
	}
	if c := counts(t, db, feb); !maps.Equal(c, before) {
		t.Errorf("tally after %v, before %v", c, before)
	}
	if s := statusCounts(t, db, feb); !maps.Equal(s, status) {
		t.Errorf("/status after %v, before %v", s, status)
	}
	for code, c := range before {
		if one, err := db.ReminderCountFor(ctx, feb, code); err != nil || one != c {
			t.Errorf("ReminderCountFor(%s) = %v, %v; want %v", code, one, err, c)
		}
	}
	if log, _ := db.Reminders(ctx, mar); !reflect.DeepEqual(log, marLog) || !maps.Equal(counts(t, db, mar), marCounts) {
		t.Errorf("March changed: %d rows (was %d)", len(log), len(marLog))
	}
	done, err := db.RolledUp(ctx)
	if err != nil || len(done) != 1 || !done[feb].Equal(when) {
		t.Errorf("RolledUp = %v, %v; want %s at %s", done, err, feb, when)
	}
	if ps, err := db.ReminderPeriods(ctx); err != nil || !slices.Equal(ps, []string{mar}) {
		t.Errorf("ReminderPeriods = %v, %v", ps, err)
	}

	// Again: nothing to do, nothing committed.
	writes := db.PageWrites()
	if got, err := db.RollUpReminders(ctx, feb, when.AddDate(0, 0, 1)); err != nil || got != 0 {
		t.Errorf("second roll-up = %d, %v; want 0 rows", got, err)
	}
	if db.PageWrites() != writes {
		t.Errorf("a roll-up with nothing to do committed")
	}
	if done, _ := db.RolledUp(ctx); !done[feb].Equal(when) {
		t.Errorf("the second roll-up moved the time: %v", done)
	}
}

// TestRollUpResumes: a roll-up stopped after k batches (the process
// killed, the next batch rolled back) leaves the period recorded rolled
// up with its tally exact, refuses writes to it, and finishes at the
// next call after a restart.
func TestRollUpResumes(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	rows := seedLog(t, db, feb, mar) / 2
	before := counts(t, db, feb)
	crash := errors.New("killed")
	const batch, k = 5, 3
	store.SetRollUpBatch(t, batch, func(p string, n int) error {
		if n > k {
			return crash
		}
		return nil
	})
	got, err := db.RollUpReminders(ctx, feb, t0)
	if !errors.Is(err, crash) || got != k*batch {
		t.Fatalf("RollUpReminders = %d, %v; want %d rows, then the crash", got, err, k*batch)
	}
	left, _ := db.Reminders(ctx, feb)
	if len(left) != rows-k*batch {
		t.Fatalf("%d rows left, want %d", len(left), rows-k*batch)
	}
	if c := counts(t, db, feb); !maps.Equal(c, before) {
		t.Errorf("tally mid-way %v, before %v", c, before)
	}
	if done, _ := db.RolledUp(ctx); len(done) != 1 || done[feb].IsZero() {
		t.Errorf("RolledUp mid-way = %v, want %s alone", done, feb)
	}

	// The rows left are never written again.
	r := left[0]
	err = db.AckReminder(ctx, feb, r.UnitCode, r.Step, r.Member, t0)
	wantCode(t, "ack of a rolled-up period", err, cchcbot.ENOTFOUND)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "đã được tổng hợp") {
		t.Errorf("ack: message %q does not say the log was folded", msg)
	}
	fresh := cchcbot.Reminder{PeriodID: feb, UnitCode: "xa-chau-loc", Step: "overdue-2", Member: cchcbot.TelegramUser(1), PlannedAt: t0}
	if _, n := queueReminders(t, db, fresh); n != 0 {
		t.Errorf("QueueReminders queued %d of a rolled-up period", n)
	}
	again := r
	again.State = cchcbot.ReminderSent
	fresh.State = cchcbot.ReminderSent
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{again, fresh}); err != nil {
		t.Fatal(err)
	}
	if now, _ := db.Reminders(ctx, feb); !reflect.DeepEqual(now, left) {
		t.Errorf("MarkReminders wrote to a rolled-up period")
	}
	if c := counts(t, db, feb); !maps.Equal(c, before) {
		t.Errorf("tally after refused writes %v, before %v", c, before)
	}

	// Restarted, the next roll-up finishes the period.
	db.Close()
	db = mustOpenDir(t, dir)
	store.SetRollUpBatch(t, batch, nil)
	got, err = db.RollUpReminders(ctx, feb, t0.Add(24*time.Hour))
	if err != nil || got != len(left) {
		t.Errorf("resumed roll-up = %d, %v; want the %d rows left", got, err, len(left))
	}
	if log, _ := db.Reminders(ctx, feb); len(log) != 0 {
		t.Errorf("%d rows left after resuming", len(log))
	}
	if c := counts(t, db, feb); !maps.Equal(c, before) {
		t.Errorf("tally after resuming %v, before %v", c, before)
	}
	if done, _ := db.RolledUp(ctx); !done[feb].Equal(t0) {
		t.Errorf("the resumed roll-up moved the time: %v", done)
	}
	if log, _ := db.Reminders(ctx, mar); len(log) != rows {
		t.Errorf("March: %d rows, want %d", len(log), rows)
	}
}

// TestRollUpOutcomeInFlight: a message of a rolled-up period still in the
// outbox leaves it without touching the log or the tally.
func TestRollUpOutcomeInFlight(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	r := cchcbot.Reminder{PeriodID: feb, UnitCode: "xa-chau-loc", Step: "due", Member: cchcbot.TelegramUser(1), PlannedAt: t0}
	msgs, _ := queueReminders(t, db, r)
	if _, err := db.RollUpReminders(ctx, feb, t0); err != nil {
		t.Fatal(err)
	}
	finish(t, db, cchcbot.Delivered, t0, msgs...)
	if log, _ := db.Reminders(ctx, feb); len(log) != 0 {
		t.Errorf("the outcome recreated %d rows", len(log))
	}
	if c := counts(t, db, feb); c["xa-chau-loc"] != (cchcbot.ReminderCount{}) {
		t.Errorf("tally %v", c)
	}
	if n, _ := db.OutboxLen(ctx); n != 0 {
		t.Errorf("%d messages left in the outbox", n)
	}
}

// TestReminderPeriods: every period with rows once, including ids that
// start with another's.
func TestReminderPeriods(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	ids := []string{"k/2024-1", "k/2024-10", "k/2024-1x", "bao-cao-thang/2024-02"}
	var rs []cchcbot.Reminder
	for _, id := range ids {
		for _, u := range testUnits {
			rs = append(rs, cchcbot.Reminder{PeriodID: id, UnitCode: u.Code, Step: "due", Member: cchcbot.TelegramUser(1), State: cchcbot.ReminderSent})
		}
	}
	if err := db.MarkReminders(ctx, rs); err != nil {
		t.Fatal(err)
	}
	got, err := db.ReminderPeriods(ctx)
	slices.Sort(ids)
	if err != nil || !slices.Equal(got, ids) {
		t.Errorf("ReminderPeriods = %v, %v; want %v", got, err, ids)
	}
	if _, err := db.RollUpReminders(ctx, "k/2024-1", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ReminderPeriods(ctx); !slices.Equal(got, slices.DeleteFunc(ids, func(s string) bool { return s == "k/2024-1" })) {
		t.Errorf("after rolling up k/2024-1: %v", got)
	}
	if log, _ := db.Reminders(ctx, "k/2024-10"); len(log) != len(testUnits) {
		t.Errorf("rolling up k/2024-1 took rows of k/2024-10: %d left", len(log))
	}
}
