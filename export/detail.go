package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"cchcbot"
)

// The detail sheet's columns, in order. The first detailPrinted are what
// the sheet prints: what a clerk reads on paper to follow a unit through
// a period (the report, the version, its state and lateness, the
// decisions on the unit, the receipt). The rest are for sorting,
// filtering and checking on screen (the unit's code, the files and their
// SHA-256, the reminder counts, who reviewed); printed too, they would
// shrink the page to a quarter of its size. The printed widths keep most
// rows to one line: a year at 1,000 units is 11,000 rows.
const (
	dKind = iota
	dPeriod
	dUnit
	dVersion
	dState
	dSubmittedAt
	dDaysLate
	dExtension
	dExplanation
	dExemption
	dEscalation
	dReceipt
	dReason
	dCode
	dSubmitter
	dDocNumber
	dDocDate
	dFiles
	dRemindSent
	dRemindAcked
	dReviewer
	dReviewedAt
	dSHA256

	detailPrinted = dCode
)

var detailColumns = [...]struct {
	title string
	width float64
}{
	dKind:        {"Báo cáo", 14},
	dPeriod:      {"Kỳ báo cáo", 15},
	dUnit:        {"Đơn vị", 25},
	dVersion:     {"Lần nộp", 6},
	dState:       {"Trạng thái", 13},
	dSubmittedAt: {"Thời điểm nộp", 14.5},
	dDaysLate:    {"Trễ (ngày)", 6.5},
	dExtension:   {"Gia hạn đến", 11},
	dExplanation: {"Giải trình", 18},
	dExemption:   {"Miễn nộp (lý do)", 13},
	dEscalation:  {"Đôn đốc", 12},
	dReceipt:     {"Số biên nhận", 17},
	dReason:      {"Lý do trả lại", 15},
	dCode:        {"Mã đơn vị", 16},
	dSubmitter:   {"Người nộp", 22},
	dDocNumber:   {"Số hiệu văn bản", 16},
	dDocDate:     {"Ngày văn bản", 12},
	dFiles:       {"Tệp", 34},
	dRemindSent:  {"Nhắc việc đã gửi", 10},
	dRemindAcked: {"Nhắc việc đã xác nhận", 12},
	dReviewer:    {"Người xử lý", 20},
	dReviewedAt:  {"Thời điểm xử lý", 17},
	dSHA256:      {"SHA-256", 66},
}

// DetailColumns are the detail sheet's headings; the first
// DetailPrintedColumns of them are its print area.
var DetailColumns = func() []string {
	out := make([]string, len(detailColumns))
	for i, c := range detailColumns {
		out[i] = c.title
	}
	return out
}()

// DetailPrintedColumns is how many of DetailColumns print.
const DetailPrintedColumns = detailPrinted

// detailNote is row 4 of the detail sheet: what a row is, and what the
// printout leaves out.
var detailNote = fmt.Sprintf("Mỗi dòng là một lần nộp; đơn vị chưa nộp có một dòng \"Chưa nộp\" để theo dõi nhắc việc. Bản in gồm %d cột đầu, đến cột \"%s\"; các cột sau chỉ xem trên máy.",
	detailPrinted, detailColumns[detailPrinted-1].title)

