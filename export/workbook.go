package export

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
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

// CellState is how a status cell is coloured: the unit's state for the
// period, with missing split by whether the deadline has passed.
type CellState string

// The cell states, in legend order.
const (
	CellOnTime   CellState = "on_time"
	CellLate     CellState = "late"
	CellMissing  CellState = "missing"
	CellReturned CellState = "returned"
	CellNotDue   CellState = "not_due"
	CellNotOwed  CellState = "not_owed"
)

// cellFills are the fills of the status cells: Excel's own "Good",
// "Neutral" and "Bad" colours, which staff already read at a glance.
var cellFills = map[CellState]string{
	CellOnTime:   "C6EFCE",
	CellLate:     "FFEB9C",
	CellMissing:  "FFC7CE",
	CellReturned: "E4DFEC",
	CellNotDue:   "FFFFFF",
	CellNotOwed:  "D9D9D9",
}

var cellLegend = []struct {
	State CellState
	Text  string
}{
	{CellOnTime, "Nộp đúng hạn"},
	{CellLate, "Nộp trễ hạn"},
	{CellMissing, "Chưa nộp (đã quá hạn)"},
	{CellReturned, "Bị trả lại, chưa nộp lại"},
	{CellNotDue, "Chưa nộp (còn hạn)"},
	{CellNotOwed, "Không phải nộp"},
}

// CellOf returns how a unit's standing in a period is shown: the colour
// class and the text, such as "Trễ 3 ngày\n15/02/2024".
func CellOf(pd *PeriodData, code string) (CellState, string) {
	us, ok := pd.Unit(code)
	if !ok {
		return CellNotOwed, "—"
	}
	l := us.Latest
	switch us.State {
	case cchcbot.UnitOnTime:
		return CellOnTime, "Đúng hạn\n" + dateVN(l.SubmittedAt)
	case cchcbot.UnitLate:
		return CellLate, fmt.Sprintf("Trễ %d ngày\n%s", l.DaysLate, dateVN(l.SubmittedAt))
	case cchcbot.UnitReturned:
		return CellReturned, fmt.Sprintf("Bị trả lại\n(lần %d, %s)", l.Version, dateVN(l.SubmittedAt))
	}
	if !pd.DeadlinePassed {
		return CellNotDue, "Chưa nộp\n(còn hạn)"
	}
	return CellMissing, "Chưa nộp"
}

func dateVN(t time.Time) string { return t.Format("02/01/2006") }

