package scheduler_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

// away marks a member away from one date to another.
func (f *fixture) away(t *testing.T, unit int, user cchcbot.UserID, from, to cchcbot.Date) {
	t.Helper()
	a := &cchcbot.Absence{Member: user, UnitCode: unitCode(unit), From: from, To: to, Reason: "Nghỉ phép", By: user, At: f.clock.Now()}
	if err := f.db.AddAbsence(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// TestAbsenceCoversReminderSteps: a member away from 07 to 11/03/2024 is
// not reminded of before-3 (08/03) and before-1 (11/03), which go to the
// unit's other member; back on the due day they get it, and the steps
// they missed are recorded skipped, not sent late. A unit whose only
// member is away on a step's day hears nothing that day, and the next
// step as usual.
func TestAbsenceCoversReminderSteps(t *testing.T) {
	f := newFixture(t, 2)
	f.monthlyFromMarch()
	other := cchcbot.TelegramUser(5000)
	f.addMember(t, unitCode(0), other)
	f.away(t, 0, member(0), cchcbot.D(2024, 3, 7), cchcbot.D(2024, 3, 11))
	f.away(t, 1, member(1), cchcbot.D(2024, 3, 8), cchcbot.D(2024, 3, 8))
	s := f.scheduler()
	for _, when := range []string{"2024-03-05 08:00", "2024-03-08 08:00", "2024-03-09 08:00", "2024-03-11 08:00", "2024-03-11 15:00", "2024-03-12 08:00"} {
		f.runAt(t, s, at(when))
	}
	for _, tc := range []struct {
		who  cchcbot.UserID
		want []string
	}{
		{member(0), []string{"before-7", "due"}},
		{other, []string{"before-7", "before-3", "before-1", "due"}},
		{member(1), []string{"before-7", "before-1", "due"}},
	} {
		if got := steps(f.ch.to(tc.who, march)); !slices.Equal(got, tc.want) {
			t.Errorf("%s got %v, want %v", tc.who, got, tc.want)
		}
	}
	rs, err := f.db.RemindersFor(ctx, march, unitCode(0))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]cchcbot.ReminderState{}
	for _, r := range rs {
		if r.Member == member(0) {
			got[r.Step] = r.State
		}
	}
	want := map[string]cchcbot.ReminderState{"before-7": cchcbot.ReminderSent, "before-3": cchcbot.ReminderSkipped,
		"before-1": cchcbot.ReminderSkipped, "due": cchcbot.ReminderSent}
	if !maps.Equal(got, want) {
		t.Errorf("log of the absent member = %v, want %v", got, want)
	}
}

// TestUncoveredUnitsNoticedOnce: on the working day before March's first
// reminder (Monday 04/03 for Tuesday 05/03), from digest time, the admins
// are told which units no one can be reminded for: one whose only member
// is away that day, one without members, one whose member blocked the
// bot. They are told once, across a restart; a unit uncovered later (its
// member marks an absence that evening) is named in a notice of its own;
// one whose member marks an absence after the first reminder reached them
// is not.
func TestUncoveredUnitsNoticedOnce(t *testing.T) {
	f := newFixture(t, 5)
	f.monthlyFromMarch()
	f.away(t, 0, member(0), cchcbot.D(2024, 3, 5), cchcbot.D(2024, 3, 6))
	if err := f.db.RemoveMember(ctx, member(1), "test", f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetReachable(ctx, member(2), false, "bot was blocked", f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := f.scheduler()
	notices := func() []message {
		return containing(f.ch.to(admin, ""), "ĐƠN VỊ CHƯA CÓ NGƯỜI NHẬN NHẮC VIỆC")
	}
	for _, when := range []string{"2024-03-01 08:00", "2024-03-04 07:29"} {
		f.tickAt(t, s, at(when))
	}
	if n := len(notices()); n != 0 {
		t.Fatalf("%d notices before the working day before the first step's digest time", n)
	}
	f.tickAt(t, s, at("2024-03-04 07:30"))
	got := notices()
	if len(got) != 1 {
		t.Fatalf("%d notices on 04/03, want 1", len(got))
	}
	wantText(t, "the notice", got[0].text,
		"ĐƠN VỊ CHƯA CÓ NGƯỜI NHẬN NHẮC VIỆC: Báo cáo CCHC tháng 03/2024 (hạn 12/03/2024)",
		"dự kiến gửi ngày 05/03/2024, nhưng 3 đơn vị sau không có ai nhận được",
		"Đơn vị 000: người nhận tin vắng mặt đến hết ngày 06/03/2024.",
		"Đơn vị 001: chưa có người nhận tin.",
		"Đơn vị 002: không liên lạc được với người nhận tin.",
		"\n"+office)
	if strings.Contains(got[0].text, "Đơn vị 003") || strings.Contains(got[0].text, "Đơn vị 004") {
		t.Errorf("a covered unit is named:\n%s", got[0].text)
	}
	// A restart changes nothing.
	f.reopen(t)
	s = f.scheduler()
	for _, when := range []string{"2024-03-04 07:31", "2024-03-04 15:00"} {
		f.tickAt(t, s, at(when))
	}
	if n := len(notices()); n != 1 {
		t.Errorf("%d notices, want still 1", n)
	}
	f.away(t, 3, member(3), cchcbot.D(2024, 3, 5), cchcbot.D(2024, 3, 5))
	for _, when := range []string{"2024-03-04 16:00", "2024-03-05 07:30", "2024-03-05 08:00"} {
		f.tickAt(t, s, at(when))
	}
	f.away(t, 4, member(4), cchcbot.D(2024, 3, 5), cchcbot.D(2024, 3, 5))
	f.tickAt(t, s, at("2024-03-05 09:00"))
	got = notices()
	if len(got) != 2 {
		t.Fatalf("%d notices, want a second one for unit 3", len(got))
	}
	if !strings.Contains(got[1].text, "1 đơn vị sau") || !strings.Contains(got[1].text, "Đơn vị 003: người nhận tin vắng mặt đến hết ngày 05/03/2024.") {
		t.Errorf("the second notice should name unit 3 only:\n%s", got[1].text)
	}
	if n := len(f.ch.to(member(4), march)); n != 1 {
		t.Errorf("unit 4 got %d reminders, want before-7", n)
	}
}
