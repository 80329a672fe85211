package cchcbot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// kindsCalendar is testCalendar (its working days, Tết 2024 and 2025, its
// reminders) with a report of every longer schedule.
func kindsCalendar() *cchcbot.Calendar {
	cal := testCalendar()
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	kind := func(id, title string, s cchcbot.Schedule, w cchcbot.Window) cchcbot.ReportKind {
		return cchcbot.ReportKind{ID: id, Title: title, Schedule: s, Window: w, RequiresFile: true, Groups: all, OpenDays: 20, LateDays: 30}
	}
	calendarQuarter := cchcbot.Window{FromDay: 1, ToDay: 31, StartShift: 1} // 01/01 – 31/03
	cal.Kinds = []cchcbot.ReportKind{
		kind("bao-cao-thang", "Báo cáo CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 20}, cchcbot.WindowND09),
		kind("bao-cao-quy", "Báo cáo CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 20}, cchcbot.WindowND09),
		// Due on the 5th of the month after the quarter, quý II left to
		// the half-year report; calendar quarters.
		kind("quy-sau", "Báo cáo quý", cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 5, MonthsAfter: 1,
			Parts: cchcbot.PartsOf(1, 3, 4)}, calendarQuarter),
		kind("bao-cao-6-thang", "Báo cáo CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleHalfYearly, Day: 20}, cchcbot.WindowND09),
		kind("bao-cao-9-thang", "Báo cáo CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleNineMonths, Day: 20}, cchcbot.WindowND09),
		kind("bao-cao-nam", "Báo cáo CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.December, Day: 20}, cchcbot.WindowND09),
		kind("tong-ket-nam", "Báo cáo tổng kết CCHC", cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.January, Day: 31}, cchcbot.WindowND09),
		// A year from July to June, due in July.
		kind("nam-hoc", "Báo cáo năm học", cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.July, Day: 15},
			cchcbot.Window{FromDay: 1, ToDay: 30, StartShift: 1, EndMonth: time.June}),
		// Clamping: the 31st of short months, a year ending in February.
		kind("cuoi-thang-sau", "Báo cáo 6 tháng", cchcbot.Schedule{Kind: cchcbot.ScheduleHalfYearly, Day: 31, MonthsAfter: 1},
			cchcbot.Window{FromDay: 31, ToDay: 31}),
		kind("quy-31", "Báo cáo quý", cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 31}, cchcbot.Window{FromDay: 31, ToDay: 31}),
		kind("nam-thang-2", "Báo cáo năm", cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.February, Day: 29},
			cchcbot.Window{FromDay: 1, ToDay: 29, StartShift: 1, EndMonth: time.February}),
	}
	return cal
}

