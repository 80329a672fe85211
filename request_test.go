package cchcbot_test

import (
	"slices"
	"testing"

	"cchcbot"
)

func stepNames(steps []cchcbot.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Name+"@"+s.At.In(hcm).Format("02/01 15:04"))
	}
	return out
}

func TestRequestPlan(t *testing.T) {
	tests := []struct {
		name    string
		created string // local time the request was made
		due     string
		want    []string
	}{
		{"made three weeks ahead: issued now, then the usual plan",
			"2024-03-01 10:00", "2024-03-22",
			[]string{"20240322-issued@01/03 10:00", "20240322-before-7@15/03 08:00", "20240322-before-3@19/03 08:00",
				"20240322-before-1@21/03 08:00", "20240322-due@22/03 08:00",
				"20240322-overdue-1@25/03 08:00", "20240322-overdue-2@26/03 08:00", "20240322-overdue-3@28/03 08:00"}},
		{"made the day before its due date: issued, then the due day",
			"2024-03-21 15:00", "2024-03-22",
			[]string{"20240322-issued@21/03 15:00", "20240322-due@22/03 08:00",
				"20240322-overdue-1@25/03 08:00", "20240322-overdue-2@26/03 08:00", "20240322-overdue-3@28/03 08:00"}},
		{"made the morning a step falls: that step moves to now, no separate issued step",
			"2024-03-19 07:00", "2024-03-22",
			[]string{"20240322-before-3@19/03 07:00", "20240322-before-1@21/03 08:00", "20240322-due@22/03 08:00",
				"20240322-overdue-1@25/03 08:00", "20240322-overdue-2@26/03 08:00", "20240322-overdue-3@28/03 08:00"}},
		{"made on the due day after reminder time: the due step is now",
			"2024-03-22 10:30", "2024-03-22",
			[]string{"20240322-due@22/03 10:30",
				"20240322-overdue-1@25/03 08:00", "20240322-overdue-2@26/03 08:00", "20240322-overdue-3@28/03 08:00"}},
		{"due on a Saturday: the deadline and the due step move to Monday",
			"2024-03-18 09:00", "2024-03-23",
			// before-3 (Friday 22/03) and before-1 (Sunday, moved back to
			// Friday) collapse into the nearer one.
			[]string{"20240325-issued@18/03 09:00", "20240325-before-1@22/03 08:00",
				"20240325-due@25/03 08:00", "20240325-overdue-1@27/03 08:00", "20240325-overdue-2@29/03 08:00", "20240325-overdue-3@01/04 08:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cchcbot.Request{ID: cchcbot.RequestID(3), Title: "Báo cáo đột xuất về số hóa hồ sơ", Due: date(tt.due),
				Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, RequiresFile: true,
				CreatedAt: at(tt.created), PlannedFrom: at(tt.created)}
			cal := testCalendar().WithRequests([]cchcbot.Request{r})
			p, err := cal.Period(r.PeriodID())
			if err != nil {
				t.Fatal(err)
			}
			got := stepNames(cal.Plan(p))
			if !slices.Equal(got, tt.want) {
				t.Errorf("plan\n got %q\nwant %q", got, tt.want)
			}
			for _, s := range cal.Plan(p) {
				if s.At.Before(r.CreatedAt) {
					t.Errorf("step %s at %s is before the request was made", s.Name, s.At)
				}
			}
		})
	}
}

