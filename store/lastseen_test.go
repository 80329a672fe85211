package store_test

import (
	"testing"
	"time"

	"cchcbot"
)

func from(user cchcbot.UserID, key string) cchcbot.Inbound {
	return cchcbot.Inbound{Key: key, In: &cchcbot.Incoming{User: user, Text: "xin chào", At: t0}}
}

func TestLastSeen(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	db := openClocked(t, dir, c)
	zalo, tg := cchcbot.ZaloUser("4470219386512345678"), cchcbot.TelegramUser(42)

	seen := func(u cchcbot.UserID) time.Time {
		t.Helper()
		at, err := db.LastSeen(ctx, u)
		if err != nil {
			t.Fatalf("LastSeen(%s): %v", u, err)
		}
		return at
	}
	if at := seen(zalo); !at.IsZero() {
		t.Errorf("never seen: %v, want zero", at)
	}

	accept(t, db, from(zalo, "zalo:m1"), from(tg, "telegram:1"), cchcbot.Inbound{Key: "zalo:follow"}, from("", "zalo:system"))
	if !seen(zalo).Equal(t0) || !seen(tg).Equal(t0) {
		t.Errorf("after one event each: zalo %v, telegram %v; want %v", seen(zalo), seen(tg), t0)
	}
	if at := seen(""); !at.IsZero() {
		t.Errorf("an event without a user recorded %v", at)
	}

	// Later: moves on, and only for the one who wrote.
	c.t = t0.Add(3 * time.Hour)
	accept(t, db, from(zalo, "zalo:m2"))
	if !seen(zalo).Equal(c.t) || !seen(tg).Equal(t0) {
		t.Errorf("after a later event: zalo %v, telegram %v; want %v, %v", seen(zalo), seen(tg), c.t, t0)
	}

	// A redelivery is not a new message: it changes nothing.
	c.t = t0.Add(5 * time.Hour)
	accept(t, db, from(zalo, "zalo:m2"))
	if !seen(zalo).Equal(t0.Add(3 * time.Hour)) {
		t.Errorf("a redelivery moved the last-seen time to %v", seen(zalo))
	}

	// The clock stepped back: the later time stays.
	c.t = t0.Add(time.Hour)
	accept(t, db, from(zalo, "zalo:m3"))
	if !seen(zalo).Equal(t0.Add(3 * time.Hour)) {
		t.Errorf("after the clock stepped back: %v, want %v", seen(zalo), t0.Add(3*time.Hour))
	}

	// Recorded in the commit that accepted the event: it survives a restart.
	db.Close()
	db = openClocked(t, dir, c)
	if !seen(zalo).Equal(t0.Add(3 * time.Hour)) {
		t.Errorf("after reopen: %v", seen(zalo))
	}
}

// TestLastSeenWritesNothingMore: a batch of redeliveries still commits
// nothing, last-seen times included.
func TestLastSeenWritesNothingMore(t *testing.T) {
	db := MustOpen(t)
	accept(t, db, from(cchcbot.ZaloUser("1"), "zalo:a"))
	writes := db.PageWrites()
	accept(t, db, from(cchcbot.ZaloUser("1"), "zalo:a"))
	if db.PageWrites() != writes {
		t.Error("a redelivery was committed")
	}
}
