package export

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// PageFooter is the footer of every printed page: the sheet's name on the
// left and "Trang 3 / 40" on the right. &A, &P and &N are Excel's codes for
// the sheet's name, the page number and the number of pages.
const PageFooter = "&L&A&RTrang &P / &N"

// The printed page: A4 landscape, as the yearly status sheet is a table of
// twelve months across. Margins are in inches (Excel's unit), narrow to
// leave the table room; the page number sits in the bottom margin.
const (
	paperA4      = 9 // Excel's paper size code for A4, 210 × 297 mm
	marginSide   = 0.5
	marginTop    = 0.5
	marginBottom = 0.6
	marginFooter = 0.3
)

// printSetup makes sheet print as staff expect: A4 landscape, every
// printed column (all of them, or those of the print area a sheet sets
// once its rows are written: printArea) on one page wide and as many
// pages tall as the rows need, the title block and the header row (rows 1
// to headerRow) repeated at the top of every page, and page numbers in
// the footer. A4, as Nghị định 30/2020/NĐ-CP has every administrative
// document on it and every office prints on it; the printed scale comes
// from the columns' widths, which the sheets keep narrow for it.
//
// It must run before the sheet's StreamWriter is made. The stream writer
// writes <sheetPr>, which holds the fit-to-page switch, when it is created
// (stream.go, NewStreamWriter; StreamWriter has no setter for it:
// qax-os/excelize#1295), and <pageMargins>, <pageSetup> and <headerFooter>
// from the same worksheet record at Flush. Without fitToPage in <sheetPr>,
// Excel ignores fitToWidth (qax-os/excelize#496). The repeated rows are not
// a page setting at all but the sheet-scoped defined name
// _xlnm.Print_Titles in the workbook part (ECMA-376 Part 1, §18.2.5;
// qax-os/excelize#1015), which streaming does not touch.
func printSetup(f *excelize.File, sheet string) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("fit to page: %w", err)
	}
	// fitToHeight 0 is "automatic": as many pages tall as needed. The
	// attribute's default is 1 (ECMA-376 Part 1, §18.3.1.63), which would
	// squeeze a year of 1,000 units onto one page, so it is written out.
	size, landscape, wide, tall := paperA4, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall,
	}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	// No header is printed; its margin is set all the same, as Excel
	// writes all six or none.
	side, top, bottom, foot, center := marginSide, marginTop, marginBottom, marginFooter, true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &bottom, Header: &foot, Footer: &foot, Horizontally: &center,
	}); err != nil {
		return fmt.Errorf("page margins: %w", err)
	}
	// The footer keeps its own size in Excel: scaled with the sheet (the
	// default, §18.3.1.46), the detail sheet's 19 columns would shrink the
	// page number to 3 or 4 points. LibreOffice (7.4) ignores the flag and
	// scales it anyway.
	noScale := false
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: PageFooter, ScaleWithDoc: &noScale}); err != nil {
		return fmt.Errorf("page footer: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$1:$%d", quoteSheet(sheet), headerRow),
		Scope:    sheet,
	}); err != nil {
		return fmt.Errorf("print titles: %w", err)
	}
	return nil
}

// quoteSheet is a sheet's name as a formula refers to it: quoted, as our
// names hold spaces and letters outside ASCII, with quotes doubled.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// printArea limits what sheet prints to its first cols columns, rows 1 to
// lastRow: the columns after them are for the screen (see DetailColumns).
// Like the print titles it is a sheet-scoped defined name,
// _xlnm.Print_Area (ECMA-376 Part 1, §18.2.5), set once the rows are
// written and their number known; fit to width then fits these columns.
func printArea(f *excelize.File, sheet string, cols, lastRow int) error {
	last, err := excelize.ColumnNumberToName(cols)
	if err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoteSheet(sheet), last, max(lastRow, headerRow)),
		Scope:    sheet,
	}); err != nil {
		return fmt.Errorf("print area: %w", err)
	}
	return nil
}
