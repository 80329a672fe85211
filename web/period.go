package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"cchcbot"
)

// periodData is one period: the counts /status gives, and every unit that
// owes it with its state, time, lateness, reminders and reachability.
type periodData struct {
	Period      cchcbot.Period
	Due         string // "Thứ Hai 12/02/2024"
	DueNote     string // "còn 3 ngày", "đã quá hạn 2 ngày"
	Window      string
	Counts      cchcbot.Counts
	Accepted    int
	Pending     int // on time or late, not yet reviewed
	Filter      filter
	State       string // the state filter, see stateFilters
	States      []groupOption
	Sections    []periodSection
	Pager       pager
	Chart       template.HTML
	Prev, Next  *column
	ArchiveURL  string
	RemindURL   string // "" when reminders are off
	OverviewURL string
}

type periodSection struct {
	Label string
	Rows  []periodRow
}

type periodRow struct {
	Unit        cchcbot.Unit
	URL         string
	State       cellState
	Label       string
	SubmittedAt string
	DaysLate    int // of the latest version
	Overdue     int // days past the deadline with nothing standing
	Version     int
	Receipt     string
	SubURL      string
	AcceptURL   string // "" when already accepted
	ReturnURL   string // "" when already returned
	Reason      string // why it was returned
	Extension   string // "gia hạn đến 20/03/2024", "xin gia hạn … (chờ xét)"
	Exemption   string // why the unit is excused
	Explained   []string
	RemindSent  int
	RemindAcked int
	Members     int
	Unreachable int
	QuotaNote   string
}

// stateFilters are the choices of the period page's state filter.
var stateFilters = []struct {
	Value, Label string
	States       []cellState
}{
	{"", "Tất cả trạng thái", nil},
	{"chua-nop", "Chưa nộp", []cellState{stMissing, stNotDue}},
	{"cho-xem-xet", "Đã nộp, chờ xem xét", []cellState{stOnTime, stLate}},
	{"bi-tra-lai", "Bị trả lại", []cellState{stReturned}},
	{"da-tiep-nhan", "Đã tiếp nhận", []cellState{stAccepted}},
}

// periodOf reads the period a request's path names.
func (s *Server) periodOf(r *http.Request) (cchcbot.Period, error) {
	return s.calendar().Period(r.PathValue("kind") + "/" + r.PathValue("key"))
}

// currentPeriod is /ky: the period /status would show.
func (s *Server) currentPeriod(w http.ResponseWriter, r *http.Request, v *visitor) {
	p, err := s.calendar().DefaultPeriod(s.opts.Clock.Now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, periodURL(p.ID), http.StatusSeeOther)
}

