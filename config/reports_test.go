package config_test

import (
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// withSchedule returns base with its report's schedule and window lines
// (9 and 10) replaced by lines.
func withSchedule(t *testing.T, lines string) string {
	t.Helper()
	return edit(t, "    schedule: { monthly: 12 }\n    window: { from_day: 12, to_day: 12 }\n", lines)
}

func TestReportKinds(t *testing.T) {
	nd09 := cchcbot.WindowND09
	tests := []struct {
		name     string
		lines    string
		schedule cchcbot.Schedule
		window   cchcbot.Window
		// a period of the kind and its window, as the calendar gives them
		id, from, to string
	}{
		{"quarterly, nd09", "    schedule: { quarterly: 20 }\n    window: nd09\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 20}, nd09,
			"bao-cao-thang/2024-Q1", "15/12/2023", "14/03/2024"},
		{"quarterly, the month after, some quarters, calendar quarters",
			"    schedule: { quarterly: { day: 5, month: next, quarters: [1, 3] } }\n    window: { from: \"01/01\", to: \"31/03\" }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 5, MonthsAfter: 1, Parts: cchcbot.PartsOf(1, 3)},
			cchcbot.Window{FromDay: 1, ToDay: 31, StartShift: 1},
			"bao-cao-thang/2024-Q3", "01/07/2024", "30/09/2024"},
		{"every quarter listed is every quarter", "    schedule: { quarterly: { day: 20, month: last, quarters: [4, 3, 2, 1] } }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 20}, cchcbot.Window{},
			"bao-cao-thang/2024-Q2", "", ""},
		{"first half only, block style, the decree's window written out",
			"    schedule:\n      half_yearly:\n        day: 20\n        halves: [1]\n    window: { from: \"15/12\", to: \"14/06\" }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleHalfYearly, Day: 20, Parts: cchcbot.PartsOf(1)}, nd09,
			"bao-cao-thang/2024-H1", "15/12/2023", "14/06/2024"},
		{"both halves", "    schedule: { half_yearly: 25 }\n    window: nd09\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleHalfYearly, Day: 25}, nd09,
			"bao-cao-thang/2024-H2", "15/06/2024", "14/12/2024"},
		{"nine months, days form", "    schedule: { nine_months: 20 }\n    window: { from_day: 15, to_day: 14 }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleNineMonths, Day: 20}, nd09,
			"bao-cao-thang/2024-9T", "15/12/2023", "14/09/2024"},
		{"nine months, the month after", "    schedule: { nine_months: { day: 10, month: next } }\n    window: ND09\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleNineMonths, Day: 10, MonthsAfter: 1}, nd09,
			"bao-cao-thang/2024-9T", "15/12/2023", "14/09/2024"},
		{"yearly, nd09", "    schedule: { yearly: \"20/12\" }\n    window: nd09\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.December, Day: 20}, nd09,
			"bao-cao-thang/2024", "15/12/2023", "14/12/2024"},
		{"yearly in January, calendar year before", "    schedule: { yearly: \"31/01\" }\n    window: { from: \"01/01\", to: \"31/12\" }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.January, Day: 31}, cchcbot.Window{FromDay: 1, ToDay: 31, StartShift: 1},
			"bao-cao-thang/2025", "01/01/2024", "31/12/2024"},
		{"yearly, a year to June", "    schedule: { yearly: \"15/07\" }\n    window: { from: \"01/07\", to: \"30/06\" }\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.July, Day: 15},
			cchcbot.Window{FromDay: 1, ToDay: 30, StartShift: 1, EndMonth: time.June},
			"bao-cao-thang/2024", "01/07/2023", "30/06/2024"},
		{"monthly, nd09", "    schedule: { monthly: 20 }\n    window: nd09\n",
			cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 20}, nd09,
			"bao-cao-thang/2024-01", "15/12/2023", "14/01/2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, withSchedule(t, tc.lines))
			k := c.Reports[0]
			if k.Schedule != tc.schedule || k.Window != tc.window {
				t.Errorf("schedule, window = %+v, %+v\nwant %+v, %+v", k.Schedule, k.Window, tc.schedule, tc.window)
			}
			p, err := c.Calendar().Period(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if p.WindowFrom.VN() != tc.from || p.WindowTo.VN() != tc.to {
				t.Errorf("%s: window %q – %q, want %q – %q", tc.id, p.WindowFrom.VN(), p.WindowTo.VN(), tc.from, tc.to)
			}
		})
	}
}

// An anchored window serves two reports.
func TestReportWindowAlias(t *testing.T) {
	c := mustParse(t, withSchedule(t, "    schedule: { quarterly: 20 }\n    window: &nd nd09\n")+
		"  - { id: nua-nam, title: x, schedule: { half_yearly: 20 }, window: *nd, groups: [xa-thi-tran] }\n")
	if len(c.Reports) != 2 || c.Reports[1].Window != cchcbot.WindowND09 {
		t.Errorf("reports = %+v", c.Reports)
	}
}

