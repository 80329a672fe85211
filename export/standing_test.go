package export_test

import (
	"reflect"
	"testing"

	"cchcbot"
	"cchcbot/export"
)

// TestYearStandings: a year's export keeps every unit's standing compact
// and leaves Status.Units nil, yet Units, Unit and Owing read back what a
// period's own export holds: the unit, its state, counts and the period's
// decisions, and its latest version as far as the year keeps it (an
// extension's recomputed lateness included).
func TestYearStandings(t *testing.T) {
	f := seedWorkflow(t)
	year := load(t, f, export.Selection{Year: 2024})
	periods := 0
	for _, kd := range year.Kinds {
		for i := range kd.Periods {
			pd := &kd.Periods[i]
			periods++
			if pd.Status.Units != nil {
				t.Errorf("%s: a year's export kept %d whole standings", pd.Period.ID, len(pd.Status.Units))
			}
			own := &load(t, f, export.Selection{PeriodID: pd.Period.ID}).Kinds[0].Periods[0]
			want := own.Status.Units
			if pd.Owing() != len(want) || own.Owing() != len(want) {
				t.Errorf("%s: owing %d (period's own %d), want %d", pd.Period.ID, pd.Owing(), own.Owing(), len(want))
			}
			n := 0
			for got := range pd.Units() {
				if n >= len(want) {
					t.Fatalf("%s: more standings than the period's %d", pd.Period.ID, len(want))
				}
				sameStanding(t, pd.Period.ID, got, want[n])
				if one, ok := pd.Unit(got.Unit.Code); !ok {
					t.Errorf("%s: Unit(%s) finds nothing", pd.Period.ID, got.Unit.Code)
				} else {
					sameStanding(t, pd.Period.ID, one, want[n])
				}
				n++
			}
			if n != len(want) {
				t.Errorf("%s: %d standings, want %d", pd.Period.ID, n, len(want))
			}
			if _, ok := pd.Unit("no-such-unit"); ok {
				t.Errorf("%s: Unit finds a unit that does not exist", pd.Period.ID)
			}
			// The summary text reads the standings too.
			if got, want := export.Summary(year, pd), export.Summary(year, own); got != want {
				t.Errorf("%s: the year's summary text differs from the period's:\n%s\nwant\n%s", pd.Period.ID, got, want)
			}
		}
	}
	if periods < 2 {
		t.Fatalf("the year has %d periods: nothing compared", periods)
	}
}

// sameStanding compares a standing as a year keeps it with the period's
// own: all but the latest version's fields a year does not keep.
func sameStanding(t *testing.T, period string, got, want cchcbot.UnitStatus) {
	t.Helper()
	gl, wl := got.Latest, want.Latest
	got.Latest, want.Latest = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: standing\n%+v\nwant\n%+v", period, got, want)
	}
	if (gl == nil) != (wl == nil) {
		t.Fatalf("%s %s: latest %v, want %v", period, want.Unit.Code, gl, wl)
	}
	if gl == nil {
		return
	}
	if gl.ID != wl.ID || gl.PeriodID != wl.PeriodID || gl.UnitCode != wl.UnitCode || gl.Version != wl.Version ||
		!gl.SubmittedAt.Equal(wl.SubmittedAt) || gl.DaysLate != wl.DaysLate || gl.State != wl.State {
		t.Errorf("%s %s: latest %+v, want %+v", period, want.Unit.Code, *gl, *wl)
	}
}
