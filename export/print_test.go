package export_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/export"
	"cchcbot/store"
	"cchcbot/synth"
)

// titleRows is how many rows repeat at the top of every printed page:
// the title block (rows 1–3), the legend or note (row 4), the headings
// (row 5).
const titleRows = 5

// TestWorkbookPageSetup checks what the workbook asks of a printer, on
// every sheet: A4 landscape, one page wide and as many tall as needed,
// the first five rows repeated, page numbers in a footer that keeps its
// size, and margins.
func TestWorkbookPageSetup(t *testing.T) {
	f := seed(t)
	tests := []struct {
		name string
		data *export.Data
	}{
		{"year", load(t, f, export.Selection{Year: 2024})},
		{"one period", load(t, f, export.Selection{PeriodID: feb2024})},
		// A quote in a kind's title is legal in a sheet's name and must be
		// doubled where a formula names the sheet.
		{"quote in a sheet's name", &export.Data{Office: "Phòng Nội vụ", Generated: f.now, Title: "năm 2024", Year: 2024,
			Kinds: []export.KindData{{Kind: cchcbot.ReportKind{ID: "to-cong-tac", Title: "Báo cáo của 'Tổ' công tác"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := openWorkbook(t, f, tc.data)
			titles, areas := map[string]string{}, map[string]string{}
			for _, dn := range x.GetDefinedName() {
				switch dn.Name {
				case "_xlnm.Print_Titles":
					titles[dn.Scope] = dn.RefersTo
				case "_xlnm.Print_Area":
					areas[dn.Scope] = dn.RefersTo
				}
			}
			sheets := x.GetSheetList()
			if len(sheets) != len(tc.data.Kinds)+2 {
				t.Fatalf("sheets %q", sheets)
			}
			for _, sheet := range sheets {
				layout, err := x.GetPageLayout(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if *layout.Size != 9 || *layout.Orientation != "landscape" {
					t.Errorf("%s: paper %d %s, want 9 (A4) landscape", sheet, *layout.Size, *layout.Orientation)
				}
				if layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
					t.Errorf("%s: fit to %v wide, %v tall; want 1 wide, 0 (automatic) tall", sheet, ptr(layout.FitToWidth), ptr(layout.FitToHeight))
				}
				props, err := x.GetSheetProps(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if props.FitToPage == nil || !*props.FitToPage {
					t.Errorf("%s: fitToPage is off: Excel then ignores fitToWidth", sheet)
				}
				hf, err := x.GetHeaderFooter(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if hf == nil || hf.OddFooter != export.PageFooter || !strings.Contains(hf.OddFooter, "Trang &P / &N") {
					t.Errorf("%s: footer %+v", sheet, hf)
				} else if hf.ScaleWithDoc == nil || *hf.ScaleWithDoc {
					t.Errorf("%s: the footer shrinks with the sheet", sheet)
				}
				m, err := x.GetPageMargins(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if *m.Left <= 0 || *m.Right <= 0 || *m.Top <= 0 || *m.Footer <= 0 || *m.Bottom <= *m.Footer {
					t.Errorf("%s: margins left %v right %v top %v bottom %v footer %v", sheet, *m.Left, *m.Right, *m.Top, *m.Bottom, *m.Footer)
				}
				quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
				if want := quoted + "!$1:$" + strconv.Itoa(titleRows); titles[sheet] != want {
					t.Errorf("%s: print titles %q, want %q", sheet, titles[sheet], want)
				}
				// The detail and summary sheets print their columns up to
				// the last one for paper; a status sheet prints all it has.
				rows, err := x.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				want := ""
				switch sheet {
				case export.DetailSheet:
					want = fmt.Sprintf("%s!$A$1:$%s$%d", quoted, cellCol(export.DetailPrintedColumns-1), len(rows))
				case export.SummarySheet:
					want = fmt.Sprintf("%s!$A$1:$%s$%d", quoted, cellCol(export.SummaryPrintedColumns-1), len(rows))
				}
				if areas[sheet] != want {
					t.Errorf("%s: print area %q, want %q", sheet, areas[sheet], want)
				}
			}
		})
	}
}

func ptr(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// spaceless is text with no white space and in one Unicode form, to
// compare a cell's text with the runs a PDF draws it in: a wrapped cell
// comes out as several runs.
func spaceless(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFC.String(s))
}

var footerRe = regexp.MustCompile(`Trang\s*(\d+)\s*/\s*(\d+)`)

// The legibility the printout keeps, on A4 landscape with LibreOffice's
// stand-in fonts (DejaVu, wider than Excel's Calibri and Times New Roman,
// so Excel prints larger still). A year's status sheet of twelve months
// and the summary print at two thirds of their size or more: 10-point
// cells come out at 6.5 points or more, the size of a newspaper's small
// print. The detail sheet's 13 printed columns come out a little smaller.
// The title's 13 points, the largest text on every page, tell the scale a
// page was printed at.
const (
	titlePoints = 13
	minPoints   = 6.0
)

func minScale(sheet string) float64 {
	if sheet == export.DetailSheet {
		return 0.58
	}
	return 0.65
}

// pageScale is the scale a page was printed at, from its largest text,
// and the size of its smallest.
func pageScale(p pdfPage) (scale, smallest float64) {
	largest, smallest := 0.0, math.Inf(1)
	for _, r := range p.Runs {
		if strings.TrimSpace(r.Text) == "" {
			continue
		}
		largest, smallest = max(largest, r.Size), min(smallest, r.Size)
	}
	return largest / titlePoints, smallest
}

var sha256Re = regexp.MustCompile(`[0-9a-f]{64}`)

// TestWorkbookPrints converts a year's workbook for 300 units to PDF with
// LibreOffice and reads the PDF back: every page A4 landscape, every page
// carrying the title block and all of its sheet's printed headings (so no
// column went to a page of its own and the headings repeat), every unit
// once, "Trang k / N" on page k, a page count inside the range
// fit-to-width landscape allows for the sheet's rows and columns, and
// text big enough to read: each sheet printed at a scale no smaller than
// minScale, and no text smaller than minPoints. The detail sheet's
// screen-only columns (the files' SHA-256) are not printed.
func TestWorkbookPrints(t *testing.T) {
	soffice := libreOffice(t)
	const units = 300
	dir := t.TempDir()
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := synth.Config(base, synth.Units(units), filepath.Join(dir, "data"), cchcbot.D(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(raw, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dir, "data"), store.Options{Now: func() time.Time { return synth.End }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cal := cfg.Calendar()
	if _, err := synth.Populate(context.Background(), db, cal, synth.Options{Units: units, MembersPerUnit: 1, End: synth.End, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	d, err := export.Load(context.Background(), db, cal, cfg.Office, export.Selection{Year: 2026}, synth.End)
	if err != nil {
		t.Fatal(err)
	}
	in := writeWorkbookFile(t, dir, "nam-2026.xlsx", db, d)
	pdf, err := os.ReadFile(convert(t, soffice, dir, in, "pdf", "pdf"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	pages, err := readPDF(pdf)
	if err != nil {
		t.Fatalf("reading LibreOffice's PDF: %v", err)
	}

	x, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	office := spaceless(strings.ToUpper(cfg.Office))
	var shapes []*sheetShape
	for _, sheet := range x.GetSheetList() {
		shapes = append(shapes, readShape(t, x, sheet))
	}

	// A broken print breaks most pages alike: the first few say how.
	errs := &fewErrors{t: t}
	defer errs.done()

	// Which sheet each page prints: the one whose title it carries.
	sheetOf := make([]int, len(pages))
	perSheet := make([]int, len(shapes))
	scales := make([][2]float64, len(shapes)) // the smallest and largest of the sheet's pages
	for i := range scales {
		scales[i] = [2]float64{math.Inf(1), 0}
	}
	seen := make([]map[string]int, len(shapes))
	for i := range seen {
		seen[i] = map[string]int{}
	}
	for k, p := range pages {
		text := spaceless(p.Text)
		if math.Abs(p.Width-a4Long) > 1 || math.Abs(p.Height-a4Short) > 1 {
			errs.add("page %d is %.0f × %.0f pt, not A4 landscape", k+1, p.Width, p.Height)
		}
		sheetOf[k] = -1
		for i, s := range shapes {
			if strings.Contains(text, spaceless(s.title)) {
				if sheetOf[k] >= 0 {
					t.Fatalf("page %d carries the titles of two sheets", k+1)
				}
				sheetOf[k] = i
			}
		}
		if sheetOf[k] < 0 {
			errs.add("page %d carries no sheet's title; it begins %q", k+1, cut(p.Text, 200))
			continue
		}
		if k > 0 && sheetOf[k] < sheetOf[k-1] {
			errs.add("page %d goes back to sheet %q", k+1, shapes[sheetOf[k]].name)
		}
		s := shapes[sheetOf[k]]
		perSheet[sheetOf[k]]++
		if !strings.Contains(text, office) {
			errs.add("page %d (%s) lacks the office's name", k+1, s.name)
		}
		for _, h := range s.headings {
			if !strings.Contains(text, spaceless(h)) {
				errs.add("page %d (%s) lacks the heading %q", k+1, s.name, h)
			}
		}
		if m := footerRe.FindAllStringSubmatch(p.Text, -1); len(m) != 1 || m[0][1] != strconv.Itoa(k+1) || m[0][2] != strconv.Itoa(len(pages)) {
			errs.add("page %d: footer %q, want \"Trang %d / %d\"", k+1, m, k+1, len(pages))
		}
		for _, u := range s.units {
			if n := strings.Count(text, spaceless(u)); n > 0 {
				seen[sheetOf[k]][u] += n
			}
		}
		scale, smallest := pageScale(p)
		sc := &scales[sheetOf[k]]
		sc[0], sc[1] = min(sc[0], scale), max(sc[1], scale)
		if smallest < minPoints {
			errs.add("page %d (%s) has text of %.1f points, below %.1f", k+1, s.name, smallest, minPoints)
		}
		if sha256Re.MatchString(p.Text) {
			errs.add("page %d (%s) prints a SHA-256", k+1, s.name)
		}
		if s.name == export.DetailSheet {
			for _, h := range export.DetailColumns[export.DetailPrintedColumns:] {
				if strings.Contains(text, spaceless(h)) {
					errs.add("page %d (%s) prints the screen-only column %q", k+1, s.name, h)
				}
			}
		}
	}

	total, lo, hi, before := 0, 0, 0, 0
	for i, s := range shapes {
		l, h, sl, sh := s.bounds(t)
		p := s.portraitAtLeast(t)
		t.Logf("%s: %d pages at %.1f%%; fit to width at %.0f–%.0f%% allows %d–%d; portrait unscaled took at least %d",
			s.name, perSheet[i], 100*scales[i][0], 100*sl, 100*sh, l, h, p)
		// One scale a sheet, the one fit to width gives its printed
		// columns, and no smaller than the sheet's minimum.
		if scales[i][1]-scales[i][0] > 0.005 {
			t.Errorf("%s prints at scales from %.1f%% to %.1f%%", s.name, 100*scales[i][0], 100*scales[i][1])
		}
		if scales[i][0] < minScale(s.name) {
			t.Errorf("%s prints at %.1f%%, below %.0f%%", s.name, 100*scales[i][0], 100*minScale(s.name))
		}
		if scales[i][0] < sl-0.01 || scales[i][1] > sh+0.01 {
			t.Errorf("%s prints at %.1f%%; its printed columns' width allows %.1f–%.1f%%", s.name, 100*scales[i][0], 100*sl, 100*sh)
		}
		if perSheet[i] < l || perSheet[i] > h {
			t.Errorf("%s prints on %d pages; one page wide in landscape it takes %d to %d", s.name, perSheet[i], l, h)
		}
		for _, u := range s.units {
			if seen[i][u] != 1 {
				errs.add("%s: unit %s printed %d times", s.name, u, seen[i][u])
			}
		}
		if s.name != export.DetailSheet && len(s.units) != units {
			t.Errorf("%s lists %d units, want %d", s.name, len(s.units), units)
		}
		total, lo, hi, before = total+perSheet[i], lo+l, hi+h, before+p
	}
	t.Logf("%d units: %d pages (%d–%d allowed); portrait unscaled at least %d", units, total, lo, hi, before)
	if total != len(pages) {
		t.Errorf("%d of %d pages belong to no sheet", len(pages)-total, len(pages))
	}
	if hi >= before {
		t.Errorf("the model allows %d pages, no fewer than the %d of portrait unscaled", hi, before)
	}
}

// fewErrors reports the first errors of a kind that repeats on every page
// and counts the rest.
type fewErrors struct {
	t *testing.T
	n int
}

func (e *fewErrors) add(format string, args ...any) {
	e.t.Helper()
	if e.n++; e.n <= 12 {
		e.t.Errorf(format, args...)
	}
}

func (e *fewErrors) done() {
	if e.n > 12 {
		e.t.Errorf("… and %d errors more", e.n-12)
	}
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
