package synth_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
	"cchcbot/synth"
)

// Generate builds a small deployment end to end: the config parses, the
// store holds what Stats says, and the status of a past period matches the
// drawn outcomes.
func TestGenerate(t *testing.T) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	units := synth.Units(60)
	raw, err := synth.Config(base, units, filepath.Join(dir, "data"), cchcbot.D(2025, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, "synth.yaml")
	if err != nil {
		t.Fatalf("the generated config does not load: %v\n%s", err, raw)
	}
	if len(cfg.UnitList()) != 60 || cfg.DataDir != filepath.Join(dir, "data") {
		t.Fatalf("%d units, data_dir %s", len(cfg.UnitList()), cfg.DataDir)
	}
	seen := map[string]bool{}
	for _, u := range units {
		if seen[u.Name] || seen[u.Code] {
			t.Fatalf("duplicate unit %q %q", u.Code, u.Name)
		}
		seen[u.Name], seen[u.Code] = true, true
	}
	cal := cfg.Calendar()
	end := time.Date(2026, 11, 20, 9, 0, 0, 0, cal.Location)
	db, err := store.Open(cfg.DataDir, store.Options{Now: func() time.Time { return end }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	st, err := synth.Populate(ctx, db, cal, synth.Options{Units: 60, End: end, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(st)
	// January 2025 to December 2026 (open since 22/11): 24 monthly periods.
	if st.Members != 180 || st.Periods != 24 || st.Submissions < 24*60*9/10 || st.Reminders == 0 || st.Acked == 0 || st.Returned == 0 || st.Late == 0 || st.Missing == 0 {
		t.Errorf("implausible deployment: %v", st)
	}
	members, _ := db.Members(ctx, "")
	if len(members) != 180 {
		t.Errorf("%d members stored", len(members))
	}
	n := 0
	if err := db.AllSubmissions(ctx, func(*cchcbot.Submission) error { n++; return nil }); err != nil || n != st.Submissions {
		t.Errorf("%d submissions stored, stats say %d (%v)", n, st.Submissions, err)
	}
	p, _ := cal.Period("bao-cao-thang/2026-03")
	latest, _ := db.LatestSubmissions(ctx, p.ID)
	k, _ := cal.Kind(p.KindID)
	rems, _ := db.Reminders(ctx, p.ID)
	ps := cchcbot.ComputeStatus(k, p, cfg.UnitList(), latest, members, rems)
	c := ps.Counts()
	if c.Owed != 60 || c.OnTime < 30 || c.OnTime+c.Late+c.Missing+c.Returned != 60 {
		t.Errorf("March 2026: %+v", c)
	}
	// Same seed, same deployment.
	db2, err := store.Open(filepath.Join(dir, "again"), store.Options{Now: func() time.Time { return end }})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	st2, err := synth.Populate(ctx, db2, cal, synth.Options{Units: 60, End: end, Seed: 7})
	st.Elapsed, st2.Elapsed = 0, 0
	if err != nil || st2 != st {
		t.Errorf("seed 7 twice: %v and %v (%v)", st, st2, err)
	}
}

// TestGenerateRollsUp: five years generated with the bot's roll-up (two
// years kept) leave rows only for the periods a running bot keeps, and
// the very tallies of a generation that keeps every row.
func TestGenerateRollsUp(t *testing.T) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	raw, err := synth.Config(base, synth.Units(12), filepath.Join(dir, "data"), cchcbot.D(2022, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, "synth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Reminders.KeepLogYears != 2 {
		t.Fatalf("the example keeps %d years of rows, want 2", cfg.Reminders.KeepLogYears)
	}
	cal := cfg.Calendar()
	end := time.Date(2026, 11, 20, 9, 0, 0, 0, cal.Location)
	ctx := context.Background()
	gen := func(sub string, keep int) (*store.DB, synth.Stats) {
		t.Helper()
		db, err := store.Open(filepath.Join(dir, sub), store.Options{Now: func() time.Time { return end }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		st, err := synth.Populate(ctx, db, cal, synth.Options{Units: 12, End: end, Seed: 3, KeepLogYears: keep})
		if err != nil {
			t.Fatal(err)
		}
		return db, st
	}
	all, stAll := gen("all", 0)
	folded, st := gen("folded", cfg.Reminders.KeepLogYears)
	if stAll.Folded != 0 || st.Folded == 0 || st.Folded >= st.Reminders {
		t.Errorf("folded %d of %d rows (keeping all: %d)", st.Folded, st.Reminders, stAll.Folded)
	}
	cutoff := end.AddDate(-2, 0, 0)
	left := 0
	for _, p := range cal.Periods(cchcbot.D(2022, 1, 1), cchcbot.DateOf(end)) {
		want, _ := all.ReminderCounts(ctx, p.ID)
		got, _ := folded.ReminderCounts(ctx, p.ID)
		if !maps.Equal(got, want) {
			t.Errorf("%s: tally %v, without roll-up %v", p.ID, got, want)
		}
		rows, _ := folded.Reminders(ctx, p.ID)
		left += len(rows)
		if old := p.Closes.Before(cutoff); old != (len(rows) == 0) {
			t.Errorf("%s (closed %s): %d rows left", p.ID, p.Closes.Format(time.DateOnly), len(rows))
		}
	}
	if left != st.Reminders-st.Folded {
		t.Errorf("%d rows left, stats say %d written and %d folded", left, st.Reminders, st.Folded)
	}
}
