package bot_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/chat"
	"cchcbot/inbox"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/store"
	"cchcbot/synth"
)

// BenchmarkUpdateHandling measures how many chat commands a second the
// whole bot handles from getUpdates: the real tgbotapi client polling the
// fake Bot API server, the poller accepting each batch into the store's
// inbox (one commit a batch), the dispatcher (each person in order, people
// in parallel, finishes group-committed), the conversation (identify, the
// command, the reply queued in the outbox) and the outbox's sender, on a
// synthetic deployment of N units with five years of history
// (synth.Prepare), the clock fixed at synth.End.
//
// Per iteration the server queues K updates while no poller runs: members'
// /trangthai and /huongdan (two to one) from many distinct members, one
// admin /status in 500. A fresh poller then starts; the time runs from the
// first getUpdates that returns updates until the server holds none
// unconfirmed, every update is handled and its finish committed, and
// every reply is delivered to the fake server.
//
// Replies are NOT paced to Telegram's limits here: the outbox runs at a
// million messages a second overall and per chat and the fake server
// enforces no limits, so the figure is the bot's own handling capacity.
// Under Telegram's 30 messages a second the replies of a burst would leave
// at 30/s whatever the bot does; the benchmark logs how long that takes.
//
// Scales come from CCHCBOT_BENCH_SCALES (unit counts, comma-separated,
// default "50"), K from CCHCBOT_BENCH_UPDATES (default 5000):
//
//	go test -run xxx -bench UpdateHandling -benchtime 1x -cpu 2 ./bot
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench UpdateHandling -benchtime 1x -cpu 2 -timeout 60m ./bot
//
// Each member sends at most uhPerMember commands per iteration, below the
// conversation's per-person flood limit (20 at once): where the deployment
// has too few members for K, deputies are added to the copy of its store
// (up to ten members a unit). Every iteration has a fresh chat.Service, so
// the flood limits start full.
func BenchmarkUpdateHandling(b *testing.B) {
	scales := os.Getenv("CCHCBOT_BENCH_SCALES")
	if scales == "" {
		scales = "50"
	}
	k := 5000
	if v, err := strconv.Atoi(os.Getenv("CCHCBOT_BENCH_UPDATES")); err == nil && v > 0 {
		k = v
	}
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range strings.Split(scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("CCHCBOT_BENCH_SCALES: bad unit count %q", s)
		}
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) { uhRun(b, base, n, k) })
	}
}

// uhPerMember is the most commands one member sends in an iteration.
const uhPerMember = 10

// uhAdminEvery: one update in this many is an admin's /status.
const uhAdminEvery = 500

