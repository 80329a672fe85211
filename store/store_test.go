package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

var ctx = context.Background()

var t0 = time.Date(2024, 2, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// MustOpen opens a store in a temp dir, closed when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenDir(tb, tb.TempDir())
}

func mustOpenDir(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

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
	return cchcbot.File{SHA256: sum, Size: n, Name: "bao-cao.pdf"}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seedUnits(t, db)
	db.Close()
	db = mustOpenDir(t, dir)
	units, err := db.Units(ctx)
	if err != nil || len(units) != 3 || units[1].Name != "UBND xã Châu Lộc" {
		t.Fatalf("units after reopen = %+v, %v", units, err)
	}
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db := mustOpenDir(t, dir)
	f := putFile(t, db, "nội dung")
	for path, want := range map[string]os.FileMode{dir: 0o700, db.Path(): 0o600} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s mode = %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
	p, _ := db.FilePath(f.SHA256)
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("stored file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir)
	_, err := store.Open(dir, store.Options{LockTimeout: 100 * time.Millisecond})
	if cchcbot.ErrorCode(err) != cchcbot.ELOCKED {
		t.Fatalf("second Open err = %v, want ELOCKED", err)
	}
	if !strings.Contains(cchcbot.ErrorMessage(err), dir) {
		t.Errorf("message %q does not name the path", cchcbot.ErrorMessage(err))
	}
}

func TestConcurrentReaders(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				if i == 0 {
					f := putFile(t, db, fmt.Sprintf("v%d", j))
					if err := db.CreateSubmission(ctx, &cchcbot.Submission{PeriodID: "p/1", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}}); err != nil {
						errs <- err
					}
					continue
				}
				subs, err := db.Submissions(ctx, "p/1", "xa-chau-loc")
				if err != nil {
					errs <- err
				}
				for k, s := range subs {
					if s.Version != k+1 {
						errs <- fmt.Errorf("reader saw version %d at %d", s.Version, k)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestBackupOpens(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	dst := filepath.Join(t.TempDir(), "backup", "cchcbot.db")
	os.MkdirAll(filepath.Dir(dst), 0o700)
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	// Open the copy as a data dir of its own.
	copyDB := mustOpenDir(t, filepath.Dir(dst))
	units, err := copyDB.Units(ctx)
	if err != nil || len(units) != 3 {
		t.Fatalf("units in backup = %d, %v", len(units), err)
	}
	if err := copyDB.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestMigrationFromVersion1 builds a database as version 1 wrote it (no
// per-unit index, units without Order) and opens it with today's code.
func TestMigrationFromVersion1(t *testing.T) {
	dir := t.TempDir()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := cchcbot.Submission{ID: 1, PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Version: 1, State: cchcbot.StateSubmitted}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "units", "members", "admins", "invites", "submissions", "sub_by_pu", "reminders", "drafts", "audit"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("1"))
		for _, u := range []cchcbot.Unit{{Code: "xa-a", Name: "A"}, {Code: "xa-b", Name: "B"}} {
			v, _ := json.Marshal(u)
			tx.Bucket([]byte("units")).Put([]byte(u.Code), v)
		}
		v, _ := json.Marshal(sub)
		id := []byte{0, 0, 0, 0, 0, 0, 0, 1}
		tx.Bucket([]byte("submissions")).Put(id, v)
		tx.Bucket([]byte("submissions")).SetSequence(1)
		tx.Bucket([]byte("sub_by_pu")).Put([]byte("bao-cao-thang/2024-02\x00xa-chau-loc\x00\x00\x00\x00\x01"), id)
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	db := mustOpenDir(t, dir)
	subs, err := db.UnitSubmissions(ctx, "xa-chau-loc")
	if err != nil || len(subs) != 1 || subs[0].ID != 1 {
		t.Fatalf("unit index after migration = %+v, %v", subs, err)
	}
	units, _ := db.Units(ctx)
	if len(units) != 2 || units[0].Order != 1 || units[1].Order != 2 {
		t.Errorf("units after migration = %+v", units)
	}
	if last, err := db.LastUpdateID(ctx); err != nil || last != 0 {
		t.Errorf("update bookkeeping after migration: %d %v", last, err)
	}
	db.Close()
	b, _ = bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	defer b.Close()
	b.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("meta")).Get([]byte("schema_version")); string(v) != fmt.Sprint(store.SchemaVersion) {
			t.Errorf("schema version = %s, want %d", v, store.SchemaVersion)
		}
		return nil
	})
}

func TestFutureSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	b, _ := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	b.Update(func(tx *bolt.Tx) error {
		m, _ := tx.CreateBucket([]byte("meta"))
		return m.Put([]byte("schema_version"), []byte("99"))
	})
	b.Close()
	if _, err := store.Open(dir, store.Options{}); err == nil || !strings.Contains(err.Error(), "99") {
		t.Fatalf("Open of a newer schema err = %v", err)
	}
}

