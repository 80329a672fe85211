package export_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/export"
)

const admin = cchcbot.UserID("telegram:100000001")

// seedWorkflow is seed with the decisions of February 2024 on top:
//   - Phòng Tư pháp, 3 days late on 18/02, granted until 20/02 the next
//     day: on time;
//   - Bắc Sơn, with nothing, granted until 05/03: not yet due at 01/03;
//   - Châu Hồng, with nothing, asking until 10/03, undecided: missing;
//   - Yên Hợp exempt;
//   - Châu Cường 2 days late on 17/02, with its reason;
//   - Châu Lộc (returned) explaining itself without a report, and taken
//     up the ladder to its head on 20/02 and to the leaders on 23/02.
func seedWorkflow(t *testing.T) *fixture {
	t.Helper()
	f := seed(t)
	p, err := f.cal.Period(feb2024)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*cchcbot.Extension{
		{PeriodID: p.ID, UnitCode: "phong-tu-phap", State: cchcbot.ExtensionApproved, Until: cchcbot.D(2024, 2, 20),
			Reason: "Chờ số liệu của Sở Tư pháp", RequestedBy: admin, RequestedByName: "Chuyên viên Nội vụ", RequestedAt: at(f.cal, 2024, 2, 19, 10, 0)},
		{PeriodID: p.ID, UnitCode: "xa-bac-son", State: cchcbot.ExtensionApproved, Until: cchcbot.D(2024, 3, 5),
			RequestedBy: admin, RequestedAt: at(f.cal, 2024, 2, 14, 10, 0)},
		{PeriodID: p.ID, UnitCode: "xa-chau-hong", Proposed: cchcbot.D(2024, 3, 10), Reason: "Cán bộ đi tập huấn",
			RequestedBy: "telegram:777", RequestedAt: at(f.cal, 2024, 2, 15, 9, 0)},
	} {
		if err := f.db.CreateExtension(ctx, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.SetExemption(ctx, cchcbot.Exemption{PeriodID: p.ID, UnitCode: "xa-yen-hop", Reason: "Đang sáp nhập đơn vị hành chính",
		By: admin, ByName: "Trưởng phòng Nội vụ", At: at(f.cal, 2024, 2, 5, 8, 0)}, nil); err != nil {
		t.Fatal(err)
	}
	late := at(f.cal, 2024, 2, 17, 15, 0)
	if _, err := f.db.RecordSubmission(ctx, &cchcbot.Submission{PeriodID: p.ID, UnitCode: "xa-chau-cuong", SubmittedBy: "telegram:888",
		SubmittedAt: late, DaysLate: p.DaysLate(late), Note: "Đã hoàn thành", Explanation: "Mất điện kéo dài ba ngày"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddExplanation(ctx, &cchcbot.Explanation{PeriodID: p.ID, UnitCode: "xa-chau-loc", Text: "Cán bộ đầu mối nghỉ ốm,\nxin nộp lại sau",
		By: "telegram:555", At: at(f.cal, 2024, 2, 16, 8, 0)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Escalate(ctx, []cchcbot.Escalation{
		{PeriodID: p.ID, UnitCode: "xa-chau-loc", Level: cchcbot.EscalateHead, At: at(f.cal, 2024, 2, 20, 8, 0), DaysLate: 5},
		{PeriodID: p.ID, UnitCode: "xa-chau-loc", Level: cchcbot.EscalateLeaders, At: at(f.cal, 2024, 2, 23, 8, 0), DaysLate: 8, To: []string{"Phó Chủ tịch UBND huyện"}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestWorkbookWorkflow: each decision shows on the status sheet, in its
// column of the detail sheet, and in the yearly tally.
func TestWorkbookWorkflow(t *testing.T) {
	f := seedWorkflow(t)
	x := openWorkbook(t, f, load(t, f, export.Selection{Year: 2024}))
	monthly, detail, summary := "TH - Báo cáo CCHC", export.DetailSheet, export.SummarySheet
	dcol := func(name string) string { return col(t, export.DetailColumns, name) }
	scol := func(name string) string { return col(t, export.SummaryColumns, name) }
	// Each unit's February row on the detail sheet; the last version's.
	detailRow := func(code string) int {
		t.Helper()
		rows, err := x.GetRows(detail)
		if err != nil {
			t.Fatal(err)
		}
		k, c := slices.Index(export.DetailColumns, "Kỳ báo cáo"), slices.Index(export.DetailColumns, "Mã đơn vị")
		found := 0
		for i, r := range rows {
			if len(r) > c && r[k] == "Tháng 02/2024" && r[c] == code {
				found = i + 1
			}
		}
		if found == 0 {
			t.Fatalf("no February row of %s on the detail sheet", code)
		}
		return found
	}

	tests := []struct {
		name, code string
		// February's status cell: its text and fill.
		cell, fill string
		// The detail row's columns, by heading.
		detail map[string]string
		// The yearly tally: owed, on time, of which thanks to an
		// extension, late, missing, rate, exempt, explained, escalated.
		tally []string
	}{
		{
			name: "extension granted after a late report", code: "phong-tu-phap",
			cell: "Đúng hạn\n18/02/2024\nGH 20/02", fill: "C6EFCE",
			detail: map[string]string{"Trạng thái": "Đã nộp", "Trễ (ngày)": "0", "Gia hạn đến": "20/02/2024", "Giải trình": "", "Miễn nộp (lý do)": ""},
			tally:  []string{"3", "1", "1", "0", "2", "33.3%", "0", "0", "0"},
		},
		{
			name: "extension not yet due", code: "xa-bac-son",
			cell: "Chưa nộp\n(còn hạn)\nGH 05/03", fill: "FFFFFF",
			detail: map[string]string{"Trạng thái": "Chưa nộp (còn hạn)", "Gia hạn đến": "05/03/2024"},
			tally:  []string{"2", "0", "0", "0", "2", "0.0%", "0", "0", "0"},
		},
		{
			name: "extension asked, not decided", code: "xa-chau-hong",
			cell: "Chưa nộp", fill: "FFC7CE",
			detail: map[string]string{"Trạng thái": "Chưa nộp", "Gia hạn đến": "Xin đến 10/03/2024 (chờ xét)"},
			tally:  []string{"3", "0", "0", "0", "3", "0.0%", "0", "0", "0"},
		},
		{
			name: "exemption", code: "xa-yen-hop",
			cell: "Miễn nộp", fill: "DDEBF7",
			detail: map[string]string{"Trạng thái": "Được miễn nộp", "Miễn nộp (lý do)": "Đang sáp nhập đơn vị hành chính (Trưởng phòng Nội vụ, 05/02/2024)"},
			tally:  []string{"2", "0", "0", "0", "2", "0.0%", "1", "0", "0"},
		},
		{
			name: "explanation with a late report", code: "xa-chau-cuong",
			cell: "Trễ 2 ngày\n17/02/2024", fill: "FFEB9C",
			detail: map[string]string{"Trạng thái": "Đã nộp", "Trễ (ngày)": "2", "Giải trình": "Mất điện kéo dài ba ngày", "Gia hạn đến": ""},
			tally:  []string{"3", "0", "0", "1", "2", "0.0%", "0", "1", "0"},
		},
		{
			name: "explanation without a report, and escalation", code: "xa-chau-loc",
			cell: "Bị trả lại\nlần 1, 14/02", fill: "E4DFEC",
			detail: map[string]string{"Trạng thái": "Bị trả lại", "Giải trình": "16/02/2024: Cán bộ đầu mối nghỉ ốm,\nxin nộp lại sau",
				"Đôn đốc": "Thủ trưởng 20/02/2024\nLãnh đạo 23/02/2024"},
			tally: []string{"3", "0", "0", "0", "3", "0.0%", "0", "1", "1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cell := cellAt("D", rowOf(t, x, monthly, "B", unitName(t, f, tc.code)))
			if got := value(t, x, monthly, cell); got != tc.cell {
				t.Errorf("status cell %q, want %q", got, tc.cell)
			}
			if got := fill(t, x, monthly, cell); got != tc.fill {
				t.Errorf("status fill %s, want %s", got, tc.fill)
			}
			r := detailRow(tc.code)
			for name, want := range tc.detail {
				if got := value(t, x, detail, cellAt(dcol(name), r)); got != want {
					t.Errorf("detail %s = %q, want %q", name, got, want)
				}
			}
			sr := rowOf(t, x, summary, scol("Mã đơn vị"), tc.code)
			var got []string
			for _, h := range []string{"Số kỳ phải nộp", "Đúng hạn", "Trong đó nhờ gia hạn", "Trễ hạn", "Chưa nộp", "Tỷ lệ đúng hạn",
				"Số kỳ được miễn nộp", "Số kỳ có giải trình", "Số kỳ bị đôn đốc"} {
				got = append(got, value(t, x, summary, cellAt(scol(h), sr)))
			}
			if !slices.Equal(got, tc.tally) {
				t.Errorf("tally %q, want %q", got, tc.tally)
			}
		})
	}

	// A cell with an extension has three lines, and its row room for them.
	r := rowOf(t, x, monthly, "B", unitName(t, f, "phong-tu-phap"))
	if h, err := x.GetRowHeight(monthly, r); err != nil || h < 39 {
		t.Errorf("a row with an extension is %v pt tall (%v): three lines do not fit", h, err)
	}
}

// TestSummaryTextWorkflow: the period's text counts an extension's report
// as on time and says so, leaves the exempt unit out of those owing, and
// names the units granted more time, exempt, explained and escalated.
func TestSummaryTextWorkflow(t *testing.T) {
	f := seedWorkflow(t)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	got := export.Summary(d, &d.Kinds[0].Periods[0])
	owed := len(d.Kinds[0].Periods[0].Status.Units) - 1
	for _, want := range []string{
		"Trong kỳ, 3/" + strconv.Itoa(owed) + " đơn vị nộp đúng hạn (trong đó 1 đơn vị nộp trong thời hạn được gia hạn)",
		"2 đơn vị nộp trễ: UBND xã Châu Cường (2 ngày), UBND xã Châu Đình (1 ngày)",
		"1 đơn vị được gia hạn, chưa nộp (còn hạn): UBND xã Bắc Sơn",
		"1 đơn vị được miễn nộp: UBND xã Yên Hợp.",
		"1. UBND xã Châu Cường – trễ 2 ngày (nộp ngày 17/02/2024); giải trình: Mất điện kéo dài ba ngày.\n",
		"1. UBND xã Châu Lộc – giải trình: Cán bộ đầu mối nghỉ ốm, xin nộp lại sau; đã báo cáo lãnh đạo ngày 23/02/2024.\n",
		"Các đơn vị được gia hạn (2):\n1. Phòng Tư pháp – gia hạn đến 20/02/2024, nộp ngày 18/02/2024, đúng hạn.\n" +
			"2. UBND xã Bắc Sơn – gia hạn đến 05/03/2024, chưa nộp (còn hạn).\n",
		"Các đơn vị được miễn nộp (1):\n1. UBND xã Yên Hợp – lý do: Đang sáp nhập đơn vị hành chính.\n",
		"UBND xã Châu Hồng – xin gia hạn đến 10/03/2024 (chờ xét).\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	// Neither a unit granted more time nor the exempt one is missing.
	_, missing, _ := strings.Cut(got, "Các đơn vị chưa nộp (")
	missing, _, _ = strings.Cut(missing, "\n\n")
	for _, name := range []string{"UBND xã Bắc Sơn", "UBND xã Yên Hợp", "Phòng Tư pháp"} {
		if strings.Contains(missing, name) {
			t.Errorf("%s is listed as missing:\n%s", name, got)
		}
	}
	if !strings.Contains(missing, "UBND xã Châu Hồng") {
		t.Errorf("Châu Hồng, whose request is undecided, is not listed as missing:\n%s", got)
	}
}

// TestWorkbookRequests: an ad-hoc request is a kind like the configured
// ones, with its own status sheet and its rows on the detail sheet; a
// cancelled one keeps its sheet, titled as cancelled, with the reports
// sent before it was withdrawn and "Đã hủy" for the rest, and counts for
// nobody in the tally.
func TestWorkbookRequests(t *testing.T) {
	f := seed(t)
	open := &cchcbot.Request{Title: "Báo cáo kết quả triển khai Đề án 06", Due: cchcbot.D(2024, 2, 23),
		Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, CreatedBy: admin, CreatedAt: at(f.cal, 2024, 2, 16, 8, 0)}
	gone := &cchcbot.Request{Title: "Báo cáo số liệu thủ tục hành chính", Due: cchcbot.D(2024, 2, 28),
		Units: []string{"phong-noi-vu", "phong-tu-phap"}, CreatedBy: admin, CreatedAt: at(f.cal, 2024, 2, 19, 8, 0)}
	for _, r := range []*cchcbot.Request{open, gone} {
		if err := f.db.CreateRequest(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*cchcbot.Submission{
		{PeriodID: open.PeriodID(), UnitCode: "xa-chau-loc", SubmittedBy: "telegram:555", SubmittedAt: at(f.cal, 2024, 2, 20, 9, 0), Note: "Đã báo cáo"},
		{PeriodID: gone.PeriodID(), UnitCode: "phong-noi-vu", SubmittedBy: "telegram:1", SubmittedAt: at(f.cal, 2024, 2, 20, 10, 0), Note: "Đã báo cáo"},
	} {
		if err := f.db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.UpdateRequest(ctx, gone.ID, admin, at(f.cal, 2024, 2, 21, 8, 0), func(r *cchcbot.Request) error {
		r.CancelledAt, r.CancelledBy, r.CancelReason = at(f.cal, 2024, 2, 21, 8, 0), admin, "Đã có số liệu từ phần mềm"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	rs, err := f.db.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal := f.cal.WithRequests(rs)
	d, err := export.Load(ctx, f.db, cal, f.cfg.Office, export.Selection{Year: 2024}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	x := openWorkbook(t, f, d)
	openSheet, goneSheet := export.StatusSheetName(open.Title), export.StatusSheetName(gone.Title)
	if sheets := x.GetSheetList(); !slices.Contains(sheets, openSheet) || !slices.Contains(sheets, goneSheet) {
		t.Fatalf("sheets %q lack the requests' %q and %q", sheets, openSheet, goneSheet)
	}
	for sheet, want := range map[string]string{
		openSheet: "TÌNH HÌNH NỘP BÁO CÁO KẾT QUẢ TRIỂN KHAI ĐỀ ÁN 06, HẠN 23/02/2024",
		goneSheet: "TÌNH HÌNH NỘP BÁO CÁO SỐ LIỆU THỦ TỤC HÀNH CHÍNH, HẠN 28/02/2024 (YÊU CẦU ĐÃ HỦY)",
	} {
		if got := value(t, x, sheet, "A2"); got != want {
			t.Errorf("%s: title %q, want %q", sheet, got, want)
		}
	}
	for _, c := range []struct {
		sheet, code, text, fill string
	}{
		{openSheet, "xa-chau-loc", "Đúng hạn\n20/02/2024", "C6EFCE"},
		{openSheet, "xa-yen-hop", "Chưa nộp", "FFC7CE"},
		{goneSheet, "phong-noi-vu", "Đúng hạn\n20/02/2024", "C6EFCE"},
		{goneSheet, "phong-tu-phap", "Đã hủy", "D9D9D9"},
	} {
		cell := cellAt("C", rowOf(t, x, c.sheet, "B", unitName(t, f, c.code)))
		if got := value(t, x, c.sheet, cell); got != c.text {
			t.Errorf("%s, %s: %q, want %q", c.sheet, c.code, got, c.text)
		}
		if got := fill(t, x, c.sheet, cell); got != c.fill {
			t.Errorf("%s, %s: fill %s, want %s", c.sheet, c.code, got, c.fill)
		}
	}
	if rows, _ := x.GetRows(goneSheet); len(rows) != 5+1+2 {
		t.Errorf("the request of two departments has %d rows, want the title block, a group and two units", len(rows))
	}
	// The open request is owed; the cancelled one is not, not even by the
	// unit that met it.
	summary := export.SummarySheet
	owed := col(t, export.SummaryColumns, "Số kỳ phải nộp")
	code := col(t, export.SummaryColumns, "Mã đơn vị")
	for unit, want := range map[string]string{"xa-chau-loc": "4", "phong-noi-vu": "3", "phong-tu-phap": "3"} {
		if got := value(t, x, summary, cellAt(owed, rowOf(t, x, summary, code, unit))); got != want {
			t.Errorf("%s owes %s periods, want %s", unit, got, want)
		}
	}
	// The detail sheet names the request's period by its due day.
	rows, _ := x.GetRows(export.DetailSheet)
	k, p := slices.Index(export.DetailColumns, "Báo cáo"), slices.Index(export.DetailColumns, "Kỳ báo cáo")
	state := slices.Index(export.DetailColumns, "Trạng thái")
	var cancelled []string
	for _, r := range rows {
		if len(r) > state && r[k] == gone.Title {
			if r[p] != "Hạn 28/02/2024" {
				t.Errorf("the request's period is %q on the detail sheet", r[p])
			}
			cancelled = append(cancelled, r[state])
		}
	}
	if !slices.Equal(cancelled, []string{"Đã nộp", "Đã hủy"}) {
		t.Errorf("the cancelled request's detail rows say %q", cancelled)
	}

	for _, kd := range d.Kinds {
		if kd.Kind.ID == gone.ID {
			text := export.Summary(d, &kd.Periods[0])
			if !strings.Contains(text, "Yêu cầu báo cáo này đã được hủy; các đơn vị không còn phải nộp. Trước khi hủy, 1/2 đơn vị đã nộp.") {
				t.Errorf("the cancelled request's summary:\n%s", text)
			}
		}
	}
}

// TestWorkbookGroupLabels: group headings are the office's own.
func TestWorkbookGroupLabels(t *testing.T) {
	f := seed(t)
	cal := f.cal.Clone()
	cal.GroupLabels = cchcbot.GroupLabels{cchcbot.GroupDepartment: "Sở, ban, ngành", cchcbot.GroupCommune: "Xã, phường"}
	d, err := export.Load(ctx, f.db, cal, f.cfg.Office, export.Selection{Year: 2024}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	x := openWorkbook(t, f, d)
	for _, sheet := range []string{"TH - Báo cáo CCHC", export.SummarySheet} {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var groups []string
		for _, r := range rows[5:] {
			if len(r) > 0 && r[0] != "" && !isNumber(r[0]) {
				groups = append(groups, r[0])
			}
		}
		if want := []string{"Sở, ban, ngành", "Đơn vị sự nghiệp", "Xã, phường"}; !slices.Equal(groups[:min(3, len(groups))], want) {
			t.Errorf("%s: group headings %q, want %q", sheet, groups, want)
		}
	}
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
