package export_test

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"cchcbot/export"
)

// A model of how a sheet set to print one page wide breaks into pages,
// from the sheet's own column widths and row heights, for
// TestWorkbookPrints to hold LibreOffice's page count against.

// The geometry of a printed page, in points. A column's width is counted
// in Excel's character units, the width of a digit of the workbook's
// default font plus padding: Calibri's 7 pixels (5.25 pt) in Excel, about
// 7.3 pt when LibreOffice stands DejaVu Sans in for Calibri, as on a bare
// Debian; 5 to 8 pt covers both. A row left at its natural height holds
// lines of 10- to 13-point text, 12 to 18 pt a line in either program.
const (
	a4Long, a4Short    = 841.89, 595.28
	colUnitMin         = 5.0
	colUnitMax         = 8.0
	lineMin, lineMax   = 12.0, 18.0
	glyphsPerUnitAtMax = 1.25 // at most this many characters of cell text per unit of column width
)

// sheetShape is what decides how a sheet prints, read back from the
// workbook: its printed columns' total width and the height of each row,
// known exactly where the row's height is set and bounded where the
// program sizes the row to its text.
type sheetShape struct {
	name      string
	title     string   // row 2, different on each sheet
	headings  []string // row 5, as far as the print area goes
	units     []string // the unit names listed in column B, on the status and summary sheets
	width     float64  // of the printed columns, in character units
	lo, hi    []float64
	printable struct{ w, h float64 } // the page inside its margins, landscape
}

func readShape(t *testing.T, x *excelize.File, sheet string) *sheetShape {
	t.Helper()
	// One pass over the rows for their text and set heights, first: once
	// a getter below has parsed the sheet, excelize writes it out again
	// to iterate it.
	var rows [][]string
	heights := map[int]float64{}
	iter, err := x.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; iter.Next(); r++ {
		row, err := iter.Columns()
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
		if h := iter.GetRowOpts().Height; h > 0 {
			heights[r] = h
		}
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
	s := &sheetShape{name: sheet, title: rows[1][0], headings: rows[titleRows-1]}
	if n := printedColumns(t, x, sheet); n > 0 {
		s.headings = s.headings[:n]
	}
	cols := len(s.headings)
	widths := make([]float64, cols+1)
	for c := 1; c <= cols; c++ {
		name, _ := excelize.ColumnNumberToName(c)
		if widths[c], err = x.GetColWidth(sheet, name); err != nil {
			t.Fatal(err)
		}
		s.width += widths[c]
	}
	// A merged cell (a group's heading) spans its columns' widths.
	span := map[string]float64{}
	merged, err := x.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range merged {
		c1, _, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, _, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		w := 0.0
		for c := c1; c <= min(c2, cols); c++ {
			w += widths[c]
		}
		span[m.GetStartAxis()] = w
	}
	wrapping := map[int]bool{} // by style
	for i, row := range rows {
		r := i + 1
		if h, ok := heights[r]; ok {
			s.lo, s.hi = append(s.lo, h), append(s.hi, h)
		} else {
			linesLo, linesHi := 1, 1
			for j, v := range row {
				if v == "" || j >= cols {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(j+1, r)
				w := widths[j+1]
				if sp, ok := span[ref]; ok {
					w = sp
				}
				parts := strings.Split(v, "\n")
				wrapped := 0 // its lines if the cell wraps its text
				for _, p := range parts {
					wrapped += max(1, int(math.Ceil(float64(utf8.RuneCountInString(p))*glyphsPerUnitAtMax/w)))
				}
				lines := len(parts)
				if wrapped > lines && wraps(t, x, sheet, ref, wrapping) {
					lines = wrapped
				}
				linesLo, linesHi = max(linesLo, len(parts)), max(linesHi, lines)
			}
			s.lo, s.hi = append(s.lo, lineMin*float64(linesLo)), append(s.hi, lineMax*float64(linesHi))
		}
		if i >= titleRows && len(row) > 1 && row[0] != "" && strings.Trim(row[0], "0123456789") == "" && sheet != export.DetailSheet {
			s.units = append(s.units, row[1])
		}
	}
	m, err := x.GetPageMargins(sheet)
	if err != nil {
		t.Fatal(err)
	}
	s.printable.w = a4Long - (*m.Left+*m.Right)*72
	s.printable.h = a4Short - (*m.Top+*m.Bottom)*72
	return s
}

// printedColumns is how many columns the sheet's print area spans, from
// column A; 0 when it has none and prints what it holds.
func printedColumns(t *testing.T, x *excelize.File, sheet string) int {
	t.Helper()
	for _, dn := range x.GetDefinedName() {
		if dn.Name != "_xlnm.Print_Area" || dn.Scope != sheet {
			continue
		}
		_, ref, ok := strings.Cut(dn.RefersTo, "!")
		from, to, ok2 := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
		if !ok || !ok2 {
			t.Fatalf("%s: print area %q", sheet, dn.RefersTo)
		}
		c1, _, err1 := excelize.CellNameToCoordinates(from)
		c2, _, err2 := excelize.CellNameToCoordinates(to)
		if err1 != nil || err2 != nil || c1 != 1 {
			t.Fatalf("%s: print area %q does not start at column A", sheet, dn.RefersTo)
		}
		return c2
	}
	return 0
}

// wraps says whether the cell's style wraps its text, so that a long text
// makes the row taller rather than running into the next cell.
func wraps(t *testing.T, x *excelize.File, sheet, ref string, byStyle map[int]bool) bool {
	t.Helper()
	id, err := x.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := byStyle[id]; ok {
		return w
	}
	st, err := x.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	byStyle[id] = st.Alignment != nil && st.Alignment.WrapText
	return byStyle[id]
}

// pagesTall is how many pages rows take at scale s on pages of printable
// height h: the first titleRows rows repeat on every page and a row is
// never split, so a page holds what fits under the titles.
func pagesTall(t *testing.T, rows []float64, repeat int, s, h float64) int {
	t.Helper()
	titles := 0.0
	for _, r := range rows[:repeat] {
		titles += r
	}
	room := h/s - titles
	pages, used := 1, 0.0
	for _, r := range rows[repeat:] {
		if r > room {
			t.Fatalf("a row of %.0f pt cannot fit under %.0f pt of titles", r, titles)
		}
		if used+r > room {
			pages, used = pages+1, 0
		}
		used += r
	}
	return pages
}

// bounds is the range of page counts a fit-to-width landscape print of
// the sheet can take, whatever the fonts: the scale is the printable
// width over the sheet's width (never above 100%); the fewest pages come
// with the smallest scale and the shortest rows, the most with the
// largest scale and the tallest rows.
func (s *sheetShape) bounds(t *testing.T) (lo, hi int, scaleLo, scaleHi float64) {
	t.Helper()
	scaleLo = min(1, s.printable.w/(s.width*colUnitMax))
	scaleHi = min(1, s.printable.w/(s.width*colUnitMin))
	return pagesTall(t, s.lo, titleRows, scaleLo, s.printable.h), pagesTall(t, s.hi, titleRows, scaleHi, s.printable.h), scaleLo, scaleHi
}

// portraitAtLeast is the fewest pages the sheet took before it had a page
// setup: portrait, unscaled, no titles repeated, cut into as many pages
// across as its width needs, even with no margins at all.
func (s *sheetShape) portraitAtLeast(t *testing.T) int {
	t.Helper()
	across := int(math.Ceil(s.width * colUnitMin / a4Short))
	return across * pagesTall(t, s.lo, 0, 1, a4Long)
}
