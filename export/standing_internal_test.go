package export

import (
	"reflect"
	"testing"
	"time"

	"cchcbot"
)

// TestCompactStatus: standings read back as they were kept, and those the
// compact form cannot say (a state this code does not know, a quota note)
// are kept whole.
func TestCompactStatus(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	p := cchcbot.Period{ID: "bao-cao-thang/2024-02", Deadline: time.Date(2024, 2, 15, 17, 0, 0, 0, hcm)}
	units := []cchcbot.Unit{{Code: "a", Name: "Phòng A"}, {Code: "b", Name: "Phòng B"}, {Code: "c", Name: "UBND xã C"}, {Code: "d", Name: "UBND xã D"}}
	rank := map[string]int{"a": 0, "b": 1, "c": 2, "d": 3}
	ext := &cchcbot.Extension{UnitCode: "b"}
	adj := cchcbot.Adjustments{Extensions: map[string]*cchcbot.Extension{"b": ext}}
	latest := func(code string, state cchcbot.SubmissionState) *cchcbot.Submission {
		return &cchcbot.Submission{ID: 42, PeriodID: p.ID, UnitCode: code, Version: 3, DaysLate: 2, State: state,
			SubmittedAt: time.Date(2024, 2, 17, 9, 30, 0, 123, hcm)}
	}
	ps := cchcbot.PeriodStatus{Period: p, Units: []cchcbot.UnitStatus{
		{Unit: units[0], State: cchcbot.UnitMissing, Members: 2, Reachable: 1, RemindSent: 5, RemindAcked: 4},
		{Unit: units[1], State: cchcbot.UnitLate, Latest: latest("b", cchcbot.StateAccepted), Extension: ext},
		{Unit: units[2], State: cchcbot.UnitLate, Latest: latest("c", "archived")},
		{Unit: units[3], State: cchcbot.UnitMissing, QuotaRefused: []string{cchcbot.ChannelZalo}},
	}}
	ss := compactStatus(ps, adj, units, rank, nil)
	if len(ss.full) != 2 {
		t.Errorf("%d standings kept whole, want 2 (the unknown state, the quota note)", len(ss.full))
	}
	for i, want := range ps.Units {
		got := ss.status(i, &p)
		if (got.Latest == nil) != (want.Latest == nil) {
			t.Fatalf("%d: latest %v, want %v", i, got.Latest, want.Latest)
		}
		if got.Latest != nil {
			if !got.Latest.SubmittedAt.Equal(want.Latest.SubmittedAt) {
				t.Errorf("%d: submitted %v, want %v", i, got.Latest.SubmittedAt, want.Latest.SubmittedAt)
			}
			gl, wl := *got.Latest, *want.Latest
			gl.SubmittedAt, wl.SubmittedAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(gl, wl) {
				t.Errorf("%d: latest %+v, want %+v", i, gl, wl)
			}
			got.Latest, want.Latest = nil, nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d: %+v, want %+v", i, got, want)
		}
		if j, ok := ss.find(want.Unit.Code); !ok || j != i {
			t.Errorf("find(%s) = %d, %v; want %d", want.Unit.Code, j, ok, i)
		}
	}
	if _, ok := ss.find("x"); ok {
		t.Error("find finds a unit that does not exist")
	}
}
