package export

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"cchcbot"
)

// UnitTally is one unit's record over the periods of an export, the
// figure the yearly CCHC scoring uses.
type UnitTally struct {
	Unit cchcbot.Unit
	// Owed counts the periods whose deadline passed (the unit's own, when
	// it was granted more time) or that it already met. Periods it was
	// exempt from and cancelled requests are not owed.
	Owed   int
	OnTime int
	// Extended counts the on-time periods met after the period's deadline
	// but within an approved extension: on time only thanks to it.
	Extended int
	Late     int
	Missing  int // nothing standing: never submitted, or returned and not resubmitted
	Returned int // of Missing, the returned ones
	// Exempt counts the periods the unit was excused from.
	Exempt int
	// Explained and Escalated count the periods the unit explained itself
	// for (giải trình), and was escalated for (đôn đốc).
	Explained int
	Escalated int
}

// Rate is the on-time rate: on-time periods over owed ones. An approved
// extension moves the deadline it is judged against, so a report within
// it is on time.
func (t UnitTally) Rate() float64 {
	if t.Owed == 0 {
		return 0
	}
	return float64(t.OnTime) / float64(t.Owed)
}

// Tally counts every unit's periods over all kinds of d. A period still
// open for the unit counts only once the unit has met it, so nobody is
// marked down before its deadline. A cancelled request counts for nobody:
// no unit owes it.
func Tally(d *Data) []UnitTally {
	var out []UnitTally
	at := map[string]int{}
	for _, kd := range d.Kinds {
		for i := range kd.Periods {
			pd := &kd.Periods[i]
			if pd.Cancelled {
				continue
			}
			for us := range pd.Units() {
				j, ok := at[us.Unit.Code]
				if !ok {
					j = len(out)
					at[us.Unit.Code] = j
					out = append(out, UnitTally{Unit: us.Unit})
				}
				out[j].add(pd, us)
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

// add counts one period's standing of the unit.
func (t *UnitTally) add(pd *PeriodData, us cchcbot.UnitStatus) {
	if len(us.Explanations) > 0 {
		t.Explained++
	}
	if len(us.Escalations) > 0 {
		t.Escalated++
	}
	switch {
	case us.State == cchcbot.UnitExempt:
		t.Exempt++
	case us.State == cchcbot.UnitOnTime:
		t.Owed++
		t.OnTime++
		if us.Extension.Approved() && us.Latest != nil && pd.Period.DaysLate(us.Latest.SubmittedAt) > 0 {
			t.Extended++
		}
	case us.State == cchcbot.UnitLate:
		t.Owed++
		t.Late++
	case !pd.Overdue(us):
	case us.State == cchcbot.UnitReturned:
		t.Owed++
		t.Missing++
		t.Returned++
	default:
		t.Owed++
		t.Missing++
	}
}

// SummaryColumns are the summary sheet's headings; the first
// SummaryPrintedColumns of them are its print area, the unit's code
// after them being for filtering on screen.
var SummaryColumns = []string{"STT", "Đơn vị", "Số kỳ phải nộp", "Đúng hạn", "Trong đó nhờ gia hạn", "Trễ hạn", "Chưa nộp",
	"Trong đó bị trả lại", "Tỷ lệ đúng hạn", "Số kỳ được miễn nộp", "Số kỳ có giải trình", "Số kỳ bị đôn đốc", "Mã đơn vị"}

// SummaryPrintedColumns is how many of SummaryColumns print.
const SummaryPrintedColumns = 12

// summaryNote is row 4 of the summary sheet, repeated on every printed
// page; SummaryFootnote is the note under its table.
const summaryNote = "Tỷ lệ đúng hạn = số kỳ nộp đúng hạn / số kỳ phải nộp; kỳ nộp trong thời hạn được gia hạn tính là đúng hạn (xem ghi chú cuối bảng)."

// SummaryFootnote is the note under the summary table: how the figures
// treat extensions, exemptions and cancelled requests.
const SummaryFootnote = "Ghi chú: Số kỳ phải nộp gồm các kỳ đã hết hạn và các kỳ còn hạn mà đơn vị đã nộp; đơn vị được gia hạn thì tính theo hạn được gia hạn. " +
	"Kỳ đơn vị được miễn nộp và yêu cầu báo cáo đột xuất đã hủy không tính vào số kỳ phải nộp. " +
	"Báo cáo nộp sau hạn chung nhưng trong thời hạn được gia hạn (đã được đồng ý) tính là nộp đúng hạn; " +
	"cột \"Trong đó nhờ gia hạn\" ghi số kỳ này. Tỷ lệ đúng hạn = số kỳ nộp đúng hạn / số kỳ phải nộp."

func writeSummarySheet(f *excelize.File, st *styles, d *Data) error {
	if err := printSetup(f, SummarySheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, numberWidth, nameWidth, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 16); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: headerRow, TopLeftCell: cell(3, headerRow+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := titleBlock(sw, st, d, strings.ToUpper("Tổng hợp kết quả nộp báo cáo CCHC "+d.Title)); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, 4), []any{excelize.Cell{StyleID: st.note, Value: summaryNote}}); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, headerRow), header(st.textHeader, SummaryColumns...), excelize.RowOpts{Height: 56}); err != nil {
		return err
	}
	row := headerRow + 1
	var group cchcbot.UnitGroup
	n := 0
	for _, t := range Tally(d) {
		if t.Unit.Group != group {
			group = t.Unit.Group
			if err := groupRow(sw, st, d, row, SummaryPrintedColumns, group); err != nil {
				return err
			}
			row++
		}
		n++
		rate := excelize.Cell{StyleID: st.percent, Value: t.Rate()}
		if t.Owed == 0 {
			rate = excelize.Cell{StyleID: st.center, Value: "—"}
		}
		num := func(v int) excelize.Cell { return excelize.Cell{StyleID: st.number, Value: v} }
		values := []any{
			num(n),
			excelize.Cell{StyleID: st.text, Value: t.Unit.Name},
			num(t.Owed), num(t.OnTime), num(t.Extended), num(t.Late), num(t.Missing), num(t.Returned),
			rate,
			num(t.Exempt), num(t.Explained), num(t.Escalated),
			excelize.Cell{StyleID: st.text, Value: t.Unit.Code},
		}
		if err := sw.SetRow(cell(1, row), values, excelize.RowOpts{Height: rowHeight(wrappedLines(t.Unit.Name, nameWidth, textSize))}); err != nil {
			return err
		}
		row++
	}
	// The footnote spans the printed columns, and its row is as tall as
	// three lines: neither program sizes a merged cell's row to its text.
	note := []any{excelize.Cell{StyleID: st.legend, Value: SummaryFootnote}}
	for range SummaryPrintedColumns - 1 {
		note = append(note, excelize.Cell{StyleID: st.legend})
	}
	if err := sw.SetRow(cell(1, row+1), note, excelize.RowOpts{Height: 48}); err != nil {
		return err
	}
	if err := sw.MergeCell(cell(1, row+1), cell(SummaryPrintedColumns, row+1)); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return printArea(f, SummarySheet, SummaryPrintedColumns, row+1)
}
