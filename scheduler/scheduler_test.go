package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/scheduler"
	"cchcbot/store"
)

var ctx = context.Background()

// channel records what the scheduler sent.
type channel struct {
	mu    sync.Mutex
	sent  []sent
	clock *clock
	// failAfter, when set, makes the channel "crash" after that many
	// deliveries: the next message goes out, then the send reports that
	// the process died (the context error).
	failAfter int
	cancel    context.CancelFunc
	blocked   map[cchcbot.UserID]bool
}

type sent struct {
	to      cchcbot.UserID
	text    string
	buttons [][]cchcbot.Button
	at      time.Time
}

func (c *channel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocked[m.To] {
		return cchcbot.MessageRef{}, cchcbot.Errorf(cchcbot.EUNREACHABLE, "Forbidden: bot was blocked by the user")
	}
	c.sent = append(c.sent, sent{m.To, m.Text, m.Buttons, c.clock.Now()})
	if c.failAfter > 0 && len(c.sent) > c.failAfter {
		c.cancel()
		return cchcbot.MessageRef{}, ctx.Err()
	}
	return cchcbot.MessageRef{To: m.To, ID: fmt.Sprint(len(c.sent))}, nil
}
func (c *channel) Edit(context.Context, cchcbot.MessageRef, string, [][]cchcbot.Button) error {
	return nil
}
func (c *channel) SendDocument(context.Context, cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return cchcbot.MessageRef{}, nil
}
func (c *channel) AnswerCallback(context.Context, string, string) error { return nil }
func (c *channel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, nil
}

func (c *channel) all() []sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]sent(nil), c.sent...)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

type fixture struct {
	cal   *cchcbot.Calendar
	db    *store.DB
	ch    *channel
	clock *clock
	units []cchcbot.Unit
}

