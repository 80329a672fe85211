package export_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cchcbot"
	"cchcbot/export"
)

func load(t *testing.T, f *fixture, sel export.Selection) *export.Data {
	t.Helper()
	d, err := export.Load(ctx, f.db, f.cal, f.cfg.Office, sel, f.now)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCollationIsVietnamese(t *testing.T) {
	names := []string{"Yên Hợp", "Đồng Hợp", "Châu Đình", "Châu Cường", "Dân Chủ", "Ân Phú", "An Hòa", "Ơn Trung", "Ông Ích", "Hạ Sơn", "Ha Tĩnh", "Châu Lộc", "Châu Lý"}
	want := []string{"An Hòa", "Ân Phú", "Châu Cường", "Châu Đình", "Châu Lộc", "Châu Lý", "Dân Chủ", "Đồng Hợp", "Hạ Sơn", "Ha Tĩnh", "Ông Ích", "Ơn Trung", "Yên Hợp"}
	got := slices.Clone(names)
	export.SortNamesVN(got)
	if !slices.Equal(got, want) {
		t.Errorf("Vietnamese order:\n got %q\nwant %q", got, want)
	}
	// Byte order is what the collator saves us from: it puts Đ after Y.
	bytewise := slices.Clone(names)
	sort.Strings(bytewise)
	if slices.Equal(bytewise, want) {
		t.Error("the test list does not tell byte order from Vietnamese order")
	}
	if export.CompareVN("đ", "d") <= 0 || export.CompareVN("đ", "e") >= 0 {
		t.Error("đ must sort between d and e")
	}
}

func openWorkbook(t *testing.T, f *fixture, d *export.Data) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteWorkbook(ctx, &buf, f.db, d); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open again: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func value(t *testing.T, x *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := x.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fill(t *testing.T, x *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := x.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := x.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(st.Fill.Color[0])
}

// rowOf finds the row holding code in column col.
func rowOf(t *testing.T, x *excelize.File, sheet, col, code string) int {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := excelize.ColumnNameToNumber(col)
	for i, r := range rows {
		if len(r) >= c && r[c-1] == code {
			return i + 1
		}
	}
	t.Fatalf("%s: no row with %q in column %s", sheet, code, col)
	return 0
}

func cellAt(col string, row int) string { return col + strconv.Itoa(row) }

// col is the letter of the column headed title in headings.
func col(t *testing.T, headings []string, title string) string {
	t.Helper()
	i := slices.Index(headings, title)
	if i < 0 {
		t.Fatalf("no column %q in %q", title, headings)
	}
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

// unitName is the name of the unit with the given code in the example
// config.
func unitName(t *testing.T, f *fixture, code string) string {
	t.Helper()
	for _, u := range f.cfg.UnitList() {
		if u.Code == code {
			return u.Name
		}
	}
	t.Fatalf("no unit %q in the example config", code)
	return ""
}

func TestWorkbookYear(t *testing.T) {
	f := seed(t)
	x := openWorkbook(t, f, load(t, f, export.Selection{Year: 2024}))

	monthly := "TH - Báo cáo CCHC"
	plan := export.StatusSheetName("Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023")
	if want := []string{plan, monthly, export.DetailSheet, export.SummarySheet}; !slices.Equal(x.GetSheetList(), want) {
		t.Fatalf("sheets %q, want %q", x.GetSheetList(), want)
	}
	if len([]rune(plan)) > 31 {
		t.Errorf("sheet name %q is over Excel's 31 characters", plan)
	}

	// Title block and headers: the due day's year is the sheet's, and a
	// one-off report's only column says when it was due.
	for _, c := range []struct{ sheet, cell, want string }{
		{monthly, "A1", "PHÒNG NỘI VỤ HUYỆN QUỲ HỢP"},
		{monthly, "A2", "TÌNH HÌNH NỘP BÁO CÁO CCHC NĂM 2024"},
		{monthly, "A3", "Lập lúc 09:00 ngày 01/03/2024 (số liệu tự động từ cchcbot)"},
		{monthly, "A5", "STT"}, {monthly, "B5", "Đơn vị"},
		{monthly, "C5", "Tháng 01/2024\nhạn 12/01"},
		{monthly, "D5", "Tháng 02/2024\nhạn 15/02"}, // Tết moved the 12th
		{monthly, "E5", "Tháng 03/2024\nhạn 12/03"},
		{monthly, "F5", ""}, // April has not opened
		{monthly, "A6", "Phòng, ban chuyên môn"},
		{plan, "C5", "Hạn nộp\n31/01"},
		{plan, "A2", "TÌNH HÌNH NỘP KẾ HOẠCH KHẮC PHỤC TỒN TẠI, HẠN CHẾ CCHC NĂM 2023, HẠN 31/01/2024"},
	} {
		if got := value(t, x, c.sheet, c.cell); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, got, c.want)
		}
	}
	panes, err := x.GetPanes(monthly)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 5 || panes.XSplit != 2 {
		t.Errorf("panes %+v, want the title, header and unit columns frozen", panes)
	}
	// A name longer than its column wraps, and its row is tall enough for
	// the lines: LibreOffice does not size rows to their text.
	long := rowOf(t, x, monthly, "B", unitName(t, f, "phong-ld-tbxh"))
	if h, err := x.GetRowHeight(monthly, long); err != nil || h < 30 {
		t.Errorf("the row of %q is %v pt tall (%v): its two lines do not fit", unitName(t, f, "phong-ld-tbxh"), h, err)
	}

	// States, dates and colours.
	cases := []struct {
		code, col, text, fill string
	}{
		{"phong-noi-vu", "D", "Đúng hạn\n10/02/2024", "C6EFCE"},
		{"phong-tu-phap", "D", "Trễ 3 ngày\n18/02/2024", "FFEB9C"},
		{"xa-chau-loc", "D", "Bị trả lại\nlần 1, 14/02", "E4DFEC"},
		{"xa-chau-dinh", "D", "Trễ 1 ngày\n16/02/2024", "FFEB9C"},
		{"xa-dong-hop", "D", "Đúng hạn\n11/02/2024", "C6EFCE"},
		{"xa-yen-hop", "D", "Chưa nộp", "FFC7CE"},
		{"xa-yen-hop", "C", "Chưa nộp", "FFC7CE"},
		{"xa-yen-hop", "E", "Chưa nộp\n(còn hạn)", "FFFFFF"},
	}
	for _, c := range cases {
		cell := cellAt(c.col, rowOf(t, x, monthly, "B", unitName(t, f, c.code)))
		if got := value(t, x, monthly, cell); got != c.text {
			t.Errorf("%s %s = %q, want %q", c.code, c.col, got, c.text)
		}
		if got := fill(t, x, monthly, cell); got != c.fill {
			t.Errorf("%s %s fill %s, want %s", c.code, c.col, got, c.fill)
		}
	}

	// Communes in Vietnamese order: Đồng Hợp after Châu..., before Hạ Sơn.
	rows, _ := x.GetRows(monthly)
	var communes []string
	for _, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[1], "UBND xã ") {
			communes = append(communes, strings.TrimPrefix(r[1], "UBND xã "))
		}
	}
	sorted := slices.Clone(communes)
	export.SortNamesVN(sorted)
	if !slices.Equal(communes, sorted) || len(communes) < 20 {
		t.Errorf("communes not in Vietnamese order: %q", communes)
	}
	if i, j := slices.Index(communes, "Đồng Hợp"), slices.Index(communes, "Hạ Sơn"); i < 0 || j != i+1 {
		t.Errorf("Đồng Hợp at %d, Hạ Sơn at %d: want Đồng Hợp just before Hạ Sơn", i, j)
	}
}

