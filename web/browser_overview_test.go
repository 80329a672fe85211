package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"cchcbot"
	"cchcbot/web/browsertest"
)

// browserCell is what a cell must show for a unit's standing in a period,
// derived from /status's own rules (cchcbot.ComputeStatus): the chat's
// state, with a reviewed report told apart and a missing one split by
// whether its deadline has passed. us is nil when the unit does not owe
// the period.
func browserCell(us *cchcbot.UnitStatus, p cchcbot.Period, now time.Time) (state, label string) {
	switch {
	case us == nil:
		return "not_owed", "—"
	case us.State == cchcbot.UnitMissing && now.After(p.Deadline):
		return "missing", "Chưa nộp"
	case us.State == cchcbot.UnitMissing:
		return "not_due", "Chưa đến hạn"
	case us.State == cchcbot.UnitReturned:
		return "returned", "Bị trả lại"
	case us.Latest.State == cchcbot.StateAccepted:
		return "accepted", "Đã tiếp nhận"
	case us.State == cchcbot.UnitLate:
		return "late", fmt.Sprintf("Trễ %d ngày", us.Latest.DaysLate)
	}
	return "on_time", "Đúng hạn"
}

// browserYear is the seeded year's columns and, by unit then period, the
// cell each unit must show.
type browserYear struct {
	periods []cchcbot.Period
	cells   map[string][]browserWant
}

// browserWant is one cell as it must show, and the report it opens (0:
// none).
type browserWant struct {
	state, label string
	id           uint64
}

func (e *browserEnv) year(t *testing.T) browserYear {
	t.Helper()
	y := browserYear{periods: e.cal.Periods(cchcbot.D(2024, 1, 1), cchcbot.D(2024, 12, 31)), cells: map[string][]browserWant{}}
	for i, p := range y.periods {
		byUnit := map[string]*cchcbot.UnitStatus{}
		ps := e.status(t, p.ID)
		for j := range ps.Units {
			byUnit[ps.Units[j].Unit.Code] = &ps.Units[j]
		}
		for _, u := range e.cfg.UnitList() {
			if i == 0 {
				y.cells[u.Code] = make([]browserWant, len(y.periods))
			}
			c := &y.cells[u.Code][i]
			us := byUnit[u.Code]
			c.state, c.label = browserCell(us, p, e.clock.Now())
			if us != nil && us.Latest != nil {
				c.id = us.Latest.ID
			}
		}
	}
	return y
}

// browserMatrix is the overview's table as the browser renders it.
type browserMatrix struct {
	Periods []string
	Groups  []string
	Rows    []struct {
		Unit, Name, Group string
		Cells             []struct{ State, Label, Bg, Href string }
	}
	Totals map[string][]string
	Legend map[string]string // state → the swatch's painted colour
}

// readMatrix reads the overview's table from the DOM in one round trip:
// the rendered text (innerText) and the colours the browser paints
// (getComputedStyle), not the HTML source.
func readMatrix(tab *browsertest.Tab) browserMatrix {
	return browsertest.Eval[browserMatrix](tab, `(() => {
		const bg = e => getComputedStyle(e).backgroundColor;
		const m = document.querySelector("#matrix");
		if (!m) return {};
		const rows = [];
		let group = "";
		for (const tr of m.querySelectorAll("tbody tr")) {
			if (tr.classList.contains("group")) { group = tr.innerText.trim(); continue; }
			rows.push({Unit: tr.dataset.unit, Name: tr.querySelector("th").innerText.trim(), Group: group,
				Cells: Array.from(tr.querySelectorAll("td.cell"), td => {
					const a = td.querySelector("a");
					return {State: td.dataset.state, Label: td.innerText.trim(), Bg: bg(td), Href: a ? a.getAttribute("href") : ""};
				})});
		}
		return {
			Periods: Array.from(m.querySelectorAll("thead th[data-period]"), th => th.dataset.period),
			Groups: Array.from(m.querySelectorAll("tbody tr.group"), tr => tr.innerText.trim()),
			Rows: rows,
			Totals: Object.fromEntries(Array.from(m.querySelectorAll("tfoot tr[data-total]"),
				tr => [tr.dataset.total, Array.from(tr.querySelectorAll("td"), td => td.innerText.trim())])),
			Legend: Object.fromEntries(Array.from(document.querySelectorAll("#legend .swatch"),
				s => [Array.from(s.classList).find(c => c.startsWith("st-")).slice(3), bg(s)])),
		};
	})()`)
}