func TestSyncUnits(t *testing.T) {
	db := MustOpen(t)
	res, err := db.SyncUnits(ctx, testUnits, t0)
	if err != nil || len(res.Added) != 3 {
		t.Fatalf("first sync = %+v %v", res, err)
	}
	renamed := append([]cchcbot.Unit(nil), testUnits[:2]...)
	renamed[1].Name = "UBND xã Châu Lộc (mới)"
	res, err = db.SyncUnits(ctx, renamed, t0.Add(time.Hour))
	if err != nil || fmt.Sprint(res.Updated, res.Retired) != "[xa-chau-loc] [xa-dong-hop]" {
		t.Fatalf("second sync = %+v %v", res, err)
	}
	u, _ := db.Unit(ctx, "xa-dong-hop")
	if !u.Retired || !u.RetiredAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("retired unit = %+v", u)
	}
	res, _ = db.SyncUnits(ctx, testUnits, t0.Add(2*time.Hour))
	if fmt.Sprint(res.Revived) != "[xa-dong-hop]" {
		t.Errorf("revive = %+v", res)
	}
	res, _ = db.SyncUnits(ctx, testUnits, t0.Add(3*time.Hour))
	if len(res.Added)+len(res.Updated)+len(res.Retired)+len(res.Revived) != 0 {
		t.Errorf("no-op sync changed %+v", res)
	}
	if _, err := db.Unit(ctx, "khong-co"); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("unknown unit err = %v", err)
	}
}

func newInvite(tb testing.TB, db *store.DB, unit string, admin bool, expires time.Time) string {
	tb.Helper()
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unit, Admin: admin, AdminName: "Cán bộ", ExpiresAt: expires, CreatedBy: "cli"}); err != nil {
		tb.Fatal(err)
	}
	return code
}

func TestInvites(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	alice := cchcbot.Member{User: cchcbot.TelegramUser(11), Name: "Alice"}
	code := newInvite(t, db, "xa-chau-loc", false, t0.Add(24*time.Hour))

	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode("sai-ma"), alice, t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("wrong code err = %v", err)
	}
	inv, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), alice, t0)
	if err != nil || inv.UnitCode != "xa-chau-loc" {
		t.Fatalf("redeem = %+v %v", inv, err)
	}
	m, err := db.Member(ctx, alice.User)
	if err != nil || m.UnitCode != "xa-chau-loc" || !m.JoinedAt.Equal(t0) {
		t.Fatalf("member = %+v %v", m, err)
	}
	bob := cchcbot.Member{User: cchcbot.TelegramUser(12), Name: "Bob"}
	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), bob, t0); cchcbot.ErrorCode(err) != cchcbot.ECONFLICT {
		t.Errorf("used code err = %v", err)
	}
	old := newInvite(t, db, "xa-chau-loc", false, t0.Add(-time.Minute))
	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(old), bob, t0); cchcbot.ErrorCode(err) != cchcbot.EEXPIRED {
		t.Errorf("expired code err = %v", err)
	}
	if _, err := db.Member(ctx, bob.User); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("a failed redeem made bob a member: %v", err)
	}
	adm := newInvite(t, db, "", true, t0.Add(time.Hour))
	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(adm), bob, t0); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Admin(ctx, bob.User); err != nil || a.Name != "Cán bộ" {
		t.Errorf("admin = %+v %v", a, err)
	}
	if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: strings.Repeat("a", 64), UnitCode: "khong-co", ExpiresAt: t0}); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("invite for unknown unit err = %v", err)
	}
	invs, _ := db.Invites(ctx)
	raw, _ := os.ReadFile(db.Path())
	for _, c := range []string{code, old, adm} {
		if bytes.Contains(raw, []byte(c)) {
			t.Error("an invite code is stored in clear")
		}
	}
	if len(invs) != 3 {
		t.Errorf("invites = %d", len(invs))
	}
}

