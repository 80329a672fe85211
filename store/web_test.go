package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var webAdmin = cchcbot.TelegramUser(9001)

// TestWebLoginSingleUse: a link starts one session, once; used, expired
// and unknown links say so, and start nothing.
func TestWebLoginSingleUse(t *testing.T) {
	db := MustOpen(t)
	if _, err := db.WebLogin(ctx, sha("x")); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("a link in a store that never had one: %v, want ENOTFOUND", err)
	}
	if _, err := db.WebSession(ctx, sha("x"), t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("a session in a store that never had one: %v, want ENOTFOUND", err)
	}
	good, old := sha("good"), sha("old")
	for _, l := range []cchcbot.WebLogin{{Hash: good, Admin: webAdmin, ExpiresAt: t0.Add(10 * time.Minute)}, {Hash: old, Admin: webAdmin, CreatedAt: t0.Add(-time.Hour), ExpiresAt: t0.Add(-time.Minute)}} {
		if err := db.CreateWebLogin(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, "the same hash twice", db.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: good, Admin: webAdmin, ExpiresAt: t0.Add(time.Minute)}), cchcbot.ECONFLICT)
	for name, l := range map[string]cchcbot.WebLogin{
		"not a hash":     {Hash: "token-in-clear", Admin: webAdmin, ExpiresAt: t0},
		"no admin":       {Hash: sha("a"), ExpiresAt: t0},
		"no expiry":      {Hash: sha("b"), Admin: webAdmin},
		"a path":         {Hash: "../../cchcbot.db", Admin: webAdmin, ExpiresAt: t0},
		"upper-case hex": {Hash: strings.ToUpper(sha("c")), Admin: webAdmin, ExpiresAt: t0},
	} {
		wantCode(t, name, db.CreateWebLogin(ctx, l), cchcbot.EINVALID)
	}
	l, err := db.WebLogin(ctx, good)
	if err != nil || l.Admin != webAdmin || l.Used() || !l.CreatedAt.Equal(t0) {
		t.Errorf("WebLogin = %+v, %v", l, err)
	}

	sess := cchcbot.WebSession{Hash: sha("session"), CSRF: "csrf", ExpiresAt: t0.Add(12 * time.Hour)}
	got, err := db.StartWebSession(ctx, good, sess, t0)
	if err != nil || got.Admin != webAdmin {
		t.Fatalf("StartWebSession = %+v, %v", got, err)
	}
	for name, tc := range map[string]struct {
		login, code string
	}{
		"used":    {good, cchcbot.ECONFLICT},
		"expired": {old, cchcbot.EEXPIRED},
		"unknown": {sha("nope"), cchcbot.ENOTFOUND},
	} {
		_, err := db.StartWebSession(ctx, tc.login, cchcbot.WebSession{Hash: sha("s-" + name), CSRF: "c", ExpiresAt: t0.Add(time.Hour)}, t0)
		wantCode(t, name, err, tc.code)
		if _, err := db.WebSession(ctx, sha("s-"+name), t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
			t.Errorf("%s: a session was stored: %v", name, err)
		}
	}
	if l, _ := db.WebLogin(ctx, good); !l.Used() || !l.UsedAt.Equal(t0) {
		t.Errorf("the used link: %+v", l)
	}

	s, err := db.WebSession(ctx, sess.Hash, t0.Add(time.Hour))
	if err != nil || s.Admin != webAdmin || s.CSRF != "csrf" {
		t.Errorf("WebSession = %+v, %v", s, err)
	}
	if _, err := db.WebSession(ctx, sess.Hash, t0.Add(12*time.Hour+time.Second)); cchcbot.ErrorCode(err) != cchcbot.EEXPIRED {
		t.Errorf("past its end: %v, want EEXPIRED", err)
	}
	if err := db.DeleteWebSession(ctx, sess.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSession(ctx, sess.Hash, t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("after logout: %v, want ENOTFOUND", err)
	}
	if err := db.DeleteWebSession(ctx, sess.Hash); err != nil {
		t.Errorf("deleting it again: %v", err)
	}
}

// TestWebLoginRace: two presses of one link racing start one session.
func TestWebLoginRace(t *testing.T) {
	db := MustOpen(t)
	if err := db.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: sha("race"), Admin: webAdmin, ExpiresAt: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = db.StartWebSession(ctx, sha("race"), cchcbot.WebSession{Hash: sha(fmt.Sprint("s", i)), CSRF: "c", ExpiresAt: t0.Add(time.Hour)}, t0)
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch cchcbot.ErrorCode(err) {
		case "":
			won++
		case cchcbot.ECONFLICT:
		default:
			t.Errorf("press %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d sessions started from one link, want 1", won)
	}
}

// TestWebNothingInClear: neither a token nor a session id is ever in the
// database file; and creating a link forgets the links and sessions long
// dead.
func TestWebNothingInClear(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	token, sid := "tok-"+strings.Repeat("T", 39), "sid-"+strings.Repeat("S", 39)
	if err := db.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: sha(token), Admin: webAdmin, ExpiresAt: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartWebSession(ctx, sha(token), cchcbot.WebSession{Hash: sha(sid), CSRF: "c", ExpiresAt: t0.Add(time.Hour)}, t0); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{token, sid} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the database file holds %q in clear", secret[:4])
		}
	}
	// Two days on, a new link forgets both: the link expired more than a
	// day ago, the session ended.
	later := t0.Add(49 * time.Hour)
	if err := db.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: sha("new"), Admin: webAdmin, CreatedAt: later, ExpiresAt: later.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebLogin(ctx, sha(token)); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("the old link is still there: %v", err)
	}
	if _, err := db.WebSession(ctx, sha(sid), t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("the ended session is still there: %v", err)
	}
	if _, err := db.WebLogin(ctx, sha("new")); err != nil {
		t.Errorf("the new link: %v", err)
	}
}

