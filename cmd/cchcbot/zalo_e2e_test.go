package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/zalo/zalotest"
)

// zaloBot is the real binary with both networks: the fake Bot API and the
// fake Zalo OA server, which posts signed events to the bot's webhook.
type zaloBot struct {
	t       *testing.T
	bin     string
	cfg     string
	dataDir string
	tg      *telegramtest.Server
	zl      *zalotest.Server
	env     []string
	now     string
	p       *proc
	logs    []*lockedBuffer // every run's
}

// zaloNow is the instant the bot runs at (CCHCBOT_NOW) and the fake Zalo
// stamps its events with: 08:00 on Tuesday 05/03/2024, when March's
// "7 days before" step is due.
const zaloNow = "2024-03-05T08:00:00+07:00"

func newZaloBot(t *testing.T) *zaloBot {
	t.Helper()
	at, _ := time.Parse(time.RFC3339, zaloNow)
	h := &zaloBot{t: t, bin: buildBinary(t), now: zaloNow,
		zl: zalotest.New(t, zalotest.WithClock(func() time.Time { return at }))}
	h.cfg, h.dataDir, h.tg = tempConfigServer(t)
	port := freePort(t)
	raw, err := os.ReadFile(h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw) + fmt.Sprintf(`
zalo:
  app_id: "%s"
  oa_id: "%s"
  api_base: %s
  oauth_base: %s
  webhook_listen: 127.0.0.1:%d
  webhook_path: /zalo/webhook
`, h.zl.AppID(), h.zl.OAID(), h.zl.URL(), h.zl.URL(), port)
	if err := os.WriteFile(h.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	h.zl.Webhook(fmt.Sprintf("http://127.0.0.1:%d/zalo/webhook", port))
	h.env = []string{"ZALO_APP_SECRET=" + h.zl.AppSecret(), "ZALO_OA_SECRET_KEY=" + h.zl.OASecretKey(),
		"ZALO_REFRESH_TOKEN=" + h.zl.RefreshToken()}
	return h
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (h *zaloBot) start() {
	h.t.Helper()
	p := &proc{t: h.t, cmd: exec.Command(h.bin, "run", "-config", h.cfg), log: &lockedBuffer{}, exited: make(chan error, 1)}
	p.cmd.Env = append(append(os.Environ(), "CCHCBOT_NOW="+h.now, "TELEGRAM_BOT_TOKEN=123:test"), h.env...)
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	h.t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		p.exited <- nil
	})
	h.p = p
	h.logs = append(h.logs, p.log)
	p.waitLog("serving the Zalo webhook")
}

// kill ends the bot with SIGKILL, as a crash or a power cut does.
func (h *zaloBot) kill() {
	h.p.cmd.Process.Signal(syscall.SIGKILL)
	err := <-h.p.exited
	h.p.exited <- err
}

// zaloSays waits for a message to u containing want and returns it.
func (h *zaloBot) zaloSays(u zalotest.User, after int, want string) zalotest.Message {
	h.t.Helper()
	var found zalotest.Message
	err := h.zl.WaitFor(func(s *zalotest.Server) bool {
		msgs := s.Messages(u.ID)
		for i := after; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, want) {
				found = msgs[i]
				return true
			}
		}
		return false
	}, 30*time.Second)
	if err != nil {
		var got []string
		for _, m := range h.zl.Messages(u.ID) {
			got = append(got, m.Text)
		}
		h.t.Fatalf("no Zalo message to %s containing %q; got:\n%s\n--- log:\n%s", u.ID, want, strings.Join(got, "\n---\n"), h.p.log.String())
	}
	return found
}

// telegramSays waits for a message to u, after the first mark ones,
// containing want, and returns it: other messages (the daily digest) may
// come in between.
func (h *zaloBot) telegramSays(u telegramtest.User, mark int, want string) telegramtest.Message {
	h.t.Helper()
	var found telegramtest.Message
	err := h.tg.WaitFor(func(s *telegramtest.Server) bool {
		msgs := s.Messages(u.ID)
		for i := mark; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, want) {
				found = msgs[i]
				return true
			}
		}
		return false
	}, 30*time.Second)
	if err != nil {
		h.t.Fatalf("no Telegram message to %d containing %q: %v\n%s", u.ID, want, err, h.p.log.String())
	}
	return found
}

