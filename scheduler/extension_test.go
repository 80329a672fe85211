package scheduler_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

// grant records an extension of unit i for period until a date, approved
// by an admin unasked at when.
func (f *fixture) grant(t *testing.T, period string, i int, until cchcbot.Date, when string) *cchcbot.Extension {
	t.Helper()
	e := &cchcbot.Extension{PeriodID: period, UnitCode: unitCode(i), State: cchcbot.ExtensionApproved, Until: until,
		Reason: "Đơn vị đang kiện toàn bộ máy", RequestedBy: admin, RequestedByName: "Cán bộ Nội vụ", RequestedAt: at(when)}
	if err := f.db.CreateExtension(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExtensionAcrossHoliday: the remediation plan is due Wednesday
// 31/01/2024 and takes late reports for 5 days (to 06/02). On Monday 29/01
// unit 0 is granted until Friday 16/02, across the Tết break (08–14/02).
// From then on it is reminded from its own plan only, whose steps move
// off Tết like any plan's, and the period stays active for it after the
// original late window closed; unit 1 keeps the original plan.
func TestExtensionAcrossHoliday(t *testing.T) {
	f := newFixture(t, 2)
	k := f.cal.Kinds[0]
	k.LateDays = 5
	f.cal.Kinds = []cchcbot.ReportKind{k}
	s := f.scheduler()
	f.daily(t, s, "2024-01-22", "2024-01-29")
	f.grant(t, planID, 0, cchcbot.D(2024, 2, 16), "2024-01-29 10:00")
	f.runAt(t, s, at("2024-01-29 10:05"))

	// The day the original window closed, the only upcoming steps are
	// those of unit 0's own plan.
	up, err := s.Upcoming(ctx, at("2024-02-06 09:00"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 5 || !up[0].Period.Extended() || up[0].Period.Due != cchcbot.D(2024, 2, 16) ||
		up[0].Step.Name != "gh20240216-before-3" || up[0].Units != 1 {
		t.Errorf("Upcoming = %+v, want the 5 steps of unit 0's extended plan, for 1 unit", up)
	}

	f.daily(t, s, "2024-01-30", "2024-02-25")
	// before-3 (13/02) and before-7 (09/02) fall in Tết and move back to
	// Wednesday 07/02, where before-3 stays; before-1 and the due day are
	// the working days 15 and 16/02; overdue-1 (Sunday 18/02) goes to
	// Monday 19/02, overdue-2 is 20/02, and overdue-3 (22/02) falls
	// after the extended late window (to 21/02).
	want0 := []string{"01-24 before-7", "01-26 before-3", "02-07 gh20240216-before-3", "02-15 gh20240216-before-1",
		"02-16 gh20240216-due", "02-19 gh20240216-overdue-1", "02-20 gh20240216-overdue-2"}
	got0 := f.ch.to(member(0), planID)
	if got := dated(got0); !slices.Equal(got, want0) {
		t.Errorf("unit 0 got\n  %v\nwant\n  %v", got, want0)
	}
	want1 := []string{"01-24 before-7", "01-26 before-3", "01-30 before-1", "01-31 due", "02-02 overdue-1", "02-05 overdue-2"}
	got1 := f.ch.to(member(1), planID)
	if got := dated(got1); !slices.Equal(got, want1) {
		t.Errorf("unit 1 got\n  %v\nwant\n  %v", got, want1)
	}
	if len(got0) == len(want0) {
		wantText(t, "unit 0's first reminder of its own plan", got0[2].text,
			"Hạn nộp: Thứ Sáu, ngày 16/02/2024, trước 23 giờ 59 (đơn vị đã được gia hạn; hạn ban đầu là ngày 31/01/2024).",
			"Thời gian còn lại: 9 ngày.")
		wantText(t, "unit 0's due-day reminder", got0[4].text, "Hôm nay là hạn cuối.", "⏳ Xin gia hạn")
		if hasButton(got0[2], cchcbot.ActionExtend) || !hasButton(got0[4], cchcbot.ActionExtend) || !hasButton(got0[6], cchcbot.ActionExtend) {
			t.Error("the \"Xin gia hạn\" button should come with the due-day and overdue reminders only")
		}
	}
	if len(got1) == len(want1) {
		if !hasButton(got1[3], cchcbot.ActionExtend) || hasButton(got1[2], cchcbot.ActionExtend) {
			t.Error("unit 1's due-day reminder should offer \"Xin gia hạn\", its before-1 should not")
		}
		if strings.Contains(got1[4].text, "gia hạn;") {
			t.Errorf("unit 1's reminder speaks of an extension:\n%s", got1[4].text)
		}
	}

	// The digest shows the extension beside the unit.
	f.clock.Set(at("2024-02-01 07:30"))
	if err := s.RunDigest(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.deliver(t)
	digests := containing(f.ch.to(admin, ""), "TỔNG HỢP HẰNG NGÀY – Thứ Năm, 01/02/2024")
	if len(digests) != 1 {
		t.Fatalf("%d digests on 01/02", len(digests))
	}
	wantText(t, "digest", digests[0].text, "được gia hạn 1.", "Đơn vị 000 – gia hạn đến 16/02/2024", "Đơn vị 001\n")
}

// TestPendingExtensionHidesTheButton: a unit whose request for more time
// awaits a decision is not offered to ask again; a refused one may.
func TestPendingExtensionHidesTheButton(t *testing.T) {
	f := newFixture(t, 2)
	f.monthlyFromMarch()
	s := f.scheduler()
	e := &cchcbot.Extension{PeriodID: march, UnitCode: unitCode(0), Proposed: cchcbot.D(2024, 3, 20), Reason: "Cán bộ đầu mối ốm",
		RequestedBy: member(0), RequestedAt: at("2024-03-11 09:00")}
	if err := f.db.CreateExtension(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-12 08:00"))
	if m := f.ch.to(member(0), march); len(m) != 1 || hasButton(m[0], cchcbot.ActionExtend) || strings.Contains(m[0].text, "Xin gia hạn") {
		t.Errorf("a unit with a pending request was offered another: %+v", m)
	}
	if m := f.ch.to(member(1), march); len(m) != 1 || !hasButton(m[0], cchcbot.ActionExtend) {
		t.Errorf("the other unit was not offered an extension: %+v", m)
	}
	if _, _, err := f.db.DecideExtension(ctx, e.ID, cchcbot.ExtensionRefused, cchcbot.Date{}, "Không có lý do chính đáng", admin, "Cán bộ Nội vụ", at("2024-03-12 10:00"), nil); err != nil {
		t.Fatal(err)
	}
	f.runAt(t, s, at("2024-03-14 08:00"))
	if m := f.ch.to(member(0), march); len(m) != 2 || !hasButton(m[1], cchcbot.ActionExtend) {
		t.Errorf("after the refusal the unit should be offered to ask again: %+v", m)
	}
}
