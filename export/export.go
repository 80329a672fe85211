// Package export turns the record into the files phòng Nội vụ files: the
// Excel workbook of who submitted what and when, the zip archive of a
// period's reports, and the summary text pasted into the district's
// monthly CCHC report. excelize lives here and nowhere else.
package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"cchcbot"
)

// Store is what the exports read.
type Store interface {
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	MemberCounts(ctx context.Context) (map[string]cchcbot.MemberCount, error)
	SubmissionsForPeriod(ctx context.Context, periodID string) ([]*cchcbot.Submission, error)
	ReminderCounts(ctx context.Context, periodID string) (map[string]cchcbot.ReminderCount, error)
	// Adjustments returns one period's decisions beyond its submissions:
	// without them an export would call a unit granted more time late.
	Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error)
}

// FileStore opens a stored file by its sha256, for the archive.
type FileStore interface {
	OpenFile(sha256 string) (io.ReadCloser, error)
}

// Selection is what an export covers: one period, or every period of every
// kind due in a year.
type Selection struct {
	PeriodID string // when set, Year is ignored
	Year     int
}

// ParseSelection reads what staff type after /xuat or give the CLI: a
// four-digit year ("2024") selects the year, anything else is a period as
// ResolvePeriod understands it, and "" is the year of now.
func ParseSelection(cal *cchcbot.Calendar, query string, now time.Time) (Selection, error) {
	if query == "" {
		return Selection{Year: now.In(cal.Location).Year()}, nil
	}
	if len(query) == 4 {
		if y, err := strconv.Atoi(query); err == nil && y >= 2000 && y <= 2200 {
			return Selection{Year: y}, nil
		}
	}
	p, err := cal.ResolvePeriod(query, now)
	if err != nil {
		return Selection{}, err
	}
	return Selection{PeriodID: p.ID}, nil
}

// Data is the record an export is made of, gathered once.
type Data struct {
	Office    string
	Generated time.Time // in the calendar's location
	Title     string    // "năm 2024" or the period's label
	Year      int       // 0 for a single period
	Kinds     []KindData
	// GroupLabels are the office's headings of the unit groups, from the
	// calendar: a province calls its communes "Xã, phường".
	GroupLabels cchcbot.GroupLabels
}

// KindData is one report kind's periods and where every unit stands in
// each.
type KindData struct {
	Kind    cchcbot.ReportKind
	Periods []PeriodData
	Units   []cchcbot.Unit // who owes the kind in any of its periods, in export order
}

// PeriodData is one period of the export.
type PeriodData struct {
	Period cchcbot.Period
	// Generated is when the export was made, in the calendar's location,
	// as Data.Generated: the archive's manifest is dated by it.
	Generated time.Time
	// DeadlinePassed is whether a missing report already counts as missing
	// rather than "not yet due" at Generated; a unit granted more time
	// has its own deadline (Overdue).
	DeadlinePassed bool
	// Cancelled is set for the period of an ad-hoc request that was
	// withdrawn: nobody owes it any more.
	Cancelled bool
	// Status is every owing unit's standing, in export order, with the
	// period's decisions applied (PeriodStatus.Apply): each unit's
	// extension, exemption, explanations and escalations. A year's export
	// leaves Status.Units nil and keeps them compact (at a province's
	// 10,000 units they were the largest thing it held): read them with
	// Units, Unit and Owing, which serve both.
	Status cchcbot.PeriodStatus
	// Versions holds every submission of the period by unit code, oldest
	// first. A year's export leaves it nil, and each Latest holds only the
	// version, time, lateness and state: at a province's 10,000 units a
	// year's records would not fit the memory an export may take, so Load
	// keeps only each unit's latest, and the detail sheet reads the
	// period's records again, one period at a time, as it writes them.
	Versions map[string][]*cchcbot.Submission

	index   map[string]int // unit code → place in Status.Units
	compact *standings     // a year's export: Status.Units, compact
}

// Unit returns u's standing in the period, and whether u owes it.
func (pd *PeriodData) Unit(code string) (cchcbot.UnitStatus, bool) {
	if pd.compact != nil {
		if i, ok := pd.compact.find(code); ok {
			return pd.compact.status(i, &pd.Period), true
		}
		return cchcbot.UnitStatus{}, false
	}
	if i, ok := pd.index[code]; ok {
		return pd.Status.Units[i], true
	}
	return cchcbot.UnitStatus{}, false
}

// location is the office's time zone, the calendar's: where the dates
// of the period's records are read.
func (pd *PeriodData) location() *time.Location { return pd.Period.Deadline.Location() }

// Overdue reports whether us, if it has not met the period, is past its
// own deadline at Generated: an approved extension moves it.
func (pd *PeriodData) Overdue(us cchcbot.UnitStatus) bool {
	if !us.Extension.Approved() || pd.Generated.IsZero() {
		return pd.DeadlinePassed
	}
	return pd.Generated.After(pd.Period.ForUnit(us.Extension).Deadline)
}