func TestPeriodKinds(t *testing.T) {
	cal := kindsCalendar()
	tests := []struct {
		name, id, nominal, due, windowFrom, windowTo, label string
	}{
		{"monthly nd09, window from the previous year", "bao-cao-thang/2024-01", "2024-01-20", "2024-01-22", "2023-12-15", "2024-01-14",
			"Báo cáo CCHC tháng 01/2024"},
		{"quarter 1 window from 15/12 of the year before", "bao-cao-quy/2024-Q1", "2024-03-20", "2024-03-20", "2023-12-15", "2024-03-14",
			"Báo cáo CCHC quý I/2024"},
		{"quarter 2", "bao-cao-quy/2024-Q2", "2024-06-20", "2024-06-20", "2024-03-15", "2024-06-14", "Báo cáo CCHC quý II/2024"},
		{"quarter 4", "bao-cao-quy/2024-Q4", "2024-12-20", "2024-12-20", "2024-09-15", "2024-12-14", "Báo cáo CCHC quý IV/2024"},
		{"quarter 1 of 2025 from 15/12/2024", "bao-cao-quy/2025-Q1", "2025-03-20", "2025-03-20", "2024-12-15", "2025-03-14",
			"Báo cáo CCHC quý I/2025"},
		{"month after the quarter, calendar quarter", "quy-sau/2024-Q1", "2024-04-05", "2024-04-05", "2024-01-01", "2024-03-31",
			"Báo cáo quý quý I/2024"},
		{"05/10/2024 a Saturday; September has 30 days", "quy-sau/2024-Q3", "2024-10-05", "2024-10-07", "2024-07-01", "2024-09-30",
			"Báo cáo quý quý III/2024"},
		{"quarter 4 due in the next year, on a Sunday", "quy-sau/2024-Q4", "2025-01-05", "2025-01-06", "2024-10-01", "2024-12-31",
			"Báo cáo quý quý IV/2024"},
		{"first half", "bao-cao-6-thang/2024-H1", "2024-06-20", "2024-06-20", "2023-12-15", "2024-06-14",
			"Báo cáo CCHC 6 tháng đầu năm 2024"},
		{"second half", "bao-cao-6-thang/2024-H2", "2024-12-20", "2024-12-20", "2024-06-15", "2024-12-14",
			"Báo cáo CCHC 6 tháng cuối năm 2024"},
		{"nine months", "bao-cao-9-thang/2024-9T", "2024-09-20", "2024-09-20", "2023-12-15", "2024-09-14",
			"Báo cáo CCHC 9 tháng năm 2024"},
		{"year due in December", "bao-cao-nam/2024", "2024-12-20", "2024-12-20", "2023-12-15", "2024-12-14", "Báo cáo CCHC năm 2024"},
		{"year due in January covers the year before; Tết 2025", "tong-ket-nam/2025", "2025-01-31", "2025-02-03", "2023-12-15", "2024-12-14",
			"Báo cáo tổng kết CCHC năm 2025"},
		{"year to June", "nam-hoc/2024", "2024-07-15", "2024-07-15", "2023-07-01", "2024-06-30", "Báo cáo năm học năm 2024"},
		{"31st of July; window from 31/12", "cuoi-thang-sau/2024-H1", "2024-07-31", "2024-07-31", "2023-12-31", "2024-06-30",
			"Báo cáo 6 tháng 6 tháng đầu năm 2024"},
		{"31st of January of the next year, a Saturday", "cuoi-thang-sau/2025-H2", "2026-01-31", "2026-02-02", "2025-06-30", "2025-12-31",
			"Báo cáo 6 tháng 6 tháng cuối năm 2025"},
		{"31st of a 30-day quarter end", "quy-31/2024-Q2", "2024-06-30", "2024-07-01", "2024-03-31", "2024-06-30", "Báo cáo quý quý II/2024"},
		{"year to 29/02 in a leap year", "nam-thang-2/2024", "2024-02-29", "2024-02-29", "2023-03-01", "2024-02-29", "Báo cáo năm năm 2024"},
		{"year to 28/02", "nam-thang-2/2023", "2023-02-28", "2023-02-28", "2022-03-01", "2023-02-28", "Báo cáo năm năm 2023"},
		{"2100 is not a leap year", "nam-thang-2/2100", "2100-02-28", "2100-03-01", "2099-03-01", "2100-02-28", "Báo cáo năm năm 2100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cal.Period(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{p.ID, p.NominalDue.String(), p.Due.String(), p.WindowFrom.String(), p.WindowTo.String(), p.Label}
			want := []string{tc.id, tc.nominal, tc.due, tc.windowFrom, tc.windowTo, tc.label}
			if !slices.Equal(got, want) {
				t.Errorf("id, nominal, due, window, label =\n%q\nwant\n%q", got, want)
			}
			if want := date(tc.due).AddDays(1).In(hcm).Add(-time.Nanosecond); !p.Deadline.Equal(want) {
				t.Errorf("Deadline = %s, want %s", p.Deadline, want)
			}
			if !p.Opens.Equal(date(tc.due).AddDays(-20).In(hcm)) || !p.Closes.Equal(date(tc.due).AddDays(31).In(hcm)) {
				t.Errorf("open %s – %s: want 20 days before and 30 after the due day", p.Opens, p.Closes)
			}
		})
	}
}

func TestPeriodKindIDs(t *testing.T) {
	cal := kindsCalendar()
	for _, id := range []string{"bao-cao-quy/2024-Q0", "bao-cao-quy/2024-Q5", "bao-cao-quy/2024-q1", "bao-cao-quy/2024-Q01",
		"bao-cao-quy/2024-Q+1", "bao-cao-quy/2024Q1", "bao-cao-quy/24-Q1", "bao-cao-quy/02024-Q1", "bao-cao-quy/+2024-Q1",
		"bao-cao-quy/1899-Q4", "bao-cao-quy/2024", "bao-cao-quy/2024-03", "bao-cao-quy/2024-H1", "bao-cao-quy/2024-Q1 ",
		"quy-sau/2024-Q2", // not a quarter the kind takes
		"bao-cao-6-thang/2024-H0", "bao-cao-6-thang/2024-H3", "bao-cao-6-thang/2024-Q1", "bao-cao-6-thang/2024",
		"bao-cao-9-thang/2024-9t", "bao-cao-9-thang/2024", "bao-cao-9-thang/2024-9", "bao-cao-9-thang/2024-Q3",
		"bao-cao-nam/2024-Q1", "bao-cao-nam/2024-12", "bao-cao-thang/2024-Q1"} {
		if p, err := cal.Period(id); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
			t.Errorf("Period(%q) = %q, %v; want ENOTFOUND", id, p.ID, err)
		}
	}
}

