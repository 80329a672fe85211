package main

import (
	"context"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// TestRunRollsUpOldReminders: `cchcbot run` folds, at start, the reminder
// rows of a period closed more than reminders.keep_log_years (2 in the
// example) ago into their tally, and leaves a recent period's rows alone.
func TestRunRollsUpOldReminders(t *testing.T) {
	bin := buildBinary(t)
	cfg, dataDir, _ := tempConfigServer(t)
	member := cchcbot.TelegramUser(3001)
	seedUser(t, dataDir, "xa-chau-loc", member)
	const old, recent = "bao-cao-thang/2024-02", "bao-cao-thang/2026-10"
	sent := time.Date(2024, 2, 5, 8, 0, 0, 0, time.UTC)
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var rs []cchcbot.Reminder
	for _, p := range []string{old, recent} {
		for _, step := range []string{"before-7", "before-3", "due"} {
			rs = append(rs, cchcbot.Reminder{PeriodID: p, UnitCode: "xa-chau-loc", Step: step, Member: member, State: cchcbot.ReminderSent, SentAt: sent})
		}
	}
	if err := db.MarkReminders(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, old, "xa-chau-loc", "due", member, sent.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	p := startBot(t, bin, cfg, "2026-12-02T09:00:00+07:00")
	p.waitLog("reminder log rolled up")
	p.stop()

	db, err = store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Reminders(ctx, old); err != nil || len(got) != 0 {
		t.Errorf("%s: %d rows (%v) after the roll-up, want none", old, len(got), err)
	}
	// The bot also catches up October's overdue steps: at least ours stay.
	if got, err := db.Reminders(ctx, recent); err != nil || len(got) < 3 {
		t.Errorf("%s: %d rows (%v), want the 3 seeded and more", recent, len(got), err)
	}
	counts, err := db.ReminderCounts(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts["xa-chau-loc"], (cchcbot.ReminderCount{Sent: 3, Acked: 1}); got != want {
		t.Errorf("tally of %s after the roll-up: %+v, want %+v", old, got, want)
	}
}
