package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/control"
	"cchcbot/store"
)

const example = "../../config.example.yaml"

// run calls Main in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// tempConfig writes the example config with data_dir in a temp dir and
// Telegram pointed at a fake Bot API server.
func tempConfig(t *testing.T) (path, dataDir string) {
	t.Helper()
	path, dataDir, _ = tempConfigServer(t)
	return path, dataDir
}

func tempConfigServer(t *testing.T) (path, dataDir string, srv *telegramtest.Server) {
	t.Helper()
	srv = telegramtest.New(t, "123:test")
	dir := t.TempDir()
	dataDir = filepath.Join(dir, "data")
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(raw), "data_dir: ./data", "data_dir: "+dataDir, 1)
	cfg = strings.Replace(cfg, `"https://api.telegram.org/bot%s/%s"`, `"`+srv.APIEndpoint()+`"`, 1)
	cfg = strings.Replace(cfg, `"https://api.telegram.org/file/bot%s/%s"`, `"`+srv.FileEndpoint()+`"`, 1)
	cfg = strings.Replace(cfg, "poll_timeout: 50s", "poll_timeout: 1s", 1)
	cfg = strings.Replace(cfg, "telegram_id: 100000001", "telegram_id: 9001", 1)
	cfg = strings.Replace(cfg, "Cán bộ phòng Nội vụ (thay bằng người thật)", "Trần Thị Nội Vụ", 1)
	cfg = strings.Replace(cfg, "bot_username: cchc_quyhop_bot", "bot_username: "+telegramtest.BotUsername, 1)
	// A fixed port would clash between tests and with a bot running on
	// the machine; metrics_test.go picks a free one.
	cfg = strings.Replace(cfg, `listen: "127.0.0.1:9464"`, `listen: ""`, 1)
	path = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dataDir, srv
}

