package store_test

import (
	"math"
	"testing"

	"cchcbot"
)

func TestProactiveCount(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	db := openClocked(t, dir, c)
	z := cchcbot.ChannelZalo

	count := func(channel, month string) int {
		t.Helper()
		n, err := db.CountProactive(ctx, channel, month)
		if err != nil {
			t.Fatalf("CountProactive(%s, %s): %v", channel, month, err)
		}
		return n
	}
	add := func(channel, month string, n int) int {
		t.Helper()
		total, err := db.AddProactive(ctx, channel, month, n)
		if err != nil {
			t.Fatalf("AddProactive(%s, %s, %d): %v", channel, month, n, err)
		}
		return total
	}

	if n := count(z, "2026-12"); n != 0 {
		t.Errorf("a month without messages = %d", n)
	}
	for i, want := range []int{1, 2, 3} {
		if got := add(z, "2026-12", 1); got != want {
			t.Errorf("add %d: total %d, want %d", i+1, got, want)
		}
	}
	if got := add(z, "2026-12", 10); got != 13 {
		t.Errorf("add 10: total %d, want 13", got)
	}
	// Each month and each channel counts on its own.
	if got := add(z, "2027-01", 2); got != 2 || count(z, "2026-12") != 13 || count(cchcbot.ChannelTelegram, "2026-12") != 0 {
		t.Errorf("January %d, December %d, telegram %d; want 2, 13, 0", got, count(z, "2026-12"), count(cchcbot.ChannelTelegram, "2026-12"))
	}
	// Giving back what was not sent; never below zero.
	if got := add(z, "2026-12", -1); got != 12 {
		t.Errorf("give back 1: total %d, want 12", got)
	}
	if got := add(z, "2027-01", -5); got != 0 {
		t.Errorf("give back more than counted: total %d, want 0", got)
	}
	// n = 0 reads without a commit.
	writes := db.PageWrites()
	if got := add(z, "2026-12", 0); got != 12 || db.PageWrites() != writes {
		t.Errorf("add 0 = %d (writes %d → %d); want 12 and no commit", got, writes, db.PageWrites())
	}
	// No overflow.
	if got := add(z, "2026-11", math.MaxInt); got != math.MaxInt {
		t.Fatalf("add MaxInt = %d", got)
	}
	if got := add(z, "2026-11", 1); got != math.MaxInt {
		t.Errorf("add past MaxInt = %d, want it kept at MaxInt", got)
	}

	db.Close()
	db = openClocked(t, dir, c)
	if count(z, "2026-12") != 12 || count(z, "2027-01") != 0 {
		t.Errorf("after reopen: December %d, January %d; want 12, 0", count(z, "2026-12"), count(z, "2027-01"))
	}
}

func TestProactiveRefused(t *testing.T) {
	db := MustOpen(t)
	for _, tc := range []struct{ name, channel, month string }{
		{"no channel", "", "2026-12"},
		{"zero byte", "za\x00lo", "2026-12"},
		{"month 13", "zalo", "2026-13"},
		{"month 00", "zalo", "2026-00"},
		{"a day", "zalo", "2026-12-01"},
		{"slash", "zalo", "12/2026"},
		{"short", "zalo", "2026-1"},
		{"empty", "zalo", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.CountProactive(ctx, tc.channel, tc.month); err == nil {
				t.Error("CountProactive accepted it")
			}
			if _, err := db.AddProactive(ctx, tc.channel, tc.month, 1); err == nil {
				t.Error("AddProactive accepted it")
			}
		})
	}
}
