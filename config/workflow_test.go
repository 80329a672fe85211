package config_test

import (
	"slices"
	"testing"

	"cchcbot"
	"cchcbot/config"
)

func TestWorkflowDefaultsAndValues(t *testing.T) {
	c := mustParse(t, base)
	if c.Workflow != (config.Workflow{ExplainLate: cchcbot.ExplainOptional, ExtensionLimit: 2}) {
		t.Errorf("defaults = %+v", c.Workflow)
	}
	if k := c.Calendar().Kinds[0]; !k.Escalation.IsZero() {
		t.Errorf("a report without escalation has a ladder: %+v", k.Escalation)
	}
	c = mustParse(t, base+"workflow: { late_explanation: required, extension_limit: 0 }\n")
	if c.Workflow != (config.Workflow{ExplainLate: cchcbot.ExplainRequired, ExtensionLimit: 0}) {
		t.Errorf("workflow = %+v", c.Workflow)
	}
}

func TestEscalation(t *testing.T) {
	c := mustParse(t, base+`    escalation:
      head_after_days: 1
      leaders_after_days: 3
      leaders:
        - { telegram_id: 500001, name: "Văn phòng HĐND và UBND", title: "Chánh Văn phòng" }
`)
	got := c.Calendar().Kinds[0].Escalation
	want := cchcbot.EscalationPolicy{HeadAfterDays: 1, LeadersAfterDays: 3,
		Leaders: []cchcbot.Leader{{User: cchcbot.TelegramUser(500001), Name: "Văn phòng HĐND và UBND", Title: "Chánh Văn phòng"}}}
	if got.HeadAfterDays != want.HeadAfterDays || got.LeadersAfterDays != want.LeadersAfterDays || !slices.Equal(got.Leaders, want.Leaders) {
		t.Errorf("escalation = %+v, want %+v", got, want)
	}
}

func TestWorkflowRules(t *testing.T) {
	esc := func(lines string) string { return base + "    escalation:\n" + lines }
	checkRules(t, []rule{
		{"unknown explanation mode", base + "workflow: { late_explanation: always }\n", 12, "late_explanation \"always\" không hợp lệ"},
		{"negative extension limit", base + "workflow: { extension_limit: -1 }\n", 12, "extension_limit phải từ 0"},
		{"a config kind may not take the ad-hoc prefix", edit(t, "id: bao-cao-thang", "id: dot-xuat-1"), 7, "dành cho các yêu cầu báo cáo đột xuất"},
		{"days out of range", esc("      head_after_days: 90\n"), 13, "escalation.head_after_days phải từ 0"},
		{"leaders before the head", esc("      head_after_days: 5\n      leaders_after_days: 2\n      leaders: [{ telegram_id: 1, name: A }]\n"), 14, "không được sớm hơn head_after_days"},
		{"leaders' rung without leaders", esc("      leaders_after_days: 2\n"), 12, "thiếu leaders"},
		{"leaders without their rung", esc("      leaders: [{ telegram_id: 1, name: A }]\n"), 13, "thiếu leaders_after_days"},
		{"a leader on two networks", esc("      leaders_after_days: 2\n      leaders: [{ telegram_id: 1, zalo_id: \"2\", name: A }]\n"), 14, "chỉ ghi một trong hai"},
		{"a leader on no network", esc("      leaders_after_days: 2\n      leaders: [{ name: A }]\n"), 14, "thiếu telegram_id hoặc zalo_id"},
		{"a leader on Zalo without a zalo section", esc("      leaders_after_days: 2\n      leaders: [{ zalo_id: \"123\", name: A }]\n"), 14, "không có mục zalo"},
		{"a leader twice", esc("      leaders_after_days: 2\n      leaders:\n        - { telegram_id: 1, name: A }\n        - { telegram_id: 1, name: B }\n"), 16, "bị lặp lại"},
		{"a leader without a name", esc("      leaders_after_days: 2\n      leaders: [{ telegram_id: 1 }]\n"), 14, "thiếu name"},
		{"an unknown key", esc("      leaders_after: 2\n"), 13, "leaders_after"},
	})
}
