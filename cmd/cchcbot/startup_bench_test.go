package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cchcbot/bot/telegramtest"
	"cchcbot/config"
	"cchcbot/store"
	"cchcbot/synth"
)

// BenchmarkStartup starts the real binary on a province's store (N units,
// five years of history) and measures the time from exec to its first
// getUpdates at the fake Bot API server: opening bbolt, the config sync,
// recovery of in-flight reminders and the command menus all come before
// it. Target: under 1 s at 10,000 units. It also reports the store's size.
//
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench Startup -benchtime 5x -timeout 60m ./cmd/cchcbot
func BenchmarkStartup(b *testing.B) {
	base, err := os.ReadFile(example)
	if err != nil {
		b.Fatal(err)
	}
	bin := buildBinary(b)
	for _, n := range synth.Scales() {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			d, err := synth.Prepare(synth.CacheDir(), base, n)
			if err != nil {
				b.Fatal(err)
			}
			srv := telegramtest.New(b, "123:bench")
			raw, err := os.ReadFile(d.ConfigPath)
			if err != nil {
				b.Fatal(err)
			}
			cfg := strings.Replace(string(raw), `https://api.telegram.org/bot%s/%s`, srv.APIEndpoint(), 1)
			cfg = strings.Replace(cfg, `https://api.telegram.org/file/bot%s/%s`, srv.FileEndpoint(), 1)
			cfg = strings.Replace(cfg, `listen: "127.0.0.1:9464"`, `listen: ""`, 1)
			// `run` refuses the example's placeholders.
			cfg = strings.Replace(cfg, "bot_username: "+config.PlaceholderBotUsername, "bot_username: "+telegramtest.BotUsername, 1)
			cfg = strings.Replace(cfg, fmt.Sprintf("telegram_id: %d", config.PlaceholderAdminID), "telegram_id: 9001", 1)
			cfg = strings.Replace(cfg, config.PlaceholderAdminName, "Trần Thị Nội Vụ", 1)
			cfgPath := filepath.Join(b.TempDir(), "config.yaml")
			if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
				b.Fatal(err)
			}
			fi, err := os.Stat(filepath.Join(d.Config.DataDir, store.FileName))
			if err != nil {
				b.Fatal(err)
			}
			var total time.Duration
			runs := 0
			b.ResetTimer()
			for b.Loop() {
				polls := srv.Requests("getUpdates")
				cmd := exec.Command(bin, "run", "-config", cfgPath)
				cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN=123:bench", "CCHCBOT_NOW="+synth.End.Format(time.RFC3339))
				var logs strings.Builder
				cmd.Stderr = &logs
				start := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				for srv.Requests("getUpdates") == polls {
					if time.Since(start) > 2*time.Minute {
						cmd.Process.Kill()
						b.Fatalf("no poll after 2 minutes:\n%s", logs.String())
					}
					time.Sleep(time.Millisecond)
				}
				total += time.Since(start)
				runs++
				cmd.Process.Signal(syscall.SIGTERM)
				if err := cmd.Wait(); err != nil {
					b.Fatalf("bot exit: %v\n%s", err, logs.String())
				}
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(runs), "ms-to-first-poll")
			b.ReportMetric(float64(fi.Size())/(1<<20), "store-MB")
			b.ReportMetric(float64(d.Stats.Submissions), "submissions")
			b.ReportMetric(float64(d.Stats.Reminders), "reminders")
		})
	}
}
