package store_test

import (
	"maps"
	"testing"

	"cchcbot"
)

// The tally kept beside the reminder log always equals the log's own count,
// whatever sequence of queueing, outcomes, re-marks and acks wrote it.
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
	msgs := make([]*cchcbot.Outgoing, 3)
	for i, x := range []cchcbot.Reminder{a, b, c} {
		msgs[i] = reminderMsg(x)
	}
	if n, err := db.QueueReminders(ctx, []cchcbot.Reminder{a, b, c}, msgs); err != nil || n != 3 {
		t.Fatalf("QueueReminders = %d, %v", n, err)
	}
	check("all sending")
	// The member of a presses "Đã nhận" before the sender records the
	// delivery: counted acked only once it is sent.
	if err := db.AckReminder(ctx, p, "xa-chau-loc", "before-3", cchcbot.TelegramUser(1), t0); err != nil {
		t.Fatal(err)
	}
	check("acked while sending")
	finish(t, db, cchcbot.Delivered, t0, msgs[0], msgs[1])
	finish(t, db, cchcbot.Refused, t0, msgs[2])
	check("two sent, one failed")
	db.AckReminder(ctx, p, "xa-chau-loc", "before-3", cchcbot.TelegramUser(1), t0) // a second press changes nothing
	finish(t, db, cchcbot.Delivered, t0, msgs[0])                                  // finishing twice changes nothing
	check("one acknowledged")
	a.State = cchcbot.ReminderSent // re-marked sent: still counted once
	c.State = cchcbot.ReminderSent // a retry that got through
	skipped := r("xa-dong-hop", "before-7", 3)
	skipped.State = cchcbot.ReminderSkipped
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{a, c, skipped}); err != nil {
		t.Fatal(err)
	}
	check("after re-marks")
	expired := r("xa-dong-hop", "overdue-1", 3)
	more, _ := queueReminders(t, db, expired)
	finish(t, db, cchcbot.Expired, t0, more...)
	check("after an expiry")
	got, _ := db.ReminderCounts(ctx, p)
	if got["xa-chau-loc"] != (cchcbot.ReminderCount{Sent: 2, Acked: 1}) || got["xa-dong-hop"] != (cchcbot.ReminderCount{Sent: 1}) {
		t.Errorf("counts %v", got)
	}
	if other, _ := db.ReminderCounts(ctx, "bao-cao-thang/2024-03"); len(other) != 0 {
		t.Errorf("another period has counts %v", other)
	}
}
