package export

import (
	"iter"
	"slices"
	"time"

	"cchcbot"
)

// standing is one unit's standing in a period as a year's export keeps
// it: a cchcbot.UnitStatus is about 300 bytes with its Unit copied in and
// its latest version another 320, and a province's 10,000 units over a
// year's twelve periods made 60 MB of them, the largest thing an export
// held while it wrote. This is 56 bytes; the unit, the period's decisions
// and the latest version's period and unit are looked up again when a
// standing is read (PeriodData.status).
type standing struct {
	sec                             int64  // the latest version's SubmittedAt, Unix seconds
	id                              uint64 // the latest version's ID
	nsec                            int32
	unit                            int32 // place in PeriodData.units, the export's order
	version                         int32
	daysLate                        int32 // the latest version's, after the period's decisions
	members, reachable, sent, acked int32
	state                           uint8 // index in unitStates
	subState                        uint8 // index in stateCodes
	latest                          bool
}

// The submission states a standing names by a byte; any other is kept
// whole (standings.full).
var stateCodes = []cchcbot.SubmissionState{cchcbot.StateSubmitted, cchcbot.StateAccepted, cchcbot.StateReturned}

// The unit states a standing names by a byte.
var unitStates = []cchcbot.UnitState{cchcbot.UnitMissing, cchcbot.UnitOnTime, cchcbot.UnitLate, cchcbot.UnitReturned, cchcbot.UnitNotOwed, cchcbot.UnitExempt}

// standings are a period's standings as a year's export keeps them.
type standings struct {
	units []cchcbot.Unit    // every unit, in export order, shared by the periods
	rank  map[string]int    // unit code → place in units, shared
	codes map[string]string // unit code → the units' own string of it, shared
	cells []standing        // the owing units', in export order
	adj   cchcbot.Adjustments
	// full holds, by place in cells, a standing the compact form cannot
	// say (a state unknown to this code, a quota note): kept whole.
	full map[int]cchcbot.UnitStatus
}

// compactStatus keeps ps (its units ordered by rank, adj applied) as
// standings; units are the units ps's were drawn from, in rank order.
func compactStatus(ps cchcbot.PeriodStatus, adj cchcbot.Adjustments, units []cchcbot.Unit, rank map[string]int, codes map[string]string) *standings {
	ss := &standings{units: units, rank: rank, codes: codes, cells: make([]standing, len(ps.Units)), adj: adj}
	for i, us := range ps.Units {
		c := standing{
			unit:    int32(rank[us.Unit.Code]),
			members: int32(us.Members), reachable: int32(us.Reachable),
			sent: int32(us.RemindSent), acked: int32(us.RemindAcked),
		}
		state := slices.Index(unitStates, us.State)
		if l := us.Latest; l != nil {
			c.latest = true
			c.id, c.version, c.daysLate = l.ID, int32(l.Version), int32(l.DaysLate)
			c.sec, c.nsec = l.SubmittedAt.Unix(), int32(l.SubmittedAt.Nanosecond())
			sub := slices.Index(stateCodes, l.State)
			if sub < 0 {
				state = -1
			}
			c.subState = uint8(max(sub, 0))
		}
		c.state = uint8(max(state, 0))
		if state < 0 || us.QuotaRefused != nil || units[c.unit].Code != us.Unit.Code || units[c.unit] != us.Unit {
			if ss.full == nil {
				ss.full = map[int]cchcbot.UnitStatus{}
			}
			ss.full[i] = us
		}
		ss.cells[i] = c
	}
	return ss
}

// status is the i-th owing unit's standing, as PeriodStatus.Apply left
// it: its latest version holds what latestOf keeps.
func (ss *standings) status(i int, p *cchcbot.Period) cchcbot.UnitStatus {
	if us, ok := ss.full[i]; ok {
		return us
	}
	c := &ss.cells[i]
	u := ss.units[c.unit]
	us := cchcbot.UnitStatus{
		Unit: u, State: unitStates[c.state],
		Members: int(c.members), Reachable: int(c.reachable), RemindSent: int(c.sent), RemindAcked: int(c.acked),
		Extension: ss.adj.Extensions[u.Code], Exemption: ss.adj.Exemptions[u.Code],
		Explanations: ss.adj.Explanations[u.Code], Escalations: ss.adj.Escalations[u.Code],
	}
	if c.latest {
		us.Latest = &cchcbot.Submission{ID: c.id, PeriodID: p.ID, UnitCode: u.Code, Version: int(c.version),
			SubmittedAt: time.Unix(c.sec, int64(c.nsec)).In(p.Deadline.Location()), DaysLate: int(c.daysLate), State: stateCodes[c.subState]}
	}
	return us
}

// find returns the place in cells of the unit code, if it owes the
// period.
func (ss *standings) find(code string) (int, bool) {
	r, ok := ss.rank[code]
	if !ok {
		return 0, false
	}
	return slices.BinarySearchFunc(ss.cells, int32(r), func(c standing, r int32) int { return int(c.unit - r) })
}

// Owing is how many units owe the period.
func (pd *PeriodData) Owing() int {
	if pd.compact != nil {
		return len(pd.compact.cells)
	}
	return len(pd.Status.Units)
}

// Units returns every owing unit's standing in export order, as
// Status.Units holds them for a period's export; a year's export keeps
// them compact and leaves Status.Units nil, so read them here.
func (pd *PeriodData) Units() iter.Seq[cchcbot.UnitStatus] {
	return func(yield func(cchcbot.UnitStatus) bool) {
		if pd.compact == nil {
			for _, us := range pd.Status.Units {
				if !yield(us) {
					return
				}
			}
			return
		}
		for i := range pd.compact.cells {
			if !yield(pd.compact.status(i, &pd.Period)) {
				return
			}
		}
	}
}

// periodStatus is Status with its units, also for a year's export, whose
// Status.Units Load left nil: made anew for one period, which is small.
func (pd *PeriodData) periodStatus() cchcbot.PeriodStatus {
	if pd.compact == nil {
		return pd.Status
	}
	ps := pd.Status
	ps.Units = slices.Collect(pd.Units())
	return ps
}
