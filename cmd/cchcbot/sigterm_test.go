package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cchcbot/bot/telegramtest"
	"cchcbot/store"
)

// TestSIGTERMWithWorkInFlight runs the real binary against the fake Bot
// API, with a reply stuck in flight (Telegram never answers the
// sendMessage, as over a half-open connection), and stops it with
// SIGTERM: it must exit cleanly within 10 s (systemd's TimeoutStopSec is
// 15) and leave a database that opens and passes bbolt's check. The start
// also wrote the day's missed backup.
func TestSIGTERMWithWorkInFlight(t *testing.T) {
	bin := buildBinary(t)
	cfg, dataDir, srv := tempConfigServer(t)
	bot := exec.Command(bin, "run", "-config", cfg)
	bot.Env = append(os.Environ(), "CCHCBOT_NOW=2024-02-10T09:00:00+07:00", "TELEGRAM_BOT_TOKEN=123:test")
	var botLog bytes.Buffer
	bot.Stderr = &botLog
	srv.HangNext("sendMessage", 100)
	if err := bot.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- bot.Wait() }()
	defer func() {
		bot.Process.Kill()
		<-exited
	}()

	// A /start whose answer hangs: the bot is up, polling, and has a
	// send in flight.
	srv.SendText(telegramtest.User{ID: 5005, FirstName: "Khách"}, "/start")
	for deadline := time.Now().Add(20 * time.Second); srv.Requests("sendMessage") == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the bot never tried to answer:\n%s", botLog.String())
		}
	}
	// Let the start-up work (the first sweep, the backup catch-up) finish.
	backupFile := filepath.Join(dataDir, "backups", "cchcbot-2024-02-10.db")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(backupFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no catch-up backup %s:\n%s", backupFile, botLog.String())
		}
	}

	start := time.Now()
	bot.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		exited <- err // for the deferred Wait
		if err != nil {
			t.Fatalf("bot exit after SIGTERM: %v\n%s", err, botLog.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("bot did not stop within 10 s of SIGTERM:\n%s", botLog.String())
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(botLog.String(), "cchcbot stopped") {
		t.Errorf("no orderly stop in the log:\n%s", botLog.String())
	}

	// The lock is free at once and the file is whole.
	db, err := store.Open(dataDir, store.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("store after SIGTERM: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Errorf("store after SIGTERM fails its check: %v", err)
	}
	if _, err := store.VerifyFile(backupFile); err != nil {
		t.Errorf("the catch-up backup does not verify: %v", err)
	}
}
