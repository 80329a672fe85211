package export

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"cchcbot"
)

// The sheets of the workbook besides one status sheet per report kind.
const (
	DetailSheet  = "Chi tiết"
	SummarySheet = "Tổng hợp"
)

// headerRow is the row of column headings on every sheet: rows 1–3 hold
// the title block, row 4 the colour legend or a note.
const headerRow = 5

// styles are the workbook's cell styles, made once per file.
type styles struct {
	title, subtitle, note, legend, header, textHeader, group, text, line, center, number, datetime, percent int
	// cells are the status cells' styles by state; detailCells the same
	// fills at the detail sheet's text size, which prints smaller.
	cells, detailCells map[CellState]int
}

// The font sizes, in points. The title is the largest text of every
// sheet: the printing test reads the scale a page was printed at from it.
// A status sheet's headings and cells are a point smaller than the rest,
// to fit the narrow period columns of a year's twelve months on a
// landscape page; the detail sheet, printed smaller, keeps its headings
// at the text's size.
const (
	titleSize   = 13
	textSize    = 11
	headingSize = 10
	cellSize    = 10
)

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	dtFmt, pctFmt := "dd/mm/yyyy hh:mm", "0.0%"
	s := &styles{cells: map[CellState]int{}, detailCells: map[CellState]int{}}
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: font(true, false, titleSize)}},
		{&s.subtitle, excelize.Style{Font: font(true, false, 12)}},
		{&s.note, excelize.Style{Font: font(false, true, textSize)}},
		{&s.legend, excelize.Style{Font: font(false, true, cellSize), Alignment: top}},
		{&s.header, excelize.Style{Font: font(true, false, headingSize), Fill: fill("D9E1F2"), Border: border, Alignment: center}},
		{&s.textHeader, excelize.Style{Font: font(true, false, textSize), Fill: fill("D9E1F2"), Border: border, Alignment: center}},
		{&s.group, excelize.Style{Font: font(true, false, textSize), Fill: fill("F2F2F2"), Border: border}},
		{&s.text, excelize.Style{Font: font(false, false, textSize), Border: border, Alignment: top}},
		// line does not wrap: a long file name runs under the empty cells
		// beside it rather than make its row taller.
		{&s.line, excelize.Style{Font: font(false, false, textSize), Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.center, excelize.Style{Font: font(false, false, textSize), Border: border, Alignment: center}},
		{&s.number, excelize.Style{Font: font(false, false, textSize), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&s.datetime, excelize.Style{Font: font(false, false, textSize), Border: border, Alignment: top, CustomNumFmt: &dtFmt}},
		{&s.percent, excelize.Style{Font: font(true, false, textSize), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, CustomNumFmt: &pctFmt}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return nil, err
		}
		*d.id = id
	}
	// In the legend's order, not the map's: the same data then makes the
	// same file, byte for byte.
	for _, l := range cellLegend {
		state, color := l.State, cellFills[l.State]
		id, err := f.NewStyle(&excelize.Style{Font: font(false, false, cellSize), Fill: fill(color), Border: border, Alignment: center})
		if err != nil {
			return nil, err
		}
		s.cells[state] = id
		if id, err = f.NewStyle(&excelize.Style{Font: font(false, false, textSize), Fill: fill(color), Border: border, Alignment: center}); err != nil {
			return nil, err
		}
		s.detailCells[state] = id
	}
	return s, nil
}

// WriteWorkbook writes d as an .xlsx workbook: a status sheet per report
// kind, the detail of every version, and the per-unit summary the yearly
// CCHC scoring uses. Rows are streamed, and the zip goes to w as it is
// made, so a province-sized year stays small in memory: the detail sheet
// reads each period's versions from st as it writes them.
func WriteWorkbook(ctx context.Context, w io.Writer, st Store, d *Data) error {
	f := excelize.NewFile()
	defer f.Close()
	// The zip goes straight to w. excelize's WriteTo builds the whole file
	// in a bytes.Buffer and then copies it to w (file.go, WriteToBuffer),
	// 25 MB at a province's 10,000 units, grown by doubling; the only door
	// into that path is the ZipWriter it makes with the buffer, so ours
	// writes to w instead and leaves the buffer empty (TestWorkbookStreams).
	// The buffer is only read again for a password, which we never set,
	// and for the zip64 fix of a part over 4 GB, which a sheet of a
	// million rows would not reach.
	//
	// The fastest deflate: excelize compresses the whole file on one core
	// at the end, and at a province's 10,000 units the default level took
	// 1.4 s of a 5 s export; the fastest saves most of it for a file a
	// third larger (23 MB instead of 17).
	out := &countingWriter{w: w}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	f.SetAppProps(&excelize.AppProperties{Application: "cchcbot"})
	f.SetDocProps(&excelize.DocProperties{Title: "Tình hình nộp báo cáo CCHC " + d.Title, Creator: d.Office})
	sty, err := newStyles(f)
	if err != nil {
		return err
	}
	// The sheets are made in the workbook's order, then written detail
	// first: the versions it reads are let go before the other sheets'
	// rows, which excelize keeps in memory (up to 16 MB a sheet) until the
	// end, are made.
	names := make([]string, len(d.Kinds))
	for i := range d.Kinds {
		names[i] = statusSheetName(d.Kinds, i)
	}
	for i, sheet := range append(slices.Clone(names), DetailSheet, SummarySheet) {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	if err := writeDetailSheet(ctx, f, sty, st, d); err != nil {
		return fmt.Errorf("detail sheet: %w", err)
	}
	for i, name := range names {
		if err := writeStatusSheet(f, sty, d, &d.Kinds[i], name); err != nil {
			return fmt.Errorf("status sheet %q: %w", name, err)
		}
	}
	if err := writeSummarySheet(f, sty, d); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	// No SetActiveSheet: the first sheet is active already, and touching a
	// streamed sheet makes excelize parse it back into memory.
	n, err := f.WriteTo(io.Discard)
	if err != nil {
		return err
	}
	if n != 0 || out.n == 0 {
		return fmt.Errorf("excelize wrote %d bytes of its own buffer and %d through our zip writer: the workbook did not stream", n, out.n)
	}
	return nil
}

// countingWriter counts what goes through it, to tell that the workbook
// was written through our zip writer.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// StatusSheetName is the status sheet of a kind: "TH - " and its title, cut
// to Excel's 31 characters and rid of the characters Excel refuses.
func StatusSheetName(title string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, "TH - "+title)
	if utf8.RuneCountInString(name) > 31 {
		name = strings.TrimSpace(string([]rune(name)[:31]))
	}
	return name
}

