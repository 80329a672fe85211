package cchcbot_test

import (
	"testing"

	"cchcbot"
)

func TestResolvePeriod(t *testing.T) {
	cal := testCalendar()
	cal.Kinds = append(cal.Kinds, cchcbot.ReportKind{ID: "bao-cao-quy", Title: "Báo cáo CCHC quý",
		Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: 20}, Window: cchcbot.WindowND09,
		Groups: []cchcbot.UnitGroup{cchcbot.GroupDepartment}, OpenDays: 20, LateDays: 30})
	now := at("2024-02-10 09:00")
	for q, want := range map[string]string{
		"":                      "bao-cao-thang/2024-02",
		"bao-cao-thang/2024-03": "bao-cao-thang/2024-03",
		"2024-03":               "bao-cao-thang/2024-03",
		"03/2024":               "bao-cao-thang/2024-03",
		"3/2024":                "bao-cao-thang/2024-03",
		" 2024 ":                "ke-hoach-khac-phuc/2024",
		"tong-ket-nam/2025":     "tong-ket-nam/2025",
		"2024-Q1":               "bao-cao-quy/2024-Q1",
		"ke-hoach-khac-phuc":    "ke-hoach-khac-phuc/2024",
	} {
		p, err := cal.ResolvePeriod(q, now)
		if err != nil || p.ID != want {
			t.Errorf("ResolvePeriod(%q) = %s %v, want %s", q, p.ID, err, want)
		}
	}
	for _, q := range []string{"13/2024", "abc", "2023-12", "../x", "bao-cao-thang/2024-13"} {
		if _, err := cal.ResolvePeriod(q, now); err == nil {
			t.Errorf("ResolvePeriod(%q) succeeded", q)
		}
	}
	// Long after every period closed, the default is the latest one due.
	cal = cal.Clone()
	cal.Kinds = cal.Kinds[:1] // the one-off plan only
	if p, err := cal.ResolvePeriod("", at("2026-01-01 09:00")); err != nil || p.ID != "ke-hoach-khac-phuc/2024" {
		t.Errorf("default long after = %s %v", p.ID, err)
	}
}