func writeDetailSheet(ctx context.Context, f *excelize.File, st *styles, store Store, d *Data) error {
	if err := printSetup(f, DetailSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DetailSheet)
	if err != nil {
		return err
	}
	for i, c := range detailColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cell(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := titleBlock(sw, st, d, strings.ToUpper("Chi tiết các lần nộp báo cáo "+d.Title)); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, 4), []any{excelize.Cell{StyleID: st.note, Value: detailNote}}); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, headerRow), header(st.textHeader, DetailColumns...), excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	row := headerRow + 1
	// The next period's versions are read while this one's rows are
	// written: decoding and writing each take a core, and only two
	// periods' versions are held at a time (a year's Load keeps none: at
	// a province's 10,000 units they were 30 MB).
	type fetched struct {
		versions *versions
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
			v, err := pd.versionRows(fctx, store)
			select {
			case next <- fetched{v, err}:
			case <-fctx.Done():
				return
			}
		}
	}()
	var r detailRow
	for _, kd := range d.Kinds {
		for i := range kd.Periods {
			pd := &kd.Periods[i]
			f := <-next
			if f.err != nil {
				return f.err
			}
			// What every row of the period repeats, made once.
			period := detailPeriod(kd.Kind, pd.Period)
			for us := range pd.Units() {
				vs := f.versions.of(us.Unit.Code)
				if len(vs) == 0 {
					r.missing(st, kd.Kind, period, pd, us)
					if err := r.write(sw, row); err != nil {
						return err
					}
					row++
					continue
				}
				r.unit(st, kd.Kind, period, pd, us)
				unit := r.cells // the unit's cells, which each version's row starts from
				for i := range vs {
					r.cells = unit
					r.version(st, pd, us, &vs[i])
					if err := r.write(sw, row); err != nil {
						return err
					}
					row++
				}
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return printArea(f, DetailSheet, detailPrinted, row-1)
}

// detailRow is one row of the detail sheet, its cells used again row
// after row: the sheet has a row per version, 111,000 a year at a
// province's 10,000 units, and a row's cells made anew each time were
// most of the export's garbage.
type detailRow struct {
	cells  [len(detailColumns)]excelize.Cell
	values []any // a pointer to each of cells, made once
}

// write writes the row as tall as its tallest cell: a printed cell's text
// wraps, and a screen-only cell's (a file's name, its SHA-256) takes one
// line a value, so that a long file name does not make a printed row
// taller. Unwrapped text with a line break would show on one line, so a
// screen-only cell with several values wraps (screenCell).
func (r *detailRow) write(sw *excelize.StreamWriter, row int) error {
	if r.values == nil {
		r.values = make([]any, len(r.cells))
		for i := range r.cells {
			r.values[i] = &r.cells[i]
		}
	}
	lines := 1
	for i := range r.cells {
		s, ok := r.cells[i].Value.(string)
		switch {
		case !ok || s == "":
		case i < detailPrinted:
			lines = max(lines, wrappedLines(s, detailColumns[i].width, textSize))
		default:
			lines = max(lines, strings.Count(s, "\n")+1)
		}
	}
	return sw.SetRow(cell(1, row), r.values, excelize.RowOpts{Height: rowHeight(lines)})
}

// detailPeriod names a period in the detail's narrow column: "Tháng
// 02/2024" beside the report's title, or for a one-off report, whose
// label is its title, the due day.
func detailPeriod(k cchcbot.ReportKind, p cchcbot.Period) string {
	if short := periodShort(k, p); short != "" {
		return short
	}
	return "Hạn " + p.Due.VN()
}

// unit fills the cells every row of a unit in a period holds: the
// period (named by period, detailPeriod's), the unit, the decisions on
// it, its reminders.
func (r *detailRow) unit(st *styles, k cchcbot.ReportKind, period string, pd *PeriodData, us cchcbot.UnitStatus) {
	values := &r.cells
	for i := range values {
		values[i] = excelize.Cell{StyleID: st.text}
		if i >= detailPrinted {
			values[i] = excelize.Cell{StyleID: st.line}
		}
	}
	text := func(i int, v string) { values[i] = excelize.Cell{StyleID: st.text, Value: v} }
	loc := pd.location()
	text(dPeriod, period)
	text(dUnit, us.Unit.Name)
	text(dExtension, extensionText(us.Extension))
	text(dExplanation, explanationsText(unitExplanations(us.Explanations), loc))
	text(dExemption, exemptionText(us.Exemption, loc))
	text(dEscalation, escalationsText(us.Escalations, loc))
	text(dKind, k.Title)
	values[dCode] = screenCell(st, us.Unit.Code)
	values[dVersion] = excelize.Cell{StyleID: st.number}
	values[dDaysLate] = excelize.Cell{StyleID: st.number}
	values[dRemindSent] = excelize.Cell{StyleID: st.number, Value: us.RemindSent}
	values[dRemindAcked] = excelize.Cell{StyleID: st.number, Value: us.RemindAcked}
}

// missing fills the row of a unit with no version: its state as the
// status sheet gives it, on one line.
func (r *detailRow) missing(st *styles, k cchcbot.ReportKind, period string, pd *PeriodData, us cchcbot.UnitStatus) {
	r.unit(st, k, period, pd, us)
	state, text := CellOf(pd, us.Unit.Code)
	if state == CellExempt {
		text = "Được miễn nộp"
	}
	if i := strings.Index(text, "\nGH "); i >= 0 {
		text = text[:i] // the extension has its own column
	}
	r.cells[dState] = excelize.Cell{StyleID: st.detailCells[state], Value: strings.ReplaceAll(text, "\n", " ")}
}

// version fills, over the unit's cells, the row of one version v of the
// unit's report. Its lateness is judged against the unit's own deadline:
// a version sent after the period's deadline but within an extension
// granted later is on time, as the status sheet says.
func (r *detailRow) version(st *styles, pd *PeriodData, us cchcbot.UnitStatus, v *version) {
	values := &r.cells
	late := v.daysLate
	if us.Extension.Approved() {
		late = pd.Period.ForUnit(us.Extension).DaysLate(v.submittedAt)
	}
	state := CellOnTime
	switch {
	case v.state == cchcbot.StateReturned:
		state = CellReturned
	case late > 0:
		state = CellLate
	}
	text := func(v string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: v} }
	values[dVersion] = excelize.Cell{StyleID: st.number, Value: v.version}
	// The state alone: the colour, "Trễ (ngày)" and "Gia hạn đến" say
	// the rest.
	values[dState] = excelize.Cell{StyleID: st.detailCells[state], Value: v.state.Label()}
	values[dSubmittedAt] = timeCell(st, v.submittedAt)
	values[dDaysLate] = excelize.Cell{StyleID: st.number, Value: late}
	values[dExplanation] = text(versionExplanation(v.explanation, v.id, us.Explanations, pd.location()))
	values[dReceipt] = text(v.receiptNo())
	values[dReason] = text(v.reason)
	values[dSubmitter] = screenCell(st, v.submitter)
	values[dDocNumber] = screenCell(st, v.docNumber)
	values[dDocDate] = screenCell(st, v.docDate)
	values[dFiles] = screenCell(st, v.files)
	values[dReviewer] = screenCell(st, v.reviewer)
	values[dReviewedAt] = timeCell(st, v.reviewedAt)
	values[dSHA256] = screenCell(st, v.sums)
}

// screenCell is a cell of a column that does not print: one value a
// line, not wrapped, so a long one runs on under the empty cells beside
// it; several values, one a line, wrap at their breaks.
func screenCell(st *styles, v string) excelize.Cell {
	if strings.Contains(v, "\n") {
		return excelize.Cell{StyleID: st.text, Value: v}
	}
	return excelize.Cell{StyleID: st.line, Value: v}
}
