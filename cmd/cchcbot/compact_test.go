package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/control"
	"cchcbot/store"
)

// compacted is what compact prints on success.
var compacted = regexp.MustCompile(`^Đã thu gọn kho dữ liệu (\S+): từ (\d+(?:,\d)? (?:byte|KB|MB|GB)) còn (\d+(?:,\d)? (?:byte|KB|MB|GB)) \(giảm \d+(?:,\d)? (?:byte|KB|MB|GB), \d+%\), trong \d+(,\d)? (mili giây|giây)\.\nĐã chép và kiểm tra \d+ bản ghi trong \d+ bảng\.\n$`)

// bloatStore writes, then deletes, big drafts in the stopped bot's store:
// the file grows and does not shrink. It returns the file's size.
func bloatStore(t *testing.T, dataDir string) int64 {
	t.Helper()
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	note := strings.Repeat("Ghi chú dài của hồ sơ đang soạn. ", 1000)
	for i := range 60 {
		if err := db.SaveDraft(ctx, cchcbot.Draft{User: cchcbot.TelegramUser(int64(10_000 + i)), Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 60 {
		if err := db.DeleteDraft(ctx, cchcbot.TelegramUser(int64(10_000+i))); err != nil {
			t.Fatal(err)
		}
	}
	size, err := db.Size()
	if err != nil {
		t.Fatal(err)
	}
	return size
}

// checkCompacted checks compact's output and the store it left: smaller,
// with every unit and submission.
func checkCompacted(t *testing.T, out, dataDir string, before int64) {
	t.Helper()
	m := compacted.FindStringSubmatch(out)
	if m == nil || m[1] != filepath.Join(dataDir, store.FileName) {
		t.Fatalf("compact printed:\n%s", out)
	}
	fi, err := os.Stat(filepath.Join(dataDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= before/2 {
		t.Errorf("the file has %d bytes after compact, %d before: want it at least halved", fi.Size(), before)
	}
	if m[2] != cchcbot.FormatSize(before) || m[3] != cchcbot.FormatSize(fi.Size()) {
		t.Errorf("printed %s → %s, the file went from %s to %s", m[2], m[3], cchcbot.FormatSize(before), cchcbot.FormatSize(fi.Size()))
	}
	if _, err := os.Stat(filepath.Join(dataDir, store.FileName+".compact")); err == nil {
		t.Error("the compaction's file was left behind")
	}
}

// TestCompactStopped: with the bot stopped, compact opens the store
// itself.
func TestCompactStopped(t *testing.T) {
	path, dataDir := tempConfig(t)
	seedStore(t, path, dataDir)
	before := bloatStore(t, dataDir)
	code, out, errOut := run(t, "compact", "-config", path)
	if code != exitOK || errOut != "" {
		t.Fatalf("compact: exit %d, %s", code, errOut)
	}
	checkCompacted(t, out, dataDir, before)
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if units, err := db.Units(ctx); err != nil || len(units) != 38 {
		t.Errorf("%d units after compact (%v), want 38", len(units), err)
	}
	if subs, err := db.SubmissionsForPeriod(ctx, "bao-cao-thang/2024-02"); err != nil || len(subs) != 2 {
		t.Errorf("%d submissions after compact (%v), want 2", len(subs), err)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}

// TestCompactUsage: help, and a refused argument.
func TestCompactUsage(t *testing.T) {
	code, out, _ := run(t, "compact", "-h")
	if code != exitOK || !strings.HasPrefix(out, "Cách dùng: cchcbot compact") || !strings.Contains(out, "ít nhất bằng kích thước tệp") {
		t.Errorf("compact -h: exit %d\n%s", code, out)
	}
	path, _ := tempConfig(t)
	if code, _, errOut := run(t, "compact", "thừa", "-config", path); code != exitUsage || !strings.Contains(errOut, "không nhận tham số") {
		t.Errorf("compact with an argument: exit %d, %s", code, errOut)
	}
	if _, out, _ := run(t, "help"); !strings.Contains(out, "  compact ") {
		t.Error("the command list lacks compact")
	}
}

// TestCompactRunning: with the bot running, compact goes through its
// control socket; the bot answers in chat before and after, on the new
// file, and what was written through it afterwards is in the store once
// it stops.
func TestCompactRunning(t *testing.T) {
	path, dataDir, srv := tempConfigServer(t)
	seedStore(t, path, dataDir)
	before := bloatStore(t, dataDir)
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var botLog lockedBuffer
	exited := make(chan int, 1)
	go func() { exited <- Main(ctx, []string{"run", "-config", path}, &bytes.Buffer{}, &botLog) }()
	sock := filepath.Join(dataDir, control.SocketName)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if err := control.Call(context.Background(), sock, "nope", nil, &bytes.Buffer{}); err != nil && !strings.Contains(err.Error(), "no process answers") {
			break // it answered (with "unknown command")
		}
		select {
		case code := <-exited:
			t.Fatalf("the bot exited (%d):\n%s", code, botLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot never answered on %s:\n%s", sock, botLog.String())
		}
	}
	guest := telegramtest.User{ID: 5005, FirstName: "Khách"}
	srv.SendText(guest, "/start")
	if _, err := srv.WaitMessages(guest.ID, 1, 20*time.Second); err != nil {
		t.Fatalf("no answer to /start before compact: %v\n%s", err, botLog.String())
	}

	code, out, errOut := run(t, "compact", "-config", path)
	if code != exitOK || errOut != "" {
		t.Fatalf("compact through the bot: exit %d, %s\n%s", code, errOut, botLog.String())
	}
	checkCompacted(t, out, dataDir, before)
	if !strings.Contains(botLog.String(), "cmd=compact") {
		t.Errorf("the bot's log does not show the command came through it:\n%s", botLog.String())
	}
	// The bot writes on, on the new file: it accepts the update and
	// queues the answer.
	srv.SendText(guest, "/start")
	if _, err := srv.WaitMessages(guest.ID, 2, 20*time.Second); err != nil {
		t.Fatalf("no answer to /start after compact: %v\n%s", err, botLog.String())
	}

	// A staff command writes through the bot too: the invite is in the
	// store once the bot stops.
	code, out, errOut = run(t, "invite", "xa-chau-loc", "-config", path)
	m := inviteCode.FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("invite after compact: exit %d, %s%s", code, out, errOut)
	}

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Fatalf("exit code %d:\n%s", code, botLog.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the bot did not stop:\n%s", botLog.String())
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	if _, err := db.RedeemInvite(context.Background(), cchcbot.HashInviteCode(m[1]), cchcbot.Member{User: cchcbot.TelegramUser(7)}, time.Date(2024, 2, 10, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("the invite made through the bot after compact does not redeem: %v", err)
	}
	if subs, err := db.SubmissionsForPeriod(context.Background(), "bao-cao-thang/2024-02"); err != nil || len(subs) != 2 {
		t.Errorf("%d submissions after compact (%v), want 2", len(subs), err)
	}
}