// Load gathers the record for sel at now. Periods that have not opened at
// now are left out: nobody owes them yet.
func Load(ctx context.Context, st Store, cal *cchcbot.Calendar, office string, sel Selection, now time.Time) (*Data, error) {
	now = now.In(cal.Location)
	d := &Data{Office: office, Generated: now, Year: sel.Year, GroupLabels: cal.GroupLabels}
	var periods []cchcbot.Period
	if sel.PeriodID != "" {
		p, err := cal.Period(sel.PeriodID)
		if err != nil {
			return nil, err
		}
		periods = []cchcbot.Period{p}
		d.Title, d.Year = p.Label, 0
	} else {
		for _, p := range cal.Periods(cchcbot.D(sel.Year, 1, 1), cchcbot.D(sel.Year, 12, 31)) {
			if !now.Before(p.Opens) {
				periods = append(periods, p)
			}
		}
		d.Title = "năm " + strconv.Itoa(sel.Year)
	}
	units, err := st.Units(ctx)
	if err != nil {
		return nil, err
	}
	SortUnits(units)
	rank := make(map[string]int, len(units))
	codes := make(map[string]string, len(units)) // the units' own strings, for the records to share
	for i, u := range units {
		rank[u.Code] = i
		codes[u.Code] = u.Code
	}
	members, err := st.MemberCounts(ctx)
	if err != nil {
		return nil, err
	}
	// Periods are read side by side: decoding a province's submissions is
	// the export's main cost, and it is CPU, not disk. A year's export
	// keeps each unit's standing compact and no record (the detail sheet
	// reads them again); a period's keeps the records, which the archive
	// and the summary need.
	loaded := make([]PeriodData, len(periods))
	errs := make([]error, len(periods))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range periods {
		k, _ := cal.Kind(p.KindID)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			loaded[i], errs[i] = loadPeriod(ctx, st, k, p, units, rank, codes, members, now, sel.PeriodID == "")
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, k := range cal.Kinds {
		kd := KindData{Kind: k}
		owing := map[string]bool{}
		for i, p := range periods {
			if p.KindID != k.ID {
				continue
			}
			for us := range loaded[i].Units() {
				owing[us.Unit.Code] = true
			}
			kd.Periods = append(kd.Periods, loaded[i])
		}
		if len(kd.Periods) == 0 {
			continue
		}
		for _, u := range units {
			if owing[u.Code] {
				kd.Units = append(kd.Units, u)
			}
		}
		d.Kinds = append(d.Kinds, kd)
	}
	return d, nil
}

// loadPeriod reads one period; compact keeps the standings compact and
// of the records only each unit's latest, as latestOf trims it, instead
// of the records (Versions).
func loadPeriod(ctx context.Context, st Store, k cchcbot.ReportKind, p cchcbot.Period, units []cchcbot.Unit, rank map[string]int, codes map[string]string,
	members map[string]cchcbot.MemberCount, now time.Time, compact bool) (PeriodData, error) {
	var (
		subs   map[string][]*cchcbot.Submission
		latest map[string]*cchcbot.Submission
	)
	if compact {
		var err error
		if _, latest, err = readVersions(ctx, st, p.ID, codes, false); err != nil {
			return PeriodData{}, err
		}
	} else {
		all, err := st.SubmissionsForPeriod(ctx, p.ID)
		if err != nil {
			return PeriodData{}, err
		}
		subs = byUnit(all)
		latest = make(map[string]*cchcbot.Submission, len(subs))
		for code, vs := range subs {
			latest[code] = vs[len(vs)-1]
		}
	}
	counts, err := st.ReminderCounts(ctx, p.ID)
	if err != nil {
		return PeriodData{}, err
	}
	adj, err := adjustments(ctx, st, p.ID)
	if err != nil {
		return PeriodData{}, err
	}
	if err := releasePages(ctx, st); err != nil {
		return PeriodData{}, err
	}
	ps := cchcbot.ComputeStatusCounts(k, p, units, latest, members, counts)
	ps.Apply(adj)
	sortStatuses(ps.Units, rank)
	pd := PeriodData{Period: p, Generated: now, DeadlinePassed: now.After(p.Deadline), Cancelled: k.Cancelled,
		Status: ps, Versions: subs}
	if compact {
		pd.compact = compactStatus(ps, adj, units, rank, codes)
		pd.Status.Units = nil
		return pd, nil
	}
	pd.index = make(map[string]int, len(ps.Units))
	for i, us := range ps.Units {
		pd.index[us.Unit.Code] = i
	}
	return pd, nil
}

// adjustments reads a period's decisions from st.
func adjustments(ctx context.Context, st Store, periodID string) (cchcbot.Adjustments, error) {
	adj, err := st.Adjustments(ctx, periodID)
	if err != nil {
		return cchcbot.Adjustments{}, fmt.Errorf("adjustments of %s: %w", periodID, err)
	}
	return adj, nil
}

// versionRows returns the period's versions as the detail sheet shows
// them: made from the records a period's Load kept, else read again from
// st, each record decoded as it is read and not kept.
func (pd *PeriodData) versionRows(ctx context.Context, st Store) (*versions, error) {
	if pd.compact != nil {
		vs, _, err := readVersions(ctx, st, pd.Period.ID, pd.compact.codes, true)
		return vs, err
	}
	byCode := pd.Versions
	if byCode == nil {
		subs, err := st.SubmissionsForPeriod(ctx, pd.Period.ID)
		if err != nil {
			return nil, err
		}
		byCode = byUnit(subs)
	}
	codes := slices.Sorted(maps.Keys(byCode))
	vs := &versions{}
	for _, code := range codes {
		for _, s := range byCode[code] {
			vs.add(code, newVersion(s))
		}
	}
	return vs, nil
}

// byUnit groups submissions by unit, versions ascending.
func byUnit(subs []*cchcbot.Submission) map[string][]*cchcbot.Submission {
	versions := map[string][]*cchcbot.Submission{}
	for _, s := range subs {
		versions[s.UnitCode] = append(versions[s.UnitCode], s)
	}
	for _, vs := range versions {
		slices.SortFunc(vs, func(a, b *cchcbot.Submission) int { return cmp.Compare(a.Version, b.Version) })
	}
	return versions
}

// byUnitOrder orders submissions by unit code, then version, as the
// store's index keeps them.
func byUnitOrder(subs []*cchcbot.Submission) []*cchcbot.Submission {
	slices.SortStableFunc(subs, func(a, b *cchcbot.Submission) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.Version, b.Version))
	})
	return subs
}