// A quarterly report due in the month after the quarter: quý IV of 2023
// falls due in 2024, quý IV of 2024 in 2025, quý II never.
func TestPeriodsAcrossTheYear(t *testing.T) {
	cal := kindsCalendar()
	k, _ := cal.Kind("quy-sau")
	var got []string
	for _, p := range cal.PeriodsOf(k, date("2024-01-01"), date("2024-12-31")) {
		got = append(got, p.ID+"@"+p.Due.String())
	}
	want := []string{"quy-sau/2023-Q4@2024-01-05", "quy-sau/2024-Q1@2024-04-05", "quy-sau/2024-Q3@2024-10-07"}
	if !slices.Equal(got, want) {
		t.Errorf("periods of 2024 = %q, want %q", got, want)
	}
	k, _ = cal.Kind("bao-cao-6-thang")
	if ps := cal.PeriodsOf(k, date("2024-06-20"), date("2024-12-19")); len(ps) != 1 || ps[0].ID != "bao-cao-6-thang/2024-H1" {
		t.Errorf("half-year periods due 20/06 – 19/12/2024 = %v", ps)
	}
}

// The reminder plan, opening and the working-day shift are the monthly
// report's, unchanged: quý III due Saturday 05/10/2024 moves to Monday.
func TestPlanOfAQuarter(t *testing.T) {
	cal := kindsCalendar()
	p, err := cal.Period("quy-sau/2024-Q3")
	if err != nil {
		t.Fatal(err)
	}
	want := `before-7 2024-09-30 08:00 Mon
before-1 2024-10-04 08:00 Fri
due 2024-10-07 08:00 Mon
overdue-1 2024-10-09 08:00 Wed
overdue-2 2024-10-11 08:00 Fri
overdue-3 2024-10-14 08:00 Mon
`
	if got := planString(cal.Plan(p)); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	open := cal.OpenPeriods(at("2024-10-01 09:00"))
	if !slices.ContainsFunc(open, func(q cchcbot.Period) bool { return q.ID == p.ID }) {
		t.Errorf("quý III is not open on 01/10/2024: %v", open)
	}
	if !p.OnTime(at("2024-10-07 23:00")) || p.DaysLate(at("2024-10-09 10:00")) != 2 {
		t.Errorf("on time, days late = %v, %d", p.OnTime(at("2024-10-07 23:00")), p.DaysLate(at("2024-10-09 10:00")))
	}
}

func TestScheduleVN(t *testing.T) {
	cal := kindsCalendar()
	for id, want := range map[string]string{
		"bao-cao-thang":   "hạn ngày 20 hằng tháng; số liệu từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)",
		"bao-cao-quy":     "hạn ngày 20 tháng 3, 6, 9, 12; số liệu từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)",
		"quy-sau":         "hạn ngày 5 tháng 4, 10, 1 (tháng sau kỳ báo cáo), chỉ các kỳ quý I, quý III, quý IV; số liệu từ ngày 01/01 đến ngày 31/03 ở kỳ đầu năm, các kỳ sau tính tương tự",
		"bao-cao-6-thang": "hạn ngày 20 tháng 6, 12; số liệu từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)",
		"bao-cao-9-thang": "hạn ngày 20 tháng 9; số liệu từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ (Nghị định 09/2019/NĐ-CP)",
		"nam-hoc":         "hạn ngày 15/07 hằng năm; số liệu từ ngày 01/07 đến ngày 30/06",
	} {
		k, _ := cal.Kind(id)
		if got := k.ScheduleVN(); got != want {
			t.Errorf("%s: ScheduleVN =\n%s\nwant\n%s", id, got, want)
		}
	}
	k, _ := testCalendar().Kind("bao-cao-thang")
	if got := k.ScheduleVN(); !strings.HasSuffix(got, "số liệu từ ngày 12 tháng trước đến ngày 12") {
		t.Errorf("Quỳ Hợp's monthly report: %s", got)
	}
}

func TestPartSet(t *testing.T) {
	s := cchcbot.PartsOf(1, 3, 9, 0, -1)
	for n, want := range map[int]bool{0: false, 1: true, 2: false, 3: true, 4: false, 9: false} {
		if s.Has(n) != want {
			t.Errorf("PartsOf(1, 3).Has(%d) = %v", n, !want)
		}
	}
	var all cchcbot.PartSet
	if !all.Has(1) || !all.Has(4) || all.Has(0) || all.Has(9) {
		t.Error("the zero set does not hold every part 1–8")
	}
}
