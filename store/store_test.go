package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

var ctx = context.Background()

// t0 is the tests' "now": the store stamps records with it.
var t0 = time.Date(2024, 2, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// MustOpen opens a store in a fresh temp dir, closed when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenDir(tb, tb.TempDir())
}

func mustOpenDir(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() { db.Close() })
	watches.Store(db, db.Queued())
	return db
}

// watches holds, per store, the Queued channel taken when the test last
// looked: Queued's channel is closed by a commit that queues, so a test
// takes it before the commits it wants to hear of.
var watches sync.Map

var testUnits = []cchcbot.Unit{
	{Code: "phong-noi-vu", Name: "Phòng Nội vụ", Group: cchcbot.GroupDepartment, HeadTitle: "Trưởng phòng", Order: 1},
	{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 2},
	{Code: "xa-dong-hop", Name: "UBND xã Đồng Hợp", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 3},
}

func seedUnits(tb testing.TB, db *store.DB) {
	tb.Helper()
	if _, err := db.SyncUnits(ctx, testUnits, t0); err != nil {
		tb.Fatal(err)
	}
}

func putFile(tb testing.TB, db *store.DB, content string) cchcbot.File {
	tb.Helper()
	sum, n, err := db.PutFile(ctx, strings.NewReader(content), 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return cchcbot.File{SHA256: sum, Size: n, Name: "bao-cao.pdf", MIME: "application/pdf"}
}

// wantCode fails unless err carries the domain error code want.
func wantCode(tb testing.TB, what string, err error, want string) {
	tb.Helper()
	if got := cchcbot.ErrorCode(err); got != want {
		tb.Errorf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seedUnits(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	units, err := db.Units(ctx)
	if err != nil || len(units) != 3 || units[1].Name != "UBND xã Châu Lộc" {
		t.Fatalf("units after reopen = %+v, %v; want the 3 seeded", units, err)
	}
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db := mustOpenDir(t, dir)
	f := putFile(t, db, "nội dung")
	blob, err := db.FilePath(f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, db.Path(): 0o600, blob: 0o600, filepath.Dir(blob): 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", path, got, want)
		}
	}
}

func TestOpenTightensExistingModes(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	db.Close()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	for path, want := range map[string]os.FileMode{dir: 0o700, db.Path(): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s mode after reopen = %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
}

func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	db.Close()

	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if units, err := ro.Units(ctx); err != nil || len(units) != 3 {
		t.Errorf("read-only units = %d, %v; want 3", len(units), err)
	}
	if err := ro.PutState(ctx, "k", []byte("v")); err == nil {
		t.Error("a read-only store accepted a write")
	}

	_, err = store.Open(filepath.Join(t.TempDir(), "none"), store.Options{ReadOnly: true})
	wantCode(t, "read-only open of a missing store", err, cchcbot.ENOTFOUND)
}

// TestConcurrentReaders reads while one writer adds versions: every reader
// sees a consistent snapshot (versions 1..n with no gap). Run with -race.
func TestConcurrentReaders(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	const writes = 30
	files := make([]cchcbot.File, writes)
	for i := range files {
		files[i] = putFile(t, db, fmt.Sprintf("lần %d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for _, f := range files {
			s := &cchcbot.Submission{PeriodID: "p/1", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}}
			if err := db.CreateSubmission(ctx, s); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seen := 0; ; {
				subs, err := db.Submissions(ctx, "p/1", "xa-chau-loc")
				if err != nil {
					errs <- err
					return
				}
				if len(subs) < seen {
					errs <- fmt.Errorf("a reader saw %d versions after %d", len(subs), seen)
				}
				seen = len(subs)
				for k, s := range subs {
					if s.Version != k+1 {
						errs <- fmt.Errorf("a reader saw version %d at position %d", s.Version, k)
					}
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if subs, _ := db.Submissions(ctx, "p/1", "xa-chau-loc"); len(subs) != writes {
		t.Errorf("versions = %d, want %d", len(subs), writes)
	}
}

// TestConcurrentVersions has several people submit for one unit at once:
// every version number is used exactly once.
func TestConcurrentVersions(t *testing.T) {
	db := MustOpen(t)
	f := putFile(t, db, "báo cáo")
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.CreateSubmission(ctx, &cchcbot.Submission{PeriodID: "p/1", UnitCode: "xa-a", Files: []cchcbot.File{f}})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	subs, err := db.Submissions(ctx, "p/1", "xa-a")
	if err != nil || len(subs) != n {
		t.Fatalf("versions = %d, %v; want %d", len(subs), err, n)
	}
	for i, s := range subs {
		if s.Version != i+1 {
			t.Errorf("position %d holds version %d", i, s.Version)
		}
	}
}