func TestValidateReportKinds(t *testing.T) {
	q := func(schedule string) string { // a quarterly schedule on line 9, no window
		return withSchedule(t, "    schedule: "+schedule+"\n")
	}
	w := func(schedule, window string) string { // window on line 10
		return withSchedule(t, "    schedule: "+schedule+"\n    window: "+window+"\n")
	}
	checkRules(t, []rule{
		{"quarterly 0", q("{ quarterly: 0 }"), 9, `schedule.quarterly cần ngày đến hạn từ 1 đến 31 (ví dụ quarterly: 20, hạn ngày 20 tháng cuối quý) hoặc { day: 20, month: next } (hạn vào tháng sau kỳ), không phải "0"`},
		{"quarterly quoted", q(`{ quarterly: "20" }`), 9, `schedule.quarterly cần ngày đến hạn từ 1 đến 31`},
		{"quarterly in words", q(`{ quarterly: cuối quý }`), 9, `không phải "cuối quý"`},
		{"half-yearly 32", q("{ half_yearly: 32 }"), 9, `schedule.half_yearly cần ngày đến hạn từ 1 đến 31 (ví dụ half_yearly: 20, hạn ngày 20 tháng 6 và tháng 12)`},
		{"quarterly a list", q("{ quarterly: [20] }"), 9, `reports.schedule.quarterly: cần các khóa con`},
		{"two schedules", q("{ quarterly: 20, monthly: 12 }"), 9, "(đang có 2)"},
		{"day left out", q("{ quarterly: { month: next } }"), 9, "schedule.quarterly thiếu day (ngày đến hạn, ví dụ day: 20)"},
		{"day 32", q("{ nine_months: { day: 32 } }"), 9, "schedule.nine_months.day phải từ 1 đến 31 (ngày đến hạn), không phải 32"},
		{"day not a number", q("{ quarterly: { day: x } }"), 9, `reports.schedule.quarterly.day: "x" không phải số nguyên`},
		{"month", q("{ quarterly: { day: 20, month: after } }"), 9, `schedule.quarterly.month phải là last (hạn trong tháng cuối quý) hoặc next (hạn trong tháng sau kỳ), không phải "after"`},
		{"quarter 5", q("{ quarterly: { day: 20, quarters: [1, 5] } }"), 9, "schedule.quarterly.quarters: 5 không phải số thứ tự của quý (từ 1 đến 4)"},
		{"quarter repeated, its own line", withSchedule(t, "    schedule:\n      quarterly:\n        day: 20\n        quarters:\n          - 1\n          - 1\n"),
			14, "schedule.quarterly.quarters: 1 bị lặp lại"},
		{"no quarters", q("{ quarterly: { day: 20, quarters: [] } }"), 9, "schedule.quarterly.quarters trống"},
		{"halves for a quarterly report", q("{ quarterly: { day: 20, halves: [1] } }"), 9, `khóa "halves" không hợp lệ (các khóa dùng được ở đây: day, month, quarters)`},
		{"half 3", q("{ half_yearly: { day: 20, halves: [3] } }"), 9, "schedule.half_yearly.halves: 3 không phải số thứ tự của nửa năm (từ 1 đến 2)"},
		{"quarters of nine months", q("{ nine_months: { day: 20, quarters: [1] } }"), 9, `khóa "quarters" không hợp lệ`},
		{"a misspelt key", q("{ quarterly: { dya: 20 } }"), 9, `khóa "dya" không hợp lệ (có phải ý là "day"?)`},
		{"unknown preset", w("{ quarterly: 20 }", "nd9"), 10, `window "nd9" không hợp lệ: dùng nd09 (thời gian chốt số liệu theo Nghị định 09/2019/NĐ-CP) hoặc { from_day: 15, to_day: 14 }`},
		{"window a list", w("{ quarterly: 20 }", "[15, 14]"), 10, `reports.window: cần các khóa con`},
		{"dates for a monthly window", w("{ monthly: 12 }", `{ from: "15/12", to: "14/01" }`), 10, "window của báo cáo hằng tháng dùng { from_day, to_day }"},
		{"both forms", w("{ quarterly: 20 }", `{ from_day: 15, from: "15/12", to: "14/03" }`), 10, "window dùng hoặc from_day, to_day hoặc from, to, không dùng cả hai"},
		{"a quarter's window not ending in March", withSchedule(t, "    schedule: { quarterly: 20 }\n    window:\n      from: \"15/12\"\n      to: \"14/06\"\n"),
			12, "window.to phải là một ngày của tháng 3: hãy ghi thời gian chốt số liệu của kỳ quý I, các kỳ sau tính tương tự"},
		{"a half's window not ending in June", w("{ half_yearly: 20 }", `{ from: "15/12", to: "14/03" }`), 10, "window.to phải là một ngày của tháng 6"},
		{"month 13", w("{ quarterly: 20 }", `{ from: "15/13", to: "14/03" }`), 10, `window.from "15/13" không hợp lệ, cần ngày/tháng dạng "DD/MM"`},
		{"to left out", w("{ nine_months: 20 }", `{ from: "15/12" }`), 10, `window.to "" không hợp lệ`},
		{"days out of range", w("{ quarterly: 20 }", "{ from_day: 15, to_day: 32 }"), 10, "window.from_day và window.to_day phải từ 1 đến 31"},
		{"nd09 on a one-off report", w("{ once: 2024-01-31 }", "nd09"), 10, "window không dùng cho báo cáo một lần"},
	})
}

// A fault in a schedule or a window is told once, by itself.
func TestReportKindFaultAlone(t *testing.T) {
	for _, lines := range []string{
		"    schedule: { quarterly: { day: 20, quarters: [7] } }\n",
		"    schedule: { quarterly: 20 }\n    window: { from_day: 15, to_dya: 14 }\n",
		"    schedule: { half_yearly: 20 }\n    window: { from: \"15/12\", to: \"14/13\" }\n",
	} {
		e := parseError(t, withSchedule(t, lines))
		if len(e.Problems) != 1 || !strings.Contains(e.Error(), "config.yaml:") {
			t.Errorf("%s: %d problems:\n%v", lines, len(e.Problems), e)
		}
	}
}
