package backup_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/backup"
	"cchcbot/store"
)

var ctx = context.Background()

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// clock is a settable Clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// newDaily returns a Daily over a real store, its copies in a temp dir,
// at 02:30 in Hồ Chí Minh City, keeping keep copies.
func newDaily(t *testing.T, keep int, now time.Time) (*backup.Daily, *clock, *store.DB) {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{now}
	d := &backup.Daily{Source: db, Dir: filepath.Join(t.TempDir(), "backups"), Keep: keep,
		At: cchcbot.TimeOfDay{Hour: 2, Minute: 30}, Location: hcm, Clock: clk}
	return d, clk, db
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestNameIsTheOfficesDate: 02/12/2026 01:00 in Hồ Chí Minh City is still
// 01/12 in UTC; the copy is named by the office's date.
func TestNameIsTheOfficesDate(t *testing.T) {
	d, _, _ := newDaily(t, 3, time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC))
	if err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := names(t, d.Dir); !slices.Equal(got, []string{"cchcbot-2026-12-02.db"}) {
		t.Fatalf("files %q, want cchcbot-2026-12-02.db", got)
	}
	fi, err := os.Stat(d.Dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup dir mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	fi, err = os.Stat(filepath.Join(d.Dir, "cchcbot-2026-12-02.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("copy mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestRetention: twenty days of backups keep the newest Keep, and files
// that are not ours are never touched.
func TestRetention(t *testing.T) {
	d, clk, db := newDaily(t, 3, time.Date(2026, 12, 1, 2, 30, 0, 0, hcm))
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	others := []string{"cchcbot-manual.db", "cchcbot-2026-01-01.db.bak", "notes.txt", "cchcbot-2026-02-30.db", "cchcbot-2026-11-01.db.tmp", ".cchcbot-2026-11-01.db.123456.tmp"}
	for _, n := range others {
		os.WriteFile(filepath.Join(d.Dir, n), []byte("x"), 0o600)
	}
	for i := range 20 {
		if err := db.PutState(ctx, "day", []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		if err := d.Run(ctx); err != nil {
			t.Fatal(err)
		}
		clk.now = clk.now.AddDate(0, 0, 1)
	}
	want := []string{"cchcbot-2026-02-30.db", "cchcbot-2026-12-18.db", "cchcbot-2026-12-19.db", "cchcbot-2026-12-20.db", "cchcbot-2026-01-01.db.bak", "cchcbot-manual.db", "notes.txt"}
	got := names(t, d.Dir)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files after 20 days, keep 3:\n%q\nwant\n%q", got, want)
	}
	// The newest copy holds the last day's data and opens.
	copies, err := backup.List(d.Dir)
	if err != nil || len(copies) != 3 || copies[0].Day != cchcbot.D(2026, 12, 20) {
		t.Fatalf("List = %+v, %v", copies, err)
	}
	dir := t.TempDir()
	raw, _ := os.ReadFile(copies[0].Path)
	os.WriteFile(filepath.Join(dir, store.FileName), raw, 0o600)
	bk, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if v, _ := bk.GetState(ctx, "day"); len(v) != 1 || v[0] != 19 {
		t.Errorf("newest copy holds day %v, want 19", v)
	}
}

// TestSameDayReplaces: a second run on the same day replaces that day's
// copy rather than adding one.
func TestSameDayReplaces(t *testing.T) {
	d, clk, db := newDaily(t, 14, time.Date(2026, 12, 2, 2, 30, 0, 0, hcm))
	d.Run(ctx)
	db.PutState(ctx, "k", []byte("later"))
	clk.now = clk.now.Add(8 * time.Hour)
	if err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := names(t, d.Dir); !slices.Equal(got, []string{"cchcbot-2026-12-02.db"}) {
		t.Errorf("files %q, want one copy", got)
	}
}

// TestCatchUp: a copy is made at start-up only when the last scheduled
// one is missing.
func TestCatchUp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newest string // the newest existing copy's date, "" for none
		now    time.Time
		want   string // the copy made, "" for none
	}{
		{"no copy at all", "", time.Date(2026, 12, 2, 1, 0, 0, 0, hcm), "cchcbot-2026-12-02.db"},
		{"yesterday's, before 02:30", "2026-12-01", time.Date(2026, 12, 2, 2, 29, 0, 0, hcm), ""},
		{"yesterday's, after 02:30", "2026-12-01", time.Date(2026, 12, 2, 2, 31, 0, 0, hcm), "cchcbot-2026-12-02.db"},
		{"today's", "2026-12-02", time.Date(2026, 12, 2, 9, 0, 0, 0, hcm), ""},
		{"a week old, bot down", "2026-11-25", time.Date(2026, 12, 2, 1, 0, 0, 0, hcm), "cchcbot-2026-12-02.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _, _ := newDaily(t, 14, tc.now)
			os.MkdirAll(d.Dir, 0o700)
			var before []string
			if tc.newest != "" {
				before = []string{"cchcbot-" + tc.newest + ".db"}
				os.WriteFile(filepath.Join(d.Dir, before[0]), []byte("old"), 0o600)
			}
			if err := d.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			want := before
			if tc.want != "" && !slices.Contains(want, tc.want) {
				want = append(want, tc.want)
			}
			slices.Sort(want)
			if got := names(t, d.Dir); !slices.Equal(got, want) {
				t.Errorf("files %q, want %q", got, want)
			}
		})
	}
}

// TestFailedCopyKeepsOld: a copy that fails (the directory is gone and
// cannot be made) is an error, and prunes nothing.
func TestFailedCopyKeepsOld(t *testing.T) {
	d, _, _ := newDaily(t, 1, time.Date(2026, 12, 2, 2, 30, 0, 0, hcm))
	d.Source = failing{}
	os.MkdirAll(d.Dir, 0o700)
	old := filepath.Join(d.Dir, "cchcbot-2026-11-30.db")
	os.WriteFile(old, []byte("old"), 0o600)
	if err := d.Run(ctx); err == nil {
		t.Fatal("a failed copy reported success")
	}
	if _, err := os.Stat(old); err != nil {
		t.Errorf("the previous copy was pruned after a failure: %v", err)
	}
}

type failing struct{}

func (failing) WriteBackup(context.Context, io.Writer) (int64, error) { return 0, os.ErrPermission }
func (failing) Path() string                                          { return "/nonexistent/cchcbot.db" }
