package telegramtest_test

import (
	"sync/atomic"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// BenchmarkSendMessage measures the server's throughput through the real
// client, with rate limits enforced as in the fan-out benchmark but set
// high enough never to refuse. The fan-out needs ~2,000 requests/s.
func BenchmarkSendMessage(b *testing.B) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	api, err := srv.NewBotAPI()
	if err != nil {
		b.Fatal(err)
	}
	srv.EnforceRateLimits(1e9, 1e9)
	var chat atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := api.Send(tgbotapi.NewMessage(100000+chat.Add(1)%10000, "Nhắc nộp báo cáo tháng")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if srv.TooManyRequests() != 0 {
		b.Errorf("%d 429s", srv.TooManyRequests())
	}
}