func TestRequestKindOwesAndCancel(t *testing.T) {
	made := at("2024-03-01 10:00")
	r := cchcbot.Request{ID: cchcbot.RequestID(1), Title: "Báo cáo đột xuất", Due: date("2024-03-15"),
		Groups: []cchcbot.UnitGroup{cchcbot.GroupDepartment}, Units: []string{"xa-chau-loc"},
		CreatedAt: made, PlannedFrom: made}
	k := r.Kind()
	for _, tt := range []struct {
		u    cchcbot.Unit
		owes bool
	}{
		{cchcbot.Unit{Code: "phong-noi-vu", Group: cchcbot.GroupDepartment}, true},
		{cchcbot.Unit{Code: "xa-chau-loc", Group: cchcbot.GroupCommune}, true},
		{cchcbot.Unit{Code: "xa-chau-ly", Group: cchcbot.GroupCommune}, false},
		{cchcbot.Unit{Code: "phong-y-te", Group: cchcbot.GroupDepartment, Retired: true}, false},
	} {
		if got := k.Owes(tt.u); got != tt.owes {
			t.Errorf("Owes(%s) = %v, want %v", tt.u.Code, got, tt.owes)
		}
	}
	if !cchcbot.IsRequestKind(k.ID) || cchcbot.IsRequestKind("bao-cao-thang") {
		t.Error("IsRequestKind does not tell request kinds apart")
	}
	cal := testCalendar().WithRequests([]cchcbot.Request{r})
	if open := cal.OpenPeriods(at("2024-03-05 09:00")); !slices.ContainsFunc(open, func(p cchcbot.Period) bool { return p.ID == r.PeriodID() }) {
		t.Fatalf("the request's period is not open: %v", open)
	}
	r.CancelledAt = at("2024-03-06 09:00")
	cal = cal.WithRequests([]cchcbot.Request{r})
	if n := len(cal.Kinds); n != len(testCalendar().Kinds)+1 {
		t.Fatalf("WithRequests twice: %d kinds, want the config's and one request", n)
	}
	if open := cal.OpenPeriods(at("2024-03-07 09:00")); slices.ContainsFunc(open, func(p cchcbot.Period) bool { return p.ID == r.PeriodID() }) {
		t.Error("a cancelled request still takes reports")
	}
	if _, err := cal.Period(r.PeriodID()); err != nil {
		t.Errorf("a cancelled request's period must stay known for its history: %v", err)
	}
}

func TestExtensionMovesDeadlineAndPlan(t *testing.T) {
	cal := testCalendar()
	p, err := cal.Period("bao-cao-thang/2024-03")
	if err != nil {
		t.Fatal(err)
	}
	decided := at("2024-03-13 10:00")
	// Extended to Monday 18/03, over a weekend.
	ext := &cchcbot.Extension{PeriodID: p.ID, UnitCode: "xa-chau-loc", State: cchcbot.ExtensionApproved,
		Until: date("2024-03-18"), DecidedAt: decided}
	q := p.ForUnit(ext)
	if q.Due != date("2024-03-18") || q.OriginalDue != p.Due || !q.Extended() {
		t.Fatalf("extended period: due %v original %v", q.Due, q.OriginalDue)
	}
	if !q.OnTime(at("2024-03-18 23:59")) || q.OnTime(at("2024-03-19 00:01")) {
		t.Error("the extended deadline is not the end of 18/03")
	}
	if q.DaysLate(at("2024-03-20 09:00")) != 2 {
		t.Errorf("days late against the extension = %d, want 2", q.DaysLate(at("2024-03-20 09:00")))
	}
	got := stepNames(cal.Plan(q))
	// before-7 (11/03) was before the decision; before-3 and before-1 (a
	// Sunday, moved back) both fall on Friday 15/03 and collapse.
	want := []string{"gh20240318-before-1@15/03 08:00",
		"gh20240318-due@18/03 08:00", "gh20240318-overdue-1@20/03 08:00", "gh20240318-overdue-2@22/03 08:00", "gh20240318-overdue-3@25/03 08:00"}
	if !slices.Equal(got, want) {
		t.Errorf("extended plan\n got %q\nwant %q", got, want)
	}
	for _, e := range []*cchcbot.Extension{nil,
		{PeriodID: p.ID, State: cchcbot.ExtensionRequested, Proposed: date("2024-03-18")},
		{PeriodID: p.ID, State: cchcbot.ExtensionRefused},
		{PeriodID: "bao-cao-thang/2024-04", State: cchcbot.ExtensionApproved, Until: date("2024-04-30")},
		{PeriodID: p.ID, State: cchcbot.ExtensionApproved, Until: date("2024-03-10")}, // not later: no change
	} {
		if got := p.ForUnit(e); got.Due != p.Due || got.Extended() {
			t.Errorf("ForUnit(%+v) moved the deadline to %v", e, got.Due)
		}
	}
	if s := ext.LabelVN(); s != "gia hạn đến 18/03/2024" {
		t.Errorf("LabelVN = %q", s)
	}
}

