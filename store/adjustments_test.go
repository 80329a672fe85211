package store_test

import (
	"testing"

	"cchcbot"
	"cchcbot/store"
)

// decideAll records, for period p, an extension, an exemption, an
// explanation and two escalations (the leaders' first) of unit u.
func decideAll(tb testing.TB, db *store.DB, p, u string) {
	tb.Helper()
	e := mustAsk(tb, db, ask(p, u, cchcbot.D(2024, 2, 25)))
	if _, _, err := db.DecideExtension(ctx, e.ID, cchcbot.ExtensionApproved, cchcbot.D(2024, 2, 24), "", admin, "", t0, nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.SetExemption(ctx, cchcbot.Exemption{PeriodID: p, UnitCode: u + "-mien", Reason: "Sáp nhập"}, nil); err != nil {
		tb.Fatal(err)
	}
	if err := db.AddExplanation(ctx, &cchcbot.Explanation{PeriodID: p, UnitCode: u, Text: "Lý do " + p}, nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Escalate(ctx, []cchcbot.Escalation{
		{PeriodID: p, UnitCode: u, Level: cchcbot.EscalateLeaders},
		{PeriodID: p, UnitCode: u, Level: cchcbot.EscalateHead},
	}, nil); err != nil {
		tb.Fatal(err)
	}
}

func TestAdjustments(t *testing.T) {
	db := MustOpen(t)
	// feb's neighbours: another month, and a period whose id extends feb's.
	decideAll(t, db, "bao-cao-thang/2024-01", "xa-chau-loc")
	decideAll(t, db, feb, "xa-chau-loc")
	decideAll(t, db, feb+"-bo-sung", "xa-chau-loc")
	decideAll(t, db, feb, "xa-dong-hop")

	adj, err := db.Adjustments(ctx, feb)
	if err != nil {
		t.Fatal(err)
	}
	if len(adj.Extensions) != 2 || len(adj.Exemptions) != 2 || len(adj.Explanations) != 2 || len(adj.Escalations) != 2 {
		t.Fatalf("adjustments = %+v; want two units of each", adj)
	}
	for _, u := range []string{"xa-chau-loc", "xa-dong-hop"} {
		if e := adj.Extensions[u]; e == nil || e.PeriodID != feb || !e.Approved() {
			t.Errorf("%s extension = %+v", u, e)
		}
		if x := adj.Exemptions[u+"-mien"]; x == nil || x.PeriodID != feb {
			t.Errorf("%s exemption = %+v", u, x)
		}
		if xs := adj.Explanations[u]; len(xs) != 1 || xs[0].Text != "Lý do "+feb {
			t.Errorf("%s explanations = %+v", u, xs)
		}
		if es := adj.Escalations[u]; len(es) != 2 || es[0].Level != cchcbot.EscalateHead || es[1].Level != cchcbot.EscalateLeaders || es[0].PeriodID != feb {
			t.Errorf("%s escalations = %+v; want head then leaders", u, es)
		}
	}

	empty, err := db.Adjustments(ctx, "bao-cao-thang/2024-12")
	if err != nil || empty.Extensions == nil || empty.Exemptions == nil || empty.Explanations == nil || empty.Escalations == nil ||
		len(empty.Extensions)+len(empty.Exemptions)+len(empty.Explanations)+len(empty.Escalations) != 0 {
		t.Errorf("adjustments of a period without any = %+v, %v; want empty maps", empty, err)
	}
}

// TestUnitAdjustments: one unit's records of one period, not those of a
// unit whose code extends its own.
func TestUnitAdjustments(t *testing.T) {
	db := MustOpen(t)
	decideAll(t, db, feb, "xa-chau-loc") // also exempts xa-chau-loc-mien
	decideAll(t, db, feb, "xa-dong-hop")
	decideAll(t, db, "bao-cao-thang/2024-01", "xa-chau-loc")

	adj, err := db.UnitAdjustments(ctx, feb, "xa-chau-loc")
	if err != nil {
		t.Fatal(err)
	}
	if e := adj.Extensions["xa-chau-loc"]; len(adj.Extensions) != 1 || e == nil || e.PeriodID != feb || !e.Approved() {
		t.Errorf("extensions = %+v", adj.Extensions)
	}
	if len(adj.Exemptions) != 0 {
		t.Errorf("exemptions = %+v; xa-chau-loc-mien's is not xa-chau-loc's", adj.Exemptions)
	}
	if len(adj.Explanations) != 1 || len(adj.Explanations["xa-chau-loc"]) != 1 || len(adj.Escalations) != 1 || len(adj.Escalations["xa-chau-loc"]) != 2 {
		t.Errorf("explanations %+v, escalations %+v; want xa-chau-loc's of February only", adj.Explanations, adj.Escalations)
	}
	longer, err := db.UnitAdjustments(ctx, feb, "xa-chau-loc-mien")
	if err != nil || longer.Exemptions["xa-chau-loc-mien"] == nil || len(longer.Extensions)+len(longer.Explanations)+len(longer.Escalations) != 0 {
		t.Errorf("xa-chau-loc-mien = %+v, %v; want its exemption alone", longer, err)
	}
}

// TestAdjustmentsGoverningExtension: the extension shown for a unit is the
// one that says its deadline.
func TestAdjustmentsGoverningExtension(t *testing.T) {
	db := MustOpen(t)
	governing := func() *cchcbot.Extension {
		t.Helper()
		adj, err := db.Adjustments(ctx, feb)
		if err != nil {
			t.Fatal(err)
		}
		return adj.Extensions["xa-chau-loc"]
	}
	decide := func(id uint64, s cchcbot.ExtensionState, until cchcbot.Date) {
		t.Helper()
		if _, ok, err := db.DecideExtension(ctx, id, s, until, "", admin, "", t0, nil); err != nil || !ok {
			t.Fatal(ok, err)
		}
	}
	first := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
	if g := governing(); g == nil || g.ID != first.ID || g.State != cchcbot.ExtensionRequested {
		t.Errorf("pending: %+v; want the request shown", g)
	}
	decide(first.ID, cchcbot.ExtensionApproved, cchcbot.D(2024, 2, 23))
	second := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 28)))
	if g := governing(); g == nil || g.ID != first.ID || g.Until != cchcbot.D(2024, 2, 23) {
		t.Errorf("a second request pending: %+v; want the grant standing", g)
	}
	decide(second.ID, cchcbot.ExtensionRefused, cchcbot.Date{})
	if g := governing(); g == nil || g.ID != first.ID {
		t.Errorf("the second refused: %+v; want the grant standing", g)
	}
	decide(first.ID, cchcbot.ExtensionWithdrawn, cchcbot.Date{})
	if g := governing(); g == nil || g.ID != second.ID || g.Approved() {
		t.Errorf("the grant withdrawn: %+v; want the latest, not approved", g)
	}
}
