package scheduler_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

// TestExemptionAfterAReminder: unit 0 got March's first reminder, and its
// second is queued when an admin exempts it: the queued one is dropped
// (Superseded), no later step, push or count includes it, and the digest
// says it is exempt.
func TestExemptionAfterAReminder(t *testing.T) {
	f := newFixture(t, 3)
	f.monthlyFromMarch()
	s := f.scheduler()
	f.superseded = s.Superseded
	f.runAt(t, s, at("2024-03-05 08:00"))
	f.clock.Set(at("2024-03-08 08:00"))
	if err := s.RunDue(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	created, err := f.db.SetExemption(ctx, cchcbot.Exemption{PeriodID: march, UnitCode: unitCode(0), Reason: "Đơn vị đã sáp nhập",
		By: admin, ByName: "Cán bộ Nội vụ", At: at("2024-03-08 08:00")}, nil)
	if err != nil || !created {
		t.Fatalf("SetExemption = %v, %v", created, err)
	}
	f.deliver(t)
	f.daily(t, s, "2024-03-09", "2024-03-20")
	if got := steps(f.ch.to(member(0), march)); !slices.Equal(got, []string{"before-7"}) {
		t.Errorf("the exempt unit got %v, want before-7 only", got)
	}
	if got := steps(f.ch.to(member(1), march)); len(got) != 7 {
		t.Errorf("unit 1 got %v, want the whole plan", got)
	}
	if st := f.logStates(t, march, 0); st["before-3"] != cchcbot.ReminderExpired {
		t.Errorf("log of the exempt unit = %v, want before-3 expired", st)
	}

	f.clock.Set(at("2024-03-11 10:00"))
	if n, err := s.Pending(ctx, march); err != nil || n != 2 {
		t.Errorf("Pending = %d, %v; want 2", n, err)
	}
	if n, err := s.RemindNow(ctx, march, admin, "press-1"); err != nil || n != 2 {
		t.Errorf("RemindNow = %d, %v; want 2", n, err)
	}
	f.deliver(t)
	if n := len(f.ch.to(member(0), march)); n != 1 {
		t.Errorf("an admin's push reached the exempt unit")
	}
	up, err := s.Upcoming(ctx, at("2024-03-11 10:00"), 1)
	if err != nil || len(up) != 1 || up[0].Units != 2 {
		t.Errorf("Upcoming = %+v, %v; want 2 units", up, err)
	}

	f.clock.Set(at("2024-03-13 07:30"))
	if err := s.RunDigest(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.deliver(t)
	var digest string
	for _, m := range f.ch.to(admin, "") {
		if strings.HasPrefix(m.text, "TỔNG HỢP HẰNG NGÀY – Thứ Tư, 13/03/2024") {
			digest = m.text
		}
	}
	wantText(t, "the digest", digest, "Đã nộp 0/2 ", "được miễn nộp 1.", "Đơn vị được miễn nộp: Đơn vị 000 (lý do: Đơn vị đã sáp nhập).")
	var summary string
	for _, m := range f.ch.to(admin, "") {
		if strings.HasPrefix(m.text, "KẾT QUẢ THỰC HIỆN: Báo cáo CCHC tháng 03/2024") {
			summary = m.text
		}
	}
	wantText(t, "the summary", summary, "Nộp đúng hạn: 0/2 đơn vị.", "Được miễn nộp: 1 đơn vị.", "Đơn vị được miễn nộp: Đơn vị 000")
	if strings.Contains(strings.SplitN(summary, "Đơn vị được miễn nộp", 2)[0], "Đơn vị 000") {
		t.Errorf("the summary lists the exempt unit as owing:\n%s", summary)
	}
}
