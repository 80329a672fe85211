package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// The names below are prefixed with "browser" so that they never clash
// with the server's own tests in this package.

// browserMonthly is the monthly report of config.example.yaml: its periods
// are the overview's columns.
const browserMonthly = "bao-cao-thang"

// browserSept is the period the review tests act on: due 12/09/2024,
// while the seeded "now" is 20/09/2024.
const browserSept = browserMonthly + "/2024-09"

// browserAdmin is the config's admin, given a real-looking name.
var browserAdmin = cchcbot.Admin{User: "telegram:100000001", Name: "Nguyễn Thị Hoa", FromConfig: true}

// browserFileName is a Vietnamese file name with a dash, spaces and
// diacritics in every position a naive header would break.
const browserFileName = "Báo cáo CCHC tháng 9 – Châu Lộc (bản ký số).pdf"

// browserClock is the seeded world's time, movable by the tests (a login
// link expiring) and safe to read from the server's goroutines.
type browserClock struct{ ns atomic.Int64 }

func (c *browserClock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *browserClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *browserClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// browserWorld is Quỳ Hợp district (config.example.yaml) on 20/09/2024
// with eight months of monthly reports behind it: most units on time,
// some late, some returned, a few missing; two September reports waiting
// for review; every unit with a member in chat.
type browserWorld struct {
	cfg   *config.Config
	cal   *cchcbot.Calendar
	db    *store.DB
	clock *browserClock
	start time.Time // the seeded "now"

	// Waiting for review in September: Châu Lộc's (with the Vietnamese
	// file name) and Châu Đình's.
	chauLoc, chauDinh *cchcbot.Submission
	// fileSHA is the sha256 of Châu Lộc's file, as computed here.
	fileSHA  string
	fileBody []byte
}

// browserMember is the Telegram id of unit i's member j.
func browserMember(i, j int) cchcbot.UserID {
	return cchcbot.TelegramUser(int64(700_000_000 + i*10 + j))
}

// member is the unit's member in chat, who is told of its reviews.
func (w *browserWorld) member(code string) cchcbot.UserID {
	for i, u := range w.cfg.UnitList() {
		if u.Code == code {
			return browserMember(i, 0)
		}
	}
	panic("no unit " + code)
}

func browserAt(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// browserOutcome draws a unit's outcome for a past period from a hash of
// both, so every run seeds the same year: 0..99.
func browserOutcome(unit, period string) int {
	h := fnv.New32a()
	h.Write([]byte(unit + "|" + period))
	return int(h.Sum32() % 100)
}

// browserTemplate is the seeded store, closed, that each test copies:
// seeding takes a dozen commits, a copy a few files' writes.
type browserTemplate struct {
	dir string
	w   browserWorld // without a store
}

// newBrowserTemplate seeds a store in a temp dir of t and closes it.
func newBrowserTemplate(t testing.TB) *browserTemplate {
	t.Helper()
	dir := t.TempDir()
	w := seedBrowserWorldIn(t, dir)
	if err := w.db.Close(); err != nil {
		t.Fatal(err)
	}
	w.db = nil
	return &browserTemplate{dir: dir, w: *w}
}

// world opens a copy of the seeded store, at the seeded time, for t.
func (bt *browserTemplate) world(t testing.TB) *browserWorld {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(bt.dir)); err != nil {
		t.Fatal(err)
	}
	w := bt.w
	w.clock = &browserClock{}
	w.clock.Set(w.start)
	db, err := store.Open(dir, store.Options{Now: w.clock.Now, LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	return &w
}

// seedBrowserWorld opens a store in a temp dir and fills it.
func seedBrowserWorld(t testing.TB) *browserWorld {
	t.Helper()
	w := seedBrowserWorldIn(t, t.TempDir())
	t.Cleanup(func() { w.db.Close() })
	return w
}

// seedBrowserWorldIn opens a store in dir and fills it; the caller closes
// it.
func seedBrowserWorldIn(t testing.TB, dir string) *browserWorld {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Calendar()
	w := &browserWorld{cfg: cfg, cal: cal, clock: &browserClock{}}
	w.start = browserAt(cal.Location, 2024, 9, 20, 9, 0)
	w.clock.Set(w.start)
	w.db, err = store.Open(dir, store.Options{Now: w.clock.Now, LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	units := cfg.UnitList()
	if _, err := w.db.SyncUnits(ctx, units, w.start.AddDate(-1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SyncAdmins(ctx, []cchcbot.Admin{browserAdmin}, w.start.AddDate(-1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	var members []cchcbot.Member
	for i, u := range units {
		members = append(members, cchcbot.Member{User: browserMember(i, 0), UnitCode: u.Code, Name: "Văn thư " + strings.TrimPrefix(u.Name, "UBND "),
			JoinedAt: w.start.AddDate(0, -10, 0), InvitedBy: string(browserAdmin.User)})
	}
	if err := w.db.ImportMembers(ctx, members); err != nil {
		t.Fatal(err)
	}

	// A small pool of report files; Châu Lộc's September file is its own.
	put := func(body []byte) cchcbot.File {
		t.Helper()
		sum, n, err := w.db.PutFile(ctx, strings.NewReader(string(body)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return cchcbot.File{SHA256: sum, Size: n, MIME: "application/pdf"}
	}
	var pool []cchcbot.File
	for i := range 4 {
		pool = append(pool, put([]byte(fmt.Sprintf("%%PDF-1.7\n%% báo cáo mẫu %d\n", i))))
	}

	var subs []*cchcbot.Submission
	var rems []cchcbot.Reminder
	add := func(p cchcbot.Period, u cchcbot.Unit, ui int, at time.Time, f cchcbot.File) *cchcbot.Submission {
		f.Name = fmt.Sprintf("Báo cáo CCHC %s - %s.pdf", p.ID[strings.LastIndexByte(p.ID, '/')+1:], u.Code)
		s := &cchcbot.Submission{PeriodID: p.ID, UnitCode: u.Code, Files: []cchcbot.File{f}, SubmittedBy: browserMember(ui, 0),
			SubmitterName: "Văn thư " + strings.TrimPrefix(u.Name, "UBND "), SubmittedAt: at, DaysLate: p.DaysLate(at),
			DocNumber: fmt.Sprintf("%d/BC-UBND", 10+ui)}
		subs = append(subs, s)
		return s
	}
	review := func(s *cchcbot.Submission, state cchcbot.SubmissionState, reason string, after time.Duration) {
		s.State, s.Reason, s.ReviewedBy, s.ReviewedAt = state, reason, browserAdmin.User, s.SubmittedAt.Add(after)
	}
	from, to := cchcbot.DateOf(browserAt(cal.Location, 2024, 1, 1, 0, 0)), cchcbot.DateOf(browserAt(cal.Location, 2024, 12, 31, 0, 0))
	for _, p := range cal.Periods(from, to) {
		k, _ := cal.Kind(p.KindID)
		if p.ID == browserSept || !p.Deadline.Before(w.start) {
			continue // September is seeded by hand below; later ones are not due
		}
		for i, u := range units {
			if !k.Owes(u) {
				continue
			}
			r := browserOutcome(u.Code, p.ID)
			f := pool[r%len(pool)]
			onTime := p.Deadline.Add(-time.Duration(1+r%5) * 24 * time.Hour)
			switch {
			case r < 4: // never submitted
			case r < 8: // returned, not sent again
				review(add(p, u, i, onTime, f), cchcbot.StateReturned, "Thiếu số liệu thủ tục hành chính", 6*time.Hour)
			case r < 13: // returned, sent again late, accepted
				review(add(p, u, i, onTime, f), cchcbot.StateReturned, "Chưa ký, đóng dấu", 6*time.Hour)
				review(add(p, u, i, p.Deadline.Add(time.Duration(1+r%3)*24*time.Hour), f), cchcbot.StateAccepted, "", 4*time.Hour)
			case r < 25: // late, accepted
				review(add(p, u, i, p.Deadline.Add(time.Duration(1+r%9)*24*time.Hour-2*time.Hour), f), cchcbot.StateAccepted, "", 3*time.Hour)
			default: // on time, accepted
				review(add(p, u, i, onTime, f), cchcbot.StateAccepted, "", 5*time.Hour)
			}
			if r < 13 {
				// Reminded twice before the deadline, one acknowledged.
				for j, step := range []string{"before-3", "due"} {
					at := p.Deadline.Add(-time.Duration(3-2*j) * 24 * time.Hour)
					rm := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: step, Member: browserMember(i, 0),
						State: cchcbot.ReminderSent, PlannedAt: at, SentAt: at, UpdatedAt: at}
					if j == 0 {
						rm.AckedAt = at.Add(time.Hour)
					}
					rems = append(rems, rm)
				}
			}
		}
	}

	// September 2024: due 12/09. Most units have sent it and been
	// accepted; four are late, two of them not yet reviewed; two more
	// wait for review; one was returned; the rest have sent nothing.
	sept, err := cal.Period(browserSept)
	if err != nil {
		t.Fatal(err)
	}
	w.fileBody = []byte("%PDF-1.7\n% Báo cáo cải cách hành chính tháng 9/2024 – UBND xã Châu Lộc\n\x00\x01\x02\xff")
	sum := sha256.Sum256(w.fileBody)
	w.fileSHA = hex.EncodeToString(sum[:])
	locFile := put(w.fileBody)
	locFile.Name = browserFileName
	for i, u := range units {
		on := browserAt(cal.Location, 2024, 9, 9+i%3, 8+i%8, 15)
		switch {
		case u.Code == "xa-chau-loc":
			s := add(sept, u, i, browserAt(cal.Location, 2024, 9, 11, 15, 40), locFile)
			s.Files[0].Name = browserFileName
			w.chauLoc = s
		case u.Code == "xa-chau-dinh":
			w.chauDinh = add(sept, u, i, on, pool[1])
		case u.Code == "xa-ha-son":
			review(add(sept, u, i, on, pool[2]), cchcbot.StateReturned, "Sai mẫu báo cáo", 20*time.Hour)
		case u.Code == "phong-y-te" || u.Code == "tt-dv-nn":
			review(add(sept, u, i, browserAt(cal.Location, 2024, 9, 13+i%4, 10, 0), pool[3]), cchcbot.StateAccepted, "", 2*time.Hour)
		case u.Code == "xa-tam-hop" || u.Code == "xa-van-loi": // late, not yet reviewed
			add(sept, u, i, browserAt(cal.Location, 2024, 9, 16+i%3, 14, 30), pool[3])
		case i%7 == 3: // nothing yet
		default:
			review(add(sept, u, i, on, pool[i%len(pool)]), cchcbot.StateAccepted, "", 26*time.Hour)
		}
	}
	if err := w.db.ImportSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	if err := w.db.MarkReminders(ctx, rems); err != nil {
		t.Fatal(err)
	}
	return w
}

// status is the period's standing computed from the store by the root
// package's own rules: what /status shows, and what the pages must show.
func (w *browserWorld) status(t testing.TB, periodID string) cchcbot.PeriodStatus {
	t.Helper()
	ctx := context.Background()
	p, err := w.cal.Period(periodID)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := w.cal.Kind(p.KindID)
	units, err := w.db.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := w.db.LatestSubmissions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := w.db.Members(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	rems, err := w.db.Reminders(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cchcbot.ComputeStatus(k, p, units, latest, members, rems)
}

// TestBrowserSeed checks the seeded world itself, without a browser: the
// tests below rely on every state being present.
func TestBrowserSeed(t *testing.T) {
	w := seedBrowserWorld(t)
	ps := w.status(t, browserSept)
	c := ps.Counts()
	if c.Owed != len(w.cfg.UnitList()) || c.OnTime == 0 || c.Late == 0 || c.Missing == 0 || c.Returned != 1 {
		t.Errorf("September counts %+v", c)
	}
	seen := map[cchcbot.UnitState]bool{}
	for _, p := range w.cal.Periods(cchcbot.DateOf(browserAt(w.cal.Location, 2024, 1, 1, 0, 0)), cchcbot.DateOf(browserAt(w.cal.Location, 2024, 8, 31, 0, 0))) {
		for _, u := range w.status(t, p.ID).Units {
			seen[u.State] = true
		}
	}
	for _, s := range []cchcbot.UnitState{cchcbot.UnitOnTime, cchcbot.UnitLate, cchcbot.UnitReturned, cchcbot.UnitMissing} {
		if !seen[s] {
			t.Errorf("no unit is %s in January to August", s)
		}
	}
	if w.chauLoc.State != cchcbot.StateSubmitted || w.chauLoc.Files[0].SHA256 != w.fileSHA {
		t.Errorf("Châu Lộc's September report %+v", w.chauLoc)
	}
}
