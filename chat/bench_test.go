package chat

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/synth"
)

// BenchmarkStatus is an admin's /status for one period (October 2026,
// closed, five years of history behind it) in a province of N units: the
// time from the update reaching Handle to the reply handed to the channel,
// which costs nothing here. Target: p99 under 50 ms at 10,000 units.
//
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench 'Status$' -benchtime 200x ./chat
func BenchmarkStatus(b *testing.B) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range synth.Scales() {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			d, err := synth.Prepare(synth.CacheDir(), base, n)
			if err != nil {
				b.Fatal(err)
			}
			db, err := store.Open(d.Config.DataDir, store.Options{LockTimeout: time.Minute, Now: func() time.Time { return synth.End }})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			admin := cchcbot.TelegramUser(100000001)
			if err := db.SyncAdmins(ctx, []cchcbot.Admin{{User: admin, Name: "Cán bộ Nội vụ"}}, synth.End); err != nil {
				b.Fatal(err)
			}
			ch := newFakeChannel()
			svc := New(Options{Store: db, Calendar: d.Config.Calendar(), Channel: ch,
				Clock: cchcbot.ClockFunc(func() time.Time { return synth.End }), Signer: cchcbot.CallbackSigner{Key: []byte("bench key, thirty-two bytes long")}})
			in := cchcbot.Incoming{User: admin, Name: "Cán bộ Nội vụ", Text: "/status 10/2026"}
			var lat []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				if err := svc.Handle(ctx, in); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			// The replies went to the outbox (nothing sends them here):
			// check the last, then take them all out, so that the cached
			// deployment's outbox stays empty.
			queued, err := db.PendingOutgoing(ctx, 0, 0)
			if err != nil || len(queued) == 0 {
				b.Fatalf("no reply in the outbox (%v)", err)
			}
			last := queued[len(queued)-1].Text
			done := make([]cchcbot.Delivery, len(queued))
			for i, m := range queued {
				done[i] = cchcbot.Delivery{ID: m.ID, State: cchcbot.Delivered, At: synth.End}
			}
			if err := db.FinishOutgoing(ctx, done); err != nil {
				b.Fatal(err)
			}
			if !strings.Contains(last, "TÌNH HÌNH NỘP BÁO CÁO: Báo cáo CCHC tháng 10/2026") {
				b.Fatalf("unexpected reply: %s", last)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
