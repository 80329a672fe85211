package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/config"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/store"
)

// BenchmarkReminderFanOut sends one reminder step to N units (one member
// each) through the whole outbound path (scheduler, reminder log in
// bbolt, outbox, tgbotapi) to the fake Bot API server enforcing Telegram's
// limits: 30 messages/s overall, 1/s per chat, 429 beyond. It reports the
// wall time against the floor N/30 s, the 429s provoked and the messages
// lost. N comes from CCHCBOT_BENCH_UNITS (default 300; 10000 for the
// figure in docs/BENCHMARKS.md, which takes about six minutes).
func BenchmarkReminderFanOut(b *testing.B) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("CCHCBOT_BENCH_UNITS")); err == nil && v > 0 {
		n = v
	}
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cal := cfg.Calendar()
	when, _ := time.ParseInLocation("2006-01-02 15:04", "2024-03-05 08:00", cal.Location)
	clk := cchcbot.ClockFunc(func() time.Time { return when })
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		srv := telegramtest.NewServer(token)
		srv.EnforceRateLimits(30, 1)
		db, err := store.Open(b.TempDir(), store.Options{Now: clk.Now})
		if err != nil {
			b.Fatal(err)
		}
		units := make([]cchcbot.Unit, n)
		for j := range units {
			units[j] = cchcbot.Unit{Code: fmt.Sprintf("dv-%05d", j), Name: fmt.Sprintf("Đơn vị %05d", j), Group: cchcbot.UnitGroups[j%3], Order: j}
		}
		db.SyncUnits(context.Background(), units, when)
		for j := range units {
			_, hash, _ := cchcbot.NewInviteCode(nil)
			db.CreateInvite(context.Background(), cchcbot.Invite{Hash: hash, UnitCode: units[j].Code, ExpiresAt: when.Add(time.Hour)})
			db.RedeemInvite(context.Background(), hash, cchcbot.Member{User: cchcbot.TelegramUser(int64(100000 + j))}, when)
		}
		ctx, cancel := context.WithCancel(context.Background())
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: srv.APIEndpoint(), FileEndpoint: srv.FileEndpoint(), Logger: logger})
		if err != nil {
			b.Fatal(err)
		}
		s := scheduler.New(cal, db, clk, cchcbot.CallbackSigner{Key: []byte("k")}, "Phòng Nội vụ", logger)
		q := outbox.New(ctx, db, tg, outbox.Options{GlobalPerSecond: 30, PerChatPerSecond: 1, Clock: clk, Logger: logger,
			NotBefore: s.NotBefore, Superseded: s.Superseded})
		b.StartTimer()

		start := time.Now()
		if err := s.RunDue(ctx, when); err != nil {
			b.Fatal(err)
		}
		// RunDue queues the reminders in the store; the sender delivers.
		if err := q.WaitIdle(ctx); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)

		b.StopTimer()
		floor := time.Duration(float64(n) / 30 * float64(time.Second))
		delivered := len(srv.AllMessages())
		b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(srv.TooManyRequests()), "429s")
		b.ReportMetric(float64(n-delivered), "lost")
		b.Logf("N=%d wall=%s floor=%s ratio=%.3f 429=%d delivered=%d", n, wall.Round(time.Millisecond), floor, wall.Seconds()/floor.Seconds(), srv.TooManyRequests(), delivered)
		cancel()
		q.Close()
		db.Close()
		srv.Close()
		b.StartTimer()
	}
}
