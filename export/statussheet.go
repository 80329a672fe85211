package export

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"cchcbot"
)

// The status sheet's columns: the row number, the unit, then one column
// per period. Their widths are in Excel's character units and are what
// decides the printed scale: the sheet prints one page wide on A4
// landscape, so twelve months at periodWidth plus the two first columns
// must stay near 150 units for the text to print at two thirds of its
// size or more. The unit's code is not on this sheet (the detail and
// summary sheets have it): on paper it is a column nobody reads.
const (
	numberWidth = 4.5
	nameWidth   = 30
	periodWidth = 10
)

// Row heights of the status sheet, in points: a unit's row holds two
// lines of its cells' text, three when a cell adds its extension.
const (
	statusRowHeight  = 27
	statusLineHeight = 12.5
	statusHeadHeight = 42 // "Tháng 02/2024", wrapped, and "hạn 15/02"
	legendRowHeight  = 42
)

func writeStatusSheet(f *excelize.File, st *styles, d *Data, kd *KindData, sheet string) error {
	if err := printSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := 2 + len(kd.Periods)
	if err := setWidths(sw, numberWidth, nameWidth); err != nil {
		return err
	}
	// The legend takes a period column's width per state, also where the
	// sheet has fewer periods than states.
	if err := sw.SetColWidth(3, 2+max(len(kd.Periods), len(cellLegend)), periodWidth); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: headerRow, TopLeftCell: cell(3, headerRow+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	// A one-off report (the remediation plan, an ad-hoc request) is named
	// by its own title and due day: "năm 2024" after a title that ends in
	// "năm 2023" would read as two years.
	title := "Tình hình nộp " + kd.Kind.Title + " " + d.Title
	switch {
	case len(kd.Periods) == 1 && kd.Kind.Schedule.Kind == cchcbot.ScheduleOnce:
		title = "Tình hình nộp " + kd.Periods[0].Period.Label + ", hạn " + kd.Periods[0].Period.Due.VN()
	case d.Year == 0 && len(kd.Periods) == 1:
		title = "Tình hình nộp " + kd.Periods[0].Period.Label
	}
	if kd.Kind.Cancelled {
		title += " (yêu cầu đã hủy)"
	}
	if err := titleBlock(sw, st, d, strings.ToUpper(title)); err != nil {
		return err
	}
	legend := []any{nil, excelize.Cell{StyleID: st.legend, Value: legendNote}}
	for _, l := range cellLegend {
		legend = append(legend, excelize.Cell{StyleID: st.cells[l.State], Value: l.Text})
	}
	if err := sw.SetRow(cell(1, 4), legend, excelize.RowOpts{Height: legendRowHeight}); err != nil {
		return err
	}
	titles := []string{"STT", "Đơn vị"}
	for _, pd := range kd.Periods {
		titles = append(titles, columnHeading(d, kd.Kind, pd.Period))
	}
	if err := sw.SetRow(cell(1, headerRow), header(st.header, titles...), excelize.RowOpts{Height: statusHeadHeight}); err != nil {
		return err
	}
	row, n := headerRow+1, 0
	var group cchcbot.UnitGroup
	for _, u := range kd.Units {
		if u.Group != group {
			group = u.Group
			if err := groupRow(sw, st, d, row, cols, group); err != nil {
				return err
			}
			row++
		}
		n++
		values := []any{
			excelize.Cell{StyleID: st.number, Value: n},
			excelize.Cell{StyleID: st.text, Value: u.Name},
		}
		lines := 2
		for i := range kd.Periods {
			state, text := CellOf(&kd.Periods[i], u.Code)
			lines = max(lines, cellLines(text))
			values = append(values, excelize.Cell{StyleID: st.cells[state], Value: text})
		}
		height := max(statusRowHeight+statusLineHeight*float64(lines-2), rowHeight(wrappedLines(u.Name, nameWidth, textSize)))
		if err := sw.SetRow(cell(1, row), values, excelize.RowOpts{Height: height}); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}