// styles are the workbook's cell styles, made once per file.
type styles struct {
	title, subtitle, note, header, group, text, center, number, datetime, percent int
	cells                                                                         map[CellState]int
}

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
	s := &styles{cells: map[CellState]int{}}
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: font(true, false, 13)}},
		{&s.subtitle, excelize.Style{Font: font(true, false, 12)}},
		{&s.note, excelize.Style{Font: font(false, true, 11)}},
		{&s.header, excelize.Style{Font: font(true, false, 11), Fill: fill("D9E1F2"), Border: border, Alignment: center}},
		{&s.group, excelize.Style{Font: font(true, false, 11), Fill: fill("F2F2F2"), Border: border}},
		{&s.text, excelize.Style{Font: font(false, false, 11), Border: border, Alignment: top}},
		{&s.center, excelize.Style{Font: font(false, false, 11), Border: border, Alignment: center}},
		{&s.number, excelize.Style{Font: font(false, false, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&s.datetime, excelize.Style{Font: font(false, false, 11), Border: border, Alignment: top, CustomNumFmt: &dtFmt}},
		{&s.percent, excelize.Style{Font: font(true, false, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, CustomNumFmt: &pctFmt}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return nil, err
		}
		*d.id = id
	}
	for state, color := range cellFills {
		id, err := f.NewStyle(&excelize.Style{Font: font(false, false, 10), Fill: fill(color), Border: border, Alignment: center})
		if err != nil {
			return nil, err
		}
		s.cells[state] = id
	}
	return s, nil
}

// WriteWorkbook writes d as an .xlsx workbook: a status sheet per report
// kind, the detail of every version, and the per-unit summary the yearly
// CCHC scoring uses. Rows are streamed, so a province-sized year stays
// small in memory.
func WriteWorkbook(ctx context.Context, w io.Writer, st Store, d *Data) error {
	f := excelize.NewFile()
	defer f.Close()
	// The fastest deflate: excelize compresses the whole file on one core
	// at the end, and at a province's 10,000 units the default level took
	// 1.4 s of a 5 s export; the fastest saves most of it for a file a
	// third larger (23 MB instead of 17).
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
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
	first := true
	for i := range d.Kinds {
		name := statusSheetName(d.Kinds, i)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeStatusSheet(f, sty, d, &d.Kinds[i], name); err != nil {
			return fmt.Errorf("status sheet %q: %w", name, err)
		}
	}
	for _, sheet := range []string{DetailSheet, SummarySheet} {
		if first {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	if err := writeDetailSheet(ctx, f, sty, st, d); err != nil {
		return fmt.Errorf("detail sheet: %w", err)
	}
	if err := writeSummarySheet(f, sty, d); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	// No SetActiveSheet: the first sheet is active already, and touching a
	// streamed sheet makes excelize parse it back into memory.
	_, err = f.WriteTo(w)
	return err
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

// groupRow writes a unit group's heading across cols columns.
func groupRow(sw *excelize.StreamWriter, st *styles, row, cols int, g cchcbot.UnitGroup) error {
	values := []any{excelize.Cell{StyleID: st.group, Value: g.Label()}}
	for range cols - 1 {
		values = append(values, excelize.Cell{StyleID: st.group})
	}
	if err := sw.SetRow(cell(1, row), values); err != nil {
		return err
	}
	return sw.MergeCell(cell(1, row), cell(cols, row))
}

func header(st *styles, titles ...string) []any {
	out := make([]any, len(titles))
	for i, t := range titles {
		out[i] = excelize.Cell{StyleID: st.header, Value: t}
	}
	return out
}

// PeriodHeading is a period's column heading: "Tháng 02/2024" and its due
// date.
func PeriodHeading(k cchcbot.ReportKind, p cchcbot.Period) string {
	short := strings.TrimSpace(strings.TrimPrefix(p.Label, k.Title))
	if short == "" {
		short = p.Label
	}
	if r := []rune(short); len(r) > 0 {
		short = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	return short + "\nhạn " + p.Due.VN()
}

func writeStatusSheet(f *excelize.File, st *styles, d *Data, kd *KindData, sheet string) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := 3 + len(kd.Periods)
	if err := sw.SetColWidth(1, 1, 5); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 44); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 3, 16); err != nil {
		return err
	}
	if len(kd.Periods) > 0 {
		if err := sw.SetColWidth(4, cols, 15); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: headerRow, TopLeftCell: cell(3, headerRow+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	title := "Tình hình nộp " + kd.Kind.Title + " " + d.Title
	if d.Year == 0 && len(kd.Periods) == 1 {
		title = "Tình hình nộp " + kd.Periods[0].Period.Label
	}
	if err := titleBlock(sw, st, d, strings.ToUpper(title)); err != nil {
		return err
	}
	legend := []any{excelize.Cell{StyleID: st.note, Value: "Chú thích:"}, nil}
	for _, l := range cellLegend {
		legend = append(legend, excelize.Cell{StyleID: st.cells[l.State], Value: l.Text})
	}
	if err := sw.SetRow(cell(1, 4), legend, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	titles := []string{"STT", "Đơn vị", "Mã đơn vị"}
	for _, pd := range kd.Periods {
		titles = append(titles, PeriodHeading(kd.Kind, pd.Period))
	}
	if err := sw.SetRow(cell(1, headerRow), header(st, titles...), excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	row, n := headerRow+1, 0
	var group cchcbot.UnitGroup
	for _, u := range kd.Units {
		if u.Group != group {
			group = u.Group
			if err := groupRow(sw, st, row, cols, group); err != nil {
				return err
			}
			row++
		}
		n++
		values := []any{
			excelize.Cell{StyleID: st.number, Value: n},
			excelize.Cell{StyleID: st.text, Value: u.Name},
			excelize.Cell{StyleID: st.text, Value: u.Code},
		}
		for i := range kd.Periods {
			state, text := CellOf(&kd.Periods[i], u.Code)
			values = append(values, excelize.Cell{StyleID: st.cells[state], Value: text})
		}
		if err := sw.SetRow(cell(1, row), values, excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

// DetailColumns are the detail sheet's headings.
var DetailColumns = []string{
	"Báo cáo", "Kỳ báo cáo", "Đơn vị", "Mã đơn vị", "Lần nộp", "Trạng thái", "Người nộp", "Thời điểm nộp", "Trễ (ngày)",
	"Số biên nhận", "Số hiệu văn bản", "Ngày văn bản", "Tệp", "SHA-256", "Nhắc việc đã gửi", "Nhắc việc đã xác nhận",
	"Lý do trả lại", "Người xử lý", "Thời điểm xử lý",
}

func writeDetailSheet(ctx context.Context, f *excelize.File, st *styles, store Store, d *Data) error {
	sw, err := f.NewStreamWriter(DetailSheet)
	if err != nil {
		return err
	}
	widths := []float64{26, 22, 36, 16, 8, 16, 22, 17, 9, 19, 16, 12, 34, 66, 10, 12, 30, 20, 17}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cell(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := titleBlock(sw, st, d, strings.ToUpper("Chi tiết các lần nộp báo cáo "+d.Title)); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, 4), []any{excelize.Cell{StyleID: st.note, Value: "Mỗi dòng là một lần nộp; đơn vị chưa nộp có một dòng \"Chưa nộp\" để theo dõi nhắc việc."}}); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, headerRow), header(st, DetailColumns...), excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	row := headerRow + 1
	// The next period's versions are read while this one's rows are
	// written: decoding and writing each take a core.
	type fetched struct {
		versions map[string][]*cchcbot.Submission
		err      error
	}
	var all []*PeriodData
	for _, kd := range d.Kinds {
		for i := range kd.Periods {
			all = append(all, &kd.Periods[i])
		}
	}
	next := make(chan fetched, 1)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(next)
		for _, pd := range all {
			v, err := pd.versions(fctx, store)
			select {
			case next <- fetched{v, err}:
			case <-fctx.Done():
				return
			}
		}
	}()
	for _, kd := range d.Kinds {
		for i := range kd.Periods {
			pd := &kd.Periods[i]
			f := <-next
			if f.err != nil {
				return f.err
			}
			versions := f.versions
			for _, us := range pd.Status.Units {
				vs := versions[us.Unit.Code]
				base := []any{
					excelize.Cell{StyleID: st.text, Value: kd.Kind.Title},
					excelize.Cell{StyleID: st.text, Value: strings.ReplaceAll(PeriodHeading(kd.Kind, pd.Period), "\n", ", ")},
					excelize.Cell{StyleID: st.text, Value: us.Unit.Name},
					excelize.Cell{StyleID: st.text, Value: us.Unit.Code},
				}
				if len(vs) == 0 {
					state, text := CellOf(pd, us.Unit.Code)
					values := append(base, excelize.Cell{StyleID: st.number}, excelize.Cell{StyleID: st.cells[state], Value: strings.ReplaceAll(text, "\n", " ")})
					for range 8 {
						values = append(values, excelize.Cell{StyleID: st.text})
					}
					values = append(values, excelize.Cell{StyleID: st.number, Value: us.RemindSent}, excelize.Cell{StyleID: st.number, Value: us.RemindAcked})
					if err := sw.SetRow(cell(1, row), values); err != nil {
						return err
					}
					row++
					continue
				}
				for _, s := range vs {
					if err := sw.SetRow(cell(1, row), detailRow(st, base, s, us)); err != nil {
						return err
					}
					row++
				}
			}
		}
	}
	return sw.Flush()
}

func detailRow(st *styles, base []any, s *cchcbot.Submission, us cchcbot.UnitStatus) []any {
	state := CellOnTime
	switch {
	case s.State == cchcbot.StateReturned:
		state = CellReturned
	case s.Late():
		state = CellLate
	}
	label := s.State.Label()
	if s.Late() && s.State != cchcbot.StateReturned {
		label += ", trễ hạn"
	}
	names := make([]string, len(s.Files))
	sums := make([]string, len(s.Files))
	for i, fl := range s.Files {
		names[i], sums[i] = fl.Name, fl.SHA256
	}
	if len(s.Files) == 0 && s.Note != "" {
		names = []string{"(không kèm tệp) " + s.Note}
	}
	docDate := ""
	if !s.DocDate.IsZero() {
		docDate = s.DocDate.VN()
	}
	submitter := s.SubmitterName
	if submitter == "" {
		submitter = s.SubmittedBy.Local()
	}
	values := append(base,
		excelize.Cell{StyleID: st.number, Value: s.Version},
		excelize.Cell{StyleID: st.cells[state], Value: label},
		excelize.Cell{StyleID: st.text, Value: submitter},
		timeCell(st, s.SubmittedAt),
		excelize.Cell{StyleID: st.number, Value: s.DaysLate},
		excelize.Cell{StyleID: st.text, Value: s.ReceiptNo()},
		excelize.Cell{StyleID: st.text, Value: s.DocNumber},
		excelize.Cell{StyleID: st.text, Value: docDate},
		excelize.Cell{StyleID: st.text, Value: strings.Join(names, "\n")},
		excelize.Cell{StyleID: st.text, Value: strings.Join(sums, "\n")},
		excelize.Cell{StyleID: st.number, Value: us.RemindSent},
		excelize.Cell{StyleID: st.number, Value: us.RemindAcked},
		excelize.Cell{StyleID: st.text, Value: s.Reason},
		excelize.Cell{StyleID: st.text, Value: s.ReviewedBy.Local()},
		timeCell(st, s.ReviewedAt),
	)
	return values
}

// timeCell is a real Excel date-time, so staff can sort and filter on it;
// a zero time is an empty cell.
func timeCell(st *styles, t time.Time) excelize.Cell {
	if t.IsZero() {
		return excelize.Cell{StyleID: st.text}
	}
	return excelize.Cell{StyleID: st.datetime, Value: t}
}

// UnitTally is one unit's record over the periods of an export, the
// figure the yearly CCHC scoring uses.
type UnitTally struct {
	Unit     cchcbot.Unit
	Owed     int // periods whose deadline passed, or that it already met
	OnTime   int
	Late     int
	Missing  int // nothing standing: never submitted, or returned and not resubmitted
	Returned int // of Missing, the returned ones
}

// Rate is the on-time rate: on-time periods over owed ones.
func (t UnitTally) Rate() float64 {
	if t.Owed == 0 {
		return 0
	}
	return float64(t.OnTime) / float64(t.Owed)
}

// Tally counts every unit's periods over all kinds of d. A period still
// open counts only once the unit has met it, so nobody is marked down
// before the deadline.
func Tally(d *Data) []UnitTally {
	var out []UnitTally
	at := map[string]int{}
	for _, kd := range d.Kinds {
		for _, u := range kd.Units {
			if _, ok := at[u.Code]; !ok {
				at[u.Code] = len(out)
				out = append(out, UnitTally{Unit: u})
			}
		}
		for i := range kd.Periods {
			pd := &kd.Periods[i]
			for _, us := range pd.Status.Units {
				t := &out[at[us.Unit.Code]]
				switch {
				case us.State == cchcbot.UnitOnTime:
					t.Owed++
					t.OnTime++
				case us.State == cchcbot.UnitLate:
					t.Owed++
					t.Late++
				case !pd.DeadlinePassed:
				case us.State == cchcbot.UnitReturned:
					t.Owed++
					t.Missing++
					t.Returned++
				default:
					t.Owed++
					t.Missing++
				}
			}
		}
	}
	units := make([]cchcbot.Unit, len(out))
	for i, t := range out {
		units[i] = t.Unit
	}
	SortUnits(units)
	sorted := make([]UnitTally, len(out))
	for i, u := range units {
		sorted[i] = out[at[u.Code]]
	}
	return sorted
}

// SummaryColumns are the summary sheet's headings.
var SummaryColumns = []string{"STT", "Đơn vị", "Mã đơn vị", "Số kỳ phải nộp", "Đúng hạn", "Trễ hạn", "Chưa nộp", "Trong đó bị trả lại", "Tỷ lệ đúng hạn"}

func writeSummarySheet(f *excelize.File, st *styles, d *Data) error {
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	widths := []float64{5, 44, 16, 12, 10, 10, 10, 12, 12}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: headerRow, TopLeftCell: cell(3, headerRow+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := titleBlock(sw, st, d, strings.ToUpper("Tổng hợp kết quả nộp báo cáo CCHC "+d.Title)); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, 4), []any{excelize.Cell{StyleID: st.note, Value: "Kỳ phải nộp: các kỳ đã hết hạn, và các kỳ còn hạn mà đơn vị đã nộp. Tỷ lệ đúng hạn = số kỳ nộp đúng hạn / số kỳ phải nộp."}}); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, headerRow), header(st, SummaryColumns...), excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	row := headerRow + 1
	var group cchcbot.UnitGroup
	n := 0
	for _, t := range Tally(d) {
		if t.Unit.Group != group {
			group = t.Unit.Group
			if err := groupRow(sw, st, row, len(SummaryColumns), group); err != nil {
				return err
			}
			row++
		}
		n++
		rate := excelize.Cell{StyleID: st.percent, Value: t.Rate()}
		if t.Owed == 0 {
			rate = excelize.Cell{StyleID: st.center, Value: "—"}
		}
		values := []any{
			excelize.Cell{StyleID: st.number, Value: n},
			excelize.Cell{StyleID: st.text, Value: t.Unit.Name},
			excelize.Cell{StyleID: st.text, Value: t.Unit.Code},
			excelize.Cell{StyleID: st.number, Value: t.Owed},
			excelize.Cell{StyleID: st.number, Value: t.OnTime},
			excelize.Cell{StyleID: st.number, Value: t.Late},
			excelize.Cell{StyleID: st.number, Value: t.Missing},
			excelize.Cell{StyleID: st.number, Value: t.Returned},
			rate,
		}
		if err := sw.SetRow(cell(1, row), values); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}