func TestInviteRace(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	code := newInvite(t, db, "xa-chau-loc", false, t0.Add(time.Hour))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), cchcbot.Member{User: cchcbot.TelegramUser(int64(100 + i))}, t0)
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d redeems of one code succeeded, want 1", wins)
	}
}

func TestSubmissions(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	f := putFile(t, db, "kế hoạch")
	by := cchcbot.TelegramUser(11)
	s1 := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedBy: by, SubmittedAt: t0}
	if err := db.CreateSubmission(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if s1.ID != 1 || s1.Version != 1 || s1.State != cchcbot.StateSubmitted || s1.ReceiptNo() != "CCHC-2024-000001" {
		t.Fatalf("s1 = %+v", s1)
	}
	if _, err := db.ReviewSubmission(ctx, s1.ID, cchcbot.StateReturned, "", by, t0); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("return without reason err = %v", err)
	}
	if s, err := db.ReviewSubmission(ctx, s1.ID, cchcbot.StateReturned, "Thiếu phụ lục", by, t0); err != nil || s.State != cchcbot.StateReturned {
		t.Fatalf("return = %+v %v", s, err)
	}
	s2 := &cchcbot.Submission{PeriodID: s1.PeriodID, UnitCode: s1.UnitCode, Files: []cchcbot.File{f, putFile(t, db, "phụ lục")}, SubmittedAt: t0.Add(time.Hour)}
	if err := db.CreateSubmission(ctx, s2); err != nil || s2.Version != 2 {
		t.Fatalf("s2 = %+v %v", s2, err)
	}
	if _, err := db.ReviewSubmission(ctx, s1.ID, cchcbot.StateAccepted, "", by, t0); cchcbot.ErrorCode(err) != cchcbot.ECONFLICT {
		t.Errorf("review of a superseded version err = %v", err)
	}
	if _, err := db.ReviewSubmission(ctx, s2.ID, cchcbot.StateAccepted, "", by, t0); err != nil {
		t.Fatal(err)
	}
	other := &cchcbot.Submission{PeriodID: s1.PeriodID, UnitCode: "xa-dong-hop", Files: []cchcbot.File{f}}
	if err := db.CreateSubmission(ctx, other); err != nil || other.Version != 1 {
		t.Fatalf("other unit = %+v %v", other, err)
	}
	latest, err := db.LatestSubmissions(ctx, s1.PeriodID)
	if err != nil || len(latest) != 2 || latest["xa-chau-loc"].ID != s2.ID || latest["xa-chau-loc"].State != cchcbot.StateAccepted {
		t.Fatalf("latest = %+v %v", latest, err)
	}
	all, _ := db.Submissions(ctx, s1.PeriodID, "xa-chau-loc")
	if len(all) != 2 || all[0].State != cchcbot.StateReturned || all[0].Reason != "Thiếu phụ lục" {
		t.Errorf("versions = %+v", all)
	}
	byUnit, _ := db.UnitSubmissions(ctx, "xa-chau-loc")
	if len(byUnit) != 2 {
		t.Errorf("unit history = %d", len(byUnit))
	}
	missing := &cchcbot.Submission{PeriodID: s1.PeriodID, UnitCode: "xa-chau-loc", Files: []cchcbot.File{{SHA256: strings.Repeat("0", 64)}}}
	if err := db.CreateSubmission(ctx, missing); err == nil {
		t.Error("a submission naming a file that is not stored was recorded")
	}
	if all, _ := db.Submissions(ctx, s1.PeriodID, "xa-chau-loc"); len(all) != 2 {
		t.Error("the refused submission left a record")
	}
}

