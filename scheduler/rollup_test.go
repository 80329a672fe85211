package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"cchcbot"
)

// seedLogs writes two reminders to each unit's member for each period
// (one acknowledged) and returns each period's tally.
func (f *fixture) seedLogs(tb testing.TB, ids []string) map[string]map[string]cchcbot.ReminderCount {
	tb.Helper()
	out := map[string]map[string]cchcbot.ReminderCount{}
	for _, id := range ids {
		var rs []cchcbot.Reminder
		for i := range f.units {
			for _, step := range []string{"before-3", "due"} {
				rs = append(rs, cchcbot.Reminder{PeriodID: id, UnitCode: unitCode(i), Step: step, Member: member(i),
					State: cchcbot.ReminderSent, SentAt: at("2024-01-02 08:00")})
			}
		}
		if err := f.db.MarkReminders(ctx, rs); err != nil {
			tb.Fatal(err)
		}
		if err := f.db.AckReminder(ctx, id, unitCode(0), "due", member(0), at("2024-01-02 09:00")); err != nil {
			tb.Fatal(err)
		}
		c, err := f.db.ReminderCounts(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		if c[unitCode(0)] != (cchcbot.ReminderCount{Sent: 2, Acked: 1}) {
			tb.Fatalf("%s: seeded tally %v", id, c)
		}
		out[id] = c
	}
	return out
}

// TestRollUpAcrossYears: the nightly job, kept one year, folds each
// period once its late window (and every extension's) closed more than
// a year before, across the turn of the year; the tallies stay as they
// were and the rows of newer periods are untouched.
func TestRollUpAcrossYears(t *testing.T) {
	f := newFixture(t, 3)
	var ids []string
	for _, p := range f.cal.Periods(cchcbot.D(2024, 1, 1), cchcbot.D(2025, 1, 31)) {
		ids = append(ids, p.ID)
	}
	tallies := f.seedLogs(t, ids)
	// Unit 0 was given until 25/10/2024 for September's report: its late
	// window ends 90 days after, on 24/01/2025.
	ext := &cchcbot.Extension{PeriodID: "bao-cao-thang/2024-09", UnitCode: unitCode(0), State: cchcbot.ExtensionApproved,
		Until: cchcbot.D(2024, 10, 25), RequestedBy: "cli", RequestedAt: at("2024-09-10 10:00"), DecidedBy: "cli", DecidedAt: at("2024-09-11 10:00")}
	if err := f.db.CreateExtension(ctx, ext, nil); err != nil {
		t.Fatal(err)
	}
	s := f.scheduler()
	job := s.RollUpJob(1)
	if job.At != (cchcbot.TimeOfDay{Hour: 2, Minute: 40}) {
		t.Errorf("the roll-up runs at %s, want 02:40", job.At)
	}
	months := func(ms ...string) []string {
		var out []string
		for _, m := range ms {
			out = append(out, "bao-cao-thang/"+m)
		}
		return out
	}
	folded := map[string]bool{}
	for _, c := range []struct {
		when string
		want []string
	}{
		{"2025-04-12 00:00", nil}, // January 2024 closed at 00:00 on 12/04/2024: not before the cutoff
		{"2025-04-12 00:01", months("2024-01")},
		{"2025-12-31 02:40", append(months("2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"), "ke-hoach-khac-phuc/2024")},
		{"2026-01-01 02:40", nil},               // October closed 13/01/2025; September waits for unit 0
		{"2026-01-13 02:40", months("2024-10")}, // a year after 13/01/2025 00:00
		{"2026-01-24 02:40", months("2024-09")}, // a year after unit 0's window closed
		{"2026-02-11 02:40", months("2024-11")}, // 11/02/2025 00:00
		{"2026-02-11 03:40", nil},               // done is done
		{"2026-03-13 02:39", months("2024-12")}, // 13/03/2025 00:00
		{"2026-04-14 00:00", nil},               // January 2025 closes at 00:00 on 14/04/2025: not before the cutoff
		{"2026-04-14 00:01", months("2025-01")},
	} {
		f.clock.Set(at(c.when))
		got, err := s.RunRollUp(ctx, f.clock.Now(), 1)
		if err != nil {
			t.Fatalf("%s: %v", c.when, err)
		}
		slices.Sort(got)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: folded %v, want %v", c.when, got, c.want)
		}
		for _, id := range got {
			folded[id] = true
		}
		for _, id := range ids {
			rows, _ := f.db.Reminders(ctx, id)
			if want := 2 * len(f.units); folded[id] && len(rows) != 0 || !folded[id] && len(rows) != want {
				t.Errorf("%s: %s has %d rows (folded: %v)", c.when, id, len(rows), folded[id])
			}
			if cnt, _ := f.db.ReminderCounts(ctx, id); !maps.Equal(cnt, tallies[id]) {
				t.Errorf("%s: %s tally %v, was %v", c.when, id, cnt, tallies[id])
			}
		}
	}
	// /status reads the tally of a folded period as before.
	k, _ := f.cal.Kind("bao-cao-thang")
	p, _ := f.cal.Period("bao-cao-thang/2024-03")
	ps, err := f.db.PeriodStatus(ctx, k, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ps.Units {
		if got := (cchcbot.ReminderCount{Sent: u.RemindSent, Acked: u.RemindAcked}); got != tallies[p.ID][u.Unit.Code] {
			t.Errorf("/status of %s for %s: %v, want %v", p.ID, u.Unit.Code, got, tallies[p.ID][u.Unit.Code])
		}
	}
	if got, err := s.RunRollUp(ctx, at("2030-01-01 02:40"), 0); err != nil || got != nil {
		t.Errorf("keep 0 folded %v, %v; want nothing", got, err)
	}
}

// TestRollUpAtStart: the job's catch-up folds at start-up, in the
// background; Stop waits for it; what it folded is logged.
func TestRollUpAtStart(t *testing.T) {
	f := newFixture(t, 2)
	f.seedLogs(t, []string{"bao-cao-thang/2024-01", "bao-cao-thang/2024-02"})
	f.clock.Set(at("2026-05-01 10:00"))
	s := f.scheduler()
	var mu sync.Mutex
	var logs strings.Builder
	s.Logger = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	s.Jobs = append(s.Jobs, s.RollUpJob(2)) // 2024-01 closed 12/04/2024, more than two years ago
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.ReminderPeriods(ctx); slices.Contains(got, "bao-cao-thang/2024-01") || !slices.Contains(got, "bao-cao-thang/2024-02") {
		t.Errorf("after start-up the log has periods %v, want February but not January", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := fmt.Sprintf("period=%s rows=%d", "bao-cao-thang/2024-01", 4); !strings.Contains(logs.String(), want) {
		t.Errorf("the log does not say %q:\n%s", want, logs.String())
	}
}
