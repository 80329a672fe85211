package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/config"
	"cchcbot/control"
	"cchcbot/store"
)

// proc is the real binary running the bot.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan error
}

// startBot runs `cchcbot run` on cfg at the fixed instant now.
func startBot(t *testing.T, bin, cfg, now string) *proc {
	t.Helper()
	p := &proc{t: t, cmd: exec.Command(bin, "run", "-config", cfg), log: &lockedBuffer{}, exited: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), "CCHCBOT_NOW="+now, "TELEGRAM_BOT_TOKEN=123:test")
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		p.exited <- nil
	})
	return p
}

// stop sends SIGTERM and wants a clean exit within 10 s.
func (p *proc) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		p.exited <- err
		if err != nil {
			p.t.Fatalf("exit after SIGTERM: %v\n%s", err, p.log.String())
		}
	case <-time.After(10 * time.Second):
		p.t.Fatalf("no exit within 10 s of SIGTERM:\n%s", p.log.String())
	}
}

// waitLog waits until the bot's log holds want.
func (p *proc) waitLog(want string) {
	p.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(p.log.String(), want); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-p.exited:
			p.exited <- err
			p.t.Fatalf("the bot exited (%v) while waiting for %q:\n%s", err, want, p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q in the log:\n%s", want, p.log.String())
		}
	}
}

// seedMember makes the Telegram user a member of unit in the stopped
// bot's store.
func seedMember(t *testing.T, dataDir, unit string, user int64) {
	t.Helper()
	seedUser(t, dataDir, unit, cchcbot.TelegramUser(user))
}