func TestReminderLog(t *testing.T) {
	db := MustOpen(t)
	r := cchcbot.Reminder{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Step: "before-7", Member: cchcbot.TelegramUser(11)}
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("ack of an unknown reminder err = %v", err)
	}
	for i, want := range []bool{true, false} {
		ok, err := db.BeginReminder(ctx, r)
		if err != nil || ok != want {
			t.Fatalf("BeginReminder #%d = %v %v, want %v", i, ok, err, want)
		}
	}
	pending, _ := db.PendingReminders(ctx)
	if len(pending) != 1 {
		t.Fatalf("pending = %+v", pending)
	}
	r.State, r.SentAt, r.MessageID = cchcbot.ReminderSent, t0, "42"
	if err := db.FinishReminder(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(2*time.Hour))
	// A later finish (say, after a crash) keeps the acknowledgement.
	db.FinishReminder(ctx, r)
	rs, _ := db.RemindersFor(ctx, r.PeriodID, r.UnitCode)
	if len(rs) != 1 || rs[0].State != cchcbot.ReminderSent || !rs[0].AckedAt.Equal(t0.Add(time.Hour)) || rs[0].MessageID != "42" {
		t.Fatalf("reminders = %+v", rs)
	}
	if pending, _ := db.PendingReminders(ctx); len(pending) != 0 {
		t.Errorf("pending after finish = %+v", pending)
	}
	skips := []cchcbot.Reminder{
		{PeriodID: r.PeriodID, UnitCode: "xa-dong-hop", Step: "before-7", Member: cchcbot.TelegramUser(12), State: cchcbot.ReminderSkipped},
		{PeriodID: r.PeriodID, UnitCode: "xa-dong-hop", Step: "before-3", Member: cchcbot.TelegramUser(12), State: cchcbot.ReminderSkipped},
	}
	if err := db.MarkReminders(ctx, skips); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.BeginReminder(ctx, skips[0]); ok {
		t.Error("a skipped step may be begun again")
	}
	all, _ := db.Reminders(ctx, r.PeriodID)
	if len(all) != 3 {
		t.Errorf("period log = %d records", len(all))
	}
}

