package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"cchcbot"
	"cchcbot/chat"
)

// overviewData is the year at a glance: units (rows, grouped) by the
// year's periods of every kind (columns).
type overviewData struct {
	Year, PrevYear, NextYear int
	Filter                   filter
	Columns                  []column
	Sections                 []section
	Totals                   []totalRow // by state, over every unit the filter keeps
	Owed                     []int      // per column: units that owe it
	Legend                   []legendItem
	Pager                    pager
	Matched                  int // units the filter keeps, over all pages
	Chart                    template.HTML
	WorkbookURL              string
}

type column struct {
	ID, Title, Short, Label, URL string
	Due                          string
}

type section struct {
	Label string
	Rows  []row
}

type row struct {
	Code, Name, URL string
	Retired         bool
	Cells           template.HTML // the row's <td>s, see writeCell
}

type totalRow struct {
	State  cellState
	Label  string
	Counts []int
}

type legendItem struct {
	State cellState
	Label string
}

// filter is what narrows a list of units: a group, and a search without
// diacritics ("chau loc" finds "UBND xã Châu Lộc").
type filter struct {
	Group  string
	Query  string
	Groups []groupOption
}

type groupOption struct {
	Value, Label string
	Selected     bool
}

type pager struct {
	Page, Pages, From, To, Of int
	PrevURL, NextURL          string
}

// home is the overview of the current year.
func (s *Server) home(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderOverview(w, r, v, s.now().Year())
}

// overview is /nam/{year}.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *visitor) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2200 {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Năm không hợp lệ.", link{"Năm nay", "/"})
		return
	}
	s.renderOverview(w, r, v, y)
}

func (s *Server) renderOverview(w http.ResponseWriter, r *http.Request, v *visitor, year int) {
	d, err := s.overviewOf(r, year)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "overview", v, page{Title: fmt.Sprintf("Tình hình nộp báo cáo năm %d", year), Data: d})
}

// readFilter reads the group and the search from the query string.
func readFilter(q url.Values, labels cchcbot.GroupLabels) filter {
	f := filter{Group: q.Get("nhom"), Query: q.Get("q")}
	if !cchcbot.UnitGroup(f.Group).Valid() {
		f.Group = ""
	}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	f.Groups = append(f.Groups, groupOption{"", "Tất cả các nhóm", f.Group == ""})
	for _, g := range cchcbot.UnitGroups {
		f.Groups = append(f.Groups, groupOption{string(g), labels.Of(g), f.Group == string(g)})
	}
	return f
}

// keeps returns the filter's test on units, which needs the full list for
// the search (an exact name wins over names that merely contain it, as in
// chat).
func (f filter) keeps(units []cchcbot.Unit) func(cchcbot.Unit) bool {
	var found map[string]bool
	if f.Query != "" {
		found = map[string]bool{}
		for _, u := range chat.FindUnits(units, f.Query) {
			found[u.Code] = true
		}
	}
	return func(u cchcbot.Unit) bool {
		return (f.Group == "" || string(u.Group) == f.Group) && (found == nil || found[u.Code])
	}
}

// pageOf reads ?trang= and bounds it to the pages there are.
func pageOf(q url.Values, n, size int) (page, pages int) {
	pages = max(1, (n+size-1)/size)
	page, _ = strconv.Atoi(q.Get("trang"))
	return min(max(page, 1), pages), pages
}

// withPage returns the request's address on another page.
func withPage(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("trang", strconv.Itoa(page))
	return r.URL.Path + "?" + q.Encode()
}