// seedUser makes user a member of unit, one of the example config's, in
// the stopped bot's store, through an invite as /start would.
func seedUser(t *testing.T, dataDir, unit string, user cchcbot.UserID) {
	t.Helper()
	cfg, err := config.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.SyncUnits(ctx, cfg.UnitList(), time.Now()); err != nil {
		t.Fatal(err)
	}
	_, hash, _ := cchcbot.NewInviteCode(nil)
	if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unit, CreatedBy: "test", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemInvite(ctx, hash, cchcbot.Member{User: user, UnitCode: unit, Name: "Thành viên " + unit}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestRunWhileTelegramIsUnreachable: the line is down from the start. The
// bot does not wait for Telegram to do what needs only the store: the
// control socket answers staff commands, a SIGHUP reloads the config
// (it used to kill the process), the scheduler queues the reminder that is
// due. When the line comes back the reminder arrives; SIGTERM stops the
// bot cleanly and leaves no control.sock behind.
func TestRunWhileTelegramIsUnreachable(t *testing.T) {
	bin := buildBinary(t)
	cfg, dataDir, srv := tempConfigServer(t)
	member := telegramtest.User{ID: 3001, FirstName: "Lê", LastName: "Văn Lộc"}
	seedMember(t, dataDir, "xa-chau-loc", member.ID)
	srv.SetOutage(true)
	// 08:00 on Tuesday 05/03/2024: March's "7 days before" step is due.
	p := startBot(t, bin, cfg, "2024-03-05T08:00:00+07:00")
	p.waitLog("cannot reach Telegram")

	sock := filepath.Join(dataDir, control.SocketName)
	var out bytes.Buffer
	if err := (&control.Client{Path: sock}).Call(context.Background(), "status", []string{"03/2024"}, &out); err != nil {
		t.Fatalf("status through the control socket while Telegram is unreachable: %v\n%s", err, p.log.String())
	}
	if !strings.Contains(out.String(), "UBND xã Châu Lộc") {
		t.Errorf("status:\n%s", out.String())
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog("config reloaded")
	if n := srv.MessageCount(member.ID); n != 0 {
		t.Fatalf("%d messages through an outage", n)
	}

	srv.SetOutage(false)
	msgs, err := srv.WaitMessages(member.ID, 1, 60*time.Second)
	if err != nil {
		t.Fatalf("the reminder queued during the outage never came: %v\n%s", err, p.log.String())
	}
	if !strings.Contains(msgs[0].Text, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024") {
		t.Errorf("first message after the outage:\n%s", msgs[0].Text)
	}
	p.stop()
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("control.sock left behind: %v", err)
	}
}

// TestRunRefusedTokenExits2: a token Telegram refuses (401) is a
// configuration error: exit code 2, which the systemd unit does not
// restart (RestartPreventExitStatus=2), and a Vietnamese message that
// says what to fix and holds no part of the token.
func TestRunRefusedTokenExits2(t *testing.T) {
	cfg, _, _ := tempConfigServer(t) // the fake server takes 123:test only
	t.Setenv("TELEGRAM_BOT_TOKEN", "987654:WrongToken_x")
	code, _, errOut := run(t, "run", "-config", cfg)
	if code != exitUsage || !strings.Contains(errOut, "TELEGRAM_BOT_TOKEN") {
		t.Errorf("run with a refused token: exit %d, %s", code, errOut)
	}
	if strings.Contains(errOut, "987654") || strings.Contains(errOut, "WrongToken") {
		t.Errorf("the token reached the error: %s", errOut)
	}
	unit, err := os.ReadFile("../../deploy/cchcbot.service")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "RestartPreventExitStatus=2") {
		t.Error("the systemd unit restarts a refused token")
	}
}

// TestSIGTERMDuringDownload: a member confirms a report and the bot is
// stopped while it downloads the file. The press stays in the inbox: the
// next start handles it again and the member gets the receipt.
func TestSIGTERMDuringDownload(t *testing.T) {
	bin := buildBinary(t)
	cfg, dataDir, srv := tempConfigServer(t)
	member := telegramtest.User{ID: 3001, FirstName: "Lê", LastName: "Văn Lộc"}
	seedMember(t, dataDir, "xa-chau-loc", member.ID)
	const now = "2024-02-10T09:00:00+07:00"
	p := startBot(t, bin, cfg, now)
	p.waitLog("bot polling Telegram")

	content := []byte("%PDF-1.7 báo cáo tháng 02/2024")
	id := srv.AddFile("bao-cao.pdf", "application/pdf", content)
	srv.SendDocument(member, id, "bao-cao.pdf", "application/pdf", len(content), "")
	pick := waitButton(t, srv, member, "tháng 02/2024")
	srv.PressButton(member, pick.ID, button(pick, "tháng 02/2024"))
	skip := waitButton(t, srv, member, "Bỏ qua")
	srv.PressButton(member, skip.ID, button(skip, "Bỏ qua"))
	confirm := waitButton(t, srv, member, "Xác nhận nộp")

	srv.HangNext("download", 100)
	srv.PressButton(member, confirm.ID, button(confirm, "Xác nhận nộp"))
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.Requests("getFile") > 0 }, 20*time.Second); err != nil {
		t.Fatal("the confirm never reached the download")
	}
	for deadline := time.Now().Add(10 * time.Second); srv.Requests("download") == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the download never started")
		}
	}
	p.stop()
	if n := countText(srv, member, "BIÊN NHẬN"); n != 0 {
		t.Fatalf("%d receipts before the restart", n)
	}

	srv.ClearFaults()
	p = startBot(t, bin, cfg, now)
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return countText(s, member, "BIÊN NHẬN") > 0 }, 30*time.Second); err != nil {
		t.Fatalf("no receipt after the restart: %v\n%s", err, p.log.String())
	}
	p.stop()
	if n := countText(srv, member, "BIÊN NHẬN"); n != 1 {
		t.Errorf("%d receipts, want 1", n)
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs, err := db.Submissions(context.Background(), "bao-cao-thang/2024-02", "xa-chau-loc")
	if err != nil || len(subs) != 1 {
		t.Fatalf("submissions = %d, %v; want 1", len(subs), err)
	}
}

// waitButton waits for a message to u with a button labelled label.
func waitButton(t *testing.T, srv *telegramtest.Server, u telegramtest.User, label string) telegramtest.Message {
	t.Helper()
	var found telegramtest.Message
	err := srv.WaitFor(func(s *telegramtest.Server) bool {
		msgs := s.Messages(u.ID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if button(msgs[i], label) != "" {
				found = msgs[i]
				return true
			}
		}
		return false
	}, 20*time.Second)
	if err != nil {
		t.Fatalf("no button %q for %d: %v", label, u.ID, err)
	}
	return found
}

func button(m telegramtest.Message, label string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.CallbackData
			}
		}
	}
	return ""
}

func countText(s *telegramtest.Server, u telegramtest.User, want string) int {
	n := 0
	for _, m := range s.Messages(u.ID) {
		if strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}