func TestUpdateBookkeeping(t *testing.T) {
	db := MustOpen(t)
	for _, id := range []int64{500, 501, 503} {
		if err := db.MarkUpdateHandled(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if last, _ := db.LastUpdateID(ctx); last != 503 {
		t.Errorf("last = %d", last)
	}
	for id, want := range map[int64]bool{500: true, 502: false, 503: true, 7: false} {
		if got, _ := db.UpdateHandled(ctx, id); got != want {
			t.Errorf("UpdateHandled(%d) = %v, want %v", id, got, want)
		}
	}
	// Telegram restarted its ids lower: a lower id is new, not seen.
	db.MarkUpdateHandled(ctx, 7)
	if last, _ := db.LastUpdateID(ctx); last != 503 {
		t.Errorf("last after a lower id = %d", last)
	}
	if got, _ := db.UpdateHandled(ctx, 7); !got {
		t.Error("id 7 not remembered")
	}
}

func TestFiles(t *testing.T) {
	db := MustOpen(t)
	content := "Báo cáo CCHC tháng 02/2024"
	sum := sha256.Sum256([]byte(content))
	f := putFile(t, db, content)
	if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(content)) {
		t.Fatalf("PutFile = %+v", f)
	}
	again := putFile(t, db, content)
	if again.SHA256 != f.SHA256 {
		t.Error("same content, different hash")
	}
	rc, err := db.OpenFile(f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != content {
		t.Errorf("read back %q", got)
	}
	if _, _, err := db.PutFile(ctx, strings.NewReader(strings.Repeat("x", 2048)), 1024); cchcbot.ErrorCode(err) != cchcbot.ETOOLARGE {
		t.Errorf("oversize err = %v", err)
	}
	leftovers, _ := os.ReadDir(filepath.Join(db.Dir(), "files", "tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temp files left: %d", len(leftovers))
	}
	for _, bad := range []string{"../cchcbot.db", "../../etc/passwd", strings.ToUpper(f.SHA256), f.SHA256[:63], ""} {
		if _, err := db.OpenFile(bad); err == nil {
			t.Errorf("OpenFile(%q) succeeded", bad)
		}
	}
	if _, err := db.OpenFile(strings.Repeat("a", 64)); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("missing file err = %v", err)
	}
	// A reader that fails mid-way leaves nothing behind.
	if _, _, err := db.PutFile(ctx, io.MultiReader(strings.NewReader("abc"), errReader{}), 1024); err == nil {
		t.Error("a failed stream was stored")
	}
	if leftovers, _ := os.ReadDir(filepath.Join(db.Dir(), "files", "tmp")); len(leftovers) != 0 {
		t.Errorf("temp files left after a failed stream: %d", len(leftovers))
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDraftsStateSecretsAudit(t *testing.T) {
	db := MustOpen(t)
	u := cchcbot.TelegramUser(11)
	if _, err := db.Draft(ctx, u); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("no draft err = %v", err)
	}
	d := cchcbot.Draft{User: u, UnitCode: "xa-chau-loc", PeriodID: "p/1", Files: []cchcbot.File{{ChannelFileID: "F1", Name: "a.pdf"}}, Nonce: "n1"}
	db.SaveDraft(ctx, d)
	got, err := db.Draft(ctx, u)
	if err != nil || got.Nonce != "n1" || len(got.Files) != 1 {
		t.Fatalf("draft = %+v %v", got, err)
	}
	db.DeleteDraft(ctx, u)
	if _, err := db.Draft(ctx, u); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Error("draft not deleted")
	}
	s1, _ := db.Secret(ctx, "callback", 32)
	s2, _ := db.Secret(ctx, "callback", 32)
	if len(s1) != 32 || !bytes.Equal(s1, s2) {
		t.Error("secret not stable")
	}
	if v, _ := db.GetState(ctx, "k"); v != nil {
		t.Error("state before put")
	}
	db.PutState(ctx, "k", []byte("v"))
	if v, _ := db.GetState(ctx, "k"); string(v) != "v" {
		t.Errorf("state = %q", v)
	}
	db.Audit(ctx, cchcbot.AuditEntry{Actor: "cli", Action: "test"})
	db.Audit(ctx, cchcbot.AuditEntry{Actor: "cli", Action: "test2"})
	es, _ := db.AuditEntries(ctx, 1, 10)
	if len(es) != 1 || es[0].Action != "test2" || !es[0].At.Equal(t0) {
		t.Errorf("audit = %+v", es)
	}
}

func BenchmarkCreateSubmission(b *testing.B) {
	db := MustOpen(b)
	f := putFile(b, db, "x")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := &cchcbot.Submission{PeriodID: "p/1", UnitCode: fmt.Sprintf("u%d", i%1000), Files: []cchcbot.File{f}}
		if err := db.CreateSubmission(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBeginFinishReminder(b *testing.B) {
	db := MustOpen(b)
	for i := 0; b.Loop(); i++ {
		r := cchcbot.Reminder{PeriodID: "p/1", UnitCode: fmt.Sprintf("u%d", i), Step: "before-7", Member: cchcbot.TelegramUser(int64(i))}
		if _, err := db.BeginReminder(ctx, r); err != nil {
			b.Fatal(err)
		}
		r.State = cchcbot.ReminderSent
		if err := db.FinishReminder(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