// press taps the button labelled label on m, as u.
func (h *zaloBot) press(u zalotest.User, m zalotest.Message, label string) {
	h.t.Helper()
	for _, b := range m.Buttons {
		if strings.Contains(b.Title, label) {
			h.zl.PressButton(u, b.Payload)
			return
		}
	}
	h.t.Fatalf("no button %q on %q (%+v)", label, m.Text, m.Buttons)
}

// TestZaloEndToEnd runs one office on Telegram and Zalo at once, through
// the real binary: a reminder step reaches every member on their own
// network once; a commune chair joins on Zalo with an invite code and
// submits a report there, and the unit's Telegram member sees it; forged
// and stale events are refused with nothing stored; a replayed event is
// handled once; an event accepted just before a SIGKILL is handled after
// the restart; the rotated Zalo tokens survive the restart; no secret
// reaches the log.
func TestZaloEndToEnd(t *testing.T) {
	h := newZaloBot(t)
	// A mixed district: Châu Lộc has a member on each network, Châu Đình
	// one on Zalo, Châu Lý one on Telegram.
	tLoc := telegramtest.User{ID: 3001, FirstName: "Lê", LastName: "Văn Lộc"}
	zLoc := zalotest.User{ID: "8400000000000000001", Name: "Hà Thị Phó"}
	zDinh := zalotest.User{ID: "8400000000000000002", Name: "Vi Văn Đình"}
	tLy := telegramtest.User{ID: 3003, FirstName: "Lò", LastName: "Văn Lý"}
	seedMember(t, h.dataDir, "xa-chau-loc", tLoc.ID)
	seedZaloMember(t, h.dataDir, "xa-chau-loc", zLoc.ID)
	seedZaloMember(t, h.dataDir, "xa-chau-dinh", zDinh.ID)
	seedMember(t, h.dataDir, "xa-chau-ly", tLy.ID)
	for _, u := range []zalotest.User{zLoc, zDinh} {
		h.zl.AddFollower(u)
	}
	h.start()

	// 1. The 08:00 step: once per person, each on their own network.
	for _, u := range []telegramtest.User{tLoc, tLy} {
		if _, err := h.tg.WaitMessages(u.ID, 1, 30*time.Second); err != nil {
			t.Fatalf("Telegram member %d not reminded: %v\n%s", u.ID, err, h.p.log.String())
		}
	}
	h.zaloSays(zLoc, 0, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	h.zaloSays(zDinh, 0, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")

	// 2. A new commune chair joins on Zalo with a code from /moi.
	admin := telegramtest.User{ID: 9001, FirstName: "Trần", LastName: "Thị Nội Vụ"}
	mk := h.tg.MessageCount(admin.ID)
	h.tg.SendText(admin, "/moi chau loc")
	inv := h.telegramSays(admin, mk, "Mã mời thành viên").Text
	codeRE := regexp.MustCompile(`gửi mã sau vào cuộc trò chuyện với OA: (\S+)`)
	m := codeRE.FindStringSubmatch(inv)
	if m == nil || !strings.Contains(inv, "https://zalo.me/"+h.zl.OAID()) {
		t.Fatalf("the invite does not say how to join on Zalo:\n%s", inv)
	}
	chair := zalotest.User{ID: "8400000000000000009", Name: "Lương Văn Chủ"}
	h.zl.Follow(chair)
	h.zaloSays(chair, 0, "gửi mã đó vào cuộc trò chuyện này")
	h.zl.SendText(chair, "AAAAAAAAAAAAAAAAAAAAAA")
	h.zaloSays(chair, 0, "Mã mời không đúng")
	h.zl.SendText(chair, m[1])
	h.zaloSays(chair, 0, "Tài khoản đã được ghi nhận là thành viên của UBND xã Châu Lộc")
	stranger := zalotest.User{ID: "8400000000000000010"}
	h.zl.Follow(stranger)
	h.zl.SendText(stranger, m[1])
	h.zaloSays(stranger, 0, "đã được sử dụng")

	// 3. The chair submits on Zalo: file, period, no document number,
	// confirm, receipt.
	n := len(h.zl.Messages(chair.ID))
	h.zl.SendFile(chair, "bao-cao-thang-3.pdf", []byte("%PDF-1.7 báo cáo tháng 3 xã Châu Lộc"))
	pick := h.zaloSays(chair, n, "nộp cho kỳ nào?")
	h.press(chair, pick, "tháng 03/2024")
	skip := h.zaloSays(chair, n, "số hiệu và ngày ký")
	h.press(chair, skip, "Bỏ qua")
	confirm := h.zaloSays(chair, n, "Xác nhận")
	h.press(chair, confirm, "Xác nhận nộp")
	receipt := h.zaloSays(chair, n, "BIÊN NHẬN")
	no := regexp.MustCompile(`CCHC-\d{4}-\d{6}`).FindString(receipt.Text)
	if no == "" {
		t.Fatalf("receipt without a number:\n%s", receipt.Text)
	}
	// The unit's Telegram member sees it.
	mk = h.tg.MessageCount(tLoc.ID)
	h.tg.SendText(tLoc, "/trangthai")
	h.telegramSays(tLoc, mk, no)

	// 4. Forged and stale events are refused and store nothing; a replay
	// is handled once.
	n = len(h.zl.Messages(chair.ID))
	for _, tamper := range []zalotest.Tamper{zalotest.BadSignature, zalotest.StaleTimestamp} {
		h.zl.TamperNext(tamper, 1)
		id := h.zl.SendText(chair, "/trangthai")
		ev, err := h.zl.WaitEvent(id, 30*time.Second)
		if err != nil || len(ev.Attempts) == 0 || ev.Attempts[0].Status != 401 {
			t.Errorf("tampered event %v: %+v, %v", tamper, ev.Attempts, err)
		}
	}
	id := h.zl.SendText(chair, "/huongdan")
	h.zaloSays(chair, n, "HƯỚNG DẪN")
	if _, err := h.zl.Replay(id); err != nil {
		t.Fatal(err)
	}
	h.zl.SendText(chair, "/trangthai")
	h.zaloSays(chair, n, "TÌNH HÌNH NỘP BÁO CÁO")
	help, status := 0, 0
	for _, msg := range h.zl.Messages(chair.ID)[n:] {
		if strings.Contains(msg.Text, "HƯỚNG DẪN") {
			help++
		}
		if strings.Contains(msg.Text, "TÌNH HÌNH NỘP BÁO CÁO") {
			status++
		}
	}
	if help != 1 || status != 1 {
		t.Errorf("answers: /huongdan (replayed) %d, /trangthai (twice tampered, once genuine) %d; want 1 each", help, status)
	}

	// 5. An event accepted right before a crash: the chair confirms a
	// second report whose download hangs; SIGKILL; the restart handles
	// the press again and sends the receipt. The stored Zalo tokens (the
	// first refresh token is used up by now) are the ones it uses.
	n = len(h.zl.Messages(chair.ID))
	fileID := h.zl.SendFile(chair, "bao-cao-bo-sung.pdf", []byte("%PDF-1.7 bản bổ sung"), zalotest.WithFileFault(zalotest.FileHang))
	pick = h.zaloSays(chair, n, "nộp cho kỳ nào?")
	h.press(chair, pick, "tháng 03/2024")
	skip = h.zaloSays(chair, n, "số hiệu và ngày ký")
	h.press(chair, skip, "Bỏ qua")
	confirm = h.zaloSays(chair, n, "Xác nhận")
	h.press(chair, confirm, "Xác nhận nộp")
	if err := h.zl.WaitFor(func(s *zalotest.Server) bool { return s.Downloads(fileID) > 0 }, 30*time.Second); err != nil {
		t.Fatalf("the download never started: %v", err)
	}
	h.kill()
	h.zl.SetFileFault(fileID, zalotest.FileOK)
	h.start()
	h.zaloSays(chair, n, "BIÊN NHẬN")
	h.p.stop()

	// Each person got the 08:00 step once, across the restart.
	for _, u := range []telegramtest.User{tLoc, tLy} {
		if n := countText(h.tg, u, "NHẮC VIỆC"); n != 1 {
			t.Errorf("Telegram member %d reminded %d times", u.ID, n)
		}
	}
	for _, u := range []zalotest.User{zLoc, zDinh} {
		n := 0
		for _, msg := range h.zl.Messages(u.ID) {
			if strings.Contains(msg.Text, "NHẮC VIỆC") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Zalo member %s reminded %d times", u.ID, n)
		}
	}
	// No secret in any log line of either run.
	for _, secret := range []string{h.zl.AppSecret(), h.zl.OASecretKey(), h.zl.AccessToken(), h.zl.RefreshToken(), "123:test", m[1]} {
		for _, log := range h.logs {
			if secret != "" && strings.Contains(log.String(), secret) {
				t.Errorf("a secret reached the log: %q", secret)
			}
		}
	}
}

// seedZaloMember makes the Zalo user id a member of unit in the stopped
// bot's store.
func seedZaloMember(t *testing.T, dataDir, unit, id string) {
	t.Helper()
	seedUser(t, dataDir, unit, cchcbot.ZaloUser(id))
}

// TestZaloQuotaTellsAdmins: Zalo refuses the 08:00 reminders for its
// monthly quota of proactive messages. Nothing is retried into a wall:
// each refusal is recorded, and the admins are told, once per unit, which
// unit was not reminded on Zalo; the unit's Telegram member is reminded as
// usual.
func TestZaloQuotaTellsAdmins(t *testing.T) {
	h := newZaloBot(t)
	tLoc := telegramtest.User{ID: 3001, FirstName: "Lê", LastName: "Văn Lộc"}
	zLoc := zalotest.User{ID: "8400000000000000001"}
	zDinh := zalotest.User{ID: "8400000000000000002"}
	seedMember(t, h.dataDir, "xa-chau-loc", tLoc.ID)
	seedZaloMember(t, h.dataDir, "xa-chau-loc", zLoc.ID)
	seedZaloMember(t, h.dataDir, "xa-chau-dinh", zDinh.ID)
	h.zl.AddFollower(zLoc)
	h.zl.AddFollower(zDinh)
	h.zl.QuotaNext(zalotest.QuotaMonthly, 2)
	h.start()

	if _, err := h.tg.WaitMessages(tLoc.ID, 1, 30*time.Second); err != nil {
		t.Fatalf("the Telegram member was not reminded: %v", err)
	}
	admin := telegramtest.User{ID: 9001}
	err := h.tg.WaitFor(func(s *telegramtest.Server) bool {
		return countText(s, admin, "qua Zalo") >= 2
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("the admins were not told of the quota: %v\n%s", err, h.p.log.String())
	}
	for _, unit := range []string{"UBND xã Châu Lộc", "UBND xã Châu Đình"} {
		if n := countText(h.tg, admin, "lời nhắc việc tới "+unit); n != 1 {
			t.Errorf("notices about %s: %d, want 1", unit, n)
		}
	}
	if n := h.zl.TotalMessages(); n != 0 {
		t.Errorf("%d Zalo messages through an exhausted quota", n)
	}
	// /status and the units' lines say so.
	mk := h.tg.MessageCount(admin.ID)
	h.tg.SendText(admin, "/status 03/2024")
	// The communes are on the second page.
	page1 := h.telegramSays(admin, mk, "TÌNH HÌNH NỘP BÁO CÁO")
	h.tg.PressButton(admin, page1.ID, button(page1, "Trang sau"))
	if err := h.tg.WaitFor(func(s *telegramtest.Server) bool {
		for _, m := range s.Messages(admin.ID) {
			if m.ID == page1.ID && m.Edited {
				return true
			}
		}
		return false
	}, 30*time.Second); err != nil {
		t.Fatalf("no second page: %v", err)
	}
	var st string
	for _, m := range h.tg.Messages(admin.ID) {
		if m.ID == page1.ID {
			st = m.Text
		}
	}
	for _, want := range []string{"UBND xã Châu Đình (", "không nhắc được qua Zalo: hết hạn mức"} {
		if !strings.Contains(st, want) {
			t.Errorf("/status lacks %q:\n%s", want, st)
		}
	}
	h.p.stop()
}
