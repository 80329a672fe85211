package store_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

// buildV1 writes a database as the first release did: its buckets only, no
// per-unit submission index, units without Order, reminders without the
// in-flight index.
func buildV1(t *testing.T, dir string) {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	putJSON := func(tx *bolt.Tx, bucket string, key []byte, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Bucket([]byte(bucket)).Put(key, data); err != nil {
			t.Fatal(err)
		}
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "units", "members", "admins", "invites", "submissions", "sub_by_pu", "reminders", "drafts", "audit"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("1")); err != nil {
			return err
		}
		putJSON(tx, "units", []byte("xa-b"), cchcbot.Unit{Code: "xa-b", Name: "B"})
		putJSON(tx, "units", []byte("xa-a"), cchcbot.Unit{Code: "xa-a", Name: "A"})
		for id, period := range map[byte]string{1: "bao-cao-thang/2024-01", 2: "bao-cao-thang/2024-02"} {
			key := []byte{0, 0, 0, 0, 0, 0, 0, id}
			putJSON(tx, "submissions", key, cchcbot.Submission{ID: uint64(id), PeriodID: period, UnitCode: "xa-a", Version: 1, State: cchcbot.StateSubmitted})
			if err := tx.Bucket([]byte("sub_by_pu")).Put([]byte(period+"\x00xa-a\x00\x00\x00\x00\x01"), key); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte("submissions")).SetSequence(2); err != nil {
			return err
		}
		for step, state := range map[string]cchcbot.ReminderState{"before-3": cchcbot.ReminderSent, "due": cchcbot.ReminderSending} {
			r := cchcbot.Reminder{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-a", Step: step, Member: "telegram:1", State: state}
			putJSON(tx, "reminders", []byte("bao-cao-thang/2024-02\x00xa-a\x00"+step+"\x00telegram:1"), r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readMeta returns the meta bucket's values, read with bbolt directly.
func readMeta(t *testing.T, dir string) map[string]string {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	meta := map[string]string{}
	b.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).ForEach(func(k, v []byte) error {
			meta[string(k)] = string(v)
			return nil
		})
	})
	return meta
}

// readBuckets returns the names of the file's top-level buckets.
func readBuckets(t *testing.T, dir string) map[string]bool {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	names := map[string]bool{}
	b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names[string(name)] = true
			return nil
		})
	})
	return names
}

func TestMigrationFromVersion1(t *testing.T) {
	dir := t.TempDir()
	buildV1(t, dir)

	db := mustOpenDir(t, dir)
	subs, err := db.UnitSubmissions(ctx, "xa-a")
	if err != nil || len(subs) != 2 || subs[0].ID != 1 || subs[1].ID != 2 {
		t.Fatalf("unit history after migration = %+v, %v; want ids 1, 2 by period", subs, err)
	}
	units, err := db.Units(ctx)
	if err != nil || len(units) != 2 || units[0].Code != "xa-a" || units[0].Order != 1 || units[1].Order != 2 {
		t.Errorf("units after migration = %+v, %v; want xa-a 1, xa-b 2", units, err)
	}
	// The one left sending by a crash is forgotten, to be sent again; the
	// tally counts the one sent.
	if log, err := db.Reminders(ctx, "bao-cao-thang/2024-02"); err != nil || len(log) != 1 || log[0].Step != "before-3" {
		t.Errorf("reminder log after migration = %+v, %v; want only the one sent", log, err)
	}
	if counts, err := db.ReminderCounts(ctx, "bao-cao-thang/2024-02"); err != nil || len(counts) != 1 || counts["xa-a"] != (cchcbot.ReminderCount{Sent: 1}) {
		t.Errorf("reminder counts after migration = %v, %v; want xa-a sent 1", counts, err)
	}
	// New writes continue the old sequence and versions.
	s := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-a"}
	if err := db.CreateSubmission(ctx, s); err != nil || s.ID != 3 || s.Version != 2 {
		t.Errorf("first submission after migration = id %d v%d, %v; want id 3 v2", s.ID, s.Version, err)
	}
	db.Close()

	meta := readMeta(t, dir)
	if got := meta["schema_version"]; got != fmt.Sprint(store.SchemaVersion) {
		t.Errorf("schema version = %q, want %d", got, store.SchemaVersion)
	}
	for _, name := range []string{"0002-unit-index-updates-order", "0003-reminders-in-flight-index", "0004-reminder-counts", "0005-submission-keys", "0006-outbox-inbox", "0007-channels"} {
		if meta["migration/"+name] == "" {
			t.Errorf("migration %s not recorded; meta = %v", name, meta)
		}
	}

	// A second open runs nothing again.
	later, err := store.Open(dir, store.Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	later.Close()
	if again := readMeta(t, dir); again["migration/0003-reminders-in-flight-index"] != meta["migration/0003-reminders-in-flight-index"] {
		t.Errorf("a migration ran twice: %v then %v", meta, again)
	}
}

func TestNewDatabaseRecordsEveryMigration(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir).Close()
	meta := readMeta(t, dir)
	n := 0
	for k := range meta {
		if strings.HasPrefix(k, "migration/") {
			n++
		}
	}
	if n != store.SchemaVersion || meta["schema_version"] != fmt.Sprint(store.SchemaVersion) {
		t.Errorf("meta = %v; want %d migrations and that version", meta, store.SchemaVersion)
	}
}

func TestFutureSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return m.Put([]byte("schema_version"), []byte("99"))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err := store.Open(dir, store.Options{ReadOnly: ro})
		wantCode(t, fmt.Sprintf("Open (read-only %v) of schema 99", ro), err, cchcbot.ECONFLICT)
		if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "99") || !strings.Contains(msg, "mới hơn") {
			t.Errorf("message %q does not explain the newer schema", msg)
		}
	}
	if meta := readMeta(t, dir); meta["schema_version"] != "99" || len(meta) != 1 {
		t.Errorf("a refused open wrote to the file: meta = %v", meta)
	}
}

func TestReadOnlyOpenOfOlderSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	buildV1(t, dir)
	_, err := store.Open(dir, store.Options{ReadOnly: true})
	wantCode(t, "read-only open of schema 1", err, cchcbot.ECONFLICT)
	if meta := readMeta(t, dir); meta["schema_version"] != "1" {
		t.Errorf("a read-only open migrated: meta = %v", meta)
	}
}