func (s *Server) overviewOf(r *http.Request, year int) (*overviewData, error) {
	ctx := r.Context()
	cal := s.calendar()
	now := s.opts.Clock.Now()
	periods := cal.Periods(cchcbot.D(year, 1, 1), cchcbot.D(year, 12, 31))
	units, err := s.sortedUnits(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := s.latestOf(ctx, periods)
	if err != nil {
		return nil, err
	}
	// The periods' decisions (extensions, exemptions) are few: read at
	// every request, never out of date.
	adjs := make([]cchcbot.Adjustments, len(periods))
	for i, p := range periods {
		if !p.Opens.After(now) {
			if adjs[i], err = s.opts.Store.Adjustments(ctx, p.ID); err != nil {
				return nil, err
			}
		}
	}
	d := &overviewData{Year: year, PrevYear: year - 1, Filter: readFilter(r.URL.Query(), cal.GroupLabels), WorkbookURL: fmt.Sprintf("/tai/nam/%d", year)}
	if year < now.In(cal.Location).Year()+1 {
		d.NextYear = year + 1
	}
	for _, l := range legend {
		d.Legend = append(d.Legend, legendItem(l))
	}
	kinds := make([]cchcbot.ReportKind, len(periods))
	for i, p := range periods {
		kinds[i], _ = cal.Kind(p.KindID)
		short := strconv.Itoa(p.NominalDue.Year)
		if kinds[i].Schedule.Kind == cchcbot.ScheduleMonthly {
			short = fmt.Sprintf("%02d/%d", p.NominalDue.Month, p.NominalDue.Year)
		}
		d.Columns = append(d.Columns, column{ID: p.ID, Title: p.Title, Short: short, Label: p.Label, URL: periodURL(p.ID), Due: p.Due.VN()})
	}

	// Every unit's cells are computed (the totals and the chart count
	// every unit the filter keeps); only one page's are rendered.
	n := len(periods)
	lm := make([]map[string]*cchcbot.Submission, n)
	for i, p := range periods {
		lm[i] = latest[p.ID]
	}
	keep := d.Filter.keeps(units)
	d.Owed = make([]int, n)
	counts := make([][]int, len(legend)) // by legend place, then column
	for i := range legend {
		counts[i] = make([]int, n)
	}
	chart := newRateChart(periods, now, cal.GroupLabels)
	kept := make([]int, 0, len(units))           // the rows: indexes into units
	states := make([]cellState, 0, len(units)*n) // the rows' cells, n by n
	cur, ls := make([]cellState, n), make([]*cchcbot.Submission, n)
	passed := make([]bool, n)
	for i, p := range periods {
		passed[i] = now.After(p.Deadline)
	}
	for ui, u := range units {
		any := false
		for i, p := range periods {
			l := lm[i][u.Code]
			cur[i], ls[i] = stNotOwed, l
			if l != nil || kinds[i].Owes(u) {
				cur[i], ls[i] = adjustedCell(p, l, passed[i], adjs[i], u.Code, now)
				any = any || l != nil || !u.Retired
			}
		}
		if !any {
			continue // a retired unit with nothing this year
		}
		for i := range periods {
			chart.add(i, u.Group, cur[i], ls[i])
		}
		if !keep(u) {
			continue
		}
		for i, st := range cur {
			counts[st.place()][i]++
			if st.owed() {
				d.Owed[i]++
			}
		}
		kept = append(kept, ui)
		states = append(states, cur...)
	}
	d.Matched = len(kept)
	for i, l := range legend {
		if l.State == stNotOwed || l.State == stExempt && !slices.ContainsFunc(counts[i], func(n int) bool { return n > 0 }) {
			continue
		}
		d.Totals = append(d.Totals, totalRow{State: l.State, Label: l.Label, Counts: counts[i]})
	}

	pg, pages := pageOf(r.URL.Query(), len(kept), s.opts.PageSize)
	from, to := (pg-1)*s.opts.PageSize, min(pg*s.opts.PageSize, len(kept))
	d.Pager = pager{Page: pg, Pages: pages, From: from + 1, To: to, Of: len(kept)}
	if pg > 1 {
		d.Pager.PrevURL = withPage(r, pg-1)
	}
	if pg < pages {
		d.Pager.NextURL = withPage(r, pg+1)
	}
	var b strings.Builder
	for k := from; k < to; k++ {
		u := units[kept[k]]
		b.Reset()
		for i, p := range periods {
			_, l := adjustedCell(p, lm[i][u.Code], passed[i], adjs[i], u.Code, now) // its lateness, against the unit's own deadline
			s.writeCell(&b, p, states[k*n+i], l, u.Code)
		}
		rw := row{Code: u.Code, Name: u.Name, URL: unitURL(u.Code), Retired: u.Retired, Cells: template.HTML(b.String())}
		if label := cal.GroupLabels.Of(u.Group); len(d.Sections) == 0 || d.Sections[len(d.Sections)-1].Label != label {
			d.Sections = append(d.Sections, section{Label: label})
		}
		sec := &d.Sections[len(d.Sections)-1]
		sec.Rows = append(sec.Rows, rw)
	}
	d.Chart = chart.svg()
	return d, nil
}

// writeCell writes one cell of the overview. A page holds thousands of
// them, so they are written here rather than by the template (each
// template action costs a reflective call and an escaping pass); every
// text is escaped all the same. Only cells with something to show get a
// link and a hint.
func (s *Server) writeCell(b *strings.Builder, p cchcbot.Period, st cellState, l *cchcbot.Submission, unit string) {
	var link, hint string
	switch {
	case l != nil:
		link, hint = submissionURL(l.ID), fmt.Sprintf("%s: lần %d, nộp lúc %s", p.Label, l.Version, s.timeVN(l.SubmittedAt))
	case st == stMissing:
		link, hint = unitURL(unit), fmt.Sprintf("%s: chưa nộp, hạn %s", p.Label, p.Due.VN())
	}
	b.WriteString(`<td class="cell st-`)
	b.WriteString(string(st))
	b.WriteString(`" data-state="`)
	b.WriteString(string(st))
	b.WriteString(`"`)
	if hint != "" {
		b.WriteString(` title="`)
		b.WriteString(template.HTMLEscapeString(hint))
		b.WriteString(`"`)
	}
	b.WriteString(`>`)
	label := template.HTMLEscapeString(st.label(l))
	if link != "" {
		b.WriteString(`<a href="`)
		b.WriteString(template.HTMLEscapeString(link))
		b.WriteString(`">`)
		b.WriteString(label)
		b.WriteString(`</a>`)
	} else {
		b.WriteString(label)
	}
	b.WriteString("</td>")
}

// Addresses of the pages, from ids only.
func periodURL(id string) string { return "/ky/" + id }
func unitURL(code string) string { return "/don-vi/" + url.PathEscape(code) }
func submissionURL(id uint64) string {
	return "/ho-so/" + strconv.FormatUint(id, 10)
}