func TestCheck(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-01-20T09:00:00+07:00")
	code, out, errOut := run(t, "check", "-config", example)
	if code != exitOK {
		t.Fatalf("check exit %d: %s", code, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`hợp lệ`),
		regexp.MustCompile(`Đơn vị: 38\n`),
		regexp.MustCompile(`Phòng, ban chuyên môn +13\n`),
		regexp.MustCompile(`Đơn vị sự nghiệp +4\n`),
		regexp.MustCompile(`Xã, thị trấn +21\n`),
		regexp.MustCompile(`Cán bộ quản trị: 1\n`),
		regexp.MustCompile(`ke-hoach-khac-phuc .*hạn 31/01/2024 +nộp tệp`),
		regexp.MustCompile(`bao-cao-thang .*hạn ngày 12 hằng tháng`),
		// The next three deadlines from 20/01/2024, one moved by Tết.
		regexp.MustCompile(`Hạn sắp tới \(từ 20/01/2024\):\n` +
			`  Kế hoạch khắc phục.*: Thứ Tư 31/01/2024\n` +
			`  Báo cáo CCHC tháng 02/2024: Thứ Năm 15/02/2024 \(lùi từ 12/02/2024 do Tết Nguyên đán Giáp Thìn\)\n` +
			`  Báo cáo CCHC tháng 03/2024: Thứ Ba 12/03/2024\n`),
	} {
		if !want.MatchString(out) {
			t.Errorf("check output does not match %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "xa-chau-loc") {
		t.Error("check lists units without -units")
	}
	// The example's placeholders are named, with their lines.
	for _, want := range []string{"CẢNH BÁO: cấu hình còn 3 giá trị mẫu", "config.example.yaml:33: telegram.bot_username", "config.example.yaml:46:", "config.example.yaml:47:"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = run(t, "check", "-units", "-config", example)
	if !regexp.MustCompile(`\n  xa-chau-loc +UBND xã Châu Lộc +Xã, thị trấn\n`).MatchString(out) {
		t.Errorf("check -units does not list the unit codes:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	for _, cmd := range []string{"run", "check", "calendar", "invite", "status", "backup", "export", "archive", "summary", "restore"} {
		prefix := "Cách dùng: "
		if cmd == "run" {
			prefix = "" // run.go's own text
		}
		for _, args := range [][]string{{cmd, "-h"}, {cmd, "-config", "x.yaml", "--help"}, {"help", cmd}} {
			code, out, errOut := run(t, args...)
			if code != exitOK || !strings.HasPrefix(out, prefix) || !strings.Contains(out, "-config TỆP") || errOut != "" {
				t.Errorf("%q: exit %d, out %q, stderr %q", args, code, out, errOut)
			}
		}
	}
	if code, _, errOut := run(t); code != exitUsage || !strings.Contains(errOut, "Các lệnh:") {
		t.Errorf("no command: exit %d, %s", code, errOut)
	}
}

func TestCalendar2024(t *testing.T) {
	code, out, errOut := run(t, "calendar", "-config", example, "--from", "2024-01-01", "--to", "2024-12-31")
	if code != exitOK {
		t.Fatalf("calendar exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "Báo cáo CCHC tháng "); n != 12 {
		t.Errorf("%d monthly periods, want 12", n)
	}
	for _, want := range []string{
		"Hạn nộp:   Thứ Tư 31/01/2024",
		"Hạn nộp:   Thứ Năm 15/02/2024, hết 23:59 (lùi từ 12/02/2024 do Tết Nguyên đán Giáp Thìn)",
		"Hạn nộp:   Thứ Hai 13/05/2024, hết 23:59 (lùi từ 12/05/2024 do cuối tuần)",
		"Hạn nộp:   Thứ Hai 14/10/2024, hết 23:59 (lùi từ 12/10/2024 do cuối tuần)",
		"Trước hạn 1 ngày  Thứ Tư 07/02/2024 08:00   (dời từ 14/02/2024, ngày nghỉ)",
		"Ngày hạn          Thứ Năm 15/02/2024 08:00",
		"Số liệu:   12/01/2024 – 12/02/2024",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar output lacks %q", want)
		}
	}
	if strings.Contains(out, " \n") {
		t.Error("calendar output has trailing spaces")
	}
	if code, _, _ := run(t, "calendar", "-config", example, "--from", "2024-13-01"); code != exitUsage {
		t.Errorf("bad --from exit %d, want %d", code, exitUsage)
	}
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("units: []\nremiders: {}\n"), 0o600)
	code, _, errOut := run(t, "check", "-config", bad)
	if code != exitUsage || !strings.Contains(errOut, "bad.yaml:2: ") || !strings.Contains(errOut, `"remiders"`) {
		t.Errorf("bad config: exit %d, %s", code, errOut)
	}
	// run refuses the example's placeholders before anything else: the
	// digest must not go to the example's admin id.
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	code, _, errOut = run(t, "run", "-config", example)
	if code != exitUsage || !strings.Contains(errOut, "cấu hình còn giá trị mẫu") || !strings.Contains(errOut, "config.example.yaml:46:") {
		t.Errorf("run with placeholders: exit %d, %s", code, errOut)
	}
	filled, _ := tempConfig(t)
	code, _, errOut = run(t, "run", "-config", filled)
	if code != exitUsage || !strings.Contains(errOut, "TELEGRAM_BOT_TOKEN") {
		t.Errorf("run without token: exit %d, %s", code, errOut)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", `"123456:ABC-def"`)
	code, _, errOut = run(t, "run", "-config", filled)
	if code != exitUsage || !strings.Contains(errOut, "TELEGRAM_BOT_TOKEN") || strings.Contains(errOut, "123456") || strings.Contains(errOut, "ABC-def") {
		t.Errorf("run with a quoted token: exit %d, %s", code, errOut)
	}
	if code, _, _ := run(t, "frobnicate"); code != exitUsage {
		t.Errorf("unknown command exit %d", code)
	}
	code, _, errOut = run(t, "check", "-config", filepath.Join(t.TempDir(), "none.yaml"))
	if code != exitUsage || !strings.Contains(errOut, "config.example.yaml") {
		t.Errorf("missing config: exit %d, %s", code, errOut)
	}
}

func TestLockedStoreWithoutAnswer(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code, _, errOut := run(t, "status", "-config", cfg)
	if code != exitLocked || !strings.Contains(errOut, "không trả lời") {
		t.Errorf("locked store: exit %d, %s", code, errOut)
	}
}

// A process that holds the store and has a socket that never answers (a
// stopped or hung bot) gets exit code 3, not a hang.
func TestLockedStoreStuckHolder(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ln, err := net.Listen("unix", filepath.Join(dataDir, control.SocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // never accepts
	code, out, errOut := run(t, "invite", "xa-chau-loc", "-config", cfg)
	if code != exitLocked || !strings.Contains(errOut, "không trả lời") || out != "" {
		t.Errorf("stuck holder: exit %d, %q %s", code, out, errOut)
	}
}

// TestBinaryCheck runs the built binary as a person would.
func TestBinaryCheck(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "check", "-config", example)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "hợp lệ") || !strings.Contains(string(out), "Hạn sắp tới") {
		t.Errorf("check output:\n%s", out)
	}
	cmd = exec.Command(bin, "check", "-config", filepath.Join(t.TempDir(), "config.yaml"))
	errOut, err := cmd.CombinedOutput()
	if exitCode(err) != exitUsage || !strings.Contains(string(errOut), "config.example.yaml") {
		t.Errorf("missing config: exit %d, %s", exitCode(err), errOut)
	}
}

var inviteCode = regexp.MustCompile(`Mã:\s+(\S+)`)

// TestSameAnswerWithBotRunning runs the real binary: invite and status give
// the same output whether the store is opened directly or through a
// running bot's control socket.
func TestSameAnswerWithBotRunning(t *testing.T) {
	bin := buildBinary(t)
	cfg, dataDir, srv := tempConfigServer(t)
	env := append(os.Environ(), "CCHCBOT_NOW=2024-02-10T09:00:00+07:00", "TELEGRAM_BOT_TOKEN=123:test")
	cli := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if err != nil {
			return out.String(), &cliError{err, errOut.String()}
		}
		return out.String(), nil
	}

	// The bot stopped: the CLI opens the store itself (and creates it).
	inviteStopped, err := cli("invite", "xa-chau-loc", "-config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	stopped, err := cli("status", "-config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	summaryStopped, err := cli("summary", "-config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Failures, stopped: a usage error (exit 2) and a refused backup over
	// the live database (exit 1).
	failing := [][]string{
		{"invite", "khong-co", "-config", cfg},
		{"backup", filepath.Join(dataDir, store.FileName), "-config", cfg},
		{"status", "13/2024", "-config", cfg},
	}
	var failStopped []error
	for _, args := range failing {
		_, err := cli(args...)
		failStopped = append(failStopped, err)
	}

	bot := exec.Command(bin, "run", "-config", cfg)
	bot.Env = env
	var botLog bytes.Buffer
	bot.Stderr = &botLog
	if err := bot.Start(); err != nil {
		t.Fatal(err)
	}
	defer bot.Process.Kill()
	sock := filepath.Join(dataDir, control.SocketName)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := control.Call(context.Background(), sock, "nope", nil, &bytes.Buffer{}); err != nil && !strings.Contains(err.Error(), "no process answers") {
			break // it answered (with "unknown command")
		}
		if time.Now().After(deadline) {
			t.Fatalf("bot never answered on %s:\n%s", sock, botLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The running bot really polls and answers.
	srv.SendText(telegramtest.User{ID: 5005, FirstName: "Khách"}, "/start")
	if msgs, err := srv.WaitMessages(5005, 1, 20*time.Second); err != nil || !strings.Contains(msgs[0].Text, "Mã Telegram của bạn: 5005") {
		t.Fatalf("the bot did not answer /start: %v %+v\n%s", err, msgs, botLog.String())
	}
	if len(srv.Commands()) == 0 {
		t.Error("the command menus were not registered")
	}

	running, err := cli("status", "-config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if running != stopped {
		t.Errorf("status differs with the bot running:\n%s\n--- stopped:\n%s", running, stopped)
	}
	out, err := cli("invite", "xa-chau-loc", "-config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := inviteCode.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "https://t.me/"+telegramtest.BotUsername+"?start="+m[1]) {
		t.Fatalf("invite output: %s", out)
	}
	if a, b := maskCode(t, out), maskCode(t, inviteStopped); a != b {
		t.Errorf("invite output differs with the bot running:\n%s\n--- stopped:\n%s", a, b)
	}
	// Failures exit alike, with the same message, either way.
	for i, args := range failing {
		_, running := cli(args...)
		stopped := failStopped[i]
		want := []int{exitUsage, exitFailure, exitUsage}[i]
		if exitCode(stopped) != want || exitCode(running) != want ||
			stopped.(*cliError).stderr != running.(*cliError).stderr || strings.Contains(running.Error(), "code=") {
			t.Errorf("%q: stopped %v, running %v; want exit %d, the same message", args[:2], stopped, running, want)
		}
	}
	// A relative path names a file in the staff member's directory, not
	// in the bot's.
	backupDir := t.TempDir()
	backup := filepath.Join(backupDir, store.FileName)
	cmd := exec.Command(bin, "backup", store.FileName, "-config", cfg)
	cmd.Dir, cmd.Env = backupDir, env
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), backup) {
		t.Fatalf("backup through the bot: %v\n%s", err, out)
	}
	// The exports go through the bot the same way.
	if got, err := cli("summary", "-config", cfg); err != nil || got != summaryStopped {
		t.Errorf("summary differs with the bot running (%v):\n%s\n--- stopped:\n%s", err, got, summaryStopped)
	}
	cmd = exec.Command(bin, "export", "-o", "nam-2024.xlsx", "-config", cfg)
	cmd.Dir, cmd.Env = backupDir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("export through the bot: %v\n%s", err, out)
	}
	if x, err := excelize.OpenFile(filepath.Join(backupDir, "nam-2024.xlsx")); err != nil {
		t.Errorf("the workbook the bot wrote does not open: %v", err)
	} else {
		x.Close()
	}

	// SIGHUP reloads the config: a unit added to the file can be invited
	// at once, through the running bot.
	raw, _ := os.ReadFile(cfg)
	added := strings.Replace(string(raw), "  # Các xã, thị trấn (21)\n", "  # Các xã, thị trấn (21)\n  - { code: xa-moi, name: \"UBND xã Mới\", group: xa-thi-tran, head_title: \"Chủ tịch UBND xã\" }\n", 1)
	if added == string(raw) {
		t.Fatal("could not add a unit to the config")
	}
	os.WriteFile(cfg, []byte(added), 0o600)
	bot.Process.Signal(syscall.SIGHUP)
	reloaded := false
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if out, err := cli("invite", "xa-moi", "-config", cfg); err == nil && strings.Contains(out, "UBND xã Mới") {
			reloaded = true
			break
		}
	}
	if !reloaded {
		t.Error("after SIGHUP the new unit cannot be invited through the running bot")
	}
	os.WriteFile(cfg, raw, 0o600)

	bot.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- bot.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("bot exit: %v\n%s", err, botLog.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("bot did not stop within 10 s of SIGTERM")
	}
	if strings.Contains(botLog.String(), m[1]) || strings.Contains(botLog.String(), "123:test") {
		t.Error("the bot's log holds an invite code or the token")
	}

	// Stopped again: the same status, and the invite made through the bot
	// redeems.
	again, err := cli("status", "-config", cfg)
	if err != nil || again != stopped {
		t.Errorf("status after stop differs (%v):\n%s", err, again)
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.RedeemInvite(context.Background(), cchcbot.HashInviteCode(m[1]), cchcbot.Member{User: cchcbot.TelegramUser(7)}, time.Date(2024, 2, 10, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("the printed code does not redeem: %v", err)
	}
	bk, err := store.Open(filepath.Dir(backup), store.Options{})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer bk.Close()
	if units, _ := bk.Units(context.Background()); len(units) != 38 {
		t.Errorf("backup holds %d units, want 38", len(units))
	}
}

// buildBinary builds cchcbot into a temp dir and returns its path.
func buildBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "cchcbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// maskCode replaces the one invite code in an invite's output.
func maskCode(t *testing.T, out string) string {
	t.Helper()
	m := inviteCode.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no invite code in %q", out)
	}
	return strings.ReplaceAll(out, m[1], "<CODE>")
}

// exitCode returns the exit status of a failed cli call, 0 for success.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

type cliError struct {
	err    error
	stderr string
}

func (e *cliError) Error() string { return e.err.Error() + ": " + e.stderr }
func (e *cliError) Unwrap() error { return e.err }
