package cchcbot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

var hcm = mustLoc(cchcbot.DefaultTimezone)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func date(s string) cchcbot.Date {
	d, err := cchcbot.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

func holidays(ranges ...string) map[cchcbot.Date]string {
	m := map[cchcbot.Date]string{}
	for _, r := range ranges {
		from, to, _ := strings.Cut(r, "..")
		if to == "" {
			to = from
		}
		for d := date(from); !d.After(date(to)); d = d.AddDays(1) {
			m[d] = "nghỉ lễ"
		}
	}
	return m
}

// testCalendar is the district letter's calendar: the plan due 31/01/2024,
// the monthly report due on the 12th with data from the 12th to the 12th,
// and the Tết breaks of 2024 and 2025.
func testCalendar() *cchcbot.Calendar {
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	return &cchcbot.Calendar{
		Location: hcm,
		Work: cchcbot.WorkCalendar{
			Weekends: map[time.Weekday]bool{time.Saturday: true, time.Sunday: true},
			Holidays: holidays("2024-01-01", "2024-02-08..2024-02-14", "2024-04-18",
				"2024-04-27..2024-05-01", "2024-08-31..2024-09-03", "2025-01-01", "2025-01-25..2025-02-02"),
			WorkingDays: map[cchcbot.Date]string{date("2024-05-04"): "làm bù"},
		},
		Kinds: []cchcbot.ReportKind{
			{ID: "ke-hoach-khac-phuc", Title: "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023",
				Schedule:     cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: date("2024-01-31")},
				RequiresFile: true, Groups: all, OpenDays: 30, LateDays: 90},
			{ID: "bao-cao-thang", Title: "Báo cáo CCHC",
				Schedule:     cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12},
				Window:       cchcbot.Window{FromDay: 12, ToDay: 12},
				RequiresFile: true, Groups: all, Start: date("2024-01-01"), OpenDays: 20, LateDays: 90},
			{ID: "tong-ket-nam", Title: "Báo cáo tổng kết CCHC",
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.January, Day: 31},
				Groups:   all, OpenDays: 20, LateDays: 30},
		},
		Reminders: cchcbot.ReminderPolicy{
			TimeOfDay: cchcbot.TimeOfDay{Hour: 8}, DaysBefore: []int{7, 3, 1, 0},
			OverdueEvery: 2, OverdueMax: 3, DigestTime: cchcbot.TimeOfDay{Hour: 7, Minute: 30},
			QuietFrom: cchcbot.TimeOfDay{Hour: 21}, QuietTo: cchcbot.TimeOfDay{Hour: 7},
		},
		ShiftDeadlines: true,
	}
}

func TestPeriodDeadlines(t *testing.T) {
	cal := testCalendar()
	tests := []struct {
		name, id, nominal, due, windowFrom, windowTo, label string
	}{
		{"plan inside no break", "ke-hoach-khac-phuc/2024", "2024-01-31", "2024-01-31", "", "",
			"Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023"},
		{"12/02/2024 inside Tết 08–14/02", "bao-cao-thang/2024-02", "2024-02-12", "2024-02-15", "2024-01-12", "2024-02-12",
			"Báo cáo CCHC tháng 02/2024"},
		{"12/05/2024 is a Sunday", "bao-cao-thang/2024-05", "2024-05-12", "2024-05-13", "2024-04-12", "2024-05-12",
			"Báo cáo CCHC tháng 05/2024"},
		{"12/10/2024 is a Saturday", "bao-cao-thang/2024-10", "2024-10-12", "2024-10-14", "2024-09-12", "2024-10-12",
			"Báo cáo CCHC tháng 10/2024"},
		{"working day unchanged", "bao-cao-thang/2024-03", "2024-03-12", "2024-03-12", "2024-02-12", "2024-03-12",
			"Báo cáo CCHC tháng 03/2024"},
		{"31/01/2025 inside Tết 25/01–02/02/2025", "tong-ket-nam/2025", "2025-01-31", "2025-02-03", "", "",
			"Báo cáo tổng kết CCHC năm 2025"},
		{"December→January window, 12/01/2025 a Sunday", "bao-cao-thang/2025-01", "2025-01-12", "2025-01-13",
			"2024-12-12", "2025-01-12", "Báo cáo CCHC tháng 01/2025"},
		{"January window from December", "bao-cao-thang/2024-01", "2024-01-12", "2024-01-12", "2023-12-12", "2024-01-12",
			"Báo cáo CCHC tháng 01/2024"},
		{"make-up Saturday is a working day", "bao-cao-thang/2024-06", "2024-06-12", "2024-06-12", "2024-05-12", "2024-06-12",
			"Báo cáo CCHC tháng 06/2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cal.Period(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.NominalDue.String(); got != tc.nominal {
				t.Errorf("NominalDue = %s, want %s", got, tc.nominal)
			}
			if got := p.Due.String(); got != tc.due {
				t.Errorf("Due = %s, want %s", got, tc.due)
			}
			if got := p.WindowFrom.String(); got != tc.windowFrom {
				t.Errorf("WindowFrom = %s, want %s", got, tc.windowFrom)
			}
			if got := p.WindowTo.String(); got != tc.windowTo {
				t.Errorf("WindowTo = %s, want %s", got, tc.windowTo)
			}
			if p.Label != tc.label {
				t.Errorf("Label = %q, want %q", p.Label, tc.label)
			}
			if p.Shifted() != (tc.nominal != tc.due) {
				t.Errorf("Shifted = %v", p.Shifted())
			}
			wantDeadline := date(tc.due).AddDays(1).In(hcm).Add(-time.Nanosecond)
			if !p.Deadline.Equal(wantDeadline) {
				t.Errorf("Deadline = %s, want %s", p.Deadline, wantDeadline)
			}
		})
	}
}

