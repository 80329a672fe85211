package store_test

import (
	"maps"
	"testing"

	"cchcbot"
)

// The tally kept beside the reminder log always equals the log's own count,
// whatever sequence of begins, finishes, re-marks and acks wrote it.
func TestReminderCountsFollowTheLog(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	const p = "bao-cao-thang/2024-02"
	check := func(when string) {
		t.Helper()
		log, err := db.Reminders(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ReminderCounts(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		want := cchcbot.CountReminders(p, log)
		for k, v := range got { // a unit whose records all left "sent" keeps a zero tally
			if v == (cchcbot.ReminderCount{}) {
				delete(got, k)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: tally %v, log says %v", when, got, want)
		}
	}
	r := func(unit, step string, member int64) cchcbot.Reminder {
		return cchcbot.Reminder{PeriodID: p, UnitCode: unit, Step: step, Member: cchcbot.TelegramUser(member), PlannedAt: t0}
	}
	a, b, c := r("xa-chau-loc", "before-3", 1), r("xa-chau-loc", "before-3", 2), r("xa-dong-hop", "due", 3)
	for _, x := range []cchcbot.Reminder{a, b, c} {
		if _, err := db.BeginReminder(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	check("all sending")
	a.State, b.State, c.State = cchcbot.ReminderSent, cchcbot.ReminderSent, cchcbot.ReminderFailed
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{a, b, c}); err != nil {
		t.Fatal(err)
	}
	check("two sent, one failed")
	if err := db.AckReminder(ctx, p, "xa-chau-loc", "before-3", cchcbot.TelegramUser(1), t0); err != nil {
		t.Fatal(err)
	}
	db.AckReminder(ctx, p, "xa-chau-loc", "before-3", cchcbot.TelegramUser(1), t0) // a second press changes nothing
	check("one acknowledged")
	a.State = cchcbot.ReminderSent // re-marked sent: still counted once
	if err := db.FinishReminder(ctx, a); err != nil {
		t.Fatal(err)
	}
	c.State = cchcbot.ReminderSent // a retry that got through
	if err := db.FinishReminder(ctx, c); err != nil {
		t.Fatal(err)
	}
	skipped := r("xa-dong-hop", "before-7", 3)
	skipped.State = cchcbot.ReminderSkipped
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{skipped}); err != nil {
		t.Fatal(err)
	}
	check("after re-marks")
	got, _ := db.ReminderCounts(ctx, p)
	if got["xa-chau-loc"] != (cchcbot.ReminderCount{Sent: 2, Acked: 1}) || got["xa-dong-hop"] != (cchcbot.ReminderCount{Sent: 1}) {
		t.Errorf("counts %v", got)
	}
	if other, _ := db.ReminderCounts(ctx, "bao-cao-thang/2024-03"); len(other) != 0 {
		t.Errorf("another period has counts %v", other)
	}
}