// newFixture builds the example config's calendar, n units with one
// member each, and a scheduler's dependencies.
func newFixture(t testing.TB, n int) *fixture {
	t.Helper()
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{cal: cfg.Calendar(), clock: &clock{now: at("2024-01-01 00:00")}}
	f.ch = &channel{clock: f.clock, blocked: map[cchcbot.UserID]bool{}}
	f.db, err = store.Open(t.TempDir(), store.Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	groups := cchcbot.UnitGroups
	for i := range n {
		f.units = append(f.units, cchcbot.Unit{Code: fmt.Sprintf("dv-%03d", i), Name: fmt.Sprintf("Đơn vị %03d", i), Group: groups[i%3], HeadTitle: "Thủ trưởng", Order: i})
	}
	if _, err := f.db.SyncUnits(ctx, f.units, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for i, u := range f.units {
		f.addMember(t, u.Code, int64(1000+i))
	}
	f.db.SyncAdmins(ctx, []cchcbot.Admin{{User: cchcbot.TelegramUser(1), Name: "Nội vụ"}}, f.clock.Now())
	return f
}

func (f *fixture) addMember(t testing.TB, unit string, id int64) {
	t.Helper()
	code, hash, _ := cchcbot.NewInviteCode(nil)
	_ = code
	if err := f.db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unit, ExpiresAt: at("2030-01-01 00:00")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RedeemInvite(ctx, hash, cchcbot.Member{User: cchcbot.TelegramUser(id)}, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) scheduler() *scheduler.Scheduler {
	return scheduler.New(f.cal, f.db, f.ch, f.clock, cchcbot.CallbackSigner{Key: []byte("k")}, "Phòng Nội vụ huyện Quỳ Hợp",
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

func (f *fixture) runAt(t testing.TB, s *scheduler.Scheduler, when time.Time) {
	t.Helper()
	f.clock.Set(when)
	if err := s.RunDue(ctx, when); err != nil {
		t.Fatal(err)
	}
}

// reminders returns, per period, the instants at which reminders were sent
// and how many each time.
func (f *fixture) byPeriod() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, m := range f.ch.all() {
		if len(m.buttons) == 0 {
			continue // a digest
		}
		var period string
		fmt.Sscanf(strings.SplitN(m.buttons[0][0].Data, "|", 3)[1], "%s", &period)
		if out[period] == nil {
			out[period] = map[string]int{}
		}
		out[period][m.at.In(hcm).Format("2006-01-02 15:04")]++
	}
	return out
}

// TestYear2024 drives the scheduler through every reminder instant of 2024
// for 50 units that never submit, plus hourly sweeps of sample days, and
// checks the exact messages: counts and instants, holiday shifts included.
func TestYear2024(t *testing.T) {
	f := newFixture(t, 50)
	s := f.scheduler()
	var instants []time.Time
	for _, p := range f.cal.Periods(cchcbot.D(2023, 12, 1), cchcbot.D(2025, 2, 28)) {
		for _, st := range f.cal.Plan(p) {
			if st.At.Year() == 2024 {
				instants = append(instants, st.At)
			}
		}
	}
	// Hourly sweeps on days around the Tết shift and a weekend shift.
	for _, day := range []string{"2024-02-07", "2024-02-12", "2024-02-15", "2024-05-10", "2024-05-12"} {
		for h := range 24 {
			instants = append(instants, at(day+" 00:00").Add(time.Duration(h)*time.Hour+17*time.Minute))
		}
	}
	slices.SortFunc(instants, time.Time.Compare)
	instants = slices.Compact(instants)
	for _, when := range instants {
		f.runAt(t, s, when)
	}

	got := f.byPeriod()
	want := map[string][]string{
		// The plan: due Wednesday 31/01/2024; before-3 (Sunday 28/01) moves
		// back to Friday 26/01; overdue-2 (Sunday 04/02) forward to Monday.
		"ke-hoach-khac-phuc/2024": {"2024-01-24 08:00", "2024-01-26 08:00", "2024-01-30 08:00", "2024-01-31 08:00",
			"2024-02-02 08:00", "2024-02-05 08:00", "2024-02-06 08:00"},
		// February: 12/02 is in the Tết break (08–14/02), the deadline is
		// 15/02; every reminder before it lands on 07/02, the last working
		// day before Tết, and collapses into one.
		"bao-cao-thang/2024-02": {"2024-02-07 08:00", "2024-02-15 08:00", "2024-02-19 08:00", "2024-02-20 08:00", "2024-02-21 08:00"},
		// May: 12/05 is a Sunday, the deadline is Monday 13/05; before-1
		// (Sunday) and before-3 (Friday) collapse on Friday 10/05.
		"bao-cao-thang/2024-05": {"2024-05-06 08:00", "2024-05-10 08:00", "2024-05-13 08:00", "2024-05-15 08:00", "2024-05-17 08:00", "2024-05-20 08:00"},
		"bao-cao-thang/2024-08": {"2024-08-05 08:00", "2024-08-09 08:00", "2024-08-12 08:00", "2024-08-14 08:00", "2024-08-16 08:00", "2024-08-19 08:00"},
		// October: 12/10 is a Saturday, the deadline is Monday 14/10.
		"bao-cao-thang/2024-10": {"2024-10-07 08:00", "2024-10-11 08:00", "2024-10-14 08:00", "2024-10-16 08:00", "2024-10-18 08:00", "2024-10-21 08:00"},
	}
	for period, instants := range want {
		var have []string
		for when, n := range got[period] {
			have = append(have, when)
			if n != 50 {
				t.Errorf("%s at %s: %d messages, want 50", period, when, n)
			}
		}
		slices.Sort(have)
		if strings.Join(have, " ") != strings.Join(instants, " ") {
			t.Errorf("%s sent at\n%v\nwant\n%v", period, have, instants)
		}
	}
	total := 0
	for _, m := range got {
		for _, n := range m {
			total += n
		}
	}
	// 13 periods fall due in 2024: the plan and 12 monthly reports. Each
	// has 7 steps (3 before, the due day, 3 overdue) except where a day
	// off merges two: February has 5, May, August (12/08 a Monday, so
	// before-1 on Sunday joins before-3 on Friday 09/08) and October 6.
	// January 2025's report starts on 06/01/2025. So 7·13 − 2 − 3 = 86.
	if want := 86 * 50; total != want {
		t.Errorf("%d reminders in 2024, want %d", total, want)
	}
	// Every message is one of a kind: no duplicates.
	seen := map[string]bool{}
	for _, m := range f.ch.all() {
		if len(m.buttons) == 0 {
			continue
		}
		k := string(m.to) + m.buttons[0][1].Data
		if seen[k] {
			t.Fatalf("duplicate reminder to %s: %s", m.to, m.buttons[0][1].Data)
		}
		seen[k] = true
	}
}
