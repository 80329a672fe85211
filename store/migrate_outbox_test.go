package store_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

// buildV5 writes a database as schema 5 left it: handled update ids with
// their insertion order and the last id, reminders with the index of those
// in flight, and the tally.
func buildV5(t *testing.T, dir string) {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	be := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	put := func(tx *bolt.Tx, bucket string, key []byte, v any) {
		data, ok := v.([]byte)
		if !ok {
			if data, err = json.Marshal(v); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Bucket([]byte(bucket)).Put(key, data); err != nil {
			t.Fatal(err)
		}
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "units", "members", "admins", "invites", "submissions", "sub_by_pu", "reminders", "drafts", "audit",
			"sub_by_unit", "updates", "update_order", "state", "reminders_sending", "reminder_counts", "sub_by_key"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		put(tx, "meta", []byte("schema_version"), []byte("5"))
		put(tx, "meta", []byte("last_update_id"), be(503))
		for n, id := range []uint64{500, 503, 7} {
			put(tx, "updates", be(id), be(uint64(n+1)))
			put(tx, "update_order", be(uint64(n+1)), be(id))
		}
		if err := tx.Bucket([]byte("update_order")).SetSequence(3); err != nil {
			return err
		}
		for i, r := range []cchcbot.Reminder{
			{Step: "before-3", State: cchcbot.ReminderSent, AckedAt: t0},
			{Step: "due", State: cchcbot.ReminderSending},
			{Step: "overdue-1", State: cchcbot.ReminderFailed, Error: "blocked"},
		} {
			r.PeriodID, r.UnitCode, r.Member = feb, "xa-chau-loc", cchcbot.TelegramUser(int64(i+1))
			key := []byte(feb + "\x00xa-chau-loc\x00" + r.Step + "\x00" + string(r.Member))
			put(tx, "reminders", key, r)
			if r.State == cchcbot.ReminderSending {
				put(tx, "reminders_sending", key, []byte{})
			}
		}
		put(tx, "reminder_counts", []byte(feb+"\x00xa-chau-loc"), append(binary.BigEndian.AppendUint32(nil, 1), binary.BigEndian.AppendUint32(nil, 1)...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationFromVersion5(t *testing.T) {
	dir := t.TempDir()
	buildV5(t, dir)
	now := t0
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The record a crash left sending is gone, so that the due step can
	// be sent again; the others and the tally stay.
	log, err := db.Reminders(ctx, feb)
	if err != nil || len(log) != 2 || log[0].Step != "before-3" || log[1].Step != "overdue-1" {
		t.Fatalf("log after migration = %+v, %v; want before-3 and overdue-1", log, err)
	}
	if c, _ := db.ReminderCounts(ctx, feb); c["xa-chau-loc"] != (cchcbot.ReminderCount{Sent: 1, Acked: 1}) {
		t.Errorf("tally after migration = %v; want sent 1, acked 1", c)
	}
	due := cchcbot.Reminder{PeriodID: feb, UnitCode: "xa-chau-loc", Step: "due", Member: cchcbot.TelegramUser(2)}
	if _, n := queueReminders(t, db, due); n != 1 {
		t.Errorf("the dropped step queued %d times, want 1", n)
	}

	// The handled update ids are remembered as seen keys, for the TTL.
	evs := []cchcbot.Inbound{{Key: "telegram:500", In: &cchcbot.Incoming{ID: 500}}, {Key: "telegram:7", In: &cchcbot.Incoming{ID: 7}},
		{Key: "telegram:504", In: &cchcbot.Incoming{ID: 504}}}
	if got, err := db.AcceptIncoming(ctx, evs); err != nil || len(got) != 1 || got[0].Key != "telegram:504" {
		t.Errorf("AcceptIncoming after migration = %+v, %v; want only the new update", got, err)
	}
	now = t0.Add(store.DefaultSeenTTL)
	if got, err := db.AcceptIncoming(ctx, evs[:1]); err != nil || len(got) != 1 {
		t.Errorf("an old id after the TTL = %+v, %v; want it accepted", got, err)
	}
	db.Close()

	meta := readMeta(t, dir)
	if meta["schema_version"] != fmt.Sprint(store.SchemaVersion) || meta["migration/0006-outbox-inbox"] == "" {
		t.Errorf("meta = %v; want version 6 and the migration recorded", meta)
	}
	if _, ok := meta["last_update_id"]; ok {
		t.Error("meta still holds last_update_id")
	}
	buckets := readBuckets(t, dir)
	for _, name := range []string{"updates", "update_order", "reminders_sending"} {
		if buckets[name] {
			t.Errorf("bucket %s survived the migration", name)
		}
	}
	for _, name := range []string{"outbox", "inbox", "seen", "seen_order"} {
		if !buckets[name] {
			t.Errorf("bucket %s missing after the migration", name)
		}
	}
}
