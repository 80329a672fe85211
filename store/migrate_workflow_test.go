package store_test

import (
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

// workflowBuckets are the buckets migration 8 adds.
var workflowBuckets = []string{"requests", "extensions", "ext_by_pu", "ext_by_unit", "exemptions", "explanations", "absences", "abs_by_unit", "escalations"}

// downgrade makes the database in dir look as schema 7 left it: without
// the workflow's buckets, or with them (drop false: a crash after the
// buckets were made, before the version was, cannot happen, but running
// the migration again must still be harmless).
func downgrade(t *testing.T, dir string, drop bool) {
	t.Helper()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		if drop {
			for _, name := range workflowBuckets {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return fmt.Errorf("drop %s: %w", name, err)
				}
			}
		}
		meta := tx.Bucket([]byte("meta"))
		if err := meta.Delete([]byte("migration/0008-workflow")); err != nil {
			return err
		}
		return meta.Put([]byte("schema_version"), []byte("7"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationToWorkflow(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-chau-loc", SubmittedBy: member}
	if err := db.CreateSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	db.Close()
	downgrade(t, dir, true)
	if buckets := readBuckets(t, dir); buckets["requests"] {
		t.Fatal("the downgrade left the workflow's buckets")
	}
	_, err := store.Open(dir, store.Options{ReadOnly: true})
	wantCode(t, "read-only open of schema 7", err, cchcbot.ECONFLICT)

	mustOpenDir(t, dir).Close()
	meta := readMeta(t, dir)
	if meta["schema_version"] != fmt.Sprint(store.SchemaVersion) || meta["migration/0008-workflow"] == "" {
		t.Errorf("meta = %v; want version %d and the migration recorded", meta, store.SchemaVersion)
	}
	buckets := readBuckets(t, dir)
	for _, name := range workflowBuckets {
		if !buckets[name] {
			t.Errorf("bucket %s missing after the migration", name)
		}
	}
	// What schema 7 held is as it was; the new records work.
	db = mustOpenDir(t, dir)
	if units, err := db.Units(ctx); err != nil || len(units) != 3 {
		t.Errorf("units after migration = %d, %v", len(units), err)
	}
	if subs, err := db.Submissions(ctx, feb, "xa-chau-loc"); err != nil || len(subs) != 1 || subs[0].ID != s.ID {
		t.Errorf("submissions after migration = %+v, %v", subs, err)
	}
	if adj, err := db.Adjustments(ctx, feb); err != nil || len(adj.Extensions)+len(adj.Exemptions)+len(adj.Explanations)+len(adj.Escalations) != 0 {
		t.Errorf("adjustments after migration = %+v, %v; want none", adj, err)
	}
	r := newRequest()
	if err := db.CreateRequest(ctx, r, nil); err != nil || r.ID != "dot-xuat-1" {
		t.Fatalf("first request after migration = %s, %v", r.ID, err)
	}
	mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
	mustAway(t, db, away(member, "xa-chau-loc", cchcbot.D(2024, 3, 1), cchcbot.D(2024, 3, 2)))
	db.Close()

	// Run again over buckets that hold records: they are kept, and the
	// sequences go on.
	downgrade(t, dir, false)
	db = mustOpenDir(t, dir)
	if all, err := db.Requests(ctx); err != nil || len(all) != 1 || all[0].ID != "dot-xuat-1" {
		t.Errorf("requests after the migration ran again = %+v, %v", all, err)
	}
	if es, err := db.Extensions(ctx, ""); err != nil || len(es) != 1 {
		t.Errorf("extensions after the migration ran again = %d, %v", len(es), err)
	}
	if as, err := db.Absences(ctx, "xa-chau-loc"); err != nil || len(as) != 1 {
		t.Errorf("absences after the migration ran again = %d, %v", len(as), err)
	}
	r2 := newRequest()
	if err := db.CreateRequest(ctx, r2, nil); err != nil || r2.ID != "dot-xuat-2" {
		t.Errorf("next request = %s, %v; want dot-xuat-2", r2.ID, err)
	}
	db.Close()
	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after migration: %v", err)
	}
	ro.Close()
}