func TestShiftSwitchedOff(t *testing.T) {
	cal := testCalendar()
	cal.ShiftDeadlines = false
	p, err := cal.Period("bao-cao-thang/2024-02")
	if err != nil {
		t.Fatal(err)
	}
	if p.Due != date("2024-02-12") || p.Shifted() {
		t.Fatalf("Due = %s (shifted %v), want 2024-02-12 unshifted", p.Due, p.Shifted())
	}
}

func TestLeapYears(t *testing.T) {
	cal := testCalendar()
	cal.Kinds = []cchcbot.ReportKind{{ID: "cuoi-thang", Title: "Báo cáo cuối tháng",
		Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 30},
		Window:   cchcbot.Window{FromDay: 31, ToDay: 30}, Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune},
		OpenDays: 10, LateDays: 30}}
	cal.ShiftDeadlines = false
	for _, tc := range []struct{ id, due, from, to string }{
		{"cuoi-thang/2024-02", "2024-02-29", "2024-01-31", "2024-02-29"}, // leap year
		{"cuoi-thang/2023-02", "2023-02-28", "2023-01-31", "2023-02-28"},
		{"cuoi-thang/2100-02", "2100-02-28", "2100-01-31", "2100-02-28"}, // not a leap year
		{"cuoi-thang/2024-03", "2024-03-30", "2024-02-29", "2024-03-30"}, // window from the 31st of February
	} {
		p, err := cal.Period(tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Due.String() != tc.due || p.WindowFrom.String() != tc.from || p.WindowTo.String() != tc.to {
			t.Errorf("%s: due %s window %s–%s, want %s %s–%s", tc.id, p.Due, p.WindowFrom, p.WindowTo, tc.due, tc.from, tc.to)
		}
	}
}

func TestPeriodsOf2024(t *testing.T) {
	cal := testCalendar()
	ps := cal.Periods(date("2024-01-01"), date("2024-12-31"))
	var got []string
	for _, p := range ps {
		got = append(got, p.ID+"@"+p.Due.String())
	}
	want := []string{
		"bao-cao-thang/2024-01@2024-01-12",
		"ke-hoach-khac-phuc/2024@2024-01-31",
		"tong-ket-nam/2024@2024-01-31",
		"bao-cao-thang/2024-02@2024-02-15",
		"bao-cao-thang/2024-03@2024-03-12",
		"bao-cao-thang/2024-04@2024-04-12",
		"bao-cao-thang/2024-05@2024-05-13",
		"bao-cao-thang/2024-06@2024-06-12",
		"bao-cao-thang/2024-07@2024-07-12",
		"bao-cao-thang/2024-08@2024-08-12",
		"bao-cao-thang/2024-09@2024-09-12",
		"bao-cao-thang/2024-10@2024-10-14",
		"bao-cao-thang/2024-11@2024-11-12",
		"bao-cao-thang/2024-12@2024-12-12",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("periods of 2024:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPeriodIDs(t *testing.T) {
	cal := testCalendar()
	for _, id := range []string{"", "bao-cao-thang", "bao-cao-thang/", "/2024-02", "bao-cao-thang/2024-13",
		"bao-cao-thang/2023-12", // before the kind's start
		"bao-cao-thang/24-02", "khong-co/2024-02", "ke-hoach-khac-phuc/2025", "tong-ket-nam/0024",
		"tong-ket-nam/+2024", "bao-cao-thang/2024-02/../x"} {
		if _, err := cal.Period(id); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
			t.Errorf("Period(%q) err = %v, want ENOTFOUND", id, err)
		}
	}
}

func TestOnTimeAndDaysLate(t *testing.T) {
	p, err := testCalendar().Period("bao-cao-thang/2024-02") // due 15/02/2024
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at       time.Time
		late     int
		onTime   bool
		daysLeft int
	}{
		{at("2024-02-01 09:00"), 0, true, 14},
		{at("2024-02-15 08:00"), 0, true, 0},
		{time.Date(2024, 2, 15, 23, 59, 59, 0, hcm), 0, true, 0},
		{at("2024-02-16 00:00"), 1, false, -1},
		{at("2024-02-16 00:10"), 1, false, -1},
		{at("2024-02-20 15:00"), 5, false, -5},
		{time.Date(2024, 2, 15, 17, 30, 0, 0, time.UTC), 1, false, -1}, // 00:30 on the 16th in Hà Nội
	} {
		if got := p.DaysLate(tc.at); got != tc.late {
			t.Errorf("DaysLate(%s) = %d, want %d", tc.at, got, tc.late)
		}
		if got := p.OnTime(tc.at); got != tc.onTime {
			t.Errorf("OnTime(%s) = %v, want %v", tc.at, got, tc.onTime)
		}
		if got := p.DaysLeft(tc.at); got != tc.daysLeft {
			t.Errorf("DaysLeft(%s) = %d, want %d", tc.at, got, tc.daysLeft)
		}
	}
}