// status computes a period's standing as /status does, units in the
// dashboard's order (grouped, Vietnamese collation). The latest versions
// come from the overview's cache (brief records: no files, which the page
// does not list).
func (s *Server) status(r *http.Request, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	ctx := r.Context()
	k, _ := s.calendar().Kind(p.KindID)
	units, err := s.sortedUnits(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	all, err := s.latestOf(ctx, []cchcbot.Period{p})
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	members, err := s.opts.Store.MemberCounts(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	counts, err := s.opts.Store.ReminderCounts(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	refused, err := s.opts.Store.QuotaRefused(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	adj, err := s.opts.Store.Adjustments(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	ps := cchcbot.ComputeStatusCounts(k, p, units, all[p.ID], members, counts)
	ps.MarkQuotaRefused(refused)
	ps.Apply(adj)
	// ComputeStatusCounts orders by the config; the dashboard lists in
	// the units' order. Picked by position, not sorted: a province's
	// statuses are large records.
	at := make(map[string]int, len(ps.Units))
	for i, us := range ps.Units {
		at[us.Unit.Code] = i
	}
	ordered := make([]cchcbot.UnitStatus, 0, len(ps.Units))
	for _, u := range units {
		if i, ok := at[u.Code]; ok {
			ordered = append(ordered, ps.Units[i])
		}
	}
	ps.Units = ordered
	return ps, nil
}

// period is /ky/{kind}/{key}.
func (s *Server) period(w http.ResponseWriter, r *http.Request, v *visitor) {
	p, err := s.periodOf(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	ps, err := s.status(r, p)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	now := s.opts.Clock.Now()
	q := r.URL.Query()
	d := &periodData{Period: p, Due: p.Due.WeekdayVN() + " " + p.Due.VN(), DueNote: cchcbot.DaysLeftVN(p.DaysLeft(now)), Window: p.WindowVN(),
		Counts: ps.Counts(), Filter: readFilter(q, s.calendar().GroupLabels), State: q.Get("trang-thai"), ArchiveURL: "/tai/ky/" + p.ID, OverviewURL: fmt.Sprintf("/nam/%d", p.NominalDue.Year)}
	if s.opts.Reminder != nil {
		d.RemindURL = periodURL(p.ID) + "/nhac"
	}
	var want []cellState
	for _, f := range stateFilters {
		d.States = append(d.States, groupOption{f.Value, f.Label, f.Value == d.State})
		if f.Value == d.State {
			want = f.States
		}
	}
	d.Prev, d.Next = s.neighbours(p, now)

	units := make([]cchcbot.Unit, len(ps.Units))
	var latest []*cchcbot.Submission
	for i, us := range ps.Units {
		units[i] = us.Unit
		latest = append(latest, us.Latest)
	}
	d.Chart = histogram(p, latest)
	keep := d.Filter.keeps(units)
	var rows []periodRow
	for _, us := range ps.Units {
		st := fromUnitState(p, us, now)
		switch st {
		case stAccepted:
			d.Accepted++
		case stOnTime, stLate:
			d.Pending++
		}
		if !keep(us.Unit) || want != nil && !slices.Contains(want, st) {
			continue
		}
		rows = append(rows, s.periodRow(p, us, st, now))
	}
	pg, pages := pageOf(q, len(rows), s.opts.PageSize)
	from, to := (pg-1)*s.opts.PageSize, min(pg*s.opts.PageSize, len(rows))
	d.Pager = pager{Page: pg, Pages: pages, From: from + 1, To: to, Of: len(rows)}
	if pg > 1 {
		d.Pager.PrevURL = withPage(r, pg-1)
	}
	if pg < pages {
		d.Pager.NextURL = withPage(r, pg+1)
	}
	labels := s.calendar().GroupLabels
	for _, rw := range rows[from:to] {
		if label := labels.Of(rw.Unit.Group); len(d.Sections) == 0 || d.Sections[len(d.Sections)-1].Label != label {
			d.Sections = append(d.Sections, periodSection{Label: label})
		}
		sec := &d.Sections[len(d.Sections)-1]
		sec.Rows = append(sec.Rows, rw)
	}
	s.render(w, r, http.StatusOK, "period", v, page{Title: p.Label, Data: d})
}

func (s *Server) periodRow(p cchcbot.Period, us cchcbot.UnitStatus, st cellState, now time.Time) periodRow {
	rw := periodRow{Unit: us.Unit, URL: unitURL(us.Unit.Code), State: st, Label: st.label(us.Latest),
		RemindSent: us.RemindSent, RemindAcked: us.RemindAcked, Members: us.Members, Unreachable: us.Members - us.Reachable, QuotaNote: us.QuotaNote()}
	if l := us.Latest; l != nil {
		rw.SubmittedAt, rw.DaysLate, rw.Version, rw.Receipt, rw.SubURL = s.timeVN(l.SubmittedAt), l.DaysLate, l.Version, l.ReceiptNo(), submissionURL(l.ID)
		if s.opts.Reviewer != nil {
			if l.State != cchcbot.StateAccepted {
				rw.AcceptURL = submissionURL(l.ID) + "/tiep-nhan"
			}
			if l.State != cchcbot.StateReturned {
				rw.ReturnURL = submissionURL(l.ID) + "/tra-lai"
			}
		}
		if l.State == cchcbot.StateReturned {
			rw.Reason = l.Reason
		}
	}
	rw.Extension = us.Extension.LabelVN()
	if x := us.Exemption; x != nil {
		rw.Exemption = x.Reason
	}
	for _, e := range us.Explanations {
		rw.Explained = append(rw.Explained, e.Text)
	}
	if st == stMissing || st == stReturned {
		rw.Overdue = -p.ForUnit(us.Extension).DaysLeft(now)
	}
	return rw
}

// neighbours returns the periods of p's kind just before and after it; a
// period that has not opened yet has nothing to show.
func (s *Server) neighbours(p cchcbot.Period, now time.Time) (prev, next *column) {
	cal := s.calendar()
	k, ok := cal.Kind(p.KindID)
	if !ok {
		return nil, nil
	}
	all := cal.PeriodsOf(k, p.NominalDue.AddDays(-400), p.NominalDue.AddDays(400))
	for i, q := range all {
		if q.ID != p.ID {
			continue
		}
		if i > 0 {
			prev = &column{ID: all[i-1].ID, Label: all[i-1].Label, URL: periodURL(all[i-1].ID)}
		}
		if i+1 < len(all) && !now.Before(all[i+1].Opens) {
			next = &column{ID: all[i+1].ID, Label: all[i+1].Label, URL: periodURL(all[i+1].ID)}
		}
	}
	return prev, next
}
