package scheduler_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestYear2024 drives the scheduler through 2024 for 50 units with one
// member each that never submit: a sweep at 08:00 every day (every planned
// instant is one of them), and a sweep every hour of a few days around the
// shifts to show that other hours add nothing. It checks the exact
// messages: every (member, period, step) once, at the instants worked out
// by hand below.
func TestYear2024(t *testing.T) {
	const units = 50
	f := newFixture(t, units)
	s := f.scheduler()
	var sweeps []time.Time
	for d := at("2024-01-01 08:00"); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
		sweeps = append(sweeps, d)
	}
	for _, day := range []string{"2024-02-07", "2024-02-12", "2024-02-15", "2024-05-10", "2024-05-12", "2024-10-14"} {
		for h := range 24 {
			sweeps = append(sweeps, at(day+" 00:00").Add(time.Duration(h)*time.Hour+17*time.Minute))
		}
	}
	slices.SortFunc(sweeps, time.Time.Compare)
	for _, when := range sweeps {
		f.runAt(t, s, when)
	}

	// Worked out by hand from the rules (Calendar.Plan): a step on a day
	// off moves back to the previous working day and two steps landing on
	// the same day make one; overdue repeats move forward, each to its own
	// day.
	want := map[string][]string{
		// Due Wednesday 31/01. before-3 (Sunday 28/01) moves back to Friday
		// 26/01; overdue-2 (Sunday 04/02) forward to Monday 05/02.
		planID: {"01-24 before-7", "01-26 before-3", "01-30 before-1", "01-31 due",
			"02-02 overdue-1", "02-05 overdue-2", "02-06 overdue-3"},
		// 12/02 falls in Tết (08–14/02): the deadline is Thursday 15/02.
		// before-7 (08/02), before-3 (12/02) and before-1 (14/02) all move
		// back to Wednesday 07/02, the last working day before Tết, and
		// make one step: before-1, the nearest. overdue-1 (Saturday 17/02)
		// goes to Monday 19/02, so overdue-2 (19/02) to Tuesday 20/02.
		"bao-cao-thang/2024-02": {"02-07 before-1", "02-15 due", "02-19 overdue-1", "02-20 overdue-2", "02-21 overdue-3"},
		// Tuesday 12/03: before-3 (Saturday 09/03) back to Friday 08/03;
		// overdue-2 (Saturday 16/03) to Monday 18/03, so overdue-3 (18/03)
		// to Tuesday 19/03.
		"bao-cao-thang/2024-03": {"03-05 before-7", "03-08 before-3", "03-11 before-1", "03-12 due",
			"03-14 overdue-1", "03-18 overdue-2", "03-19 overdue-3"},
		// 12/05 is a Sunday: the deadline is Monday 13/05, before-1 (Sunday
		// 12/05) moves back to Friday 10/05 and absorbs before-3.
		"bao-cao-thang/2024-05": {"05-06 before-7", "05-10 before-1", "05-13 due",
			"05-15 overdue-1", "05-17 overdue-2", "05-20 overdue-3"},
		// 12/10 is a Saturday: the deadline is Monday 14/10.
		"bao-cao-thang/2024-10": {"10-07 before-7", "10-11 before-1", "10-14 due",
			"10-16 overdue-1", "10-18 overdue-2", "10-21 overdue-3"},
	}
	// Steps per period: seven (three before, the due day, three overdue),
	// less the merges, which happen when the 12th is a weekend or a Monday
	// (before-1 on Sunday joins before-3 on Friday), and in Tết.
	wantCount := map[string]int{planID: 7,
		"bao-cao-thang/2024-01": 7, "bao-cao-thang/2024-02": 5, "bao-cao-thang/2024-03": 7, "bao-cao-thang/2024-04": 7,
		"bao-cao-thang/2024-05": 6, "bao-cao-thang/2024-06": 7, "bao-cao-thang/2024-07": 7, "bao-cao-thang/2024-08": 6,
		"bao-cao-thang/2024-09": 7, "bao-cao-thang/2024-10": 6, "bao-cao-thang/2024-11": 7, "bao-cao-thang/2024-12": 7,
	}

	got := map[string]map[string]int{} // period → "mm-dd step" → messages
	seen := map[string]bool{}
	total := 0
	for _, m := range f.ch.all() {
		if m.period == "" {
			continue // an admin's digest: not driven here
		}
		total++
		if key := string(m.to) + " " + m.period + " " + m.step; seen[key] {
			t.Errorf("sent twice: %s", key)
		} else {
			seen[key] = true
		}
		if got[m.period] == nil {
			got[m.period] = map[string]int{}
		}
		local := m.at.In(hcm)
		if local.Hour() != 8 || local.Minute() != 0 {
			t.Errorf("%s %s sent at %s, not at 08:00", m.period, m.step, local.Format("02/01/2006 15:04"))
		}
		got[m.period][local.Format("01-02")+" "+m.step]++
	}
	for period, instants := range want {
		have := slices.Sorted(maps.Keys(got[period]))
		if strings.Join(have, ", ") != strings.Join(instants, ", ") {
			t.Errorf("%s sent at\n  %s\nwant\n  %s", period, strings.Join(have, ", "), strings.Join(instants, ", "))
		}
	}
	wantTotal := 0
	for period, n := range wantCount {
		wantTotal += n * units
		if len(got[period]) != n {
			t.Errorf("%s: %d steps sent (%v), want %d", period, len(got[period]), slices.Sorted(maps.Keys(got[period])), n)
		}
		for step, msgs := range got[period] {
			if msgs != units {
				t.Errorf("%s %s: %d messages, want one to each of %d members", period, step, msgs, units)
			}
		}
	}
	for period := range got {
		if _, ok := wantCount[period]; !ok {
			t.Errorf("reminders sent for %s, which has no step in 2024", period)
		}
	}
	if total != wantTotal || wantTotal != 86*units {
		t.Errorf("%d reminders in 2024, want %d (86 steps × %d members)", total, wantTotal, units)
	}
}