func planString(steps []cchcbot.Step) string {
	var b strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&b, "%s %s\n", s.Name, s.At.Format("2006-01-02 15:04 Mon"))
	}
	return b.String()
}

func TestPlan(t *testing.T) {
	cal := testCalendar()
	tests := []struct {
		id   string
		want string
	}{
		// Plain month: due Tuesday 12/03/2024. overdue-2 falls on Saturday
		// 16/03 and moves forward to Monday; overdue-3 (nominally that
		// Monday) then takes the next working day, so none is lost.
		{"bao-cao-thang/2024-03", `before-7 2024-03-05 08:00 Tue
before-3 2024-03-08 08:00 Fri
before-1 2024-03-11 08:00 Mon
due 2024-03-12 08:00 Tue
overdue-1 2024-03-14 08:00 Thu
overdue-2 2024-03-18 08:00 Mon
overdue-3 2024-03-19 08:00 Tue
`},
		// Tết: due shifts to Thu 15/02; before-1, -3 and -7 all fall in the
		// break and collapse onto the last working day before it.
		{"bao-cao-thang/2024-02", `before-1 2024-02-07 08:00 Wed
due 2024-02-15 08:00 Thu
overdue-1 2024-02-19 08:00 Mon
overdue-2 2024-02-20 08:00 Tue
overdue-3 2024-02-21 08:00 Wed
`},
		// Due Monday 13/05/2024 (12/05 a Sunday): before-1 falls on Sunday
		// 12/05 and moves back to Friday 10/05, where before-3 already is,
		// so the two collapse into the nearer one.
		{"bao-cao-thang/2024-05", `before-7 2024-05-06 08:00 Mon
before-1 2024-05-10 08:00 Fri
due 2024-05-13 08:00 Mon
overdue-1 2024-05-15 08:00 Wed
overdue-2 2024-05-17 08:00 Fri
overdue-3 2024-05-20 08:00 Mon
`},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			p, err := cal.Period(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := planString(cal.Plan(p)); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// Derived periods are kept, and a clone derives its own under its rules.
func TestCalendarMemoAndClone(t *testing.T) {
	cal := testCalendar()
	first := cal.Periods(cchcbot.D(2024, 1, 1), cchcbot.D(2024, 12, 31))
	again := cal.Periods(cchcbot.D(2024, 1, 1), cchcbot.D(2024, 12, 31))
	if len(first) == 0 || !slices.EqualFunc(first, again, func(a, b cchcbot.Period) bool { return a == b }) {
		t.Fatal("the same question gave different periods")
	}
	changed := cal.Clone()
	changed.Work.Holidays = map[cchcbot.Date]string{cchcbot.D(2024, 3, 12): "nghỉ đột xuất"}
	p, err := changed.Period("bao-cao-thang/2024-03")
	if err != nil {
		t.Fatal(err)
	}
	if p.Due != cchcbot.D(2024, 3, 13) {
		t.Errorf("after a holiday on 12/03 the clone's deadline is %s, want 13/03/2024", p.Due.VN())
	}
	if q, _ := cal.Period("bao-cao-thang/2024-03"); q.Due != cchcbot.D(2024, 3, 12) {
		t.Errorf("the original moved to %s", q.Due.VN())
	}
}
