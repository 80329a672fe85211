package store_test

import (
	"fmt"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// clock is a test's settable "now" for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openClocked(tb testing.TB, dir string, c *clock) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Now: c.now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func event(id int64, text string) cchcbot.Inbound {
	return cchcbot.Inbound{Key: fmt.Sprintf("telegram:%d", id), In: &cchcbot.Incoming{ID: id, User: "telegram:1", Text: text, At: t0}}
}

func keys(evs []cchcbot.Inbound) string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Key)
	}
	return fmt.Sprint(out)
}

func accept(tb testing.TB, db *store.DB, evs ...cchcbot.Inbound) []cchcbot.Inbound {
	tb.Helper()
	got, err := db.AcceptIncoming(ctx, evs)
	if err != nil {
		tb.Fatalf("AcceptIncoming: %v", err)
	}
	return got
}

func TestInbox(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	db := openClocked(t, dir, c)

	ignored := cchcbot.Inbound{Key: "telegram:102"} // an update the bot ignores
	got := accept(t, db, event(101, "/nop"), ignored, event(103, "/trangthai"), event(101, "/nop"))
	if keys(got) != "[telegram:101 telegram:103]" {
		t.Fatalf("accepted %s; want 101 and 103 once, in order, without the ignored one", keys(got))
	}
	if got[0].Seq == 0 || got[1].Seq <= got[0].Seq || !got[0].ReceivedAt.Equal(t0) || got[0].In.Text != "/nop" {
		t.Errorf("accepted = %+v; want rising Seq, ReceivedAt now, the event kept", got)
	}
	// Redelivered, the ignored one too: nothing new, nothing written.
	writes := db.PageWrites()
	if again := accept(t, db, event(103, "/trangthai"), ignored, event(101, "/nop")); len(again) != 0 {
		t.Errorf("redelivery accepted %s", keys(again))
	}
	if db.PageWrites() != writes {
		t.Error("a redelivery was committed")
	}
	c.t = t0.Add(time.Minute)
	got2 := accept(t, db, event(104, "xin chào"), event(103, "/trangthai"))
	if keys(got2) != "[telegram:104]" || got2[0].Seq <= got[1].Seq || !got2[0].ReceivedAt.Equal(c.t) {
		t.Errorf("second batch = %+v; want only 104, after the others", got2)
	}

	// A restart finds what was accepted and not finished, in order.
	db.Close()
	db = openClocked(t, dir, c)
	pending, err := db.PendingIncoming(ctx)
	if err != nil || keys(pending) != "[telegram:101 telegram:103 telegram:104]" || pending[1].In.Text != "/trangthai" {
		t.Fatalf("pending after reopen = %+v, %v", pending, err)
	}
	if err := db.FinishIncoming(ctx, []uint64{pending[0].Seq, pending[2].Seq, 999}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishIncoming(ctx, []uint64{pending[0].Seq}); err != nil {
		t.Errorf("finishing twice = %v", err)
	}
	if rest, _ := db.PendingIncoming(ctx); keys(rest) != "[telegram:103]" {
		t.Errorf("pending after finish = %s; want 103", keys(rest))
	}
	// Finished keys are still remembered.
	if again := accept(t, db, event(101, "/nop")); len(again) != 0 {
		t.Errorf("a finished event delivered again was accepted: %s", keys(again))
	}

	if _, err := db.AcceptIncoming(ctx, []cchcbot.Inbound{event(200, "x"), {In: &cchcbot.Incoming{}}}); err == nil {
		t.Error("an event without a key was accepted")
	}
	if rest, _ := db.PendingIncoming(ctx); keys(rest) != "[telegram:103]" {
		t.Errorf("a refused batch changed the inbox: %s", keys(rest))
	}
}

// TestSeenKeysExpire: after Telegram restarts its update ids (a week
// without updates), an id remembered from long ago must not hide a new
// update; within the TTL a redelivery is still recognised.
func TestSeenKeysExpire(t *testing.T) {
	c := &clock{t0}
	db := openClocked(t, t.TempDir(), c)
	accept(t, db, event(7, "cũ"), event(8, "cũ"))

	c.t = t0.Add(47 * time.Hour)
	if got := accept(t, db, event(7, "lặp lại")); len(got) != 0 {
		t.Errorf("a key seen 47 h ago was accepted again: %s", keys(got))
	}
	c.t = t0.Add(49 * time.Hour)
	if got := accept(t, db, event(8, "mới")); keys(got) != "[telegram:8]" || got[0].In.Text != "mới" {
		t.Errorf("a key seen 49 h ago = %+v; want accepted as new", got)
	}
	// Seen again just now: a redelivery of the new one is recognised.
	if got := accept(t, db, event(8, "mới")); len(got) != 0 {
		t.Errorf("the new update's redelivery was accepted: %s", keys(got))
	}
	// 7 was pruned by that write (its age), and is new too.
	if got := accept(t, db, event(7, "mới")); keys(got) != "[telegram:7]" {
		t.Errorf("an expired key = %s; want accepted", keys(got))
	}
}

// TestSeenKeysBounded: beyond the count bound the oldest keys are
// forgotten, by arrival, whatever their value.
func TestSeenKeysBounded(t *testing.T) {
	c := &clock{t0}
	db := openClocked(t, t.TempDir(), c)
	db.SetMaxSeen(3)
	for _, id := range []int64{10, 11, 12, 5, 13} {
		c.t = c.t.Add(time.Second)
		accept(t, db, event(id, ""))
	}
	db.SetMaxSeen(100) // the checks below must not prune by count
	for _, c := range []struct {
		id   int64
		want bool
	}{{10, true}, {11, true}, {12, false}, {5, false}, {13, false}} {
		if got := accept(t, db, event(c.id, "")); (len(got) == 1) != c.want {
			t.Errorf("key %d accepted again = %v, want %v", c.id, len(got) == 1, c.want)
		}
	}
}
