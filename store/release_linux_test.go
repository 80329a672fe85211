package store_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
)

// rssFile is the process's resident memory backed by files, in bytes.
func rssFile(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// TestReleasePages: after a read of the whole log, ReleasePages gives
// back the file's pages the read mapped, and reads after it see the same
// records.
func TestReleasePages(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	const period = "bao-cao-thang/2024-02"
	var rs []cchcbot.Reminder
	for i := range 40000 {
		rs = append(rs, cchcbot.Reminder{PeriodID: period, UnitCode: "xa-chau-loc", Step: fmt.Sprintf("step-%d", i%40), Member: cchcbot.TelegramUser(int64(i)),
			State: cchcbot.ReminderSent, Error: strings.Repeat("x", 200)})
	}
	if err := db.MarkReminders(ctx, rs); err != nil {
		t.Fatal(err)
	}
	before := rssFile(t)
	got, err := db.Reminders(ctx, period)
	if err != nil || len(got) != len(rs) {
		t.Fatalf("Reminders: %d, %v", len(got), err)
	}
	read := rssFile(t)
	if read-before < 4<<20 {
		t.Skipf("the read mapped only %d KB of the file: nothing to give back", (read-before)>>10)
	}
	if err := db.ReleasePages(ctx); err != nil {
		t.Fatal(err)
	}
	if after := rssFile(t); after-before > (read-before)/4 {
		t.Errorf("file-backed memory: %d KB before the read, %d KB after it, %d KB after ReleasePages", before>>10, read>>10, after>>10)
	}
	if again, err := db.Reminders(ctx, period); err != nil || len(again) != len(rs) || again[123] != got[123] {
		t.Fatalf("read after ReleasePages: %d records, %v", len(again), err)
	}
}
