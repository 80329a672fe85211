package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot/bot/telegramtest"
)

// lockedBuffer is a log the bot writes while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a loopback address no one listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func httpGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// sample returns the value of the line of body that starts with name and
// a space, and whether there is one.
func sample(body, name string) (float64, bool) {
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestRunServesMetrics runs the bot with metrics.listen set: /healthz turns
// 200 once Telegram answers a poll, /metrics counts the update handled and
// the reply sent, and both stop with the bot.
func TestRunServesMetrics(t *testing.T) {
	path, _, srv := tempConfigServer(t)
	addr := freeAddr(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(raw), `listen: ""`, `listen: "`+addr+`"`, 1)
	if cfg == string(raw) {
		t.Fatal(`the test config has no metrics.listen: ""`)
	}
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var botLog lockedBuffer
	exited := make(chan int, 1)
	go func() { exited <- Main(ctx, []string{"run", "-config", path}, io.Discard, &botLog) }()

	base := "http://" + addr
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			select {
			case code := <-exited:
				t.Fatalf("the bot exited (%d) while waiting for %s:\n%s", code, what, botLog.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s:\n%s", what, botLog.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	var health string
	// Unhealthy until Telegram has answered a poll; wait for one.
	waitFor("/healthz to report a poll", func() bool {
		code, body, err := httpGet(base + "/healthz")
		health = body
		return err == nil && code == http.StatusOK && strings.Contains(body, `"last_poll":`)
	})
	if !strings.Contains(health, `"status":"ok"`) || !strings.Contains(health, `"store_open":true`) {
		t.Errorf("/healthz body: %s", health)
	}

	srv.SendText(telegramtest.User{ID: 5005, FirstName: "Khách"}, "/start")
	if _, err := srv.WaitMessages(5005, 1, 20*time.Second); err != nil {
		t.Fatalf("the bot did not answer /start: %v\n%s", err, botLog.String())
	}
	var body string
	waitFor("the update and the reply in /metrics", func() bool {
		code, b, err := httpGet(base + "/metrics")
		body = b
		updates, _ := sample(b, "cchcbot_updates_handled_total")
		sent, _ := sample(b, `cchcbot_messages_sent_total{method="sendMessage"}`)
		return err == nil && code == http.StatusOK && updates >= 1 && sent >= 1
	})
	for _, name := range []string{"cchcbot_last_successful_poll_timestamp_seconds", "cchcbot_store_size_bytes"} {
		if v, ok := sample(body, name); !ok || v <= 0 {
			t.Errorf("%s = %v (present %v), want > 0", name, v, ok)
		}
	}
	for _, name := range []string{"cchcbot_outbox_stored", "cchcbot_store_up", `cchcbot_outbox_queued{kind="reminder"}`, `cchcbot_outbox_queued{kind="reply"}`, "cchcbot_outbox_oldest_age_seconds", "go_goroutines"} {
		if _, ok := sample(body, name); !ok {
			t.Errorf("%s missing from /metrics", name)
		}
	}

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("exit code %d, want 0:\n%s", code, botLog.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the bot did not stop:\n%s", botLog.String())
	}
	if _, _, err := httpGet(base + "/healthz"); err == nil {
		t.Error("/healthz still answers after the bot stopped")
	}
}

// TestRunMetricsPortTaken: a metrics address already in use fails the
// start with a message naming the setting, before anything polls.
func TestRunMetricsPortTaken(t *testing.T) {
	path, _, _ := tempConfigServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(raw), `listen: ""`, `listen: "`+ln.Addr().String()+`"`, 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	code, _, errOut := run(t, "run", "-config", path)
	if code != exitFailure || !strings.Contains(errOut, "metrics.listen") {
		t.Errorf("exit %d, stderr %q: want %d naming metrics.listen", code, errOut, exitFailure)
	}
}
