package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/synth"
	"cchcbot/web"
)

// benchDashboard opens the synthetic deployment of n units (five years of
// history, see synth/) and returns its dashboard's handler and a signed-in
// admin's cookie. The server time of a page is measured by calling the
// handler directly: no network, no browser.
func benchDashboard(b *testing.B, n, pageSize int) (http.Handler, *http.Cookie) {
	b.Helper()
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	d, err := synth.Prepare(synth.CacheDir(), base, n)
	if err != nil {
		b.Fatal(err)
	}
	clock := cchcbot.ClockFunc(func() time.Time { return synth.End })
	db, err := store.Open(d.Config.DataDir, store.Options{LockTimeout: time.Minute, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	admin := cchcbot.Admin{User: cchcbot.TelegramUser(100000001), Name: "Cán bộ Nội vụ"}
	if err := db.SyncAdmins(ctx, []cchcbot.Admin{admin}, synth.End); err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: db, Calendar: d.Config.Calendar(), Clock: clock, BaseURL: "http://127.0.0.1", Office: d.Config.Office, PageSize: pageSize})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	link, _, err := web.NewLoginLink(ctx, db, "http://127.0.0.1", admin.User, synth.End)
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{"token": {link[strings.LastIndexByte(link, '/')+1:]}}
	req := httptest.NewRequest(http.MethodPost, "/dang-nhap", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		b.Fatalf("sign-in: %d %v", rec.Code, cookies)
	}
	return h, cookies[0]
}

// benchPage measures GET path: the first request (the store's and the
// dashboard's caches cold, as after a start) and then b.N more.
func benchPage(b *testing.B, path, want string, pageSize int) {
	for _, n := range synth.Scales() {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			h, cookie := benchDashboard(b, n, pageSize)
			get := func() (time.Duration, *httptest.ResponseRecorder) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				return time.Since(start), rec
			}
			cold, rec := get()
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
				b.Fatalf("GET %s: %d\n%.2000s", path, rec.Code, rec.Body.String())
			}
			size := rec.Body.Len()
			var lat []time.Duration
			b.ResetTimer()
			for b.Loop() {
				d, _ := get()
				lat = append(lat, d)
			}
			b.StopTimer()
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(float64(cold)/1e6, "cold-ms")
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(size)/1024, "page-KB")
		})
	}
}

// BenchmarkOverview is the year's overview, /nam/2026: every unit × the
// year's twelve monthly periods (December's just opened), first page of
// DefaultPageSize units, the totals and the chart over all units. Targets:
// under 200 ms at 1,000 units; paginated, under 300 ms at 10,000.
//
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench Overview -benchtime 50x -timeout 60m ./web
func BenchmarkOverview(b *testing.B) {
	benchPage(b, "/nam/2026", `data-period="bao-cao-thang/2026-12"`, 0)
}

// BenchmarkOverviewOnePage is the overview with every unit on one page:
// what the page would cost unpaginated.
func BenchmarkOverviewOnePage(b *testing.B) {
	benchPage(b, "/nam/2026", `data-period="bao-cao-thang/2026-12"`, 1<<30)
}

// BenchmarkPeriodPage is one period's page, /ky/bao-cao-thang/2026-10:
// the counts over every unit, the first page of units with their forms.
//
//	CCHCBOT_BENCH_SCALES=50,1000,10000 go test -run xxx -bench PeriodPage -benchtime 50x -timeout 60m ./web
func BenchmarkPeriodPage(b *testing.B) {
	benchPage(b, "/ky/bao-cao-thang/2026-10", `id="counts"`, 0)
}
