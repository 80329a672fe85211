package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/config"
	"cchcbot/store"
	"cchcbot/synth"
)

// The deadline rush (issue 15, item 6): the real bot (inbox, chat, store,
// outbox, scheduler, the go-telegram-bot-api client over HTTP) runs
// in-process on a copy of a synthetic deployment, against the fake Bot
// API with Telegram's limits on (30 messages a second, 1 a second to a
// chat, 429 with retry_after beyond them). Its clock stands shortly
// before 16:00 on the due day of December 2026's monthly report and runs
// at speedup times the wall clock; the reminders go out at 16:00, so the
// due day's step falls in the middle of the rush. The bot's pace and the
// network stay on the wall clock: a speedup only packs the same arrivals
// into less real time.

const rushToken = "123:rush"

// rushAdmin is the office's admin in the run's config (the example's is a
// placeholder the bot refuses to run with).
const rushAdmin = 9001

// rushParams shapes one run.
type rushParams struct {
	submitters  int           // units that submit, one member each
	window      time.Duration // simulated time the arrivals spread over, centred on 16:00
	statusEvery time.Duration // simulated time between two /trangthai of other persons
	speedup     float64       // simulated seconds per real second, ≥ 1
	size        int           // bytes of each report file
}

// rushResult is what a run measured, in real time.
type rushResult struct {
	confirm  []time.Duration // confirm press → receipt at the fake server
	beyond   []time.Duration // the same minus the file's download
	download []time.Duration // each file's download, at the fake server
	// afterPace is beyond, less the wait Telegram's limit of one message
	// a second to a chat imposes after the preview (presses here come
	// within milliseconds of it; a person's take seconds).
	afterPace []time.Duration
	status    []time.Duration // /trangthai → its reply
	// The due day's step: its reminders and when they arrived.
	stepCount           int
	stepFirst, stepLast time.Duration // after 16:00 on the bot's clock
	stepWindowMsgs      int           // every message sent between the step's first and last
	// stepTotal counts the step's reminders to every unit without a
	// submission at the sweep: the other units' members (stepCount) and
	// those of submitting units that had not confirmed by then.
	stepTotal              int
	messages, tooMany      int
	logErrors, logWarnings int
	logTail                string        // the last warnings and errors
	wall                   time.Duration // first arrival to the last reply
}

// rushClock is the bot's clock: from start, speed times the wall clock.
type rushClock struct {
	start time.Time // on the bot's clock
	real  time.Time // when it stood at start
	speed float64
}

func (c *rushClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.real)) * c.speed))
}

// realAt returns the wall-clock instant at which the bot's clock shows t.
func (c *rushClock) realAt(t time.Time) time.Time {
	return c.real.Add(time.Duration(float64(t.Sub(c.start)) / c.speed))
}

// rushCase is a prepared run: the copied deployment with its config, the
// period, who submits and who is reminded.
type rushCase struct {
	cfgPath    string
	dataDir    string
	period     cchcbot.Period
	stepAt     time.Time          // the due day's step
	submitters []cchcbot.Member   // one per submitting unit
	others     []cchcbot.Member   // members of the units that owe and do not submit
	unitOf     map[string]int     // unit code → index in synth.Units
	owing      map[string]bool    // units owing the period before the rush
	members    []cchcbot.Member   // every member
	byUnit     map[string][]int64 // unit code → members' Telegram ids
}