func uhRun(b *testing.B, base []byte, n, k int) {
	d, err := synth.Prepare(synth.CacheDir(), base, n)
	if err != nil {
		b.Fatal(err)
	}
	cfg := d.Config
	dir := b.TempDir()
	copyStart := time.Now()
	if err := uhCopyDir(cfg.DataDir, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("copied the %d-unit store in %s", n, time.Since(copyStart).Round(time.Millisecond))
	clk := cchcbot.ClockFunc(func() time.Time { return synth.End })
	db, err := store.Open(dir, store.Options{Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bg := context.Background()
	// As cchcbot run does at start.
	if _, err := db.SyncUnits(bg, cfg.UnitList(), clk.Now()); err != nil {
		b.Fatal(err)
	}
	if err := db.SyncAdmins(bg, cfg.AdminList(), clk.Now()); err != nil {
		b.Fatal(err)
	}
	admins := cfg.AdminList()
	if len(admins) == 0 {
		b.Fatal("the config names no admin")
	}
	adminID, _ := admins[0].User.TelegramID()

	// Members: unit i's member j, j from 0; more than the deployment's 3 a
	// unit only when K needs them.
	perUnit := max(3, min(10, (k/uhPerMember+n-1)/n))
	if perUnit > 3 {
		units := synth.Units(n)
		var extra []cchcbot.Member
		for i, u := range units {
			for j := 3; j < perUnit; j++ {
				extra = append(extra, cchcbot.Member{User: cchcbot.TelegramUser(synth.MemberID(i, j)), UnitCode: u.Code,
					Name: fmt.Sprintf("Cán bộ %d của %s", j+1, u.Name), JoinedAt: synth.End.AddDate(-1, 0, 0), InvitedBy: string(admins[0].User)})
			}
		}
		if err := db.ImportMembers(bg, extra); err != nil {
			b.Fatal(err)
		}
		b.Logf("added %d deputies (%d members a unit) so that no member sends more than %d commands", len(extra), perUnit, uhPerMember)
	}
	members := n * perUnit

	srv := telegramtest.NewServer(token)
	defer srv.Close()
	srv.DisableRateLimits() // the default; said for the reader
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	errs := &uhErrCount{}
	logger := slog.New(slog.NewTextHandler(errs, &slog.HandlerOptions{Level: slog.LevelError}))
	tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(), PollTimeout: time.Second, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	key, err := db.Secret(ctx, "callback", 32)
	if err != nil {
		b.Fatal(err)
	}
	signer := cchcbot.CallbackSigner{Key: key}
	var svc atomic.Pointer[chat.Service]
	sched := scheduler.New(cfg.Calendar(), db, clk, signer, cfg.Office, logger)
	q := outbox.New(ctx, db, tg, outbox.Options{GlobalPerSecond: 1e6, PerChatPerSecond: 1e6, Clock: clk, Logger: logger,
		NotBefore: sched.NotBefore, Superseded: sched.Superseded,
		OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) {
			svc.Load().MemberUnreachable(ctx, to, cchcbot.ErrorMessage(err))
		}})

	var totalWall, totalCPU time.Duration
	var totalMallocs, totalBytes uint64
	var totalUpdates, totalReplies int
	for round := 0; b.Loop(); round++ {
		b.StopTimer()
		s := chat.New(chat.Options{Store: db, Calendar: cfg.Calendar(), Channel: q, Clock: clk, Signer: signer, Reminders: sched,
			InviteLink: cfg.InviteLink, Office: cfg.Office, Logger: logger})
		svc.Store(s)
		for u := range k {
			if u%uhAdminEvery == uhAdminEvery/2 {
				srv.SendText(telegramtest.User{ID: adminID, FirstName: "Nội vụ"}, "/status")
				continue
			}
			m := u % members // consecutive updates: different units
			from := telegramtest.User{ID: synth.MemberID(m%n, m/n), FirstName: "Cán bộ", LastName: strconv.Itoa(m)}
			if u%3 == 2 {
				srv.SendText(from, "/huongdan")
			} else {
				srv.SendText(from, "/trangthai")
			}
		}
		sentBefore := srv.TotalMessages()
		errsBefore := errs.n.Load()
		obs := &uhObserver{}
		disp := inbox.New(db, s, inbox.Options{Observer: obs, MaxHandlers: uhWorkers(), Logger: logger})
		p := bot.NewPoller(tg, db, disp, bot.PollerOptions{Observer: obs})
		pctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		runtime.GC()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		cpu0, wait0 := uhCPU(), uhRunqueueWait()
		b.StartTimer()
		go func() {
			var wg sync.WaitGroup
			wg.Go(func() { disp.Run(pctx) })
			p.Run(pctx)
			wg.Wait()
			close(done)
		}()
		// The server holding no update unconfirmed means all are in the
		// inbox; the dispatcher idle, that all are handled and finished.
		// (Pending copies the queue: asked only once all are accepted.)
		if err := srv.WaitFor(func(s *telegramtest.Server) bool {
			a, d := p.Accepted()
			return a+d >= int64(k) && len(s.Pending()) == 0
		}, 30*time.Minute); err != nil {
			b.Fatal(err)
		}
		if err := disp.WaitIdle(ctx); err != nil {
			b.Fatal(err)
		}
		// The replies are queued in the store as each event is handled;
		// the sender delivers them.
		if err := q.WaitIdle(ctx); err != nil {
			b.Fatal(err)
		}
		end := time.Now()
		b.StopTimer()
		cpu, waited := uhCPU()-cpu0, uhRunqueueWait()-wait0
		runtime.ReadMemStats(&ms1)
		stop()
		<-done
		handled := disp.Handled()
		_, dupes := p.Accepted()
		if handled != int64(k) || dupes != 0 {
			b.Fatalf("handled %d (duplicates %d), want %d", handled, dupes, k)
		}
		if e := errs.n.Load() - errsBefore; e != 0 {
			b.Fatalf("%d errors logged, e.g. %s", e, errs.last())
		}
		wall := end.Sub(obs.first())
		totalWall += wall
		totalCPU += cpu
		totalMallocs += ms1.Mallocs - ms0.Mallocs
		totalBytes += ms1.TotalAlloc - ms0.TotalAlloc
		totalUpdates += k
		totalReplies += srv.TotalMessages() - sentBefore
		b.Logf("N=%d K=%d wall=%s (%.0f updates/s) cpu=%s (%.2f cores) runnable-but-waiting=%s replies=%d; at Telegram's 30 msg/s the replies would take %.0f s",
			n, k, wall.Round(time.Millisecond), float64(k)/wall.Seconds(), cpu.Round(time.Millisecond), cpu.Seconds()/wall.Seconds(), waited.Round(time.Millisecond),
			srv.TotalMessages()-sentBefore, float64(srv.TotalMessages()-sentBefore)/30)
		b.StartTimer()
	}
	b.StopTimer()
	if totalUpdates == 0 {
		return
	}
	u := float64(totalUpdates)
	b.ReportMetric(u/totalWall.Seconds(), "updates/s")
	b.ReportMetric(float64(totalWall.Nanoseconds())/u, "ns/update")
	b.ReportMetric(float64(totalCPU.Nanoseconds())/u, "cpu-ns/update")
	b.ReportMetric(float64(totalMallocs)/u, "allocs/update")
	b.ReportMetric(float64(totalBytes)/u, "B/update")
	b.ReportMetric(float64(totalReplies)/u, "replies/update")
	cancel()
	q.Close()
}

// uhWorkers is the dispatcher's MaxHandlers: 0 (its default) unless
// CCHCBOT_BENCH_WORKERS says otherwise, for diagnosis.
func uhWorkers() int {
	n, _ := strconv.Atoi(os.Getenv("CCHCBOT_BENCH_WORKERS"))
	return n
}

// uhObserver notes when the first getUpdates with updates answered. A
// poll that returns nothing also calls PollSucceeded, but none can happen
// before the first one with updates: they were all queued beforehand.
type uhObserver struct {
	once sync.Once
	at   atomic.Int64
}

func (o *uhObserver) PollSucceeded(at time.Time) { o.once.Do(func() { o.at.Store(at.UnixNano()) }) }
func (o *uhObserver) PollFailed()                {}
func (o *uhObserver) UpdateHandled()             {}
func (o *uhObserver) first() time.Time           { return time.Unix(0, o.at.Load()) }

// uhErrCount counts the log lines (errors only reach it).
type uhErrCount struct {
	n  atomic.Int64
	mu sync.Mutex
	l  string
}

func (c *uhErrCount) Write(p []byte) (int, error) {
	c.n.Add(1)
	c.mu.Lock()
	c.l = string(p)
	c.mu.Unlock()
	return len(p), nil
}

func (c *uhErrCount) last() string { c.mu.Lock(); defer c.mu.Unlock(); return c.l }

// uhCPU is the process's user and system CPU time so far: the bot's and
// the fake server's, which share the cores.
func uhCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// uhRunqueueWait is how long the process's threads have waited, runnable,
// for a CPU (Linux schedstat): a benchmark sharing the machine shows it.
// Threads that ended are not counted.
func uhRunqueueWait() time.Duration {
	tasks, _ := filepath.Glob("/proc/self/task/*/schedstat")
	var sum int64
	for _, t := range tasks {
		raw, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(raw)); len(f) >= 2 {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			sum += v
		}
	}
	return time.Duration(sum)
}

// uhCopyDir copies the deployment's data directory, so that the benchmark
// never writes the cache.
func uhCopyDir(from, to string) error {
	return filepath.WalkDir(from, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if e.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		// Flushed here, in the set-up: else the first commit's fsync
		// writes the whole copy back inside the timed run (5 GB at
		// 10,000 units).
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
