package metrics_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/metrics"
	"cchcbot/store"
)

// source is a fake store: each test sets the behaviour it needs.
type source struct {
	OutboxLenFn func(ctx context.Context) (int, error)
	SizeFn      func() (int64, error)
}

func (s *source) OutboxLen(ctx context.Context) (int, error) { return s.OutboxLenFn(ctx) }
func (s *source) Size() (int64, error)                       { return s.SizeFn() }

// clock is a settable "now".
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2024, 2, 10, 9, 0, 0, 0, time.UTC)

// get fetches path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape returns the samples of /metrics, keyed by name and labels as
// they appear in the text format (`name{label="value"}`).
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	code, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics answered %d:\n%s", code, body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func TestScrape(t *testing.T) {
	clk := &clock{t: start}
	src := &source{
		OutboxLenFn: func(context.Context) (int, error) { return 41, nil },
		SizeFn:      func() (int64, error) { return 65536, nil },
	}
	m := metrics.New(metrics.Options{Source: src, Now: clk.Now})
	m.SetOutbox(func() metrics.OutboxState {
		return metrics.OutboxState{Queued: map[cchcbot.OutKind]int{cchcbot.OutReply: 1, cchcbot.OutReminder: 40}, OldestAge: 90 * time.Second}
	})
	m.MessageSent("sendMessage")
	m.MessageSent("sendMessage")
	m.MessageSent("sendDocument")
	m.MessageFailed("sendMessage", "unreachable")
	m.MessageRetried("sendMessage", "rate_limited")
	m.UpdateHandled()
	m.UpdateHandled()
	m.UpdateHandled()
	m.PollFailed() // getMe at the start
	m.PollFailed() // a getUpdates
	m.PollSucceeded(start.Add(1500 * time.Millisecond))

	got := scrape(t, m.Handler())
	for name, want := range map[string]float64{
		`cchcbot_messages_sent_total{method="sendMessage"}`:                          2,
		`cchcbot_messages_sent_total{method="sendDocument"}`:                         1,
		`cchcbot_messages_failed_total{method="sendMessage",reason="unreachable"}`:   1,
		`cchcbot_messages_retried_total{method="sendMessage",reason="rate_limited"}`: 1,
		`cchcbot_updates_handled_total`:                                              3,
		`cchcbot_polls_failed_total`:                                                 2,
		`cchcbot_last_successful_poll_timestamp_seconds`:                             float64(start.Unix()) + 1.5,
		`cchcbot_outbox_stored`:                                                      41,
		`cchcbot_store_size_bytes`:                                                   65536,
		`cchcbot_store_up`:                                                           1,
		`cchcbot_outbox_queued{kind="reply"}`:                                        1,
		`cchcbot_outbox_queued{kind="receipt"}`:                                      0,
		`cchcbot_outbox_queued{kind="reminder"}`:                                     40,
		`cchcbot_outbox_queued{kind="notice"}`:                                       0,
		`cchcbot_outbox_queued{kind="digest"}`:                                       0,
		`cchcbot_outbox_oldest_age_seconds`:                                          90,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s missing: the Go and process collectors are not registered", name)
		}
	}
}

// TestScrapeStoreFails: a store that does not answer drops its gauges and
// says so in cchcbot_store_up, and the rest of the scrape still works.
func TestScrapeStoreFails(t *testing.T) {
	src := &source{
		OutboxLenFn: func(context.Context) (int, error) { return 0, errors.New("database not open") },
		SizeFn:      func() (int64, error) { return 0, errors.New("no such file") },
	}
	m := metrics.New(metrics.Options{Source: src})
	m.UpdateHandled()
	got := scrape(t, m.Handler())
	if got["cchcbot_store_up"] != 0 || got["cchcbot_updates_handled_total"] != 1 {
		t.Errorf("store_up %v, updates %v: want 0 and 1", got["cchcbot_store_up"], got["cchcbot_updates_handled_total"])
	}
	for _, name := range []string{"cchcbot_outbox_stored", "cchcbot_store_size_bytes"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s reported although the store failed", name)
		}
	}
}

func health(t *testing.T, h http.Handler) (int, metrics.Health) {
	t.Helper()
	code, body := get(t, h, "/healthz")
	var out metrics.Health
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("/healthz body %q: %v", body, err)
	}
	return code, out
}

