package store_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
)

func exemption(unit string) cchcbot.Exemption {
	return cchcbot.Exemption{PeriodID: feb, UnitCode: unit, Reason: "Xã đã sáp nhập từ 01/01/2024", By: admin, ByName: "Nguyễn Văn A"}
}

func TestSetExemption(t *testing.T) {
	db := MustOpen(t)
	created, err := db.SetExemption(ctx, exemption("xa-chau-loc"), func() []*cchcbot.Outgoing { return notices("Miễn nộp", member) })
	if err != nil || !created {
		t.Fatalf("SetExemption = %v, %v; want created", created, err)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"exempt"}) || es[0].Subject != feb+" xa-chau-loc" || !strings.Contains(es[0].Detail, "sáp nhập") {
		t.Errorf("audit = %+v; want one exempt entry", es)
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 || msgs[0].To != member || !signalled(db) {
		t.Errorf("outbox = %+v; want the unit told, signalled", msgs)
	}
	adj, _ := db.Adjustments(ctx, feb)
	if x := adj.Exemptions["xa-chau-loc"]; x == nil || x.Reason != "Xã đã sáp nhập từ 01/01/2024" || !x.At.Equal(t0) || x.By != admin {
		t.Errorf("exemption = %+v; want the one set, at t0", x)
	}

	// Set again, another reason: the first stands, nothing written.
	m := takeMark(t, db)
	again := exemption("xa-chau-loc")
	again.Reason = "Lý do khác"
	called := false
	created, err = db.SetExemption(ctx, again, func() []*cchcbot.Outgoing { called = true; return notices("x", member) })
	if err != nil || created || called {
		t.Errorf("second SetExemption = %v, %v, out called %v; want not created, out not called", created, err, called)
	}
	m.unchanged(t, db, "a second exemption")

	for name, x := range map[string]cchcbot.Exemption{
		"no reason":       {PeriodID: feb, UnitCode: "xa-dong-hop", Reason: "  "},
		"reason too long": {PeriodID: feb, UnitCode: "xa-dong-hop", Reason: strings.Repeat("ă", 1001)},
		"no unit":         {PeriodID: feb, Reason: "r"},
		"no period":       {UnitCode: "xa-dong-hop", Reason: "r"},
	} {
		_, err := db.SetExemption(ctx, x, nil)
		wantCode(t, name, err, cchcbot.EINVALID)
		if !hasVietnamese(cchcbot.ErrorMessage(err)) {
			t.Errorf("%s: message %q is not a Vietnamese sentence", name, cchcbot.ErrorMessage(err))
		}
		m.unchanged(t, db, name)
	}
	if _, err := db.SetExemption(ctx, exemption("xa-dong-hop"), func() []*cchcbot.Outgoing { return badMessage }); err == nil {
		t.Error("an exemption whose notice has no recipient was recorded")
	}
	m.unchanged(t, db, "an exemption whose notice failed")
}

func TestRemoveExemption(t *testing.T) {
	db := MustOpen(t)
	if _, err := db.SetExemption(ctx, exemption("xa-chau-loc"), nil); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	seq := lastAuditSeq(t, db)
	if err := db.RemoveExemption(ctx, feb, "xa-chau-loc", admin, later); err != nil {
		t.Fatal(err)
	}
	if es := auditAfter(t, db, seq); !slices.Equal(actions(es), []string{"exempt-remove"}) || !es[0].At.Equal(later) || es[0].Actor != string(admin) {
		t.Errorf("audit = %+v; want one exempt-remove", es)
	}
	if adj, _ := db.Adjustments(ctx, feb); len(adj.Exemptions) != 0 {
		t.Errorf("exemptions after removal = %v", adj.Exemptions)
	}
	m := takeMark(t, db)
	err := db.RemoveExemption(ctx, feb, "xa-chau-loc", admin, later)
	wantCode(t, "removing an exemption twice", err, cchcbot.ENOTFOUND)
	m.unchanged(t, db, "removing an exemption twice")
	if created, err := db.SetExemption(ctx, exemption("xa-chau-loc"), nil); err != nil || !created {
		t.Errorf("exempt again after removal = %v, %v; want created", created, err)
	}
}

func TestConcurrentExemptions(t *testing.T) {
	db := MustOpen(t)
	const n = 8
	var wg sync.WaitGroup
	created := make(chan bool, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := db.SetExemption(ctx, exemption("xa-chau-loc"), func() []*cchcbot.Outgoing { return notices("Miễn nộp", member) })
			if err != nil {
				t.Error(err)
			}
			created <- ok
		}()
	}
	wg.Wait()
	close(created)
	count := 0
	for ok := range created {
		if ok {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d exemptions created; want 1", count)
	}
	if es := auditAfter(t, db, 0); len(es) != 1 {
		t.Errorf("audit = %v; want one entry", actions(es))
	}
	if n, _ := db.OutboxLen(ctx); n != 1 {
		t.Errorf("outbox = %d; want one notice", n)
	}
}