func TestApplyAdjustments(t *testing.T) {
	cal := testCalendar()
	p, _ := cal.Period("bao-cao-thang/2024-03")
	k, _ := cal.Kind("bao-cao-thang")
	units := []cchcbot.Unit{
		{Code: "a", Name: "A", Group: cchcbot.GroupCommune, Order: 1},
		{Code: "b", Name: "B", Group: cchcbot.GroupCommune, Order: 2},
		{Code: "c", Name: "C", Group: cchcbot.GroupCommune, Order: 3},
		{Code: "d", Name: "D", Group: cchcbot.GroupCommune, Order: 4},
	}
	lateA := &cchcbot.Submission{UnitCode: "a", PeriodID: p.ID, SubmittedAt: at("2024-03-15 09:00"), DaysLate: 3, State: cchcbot.StateSubmitted}
	lateD := &cchcbot.Submission{UnitCode: "d", PeriodID: p.ID, SubmittedAt: at("2024-03-14 09:00"), DaysLate: 0, State: cchcbot.StateSubmitted}
	latest := map[string]*cchcbot.Submission{"a": lateA, "d": lateD}
	ps := cchcbot.ComputeStatusCounts(k, p, units, latest, nil, nil)
	ps.Apply(cchcbot.Adjustments{
		Extensions: map[string]*cchcbot.Extension{
			// Granted after A's late report: A is on time.
			"a": {PeriodID: p.ID, UnitCode: "a", State: cchcbot.ExtensionApproved, Until: date("2024-03-15"), DecidedAt: at("2024-03-15 10:00")},
			// D's report counted on time under a grant since withdrawn.
			"d": {PeriodID: p.ID, UnitCode: "d", State: cchcbot.ExtensionWithdrawn, Until: date("2024-03-15")},
		},
		Exemptions: map[string]*cchcbot.Exemption{"b": {PeriodID: p.ID, UnitCode: "b", Reason: "sáp nhập"}},
	})
	states := map[string]cchcbot.UnitState{}
	for _, u := range ps.Units {
		states[u.Unit.Code] = u.State
	}
	want := map[string]cchcbot.UnitState{"a": cchcbot.UnitOnTime, "b": cchcbot.UnitExempt, "c": cchcbot.UnitMissing, "d": cchcbot.UnitLate}
	for code, w := range want {
		if states[code] != w {
			t.Errorf("unit %s: state %s, want %s", code, states[code], w)
		}
	}
	if lateA.DaysLate != 3 {
		t.Error("Apply changed the caller's submission in place")
	}
	c := ps.Counts()
	if c.Owed != 3 || c.Exempt != 1 || c.OnTime != 1 || c.Late != 1 || c.Missing != 1 || c.Extended != 1 {
		t.Errorf("counts %+v", c)
	}
	if len(ps.Pending()) != 1 || ps.Pending()[0].Unit.Code != "c" {
		t.Errorf("pending %v, want only c", ps.Pending())
	}
}

func TestDueVN(t *testing.T) {
	cal := testCalendar()
	for nominal, want := range map[string]string{
		"2024-03-22": "Thứ Sáu 22/03/2024",
		"2024-03-23": "Thứ Bảy 23/03/2024, lùi sang Thứ Hai 25/03/2024 (ngày nghỉ)",
		"2024-02-12": "Thứ Hai 12/02/2024, lùi sang Thứ Năm 15/02/2024 (ngày nghỉ)",
	} {
		if got := cal.DueVN(date(nominal)); got != want {
			t.Errorf("DueVN(%s) = %q, want %q", nominal, got, want)
		}
	}
}