func TestHealthz(t *testing.T) {
	clk := &clock{t: start}
	var storeErr error
	src := &source{
		OutboxLenFn: func(context.Context) (int, error) { return 0, storeErr },
		SizeFn:      func() (int64, error) { return 1, nil },
	}
	m := metrics.New(metrics.Options{Source: src, Now: clk.Now, Staleness: 3 * time.Minute})
	h := m.Handler()

	type want struct {
		code      int
		status    string
		polled    bool
		age       float64
		storeOpen bool
	}
	check := func(step string, w want) {
		t.Helper()
		code, got := health(t, h)
		if code != w.code || got.Status != w.status || (got.LastPoll != nil) != w.polled ||
			got.LastPollAgeSeconds != w.age || got.StoreOpen != w.storeOpen || got.StaleAfterSeconds != 180 ||
			(w.code == http.StatusOK) != (len(got.Problems) == 0) {
			t.Errorf("%s: %d %+v, want %+v", step, code, got, w)
		}
	}
	// Not healthy before Telegram has answered, however young the bot.
	check("just started", want{503, "unhealthy", false, 0, true})
	clk.Add(3*time.Minute + time.Second)
	check("never polled", want{503, "unhealthy", false, 181, true})
	if _, got := health(t, h); len(got.Problems) != 1 || !strings.Contains(got.Problems[0], "no successful poll") {
		t.Errorf("problems before the first poll = %q", got.Problems)
	}
	m.PollSucceeded(clk.Now())
	clk.Add(10 * time.Second)
	check("polled", want{200, "ok", true, 10, true})
	clk.Add(3 * time.Minute)
	check("stale", want{503, "unhealthy", true, 190, true})
	m.PollSucceeded(clk.Now())
	storeErr = errors.New("database not open")
	check("store fails", want{503, "unhealthy", true, 0, false})

	_, got := health(t, h)
	if len(got.Problems) != 1 || !strings.Contains(got.Problems[0], "database not open") {
		t.Errorf("problems = %q, want the store's error", got.Problems)
	}
	if code, _ := get(t, h, "/other"); code != http.StatusNotFound {
		t.Errorf("/other answered %d, want 404", code)
	}
}

// TestRealStore: the gauges and the health check read a real bbolt store,
// and a closed store makes /healthz fail.
func TestRealStore(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Options{Source: db})
	m.PollSucceeded(time.Now())
	got := scrape(t, m.Handler())
	if got["cchcbot_store_size_bytes"] <= 0 || got["cchcbot_outbox_stored"] != 0 || got["cchcbot_store_up"] != 1 {
		t.Errorf("size %v, stored %v, up %v: want a positive size, 0 stored, up",
			got["cchcbot_store_size_bytes"], got["cchcbot_outbox_stored"], got["cchcbot_store_up"])
	}
	if code, h := health(t, m.Handler()); code != http.StatusOK || !h.StoreOpen {
		t.Errorf("open store: %d %+v", code, h)
	}
	db.Close()
	if code, h := health(t, m.Handler()); code != http.StatusServiceUnavailable || h.StoreOpen {
		t.Errorf("closed store: %d %+v, want 503 and store_open false", code, h)
	}
	if got := scrape(t, m.Handler()); got["cchcbot_store_up"] != 0 {
		t.Errorf("closed store: store_up %v, want 0", got["cchcbot_store_up"])
	}
}

// TestListen: the server binds at once, serves, and stops.
func TestListen(t *testing.T) {
	m := metrics.New(metrics.Options{})
	if _, err := m.Listen("127.0.0.1:99999"); err == nil {
		t.Error("Listen accepted an address it cannot bind")
	}
	s, err := m.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + s.Addr().String() + "/healthz"
	for _, want := range []int{http.StatusServiceUnavailable, http.StatusOK} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("/healthz: %d %s, want %d", resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
		m.PollSucceeded(time.Now())
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("still serving after Shutdown")
	}
}

// TestHealthChecksAndNoPolls: a check added by the wiring (a network's
// credentials) makes /healthz unhealthy while it fails; a bot without
// Telegram is not asked for polls.
func TestHealthChecksAndNoPolls(t *testing.T) {
	clk := &clock{t: start}
	src := &source{
		OutboxLenFn: func(context.Context) (int, error) { return 0, nil },
		SizeFn:      func() (int64, error) { return 1, nil },
	}
	m := metrics.New(metrics.Options{Source: src, Now: clk.Now, NoPolls: true})
	h := m.Handler()
	if code, got := health(t, h); code != http.StatusOK || len(got.Problems) != 0 {
		t.Fatalf("a bot without Telegram, never polled: %d %+v", code, got)
	}
	var dead error
	m.AddCheck("zalo", func() error { return dead })
	if code, _ := health(t, h); code != http.StatusOK {
		t.Errorf("a passing check: %d", code)
	}
	dead = errors.New("the refresh token was refused")
	code, got := health(t, h)
	if code != http.StatusServiceUnavailable || len(got.Problems) != 1 || got.Problems[0] != "zalo: the refresh token was refused" {
		t.Errorf("a failing check: %d %q", code, got.Problems)
	}
}
