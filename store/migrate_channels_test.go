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

// buildV6 writes a database as schema 6 left it: the outbox and inbox,
// one event accepted and not yet handled, and a unit.
func buildV6(t *testing.T, dir string) {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	be := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "units", "members", "admins", "invites", "submissions", "sub_by_pu", "reminders", "drafts", "audit",
			"sub_by_unit", "state", "reminder_counts", "sub_by_key", "outbox", "inbox", "seen", "seen_order"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("6")); err != nil {
			return err
		}
		u, _ := json.Marshal(cchcbot.Unit{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc", Group: cchcbot.GroupCommune, Order: 1})
		if err := tx.Bucket([]byte("units")).Put([]byte("xa-chau-loc"), u); err != nil {
			return err
		}
		ev, _ := json.Marshal(cchcbot.Inbound{Seq: 1, Key: "telegram:9", ReceivedAt: t0, In: &cchcbot.Incoming{ID: 9, User: "telegram:1", Text: "/start"}})
		if err := tx.Bucket([]byte("inbox")).Put(be(1), ev); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("inbox")).SetSequence(1); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("seen_order")).Put(be(1), []byte("telegram:9")); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("seen_order")).SetSequence(1); err != nil {
			return err
		}
		return tx.Bucket([]byte("seen")).Put([]byte("telegram:9"), append(be(1), be(uint64(t0.UnixNano()))...))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationFromVersion6(t *testing.T) {
	dir := t.TempDir()
	buildV6(t, dir)
	c := &clock{t0.Add(time.Minute)}
	db := openClocked(t, dir, c)

	// What schema 6 held is as it was.
	if units, err := db.Units(ctx); err != nil || len(units) != 1 || units[0].Code != "xa-chau-loc" {
		t.Errorf("units after migration = %+v, %v", units, err)
	}
	pending, err := db.PendingIncoming(ctx)
	if err != nil || len(pending) != 1 || pending[0].Key != "telegram:9" {
		t.Errorf("pending after migration = %+v, %v; want the one accepted", pending, err)
	}
	if got := accept(t, db, event(9, "/start")); len(got) != 0 {
		t.Errorf("a key seen under schema 6 was accepted again: %s", keys(got))
	}

	// The new buckets work: no tokens yet, nobody seen yet, nothing counted.
	_, err = db.Tokens(ctx, cchcbot.ChannelZalo)
	wantCode(t, "Tokens after migration", err, cchcbot.ENOTFOUND)
	if at, err := db.LastSeen(ctx, "telegram:1"); err != nil || !at.IsZero() {
		t.Errorf("LastSeen after migration = %v, %v; want zero (not recorded before schema 7)", at, err)
	}
	if n, err := db.CountProactive(ctx, cchcbot.ChannelZalo, "2024-02"); err != nil || n != 0 {
		t.Errorf("CountProactive after migration = %d, %v", n, err)
	}
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, cchcbot.ChannelTokens{Refresh: "r"}); err != nil {
		t.Errorf("PutTokens after migration: %v", err)
	}
	if n, err := db.AddProactive(ctx, cchcbot.ChannelZalo, "2024-02", 1); err != nil || n != 1 {
		t.Errorf("AddProactive after migration = %d, %v", n, err)
	}
	accept(t, db, from(cchcbot.ZaloUser("77"), "zalo:1"))
	if at, err := db.LastSeen(ctx, cchcbot.ZaloUser("77")); err != nil || !at.Equal(c.t) {
		t.Errorf("LastSeen of a new event = %v, %v; want %v", at, err, c.t)
	}
	db.Close()

	meta := readMeta(t, dir)
	if meta["schema_version"] != fmt.Sprint(store.SchemaVersion) || store.SchemaVersion < 7 || meta["migration/0007-channels"] == "" {
		t.Errorf("meta = %v; want version 7 or later and the migration recorded", meta)
	}
	buckets := readBuckets(t, dir)
	for _, name := range []string{"channel_tokens", "last_seen", "proactive"} {
		if !buckets[name] {
			t.Errorf("bucket %s missing after the migration", name)
		}
	}

	// A read-only open of the migrated file is accepted; of schema 6, refused.
	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after migration: %v", err)
	}
	ro.Close()
	old := t.TempDir()
	buildV6(t, old)
	_, err = store.Open(old, store.Options{ReadOnly: true})
	wantCode(t, "read-only open of schema 6", err, cchcbot.ECONFLICT)
}
