package crashtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/config"
	"cchcbot/store"
)

const (
	token   = "123456:CRASH-test-token"
	adminID = 9001
)

// The binary is built once for the package, without -race: the test
// process may run under the race detector, the bot it kills need not.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// binary returns the path of the built cchcbot, building it on first use.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "crashtest-bin-"); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(buildDir, "cchcbot")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/cchcbot")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/cchcbot: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// seed returns the run's seed: CRASHTEST_SEED, or a fresh one. It is
// logged so that a failure's kill points can be replayed.
func seed(t *testing.T) uint64 {
	t.Helper()
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("CRASHTEST_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CRASHTEST_SEED=%q: %v", v, err)
		}
		s = n
	}
	t.Logf("crashtest: seed=%d (CRASHTEST_SEED=%d go test -run '%s' ./crashtest repeats the kill points)", s, s, t.Name())
	return s
}

// harness is one scenario: a fake Bot API, a data dir, a config, and the
// bot processes started on them one after the other.
type harness struct {
	t       *testing.T
	bin     string
	srv     *telegramtest.Server
	dir     string
	dataDir string
	cfgPath string
	cfg     *config.Config
	now     string // CCHCBOT_NOW
	rng     *rand.Rand

	mu    sync.Mutex
	procs []*proc // every process started, for the failure log
	kills int
}

// configEdit changes the example config for a scenario.
type configEdit struct {
	units            string // the units: block's entries; "" keeps the example's
	globalPerSecond  int
	perChatPerSecond int
	digestOnly       bool // admin_notify: digest (no notice for each report)
}

var unitsBlock = regexp.MustCompile(`(?s)\nunits:\n.*?\n\n# The reports`)

func newHarness(t *testing.T, now string, rng *rand.Rand, edit configEdit) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("crash tests build and kill the real binary")
	}
	h := &harness{t: t, bin: binary(t), srv: telegramtest.New(t, token), dir: t.TempDir(), now: now, rng: rng}
	h.dataDir = filepath.Join(h.dir, "data")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw)
	replace := func(old, new string) {
		t.Helper()
		if !strings.Contains(cfg, old) {
			t.Fatalf("config.example.yaml has no %q any more: update the crash test", old)
		}
		cfg = strings.Replace(cfg, old, new, 1)
	}
	replace("data_dir: ./data", "data_dir: "+h.dataDir)
	replace(`"https://api.telegram.org/bot%s/%s"`, `"`+h.srv.APIEndpoint()+`"`)
	replace(`"https://api.telegram.org/file/bot%s/%s"`, `"`+h.srv.FileEndpoint()+`"`)
	replace("bot_username: cchc_quyhop_bot", "bot_username: "+telegramtest.BotUsername)
	replace("poll_timeout: 50s", "poll_timeout: 1s")
	replace("telegram_id: 100000001", "telegram_id: "+strconv.Itoa(adminID))
	replace("Cán bộ phòng Nội vụ (thay bằng người thật)", "Trần Thị Nội Vụ")
	if edit.globalPerSecond > 0 {
		replace("global_per_second: 30", "global_per_second: "+strconv.Itoa(edit.globalPerSecond))
	}
	if edit.perChatPerSecond > 0 {
		replace("per_chat_per_second: 1", "per_chat_per_second: "+strconv.Itoa(edit.perChatPerSecond))
	}
	if edit.digestOnly {
		replace("admin_notify: each", "admin_notify: digest")
	}
	if edit.units != "" {
		if !unitsBlock.MatchString(cfg) {
			t.Fatal("config.example.yaml: cannot find the units: block")
		}
		cfg = unitsBlock.ReplaceAllLiteralString(cfg, "\nunits:\n"+edit.units+"\n# The reports")
	}
	h.cfgPath = filepath.Join(h.dir, "config.yaml")
	if err := os.WriteFile(h.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if h.cfg, err = config.Load(h.cfgPath); err != nil {
		t.Fatalf("the generated config: %v", err)
	}
	t.Cleanup(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, p := range h.procs {
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			h.dumpLogs()
		}
	})
	return h
}

// clock is CCHCBOT_NOW as a time.
func (h *harness) clock() time.Time {
	tm, err := time.Parse(time.RFC3339, h.now)
	if err != nil {
		h.t.Fatal(err)
	}
	return tm
}

// member is a seeded member: a simulated user bound to a unit.
type member struct {
	user telegramtest.User
	unit cchcbot.Unit
}

