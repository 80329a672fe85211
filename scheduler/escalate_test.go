package scheduler_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

var leader = cchcbot.Leader{User: cchcbot.TelegramUser(9), Name: "Nguyễn Văn An", Title: "Phó Chủ tịch UBND"}

// TestEscalationLadderAcrossRestarts drives March 2024 (due Tuesday 12/03,
// last overdue step Tuesday 19/03) with a ladder of the head one day and
// the leaders three days after the last overdue step:
//   - unit 0 has a focal officer and a head: the head is never reminded,
//     and hears on Wednesday 20/03;
//   - unit 1 has no head: nothing at the head rung;
//   - unit 2's only member is its head, reminded like everyone: no head
//     rung, since the head knows;
//   - unit 3 was granted until Thursday 14/03: its own last overdue step
//     is 20/03, so the leaders hear of it on Monday 25/03, not 22/03;
//   - unit 4 submitted late on 15/03: never escalated.
//
// The leader gets one letter on Friday 22/03 naming units 0, 1 and 2, and
// one on 25/03 naming unit 3 with its extension. The process restarts
// after each rung and sweeps again: nothing is sent twice, and every rung
// is in the audit log once.
func TestEscalationLadderAcrossRestarts(t *testing.T) {
	f := newFixture(t, 5)
	f.monthlyFromMarch()
	f.cal.Kinds[0].Escalation = cchcbot.EscalationPolicy{HeadAfterDays: 1, LeadersAfterDays: 3, Leaders: []cchcbot.Leader{leader}}
	head0 := cchcbot.TelegramUser(7000)
	f.addHead(t, unitCode(0), head0)
	f.addHead(t, unitCode(2), member(2)) // the unit's one member is its head
	s := f.scheduler()
	f.daily(t, s, "2024-03-05", "2024-03-12")
	f.grant(t, march, 3, cchcbot.D(2024, 3, 14), "2024-03-12 10:00")
	f.submit(t, 4, march, at("2024-03-15 10:00"))
	f.daily(t, s, "2024-03-13", "2024-03-20")

	heads := f.ch.to(head0, "")
	if len(heads) != 1 {
		t.Fatalf("unit 0's head got %d messages by 20/03, want the head rung only", len(heads))
	}
	wantText(t, "the head's note", heads[0].text,
		"V/v đôn đốc gửi báo cáo: Báo cáo CCHC tháng 03/2024",
		"Kính gửi: đồng chí Thủ trưởng – Đơn vị 000.",
		"Đến ngày 20/03/2024, Đơn vị 000 chưa gửi “Báo cáo CCHC tháng 03/2024”.",
		"Hạn nộp: ngày 12/03/2024.", "Đã quá hạn 8 ngày.",
		office+" đã nhắc việc cán bộ đầu mối của đơn vị 7 lần, vào các ngày: 05/03/2024, 08/03/2024, 11/03/2024, 12/03/2024, 14/03/2024, 18/03/2024, 19/03/2024.",
		"Trân trọng,\n"+office)
	if !heads[0].at.Equal(at("2024-03-20 08:00")) || !hasButton(heads[0], cchcbot.ActionSubmit) {
		t.Errorf("the head's note came at %s with buttons %+v", heads[0].at, heads[0].buttons)
	}
	if got := steps(f.ch.to(member(2), march)); len(got) != 7 {
		t.Errorf("unit 2's head, its only member, got %v, want every step", got)
	}
	if n := len(f.ch.to(member(2), "")); n != 7 {
		t.Errorf("unit 2's head got %d messages, want the 7 reminders and no note", n)
	}

	// Restart after the head rung, then on to the leaders'.
	f.reopen(t)
	s = f.scheduler()
	f.runAt(t, s, at("2024-03-20 08:30"))
	f.daily(t, s, "2024-03-21", "2024-03-22")
	letters := f.ch.to(leader.User, "")
	if len(letters) != 1 {
		t.Fatalf("the leader got %d letters by 22/03, want 1", len(letters))
	}
	wantText(t, "the leaders' letter", letters[0].text,
		"V/v đôn đốc các đơn vị chưa gửi báo cáo: Báo cáo CCHC tháng 03/2024",
		"Kính gửi: đồng chí Nguyễn Văn An – Phó Chủ tịch UBND.",
		office+" kính báo cáo: đến ngày 22/03/2024, 3 đơn vị sau chưa gửi “Báo cáo CCHC tháng 03/2024” (hạn nộp ngày 12/03/2024)",
		"1. Đơn vị 000 – hạn nộp ngày 12/03/2024; đã quá hạn 10 ngày.\n2. Đơn vị 001 – hạn nộp ngày 12/03/2024; đã quá hạn 10 ngày.\n3. Đơn vị 002 – hạn nộp ngày 12/03/2024; đã quá hạn 10 ngày.\n",
		"Kính đề nghị đồng chí quan tâm, chỉ đạo Thủ trưởng các đơn vị nêu trên khẩn trương hoàn thành",
		"Trân trọng,\n"+office)

	f.reopen(t)
	s = f.scheduler()
	f.runAt(t, s, at("2024-03-22 09:00"))
	f.daily(t, s, "2024-03-23", "2024-03-27")
	f.reopen(t)
	s = f.scheduler()
	f.daily(t, s, "2024-03-25", "2024-03-28")
	letters = f.ch.to(leader.User, "")
	if len(letters) != 2 {
		t.Fatalf("the leader got %d letters, want 2", len(letters))
	}
	wantText(t, "the second letter", letters[1].text, "đến ngày 25/03/2024, 1 đơn vị sau",
		"1. Đơn vị 003 – hạn nộp ngày 12/03/2024, được gia hạn đến ngày 14/03/2024; đã quá hạn 11 ngày.")
	if n := len(f.ch.to(head0, "")); n != 1 {
		t.Errorf("unit 0's head got %d notes, want 1", n)
	}

	var got []string
	entries, err := f.db.AuditEntries(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == "escalate" {
			got = append(got, e.Subject+" "+strings.SplitN(e.Detail, ",", 2)[0])
		}
	}
	want := []string{
		march + " dv-000 " + cchcbot.EscalateHead.Label(),
		march + " dv-000 " + cchcbot.EscalateLeaders.Label(),
		march + " dv-001 " + cchcbot.EscalateLeaders.Label(),
		march + " dv-002 " + cchcbot.EscalateLeaders.Label(),
		march + " dv-003 " + cchcbot.EscalateLeaders.Label(),
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit of escalations = %v, want %v", got, want)
	}
	adj, err := f.db.Adjustments(ctx, march)
	if err != nil {
		t.Fatal(err)
	}
	if es := adj.Escalations[unitCode(0)]; len(es) != 2 || es[0].DaysLate != 8 || !slices.Equal(es[0].To, []string{string(head0)}) ||
		es[1].DaysLate != 10 || !slices.Equal(es[1].To, []string{leader.Name}) {
		t.Errorf("unit 0's escalations = %+v", es)
	}
	if es := adj.Escalations[unitCode(4)]; len(es) != 0 {
		t.Errorf("the unit that submitted was escalated: %+v", es)
	}
}

// TestHeadRemindedWhenTheOthersAreAway: the head is left out of the
// reminders only while someone else of the unit can be reminded: with
// the focal officer away, the head gets the step.
func TestHeadRemindedWhenTheOthersAreAway(t *testing.T) {
	f := newFixture(t, 1)
	f.monthlyFromMarch()
	f.cal.Kinds[0].Escalation = cchcbot.EscalationPolicy{HeadAfterDays: 1}
	head := cchcbot.TelegramUser(7000)
	f.addHead(t, unitCode(0), head)
	f.away(t, 0, member(0), cchcbot.D(2024, 3, 8), cchcbot.D(2024, 3, 8))
	s := f.scheduler()
	f.daily(t, s, "2024-03-05", "2024-03-11")
	if got := steps(f.ch.to(head, march)); !slices.Equal(got, []string{"before-3"}) {
		t.Errorf("the head got %v, want before-3 only, when the focal officer was away", got)
	}
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"before-7", "before-1"}) {
		t.Errorf("the focal officer got %v", got)
	}
}