var rgbRE = regexp.MustCompile(`^rgba?\((\d+), (\d+), (\d+)`)

// rgb parses a computed colour.
func rgb(t *testing.T, css string) (r, g, b int) {
	t.Helper()
	m := rgbRE.FindStringSubmatch(css)
	if m == nil {
		t.Fatalf("colour %q is not rgb()", css)
	}
	r, _ = strconv.Atoi(m[1])
	g, _ = strconv.Atoi(m[2])
	b, _ = strconv.Atoi(m[3])
	return r, g, b
}

// testBrowserOverview checks every cell, total and colour of the year's
// overview against the store, as /status computes it.
func testBrowserOverview(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	if got := tab.Navigate(e.URL + "/nam/2024"); got != http.StatusOK {
		t.Fatalf("overview answered %d", got)
	}
	want := e.year(t)
	m := readMatrix(tab)

	// A year of months and the one-off plan fit a desktop window: no
	// column is hidden behind the frame's scroll bar, and the period
	// columns are equal whatever their kind's title.
	fit := browsertest.Eval[struct {
		Frame, Table int
		Widths       []int
	}](tab, `(() => {
		const f = document.querySelector(".scroll");
		return {Frame: f.clientWidth, Table: f.scrollWidth,
			Widths: Array.from(document.querySelectorAll("#matrix thead th[data-period]"), th => Math.round(th.getBoundingClientRect().width))};
	})()`)
	if fit.Table > fit.Frame {
		t.Errorf("the matrix is %d px wide in a %d px frame: a desktop must scroll to see the last periods", fit.Table, fit.Frame)
	}
	if slices.Min(fit.Widths) < slices.Max(fit.Widths)-1 {
		t.Errorf("period columns of unequal widths %v", fit.Widths)
	}

	var ids []string
	for _, p := range want.periods {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(m.Periods, ids) {
		t.Fatalf("columns %q, want the year's periods %q", m.Periods, ids)
	}
	var labels []string
	for _, g := range cchcbot.UnitGroups {
		labels = append(labels, g.Label())
	}
	if !slices.Equal(m.Groups, labels) {
		t.Errorf("group headings %q, want %q", m.Groups, labels)
	}
	if len(m.Rows) != len(e.cfg.UnitList()) {
		t.Errorf("%d rows, want every unit of the config (%d)", len(m.Rows), len(e.cfg.UnitList()))
	}

	units := map[string]cchcbot.Unit{}
	for _, u := range e.cfg.UnitList() {
		units[u.Code] = u
	}
	col := collate.New(language.Vietnamese)
	seen := map[string]string{} // state → painted colour
	totals := map[string][]int{"owed": make([]int, len(ids))}
	for r, row := range m.Rows {
		u, ok := units[row.Unit]
		if !ok {
			t.Errorf("row for unknown unit %q", row.Unit)
			continue
		}
		if row.Name != u.Name || row.Group != u.Group.Label() {
			t.Errorf("row %s: %q under %q, want %q under %q", u.Code, row.Name, row.Group, u.Name, u.Group.Label())
		}
		if r > 0 && m.Rows[r-1].Group == row.Group && col.CompareString(m.Rows[r-1].Name, row.Name) > 0 {
			t.Errorf("%q is listed before %q: not in Vietnamese order", m.Rows[r-1].Name, row.Name)
		}
		if len(row.Cells) != len(ids) {
			t.Errorf("row %s has %d cells, want %d", u.Code, len(row.Cells), len(ids))
			continue
		}
		for i, c := range row.Cells {
			w := want.cells[u.Code][i]
			if c.State != w.state || c.Label != w.label {
				t.Errorf("%s, %s: cell %q (%s), want %q (%s)", u.Name, ids[i], c.Label, c.State, w.label, w.state)
			}
			if prev, ok := seen[c.State]; ok && prev != c.Bg {
				t.Errorf("state %s painted both %s and %s", c.State, prev, c.Bg)
			}
			seen[c.State] = c.Bg
			if want := fmt.Sprintf("/ho-so/%d", w.id); w.id != 0 && c.Href != want {
				t.Errorf("%s, %s: the cell links to %q, want its latest report %s", u.Name, ids[i], c.Href, want)
			}
			if totals[w.state] == nil {
				totals[w.state] = make([]int, len(ids))
			}
			totals[w.state][i]++
			if w.state != "not_owed" {
				totals["owed"][i]++
			}
		}
	}

	// Every state of the seeded year is there, and the totals count them.
	for _, s := range []string{"accepted", "on_time", "late", "returned", "missing", "not_due"} {
		if _, ok := seen[s]; !ok {
			t.Errorf("no cell is %s: the seed or the page lost a state", s)
		}
		got := m.Totals[s]
		if totals[s] == nil {
			totals[s] = make([]int, len(ids))
		}
		for i := range ids {
			if i >= len(got) || got[i] != strconv.Itoa(totals[s][i]) {
				t.Errorf("total of %s: %q, want %v", s, got, totals[s])
				break
			}
		}
	}
	if got := m.Totals["owed"]; len(got) != len(ids) || got[0] != strconv.Itoa(totals["owed"][0]) || got[len(ids)-1] != strconv.Itoa(totals["owed"][len(ids)-1]) {
		t.Errorf("units owing: %q, want %v", got, totals["owed"])
	}

	// Colours: each state its own, the legend's, and what it means at a
	// glance: green taken, red missing, yellow late.
	byColour := map[string]string{}
	for s, c := range seen {
		if legend, ok := m.Legend[s]; !ok || legend != c {
			t.Errorf("state %s is painted %s but the legend shows %q", s, c, legend)
		}
		if other, ok := byColour[c]; ok {
			t.Errorf("states %s and %s share the colour %s", s, other, c)
		}
		byColour[c] = s
	}
	if r, g, b := rgb(t, seen["accepted"]); !(g > r && g > b) {
		t.Errorf("accepted is painted %s: not green", seen["accepted"])
	}
	if r, g, b := rgb(t, seen["missing"]); !(r > g && r > b) {
		t.Errorf("missing is painted %s: not red", seen["missing"])
	}
	if r, g, b := rgb(t, seen["late"]); !(r > b+60 && g > b+60) {
		t.Errorf("late is painted %s: not yellow", seen["late"])
	}

	// And every cell's text can be read on its colour (WCAG AA, 4.5:1).
	if low := tab.LowContrast("#matrix td.cell, #matrix tfoot, #legend", 4.5); len(low) > 0 {
		t.Errorf("text hard to read on its background: %q", low)
	}

	// A click on a cell opens that report.
	sep := slices.Index(ids, browserSept)
	var href string
	for _, row := range m.Rows {
		if row.Unit == "xa-chau-loc" {
			href = row.Cells[sep].Href
		}
	}
	if got := tab.ClickNavigate(`tr[data-unit="xa-chau-loc"] td.cell a[href="` + href + `"]`); got != http.StatusOK {
		t.Fatalf("the cell's report answered %d", got)
	}
	if got := tab.Text("#receipt"); !strings.Contains(got, e.chauLoc.ReceiptNo()) {
		t.Errorf("the cell opened %q, want Châu Lộc's report %s", got, e.chauLoc.ReceiptNo())
	}
}

// testBrowserOverviewFilters narrows the overview by group and by a search
// without diacritics, through the page's own form.
func testBrowserOverviewFilters(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	tab.Navigate(e.URL + "/nam/2024")

	tab.SetValue("#filter-group", string(cchcbot.GroupCommune))
	if got := tab.ClickNavigate("#filter-submit"); got != http.StatusOK {
		t.Fatalf("filtering answered %d", got)
	}
	m := readMatrix(tab)
	communes := 0
	for _, u := range e.cfg.UnitList() {
		if u.Group == cchcbot.GroupCommune {
			communes++
		}
	}
	if len(m.Rows) != communes || !slices.Equal(m.Groups, []string{cchcbot.GroupCommune.Label()}) {
		t.Errorf("filtered to communes: %d rows under %q, want %d under one heading", len(m.Rows), m.Groups, communes)
	}
	if got := m.Totals["owed"]; len(got) == 0 || got[0] != strconv.Itoa(communes) {
		t.Errorf("units owing after the filter: %q, want %d in each column", got, communes)
	}

	tab.SetValue("#filter-group", "")
	tab.SetValue("#filter-query", "chau loc")
	tab.ClickNavigate("#filter-submit")
	m = readMatrix(tab)
	if len(m.Rows) != 1 || m.Rows[0].Name != "UBND xã Châu Lộc" {
		var names []string
		for _, r := range m.Rows {
			names = append(names, r.Name)
		}
		t.Errorf(`"chau loc" found %q, want only UBND xã Châu Lộc`, names)
	}
	tab.SetValue("#filter-query", "không có đơn vị này")
	tab.ClickNavigate("#filter-submit")
	if got := tab.Text("#no-units"); got == "" {
		t.Error("a search that finds nothing does not say so")
	}
}

// testBrowserPeriodPage checks a past period's page against /status: the
// counts, each unit's state, and the reminders sent and acknowledged.
func testBrowserPeriodPage(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	const aug = browserMonthly + "/2024-08"
	if got := tab.Navigate(e.URL + "/ky/" + aug); got != http.StatusOK {
		t.Fatalf("the period page answered %d", got)
	}
	ps := e.status(t, aug)
	c := ps.Counts()
	p, _ := e.cal.Period(aug)
	got := browsertest.Eval[struct {
		Counts map[string]string
		Rows   map[string]struct{ State, Reminders string }
	}](tab, `({
		Counts: Object.fromEntries(Array.from(document.querySelectorAll("#counts li[data-count]"),
			li => [li.dataset.count, li.querySelector("strong").innerText.trim()])),
		Rows: Object.fromEntries(Array.from(document.querySelectorAll("#units tbody tr[data-unit]"),
			tr => [tr.dataset.unit, {State: tr.querySelector("td.cell").dataset.state, Reminders: tr.children[4].innerText.trim()}])),
	})`)
	for k, want := range map[string]string{
		"submitted": fmt.Sprintf("%d/%d", c.Submitted(), c.Owed),
		"missing":   strconv.Itoa(c.Missing),
		"returned":  strconv.Itoa(c.Returned),
	} {
		if got.Counts[k] != want {
			t.Errorf("count %s: %q, want %q (as /status counts)", k, got.Counts[k], want)
		}
	}
	if len(got.Rows) != len(ps.Units) {
		t.Errorf("%d units listed, want %d", len(got.Rows), len(ps.Units))
	}
	reminded := 0
	for _, us := range ps.Units {
		row, ok := got.Rows[us.Unit.Code]
		if !ok {
			t.Errorf("%s is not listed", us.Unit.Name)
			continue
		}
		if state, _ := browserCell(&us, p, e.clock.Now()); row.State != state {
			t.Errorf("%s: %s, want %s", us.Unit.Name, row.State, state)
		}
		if want := fmt.Sprintf("%d / %d", us.RemindSent, us.RemindAcked); row.Reminders != want {
			t.Errorf("%s: reminders %q, want %q", us.Unit.Name, row.Reminders, want)
		}
		if us.RemindSent > 0 {
			reminded++
		}
	}
	if low := tab.LowContrast("#units td.cell, #counts", 4.5); len(low) > 0 {
		t.Errorf("text hard to read on its background: %q", low)
	}
	if reminded == 0 {
		t.Error("no unit of the seeded period was reminded: the reminder column is untested")
	}
}