// seedMembers creates the store, syncs the config's units and binds one
// member to each of the given units through an invite, as /start would.
//
// Each invite costs two commits, four fsyncs: 500 members would take half
// a minute on a plain disk. So the store is seeded on tmpfs when there is
// one and its file copied into data_dir; the bot then runs on the disk.
func (h *harness) seedMembers(units []cchcbot.Unit, firstID int64) []member {
	h.t.Helper()
	dir := h.t.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "crashtest-seed-"); err == nil {
			dir = d
			h.t.Cleanup(func() { os.RemoveAll(d) })
		}
	}
	members := h.seedStore(dir, units, firstID)
	if err := os.MkdirAll(h.dataDir, 0o700); err != nil {
		h.t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err == nil {
		err = os.WriteFile(filepath.Join(h.dataDir, store.FileName), raw, 0o600)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return members
}

func (h *harness) seedStore(dir string, units []cchcbot.Unit, firstID int64) []member {
	h.t.Helper()
	ctx := context.Background()
	now := h.clock()
	db, err := store.Open(dir, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SyncUnits(ctx, h.cfg.UnitList(), now); err != nil {
		h.t.Fatal(err)
	}
	var out []member
	for i, u := range units {
		_, hash, err := cchcbot.NewInviteCode(nil)
		if err != nil {
			h.t.Fatal(err)
		}
		if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: u.Code, ExpiresAt: now.Add(7 * 24 * time.Hour), CreatedBy: "crashtest"}); err != nil {
			h.t.Fatal(err)
		}
		user := telegramtest.User{ID: firstID + int64(i), FirstName: "Thành viên", LastName: u.Code}
		if _, err := db.RedeemInvite(ctx, hash, cchcbot.Member{User: cchcbot.TelegramUser(user.ID), Name: user.FirstName + " " + user.LastName}, now); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, member{user, u})
	}
	return out
}

// proc is one run of the bot.
type proc struct {
	n    int
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit, valid after done
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs `cchcbot run` on the harness's config.
func (h *harness) start() *proc {
	h.t.Helper()
	cmd := exec.Command(h.bin, "run", "-config", h.cfgPath)
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+token, "CCHCBOT_NOW="+h.now)
	cmd.Dir = h.dir
	p := &proc{cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	h.mu.Lock()
	p.n = len(h.procs) + 1
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	return p
}

// exited reports whether the process has ended on its own.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer
// would: no deferred Close, no flush. It fails the test if the process had
// already ended by itself.
func (h *harness) kill(p *proc) {
	h.t.Helper()
	if p.exited() {
		h.t.Fatalf("run %d ended by itself before the kill: %v\n%s", p.n, p.err, tail(p.log.String(), 40))
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	h.mu.Lock()
	h.kills++
	h.mu.Unlock()
}

// stop ends the process with SIGTERM and expects a clean exit within the
// 10 s the bot promises.
func (h *harness) stop(p *proc) {
	h.t.Helper()
	if p.exited() {
		h.t.Fatalf("run %d ended by itself: %v\n%s", p.n, p.err, tail(p.log.String(), 40))
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		h.t.Fatalf("run %d did not stop within 15 s of SIGTERM\n%s", p.n, tail(p.log.String(), 40))
	}
	if p.err != nil {
		h.t.Fatalf("run %d exit after SIGTERM: %v\n%s", p.n, p.err, tail(p.log.String(), 40))
	}
}

// jitter sleeps up to max, to move a kill off the instant the fake server
// recorded a message: into the store commit that follows, or the next send.
func (h *harness) jitter(max time.Duration) {
	if max > 0 {
		time.Sleep(time.Duration(h.rng.Int64N(int64(max))))
	}
}

func (h *harness) dumpLogs() {
	for _, p := range h.procs {
		h.t.Logf("--- run %d log (tail):\n%s", p.n, tail(p.log.String(), 25))
	}
}

// openStore opens the store after the last run and runs bbolt's check.
func (h *harness) openStore() *store.DB {
	h.t.Helper()
	db, err := store.Open(h.dataDir, store.Options{})
	if err != nil {
		h.t.Fatalf("the store does not open after the crashes: %v", err)
	}
	h.t.Cleanup(func() { db.Close() })
	if err := db.Check(); err != nil {
		h.t.Fatalf("bbolt check after the crashes: %v", err)
	}
	return db
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// recordedBy says which run logged recording a submission, and how that
// run ended: the clue to a receipt that never went out.
func (h *harness) recordedBy(receipt string) string {
	for _, p := range h.procs {
		if strings.Contains(p.log.String(), "receipt="+receipt) {
			return fmt.Sprintf("run %d recorded it and then ended with %v", p.n, p.err)
		}
	}
	return "no run logged recording it"
}

// settle waits at least min, then until the bot has sent nothing for
// quiet: a start's first sweep and recovery are over.
func (h *harness) settle(min, quiet time.Duration) {
	h.srv.WaitFor(func(*telegramtest.Server) bool { return false }, min)
	for end := time.Now().Add(time.Minute); time.Now().Before(end); {
		n := h.srv.TotalMessages()
		if h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.TotalMessages() != n }, quiet) != nil {
			return
		}
	}
}

// outboxLen opens the stopped bot's store and counts the messages left in
// its outbox.
func (h *harness) outboxLen() int {
	h.t.Helper()
	db, err := store.Open(h.dataDir, store.Options{})
	if err != nil {
		h.t.Fatalf("the store does not open after a clean stop: %v", err)
	}
	defer db.Close()
	n, err := db.OutboxLen(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}
