package zalotest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

// BenchmarkSendText measures /message/cs throughput over real HTTP.
func BenchmarkSendText(b *testing.B) {
	srv := zalotest.NewServer()
	defer srv.Close()
	users := make([]string, 1000)
	for i := range users {
		users[i] = strconv.Itoa(8400000000000000000 + i)
		srv.AddFollower(zalotest.User{ID: users[i]})
	}
	token := srv.AccessToken()
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathMessage,
				strings.NewReader(textBody(users[n.Add(1)%int64(len(users))], "Nhắc nộp báo cáo tháng")))
			req.Header.Set("access_token", token)
			resp, err := srv.Client().Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body) // so that the connection is reused
			resp.Body.Close()
		}
	})
	if srv.TotalMessages() != b.N {
		b.Errorf("%d of %d recorded", srv.TotalMessages(), b.N)
	}
}

// BenchmarkWebhook measures how fast events reach a receiver that
// answers at once, and reports the 99th percentile post latency.
func BenchmarkWebhook(b *testing.B) {
	srv := zalotest.NewServer()
	defer srv.Close()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer bot.Close()
	srv.Webhook(bot.URL)
	b.ReportAllocs()
	for i := range b.N {
		srv.SendText(zalotest.User{ID: strconv.Itoa(8400000000000000000 + i%500)}, "x")
	}
	if err := srv.WaitIdle(time.Minute); err != nil {
		b.Fatal(err)
	}
	st := srv.WebhookStats()
	if st.Delivered != b.N {
		b.Errorf("%d of %d delivered", st.Delivered, b.N)
	}
	b.ReportMetric(float64(st.Percentile(0.99).Microseconds()), "p99-µs")
}