func TestWorkbookDetail(t *testing.T) {
	f := seed(t)
	x := openWorkbook(t, f, load(t, f, export.Selection{Year: 2024}))
	s := export.DetailSheet
	head, _ := x.GetRows(s)
	if !slices.Equal(head[4], export.DetailColumns) {
		t.Fatalf("detail headers %q", head[4])
	}
	col := func(name string) int { return slices.Index(export.DetailColumns, name) }
	var chauDinh, chauLoc, dongHop [][]string
	for _, r := range head[5:] {
		r = append(r, make([]string, len(export.DetailColumns)-len(r))...)
		if r[col("Kỳ báo cáo")] != "Tháng 02/2024" || r[col("Báo cáo")] != "Báo cáo CCHC" {
			continue
		}
		switch r[col("Mã đơn vị")] {
		case "xa-chau-dinh":
			chauDinh = append(chauDinh, r)
		case "xa-chau-loc":
			chauLoc = append(chauLoc, r)
		case "xa-dong-hop":
			dongHop = append(dongHop, r)
		}
	}
	if len(chauDinh) != 2 {
		t.Fatalf("Châu Đình has %d rows, want one per version", len(chauDinh))
	}
	v1, v2 := chauDinh[0], chauDinh[1]
	for name, want := range map[string]string{
		"Lần nộp": "1", "Trạng thái": "Bị trả lại", "Lý do trả lại": "Chưa ký, đóng dấu",
		"Thời điểm nộp": "13/02/2024 09:00", "Thời điểm xử lý": "13/02/2024 16:00", "Người xử lý": "100000001",
		"Tệp": "v1.pdf", "SHA-256": f.sums["%PDF-chau-dinh-v1"], "Số hiệu văn bản": "12/BC-XA-C",
		"Gia hạn đến": "", "Giải trình": "", "Miễn nộp (lý do)": "", "Đôn đốc": "",
	} {
		if got := v1[col(name)]; got != want {
			t.Errorf("Châu Đình v1 %s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{
		"Lần nộp": "2", "Trạng thái": "Đã nộp", "Trễ (ngày)": "1", "Thời điểm nộp": "16/02/2024 09:00",
		"Tệp": "v2:final?.pdf", "Người nộp": "Cán bộ xa-chau-dinh",
	} {
		if got := v2[col(name)]; got != want {
			t.Errorf("Châu Đình v2 %s = %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(v2[col("Số biên nhận")], "CCHC-2024-") {
		t.Errorf("receipt %q", v2[col("Số biên nhận")])
	}
	if len(chauLoc) != 1 || chauLoc[0][col("Nhắc việc đã gửi")] != "2" || chauLoc[0][col("Nhắc việc đã xác nhận")] != "1" {
		t.Errorf("Châu Lộc reminders: %q", chauLoc)
	}
	if len(dongHop) != 1 || dongHop[0][col("Tệp")] != "Báo cáo.pdf\nBáo cáo.pdf" ||
		dongHop[0][col("SHA-256")] != f.sums["%PDF-dong-hop-1"]+"\n"+f.sums["%PDF-dong-hop-2"] {
		t.Errorf("Đồng Hợp files: %q", dongHop)
	}
	// Two files, two lines: the row is as tall as its SHA-256 cell.
	if h, _ := x.GetRowHeight(s, rowOf(t, x, s, cellCol(col("Mã đơn vị")), "xa-dong-hop")); h < 30 {
		t.Errorf("Đồng Hợp's row is %v pt tall, too short for its two files", h)
	}
	// A unit with nothing still has a row, to follow its reminders.
	code, state := cellCol(col("Mã đơn vị")), cellCol(col("Trạng thái"))
	if r := rowOf(t, x, s, code, "xa-yen-hop"); value(t, x, s, cellAt(state, r)) != "Chưa nộp" {
		t.Errorf("Yên Hợp's row says %q", value(t, x, s, cellAt(state, r)))
	}
	id, _ := x.GetCellStyle(s, cellAt(cellCol(col("Thời điểm nộp")), rowOf(t, x, s, code, "phong-noi-vu")))
	st, _ := x.GetStyle(id)
	if st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy hh:mm" {
		t.Errorf("submission time is not an Excel date-time: numfmt %d %v", st.NumFmt, st.CustomNumFmt)
	}
	// The columns for the screen come after the printed ones.
	for _, name := range []string{"SHA-256", "Tệp", "Mã đơn vị"} {
		if col(name) < export.DetailPrintedColumns {
			t.Errorf("%s is printed", name)
		}
	}
	for _, name := range []string{"Kỳ báo cáo", "Đơn vị", "Trạng thái", "Gia hạn đến", "Giải trình", "Miễn nộp (lý do)", "Đôn đốc", "Số biên nhận"} {
		if col(name) >= export.DetailPrintedColumns {
			t.Errorf("%s is not printed", name)
		}
	}
}

// cellCol is the letter of the column at index i (from 0).
func cellCol(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

func TestWorkbookSummary(t *testing.T) {
	f := seed(t)
	x := openWorkbook(t, f, load(t, f, export.Selection{Year: 2024}))
	s := export.SummarySheet
	rows, _ := x.GetRows(s)
	if !slices.Equal(rows[4], export.SummaryColumns) {
		t.Fatalf("summary headers %q", rows[4])
	}
	// Owed: the plan (31/01), January and February; March is still open.
	code := col(t, export.SummaryColumns, "Mã đơn vị")
	figures := export.SummaryColumns[2:export.SummaryPrintedColumns]
	for code2, want := range map[string][]string{
		//               owed, on time, extended, late, missing, returned, rate, exempt, explained, escalated
		"phong-noi-vu":  {"3", "2", "0", "0", "1", "0", "66.7%", "0", "0", "0"},
		"phong-tu-phap": {"3", "0", "0", "1", "2", "0", "0.0%", "0", "0", "0"},
		"xa-chau-loc":   {"3", "0", "0", "0", "3", "1", "0.0%", "0", "0", "0"},
		"xa-chau-dinh":  {"3", "0", "0", "1", "2", "0", "0.0%", "0", "0", "0"},
		"xa-dong-hop":   {"3", "1", "0", "0", "2", "0", "33.3%", "0", "0", "0"},
	} {
		r := rowOf(t, x, s, code, code2)
		var got []string
		for _, h := range figures {
			got = append(got, value(t, x, s, cellAt(col(t, export.SummaryColumns, h), r)))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s summary %q, want %q", code2, got, want)
		}
	}
	// The note under the table says how extensions count.
	last := rows[len(rows)-1]
	if len(last) == 0 || last[0] != export.SummaryFootnote || !strings.Contains(last[0], "trong thời hạn được gia hạn") {
		t.Errorf("the last row is %q, want the footnote", last)
	}
}

func TestWorkbookOnePeriod(t *testing.T) {
	f := seed(t)
	x := openWorkbook(t, f, load(t, f, export.Selection{PeriodID: feb2024}))
	if want := []string{"TH - Báo cáo CCHC", export.DetailSheet, export.SummarySheet}; !slices.Equal(x.GetSheetList(), want) {
		t.Fatalf("sheets %q, want %q", x.GetSheetList(), want)
	}
	if got := value(t, x, "TH - Báo cáo CCHC", "A2"); got != "TÌNH HÌNH NỘP BÁO CÁO CCHC THÁNG 02/2024" {
		t.Errorf("title %q", got)
	}
	// One period, one column, with the due day's year.
	for cell, want := range map[string]string{"C5": "Tháng 02/2024\nhạn 15/02/2024", "D5": ""} {
		if got := value(t, x, "TH - Báo cáo CCHC", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
}

func TestArchive(t *testing.T) {
	f := seed(t)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	var buf bytes.Buffer
	entries, err := export.WriteArchive(ctx, &buf, f.db, &d.Kinds[0].Periods[0])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == export.ManifestName {
			got[zf.Name] = string(b)
			continue
		}
		sum := sha256.Sum256(b)
		got[zf.Name] = hex.EncodeToString(sum[:])
	}
	want := map[string]string{
		"phong-noi-vu - Phòng Nội vụ - Báo cáo CCHC tháng 2.pdf": f.sums["%PDF-noi-vu"],
		"phong-tu-phap - Phòng Tư pháp - BC tư pháp.pdf":         f.sums["%PDF-tu-phap"],
		"xa-chau-dinh - UBND xã Châu Đình - v2_final_.pdf":       f.sums["%PDF-chau-dinh-v2"], // the latest: nothing accepted
		"xa-chau-loc - UBND xã Châu Lộc - bao cao.pdf":           f.sums["%PDF-chau-loc-v1"],
		"xa-dong-hop - UBND xã Đồng Hợp - Báo cáo.pdf":           f.sums["%PDF-dong-hop-1"],
		"xa-dong-hop - UBND xã Đồng Hợp - Báo cáo (2).pdf":       f.sums["%PDF-dong-hop-2"],
	}
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("entry %q: sha256 %q, want %q", name, got[name], sum)
		}
	}
	if len(got) != len(want)+1 {
		t.Errorf("archive has %d entries, want %d files and the manifest: %q", len(got), len(want), slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		}))
	}
	man := got[export.ManifestName]
	if !strings.HasPrefix(man, "\uFEFF") {
		t.Error("the manifest has no byte-order mark: Excel would garble it")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(man, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], export.ManifestColumns) {
		t.Errorf("manifest header %q", recs[0])
	}
	byFile := map[string][]string{}
	units := map[string]bool{}
	for _, r := range recs[1:] {
		byFile[r[2]] = r
		units[r[0]] = true
	}
	for name, sum := range want {
		if byFile[name] == nil || byFile[name][3] != sum {
			t.Errorf("manifest row for %q: %q, want sha256 %s", name, byFile[name], sum)
		}
	}
	if r := byFile["xa-chau-loc - UBND xã Châu Lộc - bao cao.pdf"]; r[8] != "Bị trả lại" || r[7] != "14/02/2024 09:00" || r[5] != "1" {
		t.Errorf("Châu Lộc's manifest row %q", r)
	}
	if !units["xa-yen-hop"] || len(units) != 38 {
		t.Errorf("the manifest lists %d units, want all 38 including those with nothing", len(units))
	}
	if n := len(entries); n != 38-5+6 {
		t.Errorf("%d entries, want 33 empty and 6 files", n)
	}
}

func TestArchiveRefusesADamagedFile(t *testing.T) {
	f := seed(t)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	path, err := f.db.FilePath(f.sums["%PDF-tu-phap"])
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o600)
	if err := os.WriteFile(path, []byte("%PDF-tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = export.WriteArchive(ctx, io.Discard, f.db, &d.Kinds[0].Periods[0])
	if msg := cchcbot.ErrorMessage(err); err == nil || !strings.Contains(msg, "hư hỏng") || !strings.Contains(msg, "BC tư pháp.pdf") {
		t.Fatalf("archive of a tampered file: %v", err)
	}
}

func TestWindowsSafeName(t *testing.T) {
	for in, want := range map[string]string{
		`a - B - báo cáo.pdf`:        `a - B - báo cáo.pdf`,
		`x - y - ..\..\evil.pdf`:     `x - y - .._.._evil.pdf`,
		`x - y - a:b*c?"d"<e>|f.pdf`: `x - y - a_b_c__d__e__f.pdf`,
		"x - y - \u202Efdp.exe":      `x - y - fdp.exe`,
		"x - y - tên\x00\x07.pdf":    `x - y - tên.pdf`,
		`CON.pdf`:                    `_CON.pdf`,
		`name. . `:                   `name`,
		"":                           "tep",
	} {
		if got := export.WindowsSafeName(in); got != want {
			t.Errorf("WindowsSafeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := export.WindowsSafeName(strings.Repeat("dài ", 300) + ".docx")
	if n := len([]rune(long)); n > 150 || !strings.HasSuffix(long, ".docx") {
		t.Errorf("long name: %d runes, %q...", n, long[len(long)-10:])
	}
}

func TestSummaryText(t *testing.T) {
	f := seed(t)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	got := export.Summary(d, &d.Kinds[0].Periods[0])
	golden := filepath.Join("testdata", "summary-2024-02.txt")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("summary text differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

func TestSummaryTextBeforeTheDeadline(t *testing.T) {
	f := seed(t)
	f.now = at(f.cal, 2024, 2, 11, 17, 30)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	got := export.Summary(d, &d.Kinds[0].Periods[0])
	for _, want := range []string{
		"Số liệu tính đến 17:30 ngày 11/02/2024; kỳ báo cáo còn hạn.",
		"đơn vị chưa nộp (còn hạn): ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary before the deadline lacks %q:\n%s", want, got)
		}
	}
}
