package store_test

import (
	"testing"
	"time"

	"cchcbot"
)

// TestPeriodStatus: the status read from the store applies the period's
// decisions: a report sent after the deadline under a later extension is
// on time, an exempt unit is not owed, and the reminder tally counts.
func TestPeriodStatus(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	loc := t0.Location()
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	k := cchcbot.ReportKind{ID: "bao-cao-thang", Title: "Báo cáo CCHC", Groups: all,
		Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, OpenDays: 20, LateDays: 90}
	cal := &cchcbot.Calendar{Location: loc, Kinds: []cchcbot.ReportKind{k}}
	p, err := cal.Period(feb)
	if err != nil {
		t.Fatal(err)
	}
	late := p.Deadline.Add(26 * time.Hour) // 14/02, two days late
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedAt: late, DaysLate: p.DaysLate(late), State: cchcbot.StateSubmitted}
	if err := db.CreateSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	ext := &cchcbot.Extension{PeriodID: feb, UnitCode: "xa-chau-loc", State: cchcbot.ExtensionApproved, Until: cchcbot.D(2024, 2, 15),
		RequestedBy: "cli", RequestedAt: late, DecidedBy: "cli", DecidedAt: late.Add(time.Hour)}
	if err := db.CreateExtension(ctx, ext, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetExemption(ctx, cchcbot.Exemption{PeriodID: feb, UnitCode: "xa-dong-hop", Reason: "sáp nhập", By: "cli", At: late}, nil); err != nil {
		t.Fatal(err)
	}
	ps, err := db.PeriodStatus(ctx, k, p)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]cchcbot.UnitState{}
	for _, u := range ps.Units {
		states[u.Unit.Code] = u.State
	}
	want := map[string]cchcbot.UnitState{"phong-noi-vu": cchcbot.UnitMissing, "xa-chau-loc": cchcbot.UnitOnTime, "xa-dong-hop": cchcbot.UnitExempt}
	for code, w := range want {
		if states[code] != w {
			t.Errorf("%s: %s, want %s", code, states[code], w)
		}
	}
	if c := ps.Counts(); c.Owed != 2 || c.OnTime != 1 || c.Exempt != 1 || c.Extended != 1 {
		t.Errorf("counts %+v", c)
	}
}
