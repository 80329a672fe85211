package store_test

import (
	"testing"
	"time"

	"cchcbot"
)

func reminder(unit, step string, member int64) cchcbot.Reminder {
	return cchcbot.Reminder{PeriodID: feb, UnitCode: unit, Step: step, Member: cchcbot.TelegramUser(member), PlannedAt: t0}
}

func TestReminderBeginFinishAck(t *testing.T) {
	db := MustOpen(t)
	r := reminder("xa-chau-loc", "before-7", 11)
	err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0)
	wantCode(t, "ack of an unknown reminder", err, cchcbot.ENOTFOUND)

	for i, want := range []bool{true, false, false} {
		if ok, err := db.BeginReminder(ctx, r); err != nil || ok != want {
			t.Fatalf("BeginReminder #%d = %v, %v; want %v", i+1, ok, err, want)
		}
	}
	if pending, err := db.PendingReminders(ctx); err != nil || len(pending) != 1 || pending[0].State != cchcbot.ReminderSending {
		t.Fatalf("pending after begin = %+v, %v; want the one sending", pending, err)
	}

	sent := cchcbot.Reminder{PeriodID: r.PeriodID, UnitCode: r.UnitCode, Step: r.Step, Member: r.Member,
		State: cchcbot.ReminderSent, SentAt: t0.Add(time.Second), MessageID: "42"}
	if err := db.FinishReminder(ctx, sent); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("second ack = %v, want nil", err)
	}
	// A later finish (a retry after a crash, say) keeps the acknowledgement.
	if err := db.FinishReminder(ctx, sent); err != nil {
		t.Fatal(err)
	}

	rs, err := db.RemindersFor(ctx, r.PeriodID, r.UnitCode)
	if err != nil || len(rs) != 1 {
		t.Fatalf("log = %+v, %v; want one record", rs, err)
	}
	got := rs[0]
	if got.State != cchcbot.ReminderSent || got.MessageID != "42" || !got.SentAt.Equal(t0.Add(time.Second)) ||
		!got.AckedAt.Equal(t0.Add(time.Hour)) || !got.PlannedAt.Equal(t0) || !got.UpdatedAt.Equal(t0) {
		t.Errorf("record = %+v; want sent, message 42, acked at the first press, planned time kept, updated now", got)
	}
	if pending, _ := db.PendingReminders(ctx); len(pending) != 0 {
		t.Errorf("pending after finish = %+v", pending)
	}
	if ok, _ := db.BeginReminder(ctx, r); ok {
		t.Error("a sent reminder may be begun again")
	}
}

func TestMarkRemindersInBulk(t *testing.T) {
	db := MustOpen(t)
	inFlight := reminder("xa-dong-hop", "due", 12)
	if ok, err := db.BeginReminder(ctx, inFlight); !ok || err != nil {
		t.Fatalf("begin = %v, %v", ok, err)
	}
	var skips []cchcbot.Reminder
	for _, step := range []string{"before-7", "before-3", "due"} {
		r := reminder("xa-dong-hop", step, 12)
		r.State = cchcbot.ReminderSkipped
		skips = append(skips, r)
	}
	if err := db.MarkReminders(ctx, skips); err != nil {
		t.Fatal(err)
	}
	for _, r := range skips {
		if ok, _ := db.BeginReminder(ctx, r); ok {
			t.Errorf("skipped step %s may be begun again", r.Step)
		}
	}
	if pending, _ := db.PendingReminders(ctx); len(pending) != 0 {
		t.Errorf("pending after marking the in-flight one skipped = %+v", pending)
	}
	all, err := db.Reminders(ctx, feb)
	if err != nil || len(all) != 3 {
		t.Fatalf("period log = %d records, %v; want 3", len(all), err)
	}
	for _, r := range all {
		if r.State != cchcbot.ReminderSkipped {
			t.Errorf("%s state = %s, want skipped", r.Step, r.State)
		}
	}
	if other, _ := db.Reminders(ctx, "bao-cao-thang/2024-03"); len(other) != 0 {
		t.Errorf("another period's log = %+v", other)
	}

	bad := []cchcbot.Reminder{skips[0], {PeriodID: feb, UnitCode: "xa-a", Step: "due", State: cchcbot.ReminderSkipped}}
	if err := db.MarkReminders(ctx, bad); err == nil {
		t.Error("a reminder without a member was accepted")
	}
}

// TestPendingSurvivesReopen: what a crash leaves "sending" is found by the
// next process.
func TestPendingSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	for i, step := range []string{"before-7", "due"} {
		if _, err := db.BeginReminder(ctx, reminder("xa-chau-loc", step, int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	done := reminder("xa-chau-loc", "before-7", 0)
	done.State = cchcbot.ReminderFailed
	done.Error = "bot was blocked"
	if err := db.FinishReminder(ctx, done); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = mustOpenDir(t, dir)
	pending, err := db.PendingReminders(ctx)
	if err != nil || len(pending) != 1 || pending[0].Step != "due" {
		t.Fatalf("pending after reopen = %+v, %v; want the due step only", pending, err)
	}
}