// TestWebBucketsNeedNoMigration: a store that never had the dashboard
// reads as empty, read-only too, and keeps its schema version.
func TestWebBucketsNeedNoMigration(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.WebSession(ctx, sha("x"), t0); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("read-only, no bucket: %v", err)
	}
	if v, err := store.VerifyFile(filepath.Join(dir, store.FileName)); err != nil || v != store.SchemaVersion {
		t.Errorf("schema %d, %v", v, err)
	}
}

// TestLatestSubmissionsBrief: the brief latest versions are the latest
// versions, without their files and notes; the versions move with each
// commit that changes what they count.
func TestLatestSubmissionsBrief(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	const period = "bao-cao-thang/2024-02"
	sv, uv := db.SubmissionsVersion(), db.UnitsVersion()
	for i, unit := range []string{"xa-chau-loc", "xa-chau-loc", "xa-dong-hop", "xa-chau-loc"} {
		s := &cchcbot.Submission{PeriodID: period, UnitCode: unit, Files: []cchcbot.File{putFile(t, db, fmt.Sprint("body ", i))},
			Note: "ghi chú", SubmittedAt: t0.Add(time.Duration(i) * time.Hour), DaysLate: i}
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	other := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-03", UnitCode: "phong-noi-vu", SubmittedAt: t0}
	if err := db.CreateSubmission(ctx, other); err != nil {
		t.Fatal(err)
	}
	if db.SubmissionsVersion() == sv {
		t.Errorf("SubmissionsVersion did not move with new submissions")
	}
	full, err := db.LatestSubmissions(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReviewSubmission(ctx, full["xa-dong-hop"].ID, cchcbot.StateReturned, "Thiếu phụ lục", webAdmin, t0, nil); err != nil {
		t.Fatal(err)
	}
	full, _ = db.LatestSubmissions(ctx, period)
	brief, err := db.LatestSubmissionsBrief(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if len(brief) != 2 || len(full) != 2 {
		t.Fatalf("brief %d units, full %d; want 2", len(brief), len(full))
	}
	for code, f := range full {
		b := brief[code]
		want := cchcbot.Submission{ID: f.ID, PeriodID: f.PeriodID, UnitCode: f.UnitCode, Version: f.Version, SubmittedAt: f.SubmittedAt, DaysLate: f.DaysLate, State: f.State, Reason: f.Reason}
		if b == nil || !reflect.DeepEqual(*b, want) {
			t.Errorf("%s: brief %+v, want %+v", code, b, want)
		}
	}
	if brief["xa-chau-loc"].Version != 3 || brief["xa-dong-hop"].State != cchcbot.StateReturned {
		t.Errorf("brief = %+v %+v", brief["xa-chau-loc"], brief["xa-dong-hop"])
	}
	if empty, err := db.LatestSubmissionsBrief(ctx, "bao-cao-thang/2030-01"); err != nil || len(empty) != 0 {
		t.Errorf("a period with nothing: %v, %v", empty, err)
	}
	// "bao-cao-thang/2024-0" is a prefix of the period's key but not the period.
	if none, _ := db.LatestSubmissionsBrief(ctx, "bao-cao-thang/2024-0"); len(none) != 0 {
		t.Errorf("a prefix of a period id matched: %v", none)
	}
	if db.UnitsVersion() != uv {
		t.Errorf("UnitsVersion moved with submissions")
	}
	if _, err := db.SyncUnits(ctx, append(testUnits[:2:2], cchcbot.Unit{Code: "xa-moi", Name: "UBND xã Mới", Group: cchcbot.GroupCommune, Order: 9}), t0); err != nil {
		t.Fatal(err)
	}
	if db.UnitsVersion() == uv {
		t.Errorf("UnitsVersion did not move with the units")
	}
}

// TestSubmissionChanges: the periods whose submissions were recorded or
// reviewed after an audit entry, and nothing else.
func TestSubmissionChanges(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	_, last, complete, err := db.SubmissionChanges(ctx, 0, 100)
	if err != nil || complete || last == 0 {
		t.Fatalf("from the start: last %d, complete %v, %v; want the last entry and incomplete", last, complete, err)
	}
	start := last
	feb := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", SubmittedAt: t0}
	mar := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-dong-hop", SubmittedAt: t0}
	for _, s := range []*cchcbot.Submission{feb, mar} {
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Audit(ctx, cchcbot.AuditEntry{Actor: "cli", Action: "web.login", Subject: "bao-cao-thang/2024-09 x"}); err != nil {
		t.Fatal(err)
	}
	periods, last, complete, err := db.SubmissionChanges(ctx, start, 100)
	if err != nil || !complete || last != start+3 || strings.Join(periods, ",") != "bao-cao-thang/2024-02,bao-cao-thang/2024-03" {
		t.Errorf("after two reports: %v, last %d, complete %v, %v", periods, last, complete, err)
	}
	mid := last
	if _, err := db.ReviewSubmission(ctx, mar.ID, cchcbot.StateAccepted, "", webAdmin, t0, nil); err != nil {
		t.Fatal(err)
	}
	if periods, _, _, _ := db.SubmissionChanges(ctx, mid, 100); strings.Join(periods, ",") != "bao-cao-thang/2024-03" {
		t.Errorf("after a review: %v", periods)
	}
	if _, _, complete, _ := db.SubmissionChanges(ctx, start, 2); complete {
		t.Errorf("past the limit: complete")
	}
}