// prepareRush copies d's data, writes the run's config (Telegram at srv,
// reminders at 16:00, a real admin, no metrics port) and seeds the
// reminder log with the steps before the due day, as a bot that ran on
// the days before would have sent them: otherwise the start-up sweep
// would send the 11th's step to every unit first.
func prepareRush(tb testing.TB, d *synth.Deployment, srv *telegramtest.Server, p rushParams) *rushCase {
	tb.Helper()
	dir := tb.TempDir()
	rc := &rushCase{cfgPath: filepath.Join(dir, "config.yaml"), dataDir: filepath.Join(dir, "data")}
	if err := copyTree(d.Config.DataDir, rc.dataDir); err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile(d.ConfigPath)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := string(raw)
	for _, r := range []struct{ old, new string }{
		{"data_dir: " + d.Config.DataDir, "data_dir: " + rc.dataDir},
		{"https://api.telegram.org/bot%s/%s", srv.APIEndpoint()},
		{"https://api.telegram.org/file/bot%s/%s", srv.FileEndpoint()},
		{"bot_username: " + config.PlaceholderBotUsername, "bot_username: " + telegramtest.BotUsername},
		{fmt.Sprintf("telegram_id: %d", config.PlaceholderAdminID), fmt.Sprintf("telegram_id: %d", rushAdmin)},
		{config.PlaceholderAdminName, "Trần Thị Nội Vụ"},
		{`listen: "127.0.0.1:9464"`, `listen: ""`},
		{`time: "08:00"`, `time: "16:00"`},
	} {
		if !strings.Contains(cfg, r.old) {
			tb.Fatalf("the synthetic config has no %q", r.old)
		}
		cfg = strings.Replace(cfg, r.old, r.new, 1)
	}
	if err := os.WriteFile(rc.cfgPath, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	c, err := config.Load(rc.cfgPath)
	if err != nil {
		tb.Fatal(err)
	}
	if ph := c.Placeholders(); len(ph) > 0 {
		tb.Fatalf("placeholders left: %v", ph)
	}
	cal := c.Calendar()
	// December 2026's report: the period synth opened last and left
	// (almost) unsubmitted. Its 12th is a Saturday, so the due day is
	// Monday 14/12 (Civil Code, Art. 148).
	if rc.period, err = cal.Period("bao-cao-thang/2026-12"); err != nil {
		tb.Fatal(err)
	}
	plan := cal.Plan(rc.period)
	i := slices.IndexFunc(plan, func(s cchcbot.Step) bool { return s.Kind == cchcbot.StepDueDay })
	if i < 0 {
		tb.Fatalf("no due-day step in %v", plan)
	}
	rc.stepAt = plan[i].At
	if h, m, _ := rc.stepAt.In(cal.Location).Clock(); h != 16 || m != 0 {
		tb.Fatalf("the due-day step is at %s, want 16:00", rc.stepAt)
	}

	ctx := context.Background()
	db, err := store.Open(rc.dataDir, store.Options{Now: func() time.Time { return rc.stepAt }})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	latest, err := db.LatestSubmissions(ctx, rc.period.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if rc.members, err = db.Members(ctx, ""); err != nil {
		tb.Fatal(err)
	}
	k, _ := cal.Kind(rc.period.KindID)
	rc.unitOf, rc.owing, rc.byUnit = map[string]int{}, map[string]bool{}, map[string][]int64{}
	var owing []string
	for i, u := range synth.Units(d.Units) {
		rc.unitOf[u.Code] = i
		if k.Owes(u) && !cchcbot.StateOf(latest[u.Code]).Done() {
			rc.owing[u.Code] = true
			owing = append(owing, u.Code)
		}
	}
	for _, m := range rc.members {
		id, _ := m.User.TelegramID()
		rc.byUnit[m.UnitCode] = append(rc.byUnit[m.UnitCode], id)
	}
	if p.submitters > len(owing) {
		tb.Fatalf("%d submitters wanted, %d units owe %s", p.submitters, len(owing), rc.period.ID)
	}
	rng := rand.New(rand.NewPCG(15, 6))
	rng.Shuffle(len(owing), func(i, j int) { owing[i], owing[j] = owing[j], owing[i] })
	submitting := map[string]bool{}
	for _, code := range owing[:p.submitters] {
		submitting[code] = true
		// One member each: the first of the unit's three.
		rc.submitters = append(rc.submitters, cchcbot.Member{User: cchcbot.TelegramUser(synth.MemberID(rc.unitOf[code], 0)), UnitCode: code})
	}
	logged, err := db.Reminders(ctx, rc.period.ID)
	if err != nil {
		tb.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range logged {
		have[r.UnitCode+"|"+r.Step+"|"+string(r.Member)] = true
	}
	var seed []cchcbot.Reminder
	for _, m := range rc.members {
		if !rc.owing[m.UnitCode] {
			continue
		}
		if !submitting[m.UnitCode] {
			rc.others = append(rc.others, m)
		}
		for _, st := range plan[:i] {
			if have[m.UnitCode+"|"+st.Name+"|"+string(m.User)] {
				continue
			}
			sent := st.At.Add(time.Duration(rng.IntN(600)) * time.Second)
			seed = append(seed, cchcbot.Reminder{PeriodID: rc.period.ID, UnitCode: m.UnitCode, Step: st.Name, Member: m.User,
				State: cchcbot.ReminderSent, PlannedAt: st.At, SentAt: sent, UpdatedAt: sent, MessageID: "1"})
		}
	}
	for chunk := range slices.Chunk(seed, 10_000) {
		if err := db.MarkReminders(ctx, chunk); err != nil {
			tb.Fatal(err)
		}
	}
	return rc
}

// startRushBot runs `cchcbot run` in-process on the given clock and
// returns its stop, which waits for the run to end. The log goes to logw.
func startRushBot(tb testing.TB, cfgPath string, clk cchcbot.Clock, logw io.Writer) (stop func()) {
	tb.Helper()
	tb.Setenv("TELEGRAM_BOT_TOKEN", rushToken)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- (&RunCommand{Stdout: io.Discard, Stderr: logw, Clock: clk}).Run(ctx, []string{"-config", cfgPath})
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("the bot's run: %v", err)
			}
		})
	}
}

// copyTree copies the directory src to dst (regular files only: bbolt's
// file and the received files).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if !e.Type().IsRegular() || strings.HasSuffix(path, ".sock") {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// logCounter counts the bot's error and warning lines (text format) and
// keeps the last of them for a failure's message.
type logCounter struct {
	mu            sync.Mutex
	errors, warns int
	last          []string
	partial       []byte
}

func (l *logCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := strings.IndexByte(string(l.partial), '\n')
		if i < 0 {
			break
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		switch {
		case strings.Contains(line, "level=ERROR"):
			l.errors++
		case strings.Contains(line, "level=WARN"):
			l.warns++
		default:
			continue
		}
		l.last = append(l.last, line)
		if len(l.last) > 20 {
			l.last = l.last[1:]
		}
	}
	return len(p), nil
}

func (l *logCounter) counts() (errors, warns int, last string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errors, l.warns, strings.Join(l.last, "\n")
}