// statusSheetName makes kind i's sheet name unique among the kinds'.
func statusSheetName(kinds []KindData, i int) string {
	name := StatusSheetName(kinds[i].Kind.Title)
	n := 1
	for j := range i {
		if StatusSheetName(kinds[j].Kind.Title) == name {
			n++
		}
	}
	if n > 1 {
		suffix := fmt.Sprintf(" (%d)", n)
		name = string([]rune(name)[:min(utf8.RuneCountInString(name), 31-len(suffix))]) + suffix
	}
	return name
}

// titleBlock writes rows 1–3: the office, the sheet's title, when it was
// made.
func titleBlock(sw *excelize.StreamWriter, st *styles, d *Data, title string) error {
	rows := []struct {
		text  string
		style int
	}{
		{strings.ToUpper(d.Office), st.title},
		{title, st.subtitle},
		{"Lập lúc " + d.Generated.Format("15:04") + " ngày " + d.Generated.Format("02/01/2006") + " (số liệu tự động từ cchcbot)", st.note},
	}
	for i, r := range rows {
		if err := sw.SetRow(cell(1, i+1), []any{excelize.Cell{StyleID: r.style, Value: r.text}}); err != nil {
			return err
		}
	}
	return nil
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// groupRow writes a unit group's heading across cols columns, as the
// office names its groups.
func groupRow(sw *excelize.StreamWriter, st *styles, d *Data, row, cols int, g cchcbot.UnitGroup) error {
	values := []any{excelize.Cell{StyleID: st.group, Value: d.GroupLabels.Of(g)}}
	for range cols - 1 {
		values = append(values, excelize.Cell{StyleID: st.group})
	}
	if err := sw.SetRow(cell(1, row), values); err != nil {
		return err
	}
	return sw.MergeCell(cell(1, row), cell(cols, row))
}

func header(style int, titles ...string) []any {
	out := make([]any, len(titles))
	for i, t := range titles {
		out[i] = excelize.Cell{StyleID: style, Value: t}
	}
	return out
}

// timeCell is a real Excel date-time, so staff can sort and filter on it;
// a zero time is an empty cell.
func timeCell(st *styles, t time.Time) excelize.Cell {
	if t.IsZero() {
		return excelize.Cell{StyleID: st.text}
	}
	return excelize.Cell{StyleID: st.datetime, Value: t}
}

// setWidths sets the widths of columns 1, 2, ... in order.
func setWidths(sw *excelize.StreamWriter, widths ...float64) error {
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

// lineHeight is the height of a line of textSize text in a row, in
// points: Excel's default row height for 11-point Calibri or Times New
// Roman, and a little more than LibreOffice's for the DejaVu Serif it
// stands in for Times New Roman on a bare Linux.
const lineHeight = 15

// rowHeight is the height of a row whose tallest cell takes lines lines.
// Rows are given their height rather than left to the program: Excel sizes
// a row without one to its wrapped text, but LibreOffice keeps the default
// one-line height, and wrapped text then runs over the rows below it on
// screen and on paper.
func rowHeight(lines int) float64 { return lineHeight * float64(max(lines, 1)) }

// wrappedLines estimates how many lines text takes in a cell that wraps,
// width Excel's character units wide, in a font of size points. A unit
// holds about one character of 11-point text in either program (its
// width is a digit of the default font plus padding, in Excel Calibri's,
// in LibreOffice the wider DejaVu Sans' with DejaVu Serif for the text),
// less one a line for the padding; lines break between words, and a word
// longer than a line breaks anywhere. It errs on the tall side: a row a
// little too tall wastes a sliver of paper, one too short hides text.
func wrappedLines(text string, width, size float64) int {
	perLine := max(1, int(width*textSize/size)-1)
	n := 0
	for _, para := range strings.Split(text, "\n") {
		lines, used := 1, 0
		for _, word := range strings.Fields(para) {
			l := utf8.RuneCountInString(word)
			if used > 0 && used+1+l <= perLine {
				used += 1 + l
				continue
			}
			if used > 0 {
				lines++
			}
			for l > perLine {
				lines++
				l -= perLine
			}
			used = l
		}
		n += lines
	}
	return max(n, 1)
}
