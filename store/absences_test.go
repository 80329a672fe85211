package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func away(who cchcbot.UserID, unit string, from, to cchcbot.Date) *cchcbot.Absence {
	return &cchcbot.Absence{Member: who, UnitCode: unit, From: from, To: to, Reason: "Nghỉ phép", By: who}
}

func mustAway(tb testing.TB, db *store.DB, a *cchcbot.Absence) *cchcbot.Absence {
	tb.Helper()
	if err := db.AddAbsence(ctx, a); err != nil {
		tb.Fatal(err)
	}
	return a
}

func absenceIDs(as []cchcbot.Absence) []uint64 {
	var out []uint64
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestAddAbsence(t *testing.T) {
	db := MustOpen(t)
	a := mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 15)))
	if a.ID != 1 || !a.At.Equal(t0) {
		t.Errorf("added = %+v; want id 1 at t0", a)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"absence"}) || es[0].Subject != string(member) || !strings.Contains(es[0].Detail, "10/03/2024") {
		t.Errorf("audit = %+v; want one absence entry", es)
	}

	// The same dates again: the one recorded, nothing written.
	m := takeMark(t, db)
	again := away(member, "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 15))
	if err := db.AddAbsence(ctx, again); err != nil || again.ID != 1 {
		t.Errorf("the same absence again = id %d, %v; want 1", again.ID, err)
	}
	m.unchanged(t, db, "the same absence again")

	tests := []struct {
		name string
		a    *cchcbot.Absence
	}{
		{"to before from", away(member, "xa-chau-loc", cchcbot.D(2024, 3, 15), cchcbot.D(2024, 3, 10))},
		{"no from", away(member, "xa-chau-loc", cchcbot.Date{}, cchcbot.D(2024, 3, 10))},
		{"no to", away(member, "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.Date{})},
		{"no member", away("", "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 11))},
		{"no unit", away(member, "", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 11))},
		{"reason too long", &cchcbot.Absence{Member: member, UnitCode: "xa-chau-loc", From: cchcbot.D(2024, 3, 10), To: cchcbot.D(2024, 3, 11), Reason: strings.Repeat("đ", 1001)}},
	}
	for _, tt := range tests {
		err := db.AddAbsence(ctx, tt.a)
		wantCode(t, tt.name, err, cchcbot.EINVALID)
		if !hasVietnamese(cchcbot.ErrorMessage(err)) {
			t.Errorf("%s: message %q is not a Vietnamese sentence", tt.name, cchcbot.ErrorMessage(err))
		}
		m.unchanged(t, db, tt.name)
	}

	// One day is a range too.
	if one := mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 4, 1), cchcbot.D(2024, 4, 1))); one.ID != 2 || !one.Covers(cchcbot.D(2024, 4, 1)) {
		t.Errorf("a one-day absence = %+v", one)
	}
}

func TestAbsencesByUnit(t *testing.T) {
	db := MustOpen(t)
	// Recorded out of date order, across units.
	mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 5, 1), cchcbot.D(2024, 5, 3)))          // 1
	mustAway(t, db, away("telegram:12", "xa-chau-loc", cchcbot.D(2024, 3, 1), cchcbot.D(2024, 3, 9)))   // 2
	mustAway(t, db, away("telegram:21", "xa-dong-hop", cchcbot.D(2024, 4, 1), cchcbot.D(2024, 4, 2)))   // 3
	mustAway(t, db, away("telegram:13", "xa-chau-loc", cchcbot.D(2023, 12, 30), cchcbot.D(2024, 1, 2))) // 4
	mustAway(t, db, away("telegram:14", "xa-chau-loc", cchcbot.D(2024, 3, 1), cchcbot.D(2024, 3, 2)))   // 5
	mustAway(t, db, away("telegram:31", "xa-chau-loc-2", cchcbot.D(2024, 1, 1), cchcbot.D(2024, 1, 2))) // 6: a code extending xa-chau-loc's

	for _, tt := range []struct {
		unit string
		want []uint64
	}{
		{"xa-chau-loc", []uint64{4, 2, 5, 1}},
		{"xa-dong-hop", []uint64{3}},
		{"xa-chau-loc-2", []uint64{6}},
		{"phong-noi-vu", nil},
		{"", []uint64{4, 6, 2, 5, 3, 1}},
	} {
		got, err := db.Absences(ctx, tt.unit)
		if err != nil || !slices.Equal(absenceIDs(got), tt.want) {
			t.Errorf("Absences(%q) = %v, %v; want %v", tt.unit, absenceIDs(got), err, tt.want)
		}
	}
	got, _ := db.Absences(ctx, "xa-chau-loc")
	if got[0].Member != "telegram:13" || got[0].From != cchcbot.D(2023, 12, 30) || got[0].To != cchcbot.D(2024, 1, 2) || got[0].Reason != "Nghỉ phép" {
		t.Errorf("first absence = %+v; want it as recorded", got[0])
	}
}

func TestRemoveAbsence(t *testing.T) {
	db := MustOpen(t)
	a := mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 15)))
	b := mustAway(t, db, away("telegram:12", "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 15)))
	later := t0.Add(time.Hour)
	seq := lastAuditSeq(t, db)
	if err := db.RemoveAbsence(ctx, a.ID, admin, later); err != nil {
		t.Fatal(err)
	}
	if es := auditAfter(t, db, seq); !slices.Equal(actions(es), []string{"absence-remove"}) || es[0].Actor != string(admin) || !es[0].At.Equal(later) {
		t.Errorf("audit = %+v; want one absence-remove", es)
	}
	for _, unit := range []string{"xa-chau-loc", ""} {
		if got, _ := db.Absences(ctx, unit); !slices.Equal(absenceIDs(got), []uint64{b.ID}) {
			t.Errorf("Absences(%q) after removal = %v; want [%d]", unit, absenceIDs(got), b.ID)
		}
	}
	m := takeMark(t, db)
	err := db.RemoveAbsence(ctx, a.ID, admin, later)
	wantCode(t, "removing an absence twice", err, cchcbot.ENOTFOUND)
	m.unchanged(t, db, "removing an absence twice")
	// The member may mark the same dates again.
	if again := mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 3, 10), cchcbot.D(2024, 3, 15))); again.ID != 3 {
		t.Errorf("absence after removal = id %d; want 3", again.ID)
	}
}
