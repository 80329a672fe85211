package store_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

// seedRecords fills a store with members, submissions and reminders that
// use every field, in more than one time zone.
func seedRecords(t *testing.T, db *store.DB) {
	t.Helper()
	seedUnits(t, db)
	hcmc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	var ms []cchcbot.Member
	for i, u := range testUnits {
		for j := range 2 {
			ms = append(ms, cchcbot.Member{User: cchcbot.TelegramUser(int64(100 + 10*i + j)), UnitCode: u.Code,
				Name: fmt.Sprintf("Cán bộ %d.%d", i, j), Username: fmt.Sprintf("cb%d%d", i, j),
				JoinedAt: t0.Add(time.Duration(i*10+j) * time.Hour), InvitedBy: "telegram:9001", Head: j == 0})
		}
	}
	ms = append(ms, cchcbot.Member{User: "zalo:77", UnitCode: "xa-chau-loc", Name: "Trần Văn Zalo", Person: cchcbot.TelegramUser(110), JoinedAt: t0.In(hcmc)})
	if err := db.ImportMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := db.SetReachable(ctx, cchcbot.TelegramUser(121), false, "Forbidden: bot was blocked by the user", t0.UTC()); err != nil {
		t.Fatal(err)
	}
	f := putFile(t, db, "báo cáo")
	for i, period := range []string{"bao-cao-thang/2024-01", feb} {
		for j, u := range testUnits {
			s := &cchcbot.Submission{PeriodID: period, UnitCode: u.Code, SubmittedBy: cchcbot.TelegramUser(int64(100 + 10*j)),
				SubmitterName: "Cán bộ", SubmittedAt: t0.Add(time.Duration(i*24+j) * time.Hour).In(hcmc), DaysLate: j % 2,
				Explanation: strings.Repeat("Lý do ", j), Key: fmt.Sprintf("nonce-%d-%d", i, j)}
			if j == 1 {
				s.Note, s.DocNumber, s.DocDate = "Không có tệp", "12/BC-UBND", cchcbot.D(2024, 2, 9)
			} else {
				s.Files = []cchcbot.File{f}
			}
			if err := db.CreateSubmission(ctx, s); err != nil {
				t.Fatal(err)
			}
			if j == 2 {
				if _, err := db.ReviewSubmission(ctx, s.ID, cchcbot.StateReturned, "Thiếu chữ ký", "telegram:9001", t0.Add(48*time.Hour), nil); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var rs []cchcbot.Reminder
	states := []cchcbot.ReminderState{cchcbot.ReminderSent, cchcbot.ReminderFailed, cchcbot.ReminderSkipped, cchcbot.ReminderExpired}
	for i, period := range []string{"bao-cao-thang/2024-01", feb} {
		for j, u := range testUnits {
			for k, step := range []string{"before-7", "before-3", "due", "overdue-1", "overdue-2"} {
				for m := range 2 {
					r := cchcbot.Reminder{PeriodID: period, UnitCode: u.Code, Step: step, Member: cchcbot.TelegramUser(int64(100 + 10*j + m)),
						State: states[(i+j+k+m)%len(states)], PlannedAt: t0.Add(time.Duration(k) * 24 * time.Hour),
						UpdatedAt: t0.Add(time.Duration(k)*24*time.Hour + time.Duration(m)*time.Second + 123456789).UTC()}
					if r.State == cchcbot.ReminderSent {
						r.SentAt, r.MessageID = r.UpdatedAt.In(hcmc), strconv.Itoa(1000+len(rs))
					} else if r.State == cchcbot.ReminderFailed {
						r.Error = "Bad Request: chat not found"
					}
					rs = append(rs, r)
				}
			}
		}
	}
	if err := db.MarkReminders(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, feb, "xa-chau-loc", "due", cchcbot.TelegramUser(110), t0.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// records returns every member, submission and reminder of the store
// file at path, decoded, by bucket and key.
func records(t *testing.T, path string) map[string]any {
	t.Helper()
	out := map[string]any{}
	if err := store.ReadRecords(path, func(bucket string, key []byte, rec any) error {
		out[fmt.Sprintf("%s/%q", bucket, key)] = rec
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// formats counts the values of the binary buckets by their first byte:
// '{' for JSON, 1 for binary.
func formats(t *testing.T, path string) map[byte]int {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n := map[byte]int{}
	b.View(func(tx *bolt.Tx) error {
		for _, name := range store.BinaryBuckets {
			tx.Bucket([]byte(name)).ForEach(func(_, v []byte) error {
				n[v[0]]++
				return nil
			})
		}
		return nil
	})
	return n
}

func sameRecords(t *testing.T, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d records; want %d", len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s is missing", k)
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("%s =\n%+v\nwant\n%+v", k, g, w)
		}
	}
}

// jsonStore makes a store with records in every binary bucket, and
// downgrades it to what the release before migration 0009 wrote. It
// returns the file's path and its records.
func jsonStore(t *testing.T) (string, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	seedRecords(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, store.FileName)
	want := records(t, path)
	if err := store.DowngradeRecords(path); err != nil {
		t.Fatal(err)
	}
	if n := formats(t, path); n['{'] != len(want) || len(n) != 1 {
		t.Fatalf("after downgrade the values start with %v; want %d JSON", n, len(want))
	}
	if v := readMeta(t, dir)["schema_version"]; v != strconv.Itoa(store.SchemaVersion-1) {
		t.Fatalf("schema version after downgrade = %s", v)
	}
	return path, want
}

// copyStore copies the store file at path to a new data dir.
func copyStore(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(dir, store.FileName), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCompactRecordsMigratesJSON(t *testing.T) {
	path, want := jsonStore(t)
	dir := filepath.Dir(path)
	var log bytes.Buffer
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return t0 }, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if ms, err := db.Members(ctx, ""); err != nil || len(ms) != 7 {
		t.Errorf("members after migration = %d, %v; want 7", len(ms), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, records(t, path), want)
	if n := formats(t, path); n[1] != len(want) || len(n) != 1 {
		t.Errorf("after migration the values start with %v; want %d binary", n, len(want))
	}
	meta := readMeta(t, dir)
	if meta["schema_version"] != strconv.Itoa(store.SchemaVersion) || meta["migration/0009-compact-records"] == "" {
		t.Errorf("meta after migration = %v; want version %d and 0009 recorded", meta, store.SchemaVersion)
	}
	if _, ok := meta["progress/0009-compact-records"]; ok {
		t.Error("progress key left after the migration")
	}
	if !strings.Contains(log.String(), "msg=\"migrated records\"") || !strings.Contains(log.String(), fmt.Sprintf("done=%d", len(want))) {
		t.Errorf("log = %q; want the migration's end with done=%d", log.String(), len(want))
	}
}

var errCrash = errors.New("crash")

// A migration stopped after k batches (as a crash would stop it) records
// neither its name nor the schema version, and the next Open finishes it.
func TestCompactRecordsResumes(t *testing.T) {
	path, want := jsonStore(t)
	const batch = 10 // members fit one batch, submissions one, reminders several
	for _, k := range []int{1, 2, 3, 5, 7} {
		t.Run(fmt.Sprintf("after %d batches", k), func(t *testing.T) {
			dir := copyStore(t, path)
			opts := store.WithMigrateHook(store.Options{Now: func() time.Time { return t0 }}, batch, func(n int) error {
				if n == k {
					return errCrash
				}
				return nil
			})
			if _, err := store.Open(dir, opts); !errors.Is(err, errCrash) {
				t.Fatalf("Open stopped after %d batches = %v; want the crash", k, err)
			}
			meta := readMeta(t, dir)
			if meta["schema_version"] != strconv.Itoa(store.SchemaVersion-1) || meta["migration/0009-compact-records"] != "" || meta["progress/0009-compact-records"] == "" {
				t.Fatalf("meta mid-way = %v; want the old version, no 0009, a progress key", meta)
			}
			if n := formats(t, filepath.Join(dir, store.FileName)); n[1] == 0 || n['{'] == 0 {
				t.Fatalf("mid-way the values start with %v; want some of each", n)
			}
			db := mustOpenDir(t, dir)
			db.Close()
			sameRecords(t, records(t, filepath.Join(dir, store.FileName)), want)
			meta = readMeta(t, dir)
			if meta["schema_version"] != strconv.Itoa(store.SchemaVersion) || meta["progress/0009-compact-records"] != "" {
				t.Errorf("meta after = %v", meta)
			}
		})
	}
}

// Each Open converting one batch and stopping resumes from wherever the
// last one stopped, bucket boundaries included.
func TestCompactRecordsResumesBatchByBatch(t *testing.T) {
	path, want := jsonStore(t)
	dir := filepath.Dir(path)
	opts := store.WithMigrateHook(store.Options{Now: func() time.Time { return t0 }}, 7, func(int) error { return errCrash })
	opens := 1
	for {
		db, err := store.Open(dir, opts)
		if err == nil {
			db.Close()
			break
		}
		if !errors.Is(err, errCrash) {
			t.Fatal(err)
		}
		if opens++; opens > len(want) {
			t.Fatalf("still migrating after %d opens", opens)
		}
	}
	// ceil(7/7) + ceil(6/7) + ceil(60/7) batches; the last one finishes.
	if want := 1 + 1 + 9; opens != want {
		t.Errorf("%d opens; want %d, one per batch", opens, want)
	}
	sameRecords(t, records(t, path), want)
}

func TestCompactRecordsLeavesCurrentStoreAlone(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedRecords(t, db)
	db.Close()
	path := filepath.Join(dir, store.FileName)
	sum := func() [32]byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(data)
	}
	before := sum()
	db = mustOpenDir(t, dir)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if sum() != before {
		t.Error("opening a current store changed the file")
	}
}

// Only the migration reads JSON records: a store that claims to be current
// but holds one says so instead of guessing.
func TestJSONRecordInCurrentStoreIsAnError(t *testing.T) {
	path, _ := jsonStore(t)
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte(strconv.Itoa(store.SchemaVersion)))
	})
	b.Close()
	db := mustOpenDir(t, filepath.Dir(path))
	if _, err := db.Member(ctx, cchcbot.TelegramUser(100)); err == nil || !strings.Contains(err.Error(), "JSON") {
		t.Errorf("Member of a JSON record = %v; want an error saying it is JSON", err)
	}
}
