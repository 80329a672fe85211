package store_test

import (
	"slices"
	"sync"
	"testing"

	"cchcbot"
)

func rung(unit string, level cchcbot.EscalationLevel, late int) cchcbot.Escalation {
	return cchcbot.Escalation{PeriodID: feb, UnitCode: unit, Level: level, DaysLate: late, To: []string{"Chủ tịch UBND xã"}}
}

// letter is what the scheduler queues for the units escalated: one message
// listing them.
func letter(fresh []cchcbot.Escalation) []*cchcbot.Outgoing {
	text := "Đôn đốc:"
	for _, e := range fresh {
		text += " " + e.UnitCode + "/" + string(e.Level)
	}
	return notices(text, admin)
}

func TestEscalate(t *testing.T) {
	db := MustOpen(t)
	es := []cchcbot.Escalation{rung("xa-chau-loc", cchcbot.EscalateHead, 3), rung("xa-dong-hop", cchcbot.EscalateHead, 3)}
	fresh, err := db.Escalate(ctx, es, letter)
	if err != nil || len(fresh) != 2 || !fresh[0].At.Equal(t0) || fresh[1].UnitCode != "xa-dong-hop" {
		t.Fatalf("Escalate = %+v, %v; want both, at t0", fresh, err)
	}
	if a := auditAfter(t, db, 0); !slices.Equal(actions(a), []string{"escalate", "escalate"}) || a[0].Subject != feb+" xa-chau-loc" {
		t.Errorf("audit = %+v; want an entry per unit", a)
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 || msgs[0].Text != "Đôn đốc: xa-chau-loc/head xa-dong-hop/head" || !signalled(db) {
		t.Errorf("outbox = %+v; want one letter naming both", msgs)
	}

	// The next sweep: the same two, the leaders' rung of one, and that
	// rung twice.
	m := takeMark(t, db)
	es = append(es, rung("xa-chau-loc", cchcbot.EscalateLeaders, 5), rung("xa-chau-loc", cchcbot.EscalateLeaders, 5))
	fresh, err = db.Escalate(ctx, es, letter)
	if err != nil || len(fresh) != 1 || fresh[0].Level != cchcbot.EscalateLeaders {
		t.Fatalf("second sweep = %+v, %v; want only the leaders' rung", fresh, err)
	}
	if a := auditAfter(t, db, m.audit); len(a) != 1 {
		t.Errorf("audit of the second sweep = %v; want one entry", actions(a))
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 2 || msgs[1].Text != "Đôn đốc: xa-chau-loc/leaders" {
		t.Errorf("outbox = %+v; want a letter naming the new rung", msgs)
	}

	// Nothing new: nothing written, out not called.
	m = takeMark(t, db)
	called := false
	fresh, err = db.Escalate(ctx, es, func([]cchcbot.Escalation) []*cchcbot.Outgoing { called = true; return nil })
	if err != nil || len(fresh) != 0 || called {
		t.Errorf("a sweep with nothing new = %+v, %v, out called %v", fresh, err, called)
	}
	m.unchanged(t, db, "a sweep with nothing new")

	// A bad escalation is refused whole.
	for name, e := range map[string]cchcbot.Escalation{
		"unknown level": {PeriodID: feb, UnitCode: "phong-noi-vu", Level: "chairman"},
		"no unit":       {PeriodID: feb, Level: cchcbot.EscalateHead},
		"no period":     {UnitCode: "phong-noi-vu", Level: cchcbot.EscalateHead},
	} {
		if _, err := db.Escalate(ctx, []cchcbot.Escalation{rung("phong-noi-vu", cchcbot.EscalateHead, 1), e}, letter); err == nil {
			t.Errorf("%s: accepted", name)
		}
		m.unchanged(t, db, name)
	}

	// A letter that cannot be queued: nothing recorded, so the next sweep
	// tries again.
	one := []cchcbot.Escalation{rung("phong-noi-vu", cchcbot.EscalateHead, 1)}
	if _, err := db.Escalate(ctx, one, func([]cchcbot.Escalation) []*cchcbot.Outgoing { return badMessage }); err == nil {
		t.Error("an escalation whose letter has no recipient was recorded")
	}
	m.unchanged(t, db, "an escalation whose letter failed")
	if fresh, err := db.Escalate(ctx, one, nil); err != nil || len(fresh) != 1 {
		t.Errorf("the sweep after = %+v, %v; want it recorded", fresh, err)
	}
}

// TestConcurrentSweeps: sweeps racing record and announce each identity
// once.
func TestConcurrentSweeps(t *testing.T) {
	db := MustOpen(t)
	es := []cchcbot.Escalation{
		rung("xa-chau-loc", cchcbot.EscalateHead, 3), rung("xa-dong-hop", cchcbot.EscalateHead, 3),
		rung("xa-chau-loc", cchcbot.EscalateLeaders, 3), rung("phong-noi-vu", cchcbot.EscalateLeaders, 3),
	}
	const n = 8
	var wg sync.WaitGroup
	results := make(chan []cchcbot.Escalation, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := slices.Clone(es)
			if i%2 == 1 {
				slices.Reverse(mine)
			}
			fresh, err := db.Escalate(ctx, mine, letter)
			if err != nil {
				t.Error(err)
			}
			results <- fresh
		}()
	}
	wg.Wait()
	close(results)
	seen := map[string]int{}
	letters := 0
	for fresh := range results {
		if len(fresh) > 0 {
			letters++
		}
		for _, e := range fresh {
			seen[e.UnitCode+"/"+string(e.Level)]++
		}
	}
	if len(seen) != len(es) {
		t.Errorf("recorded %v; want all %d identities", seen, len(es))
	}
	for id, count := range seen {
		if count != 1 {
			t.Errorf("%s recorded %d times", id, count)
		}
	}
	if a := auditAfter(t, db, 0); len(a) != len(es) {
		t.Errorf("audit = %d entries; want %d", len(a), len(es))
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != letters {
		t.Errorf("outbox = %d letters; want %d, one per sweep that recorded", len(msgs), letters)
	}
}

// TestEscalationsAcrossRestart: a restart forgets nothing.
func TestEscalationsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	es := []cchcbot.Escalation{rung("xa-chau-loc", cchcbot.EscalateHead, 3)}
	if fresh, err := db.Escalate(ctx, es, letter); err != nil || len(fresh) != 1 {
		t.Fatal(fresh, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	if fresh, err := db.Escalate(ctx, es, letter); err != nil || len(fresh) != 0 {
		t.Errorf("the sweep after a restart = %+v, %v; want nothing fresh", fresh, err)
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 {
		t.Errorf("outbox after restart = %d; want the one letter", len(msgs))
	}
}
