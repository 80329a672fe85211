package zalo_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/inbox"
	"cchcbot/outbox"
	"cchcbot/store"
	"cchcbot/zalo"
	"cchcbot/zalo/zalotest"
)

// BenchmarkWebhookIngest measures what Zalo sees of the bot on a deadline
// afternoon: events posted by many people at once (the fake posts up to 32
// at a time, as Zalo's workers would) while a reminder step to 1,000 units
// is being sent through the same store. Each event is checked, accepted
// into the inbox in a commit of its own and answered; a handler then queues
// a reply, as the chat does. Reported: events a second, the answers'
// latencies, and how many took longer than Zalo's 2 s (each would be
// retried, and Zalo disables a webhook that keeps failing).
//
// CCHCBOT_BENCH_EVENTS sets the number of events (default 2,000).
func BenchmarkWebhookIngest(b *testing.B) {
	events := 2000
	if v := os.Getenv("CCHCBOT_BENCH_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		events = n
	}
	const units, people = 1000, 200
	for range b.N {
		b.StopTimer()
		ctx, cancel := context.WithCancel(context.Background())
		srv := zalotest.NewServer()
		db, err := store.Open(b.TempDir(), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		zc, err := zalo.New(zalo.Config{AppID: srv.AppID(), OAID: srv.OAID(), APIBase: srv.URL(), OAuthBase: srv.URL(),
			AppSecret: srv.AppSecret(), OASecretKey: srv.OASecretKey()}, db)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := zc.Bootstrap(ctx, srv.RefreshToken()); err != nil {
			b.Fatal(err)
		}
		// The 16:00 step to 1,000 units, queued as the scheduler does.
		var rs []cchcbot.Reminder
		var msgs []*cchcbot.Outgoing
		for i := range units {
			u := zalotest.User{ID: fmt.Sprintf("84%017d", i)}
			srv.AddFollower(u)
			to := cchcbot.ZaloUser(u.ID)
			rs = append(rs, cchcbot.Reminder{PeriodID: "bao-cao-thang/2026-12", UnitCode: fmt.Sprintf("dv-%04d", i), Step: "due", Member: to})
			msgs = append(msgs, &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: to, Text: "NHẮC VIỆC: hôm nay là hạn cuối.", Priority: cchcbot.PriorityBulk})
		}
		if _, err := db.QueueReminders(ctx, rs, msgs); err != nil {
			b.Fatal(err)
		}
		sender := outbox.New(ctx, db, zc, outbox.Options{Network: cchcbot.ChannelZalo})
		disp := inbox.New(db, inbox.HandlerFunc(func(ctx context.Context, in cchcbot.Incoming) error {
			return db.Queue(ctx, &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: in.User, Text: "Đã nhận: " + in.Text, Priority: cchcbot.PriorityInteractive})
		}), inbox.Options{})
		go disp.Run(ctx)
		hook := httptest.NewServer(zc.Webhook(db, disp))
		srv.Webhook(hook.URL)
		senders := make([]zalotest.User, people)
		for i := range senders {
			senders[i] = zalotest.User{ID: fmt.Sprintf("85%017d", i)}
			srv.AddFollower(senders[i])
		}
		b.StartTimer()

		start := time.Now()
		for i := range events {
			srv.SendText(senders[i%people], "/trangthai "+strconv.Itoa(i))
		}
		if err := srv.WaitFor(func(s *zalotest.Server) bool {
			st := s.WebhookStats()
			return st.Events >= events && st.Pending == 0
		}, 5*time.Minute); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)

		b.StopTimer()
		st := srv.WebhookStats()
		over := 0
		for _, l := range st.Latencies {
			if l > 2*time.Second {
				over++
			}
		}
		sent := sender.Stats().Sent
		b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(st.Percentile(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(st.Percentile(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(st.Percentile(1).Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(over), "over-2s")
		b.ReportMetric(float64(st.Lost), "lost")
		b.ReportMetric(float64(sent), "reminders-sent-meanwhile")
		hook.Close()
		cancel()
		sender.Close()
		srv.Close()
		db.Close()
	}
}
