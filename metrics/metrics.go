// Package metrics counts what the bot does and serves it on a loopback
// address: Prometheus metrics on /metrics, and on /healthz a verdict a
// supervisor can act on. It is the only package that imports the
// Prometheus client; the outbox and the poller report to it through small
// observer interfaces of their own, which *Metrics satisfies.
package metrics

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"cchcbot"
)

// Source is what the metrics read from the store at scrape time.
type Source interface {
	// OutboxLen returns how many messages wait in the store's outbox.
	// Reading it is also the health check's proof that the store is open.
	OutboxLen(ctx context.Context) (int, error)
	// Size returns the store file's size in bytes.
	Size() (int64, error)
}

// DefaultStaleness is how old the last successful poll may be before
// /healthz fails, when Options.Staleness is zero: three 50 s long polls and
// a minute of backoff.
const DefaultStaleness = 3*50*time.Second + time.Minute

// storeTimeout bounds the store reads of one scrape or health check: a
// store stuck behind a long write must not hang the prober.
const storeTimeout = 2 * time.Second

// Options configure the metrics.
type Options struct {
	// Source is the store; nil leaves out the store's gauges and check.
	Source Source
	// Staleness is how old the last successful poll may be before /healthz
	// answers 503. Default DefaultStaleness.
	Staleness time.Duration
	// NoPolls is set when the bot does not poll Telegram (a Zalo-only
	// office): /healthz then asks nothing of polls.
	NoPolls bool
	// Now is the clock (time.Now in production).
	Now func() time.Time
}

// Metrics holds the bot's counters in a registry of its own, so that
// nothing a library registers globally leaks into the scrape. Its methods
// are safe for concurrent use and cheap: they run on the send and update
// paths.
type Metrics struct {
	opts    Options
	reg     *prometheus.Registry
	started time.Time

	checksMu sync.Mutex
	checks   []check // more conditions of health (a network's credentials)

	sent         *prometheus.CounterVec
	failed       *prometheus.CounterVec
	retried      *prometheus.CounterVec
	updates      prometheus.Counter
	pollFailures prometheus.Counter
	lastPoll     prometheus.Gauge

	lastPollNanos atomic.Int64 // unix nanos; 0 before the first poll
	outbox        atomic.Pointer[func() OutboxState]
}

// OutboxState is the outbox as a scrape sees it.
type OutboxState struct {
	// Queued counts the messages waiting for an outcome (delivered,
	// refused or expired), by kind; a kind missing counts 0.
	Queued map[cchcbot.OutKind]int
	// OldestAge is how long the oldest of them has waited; 0 when none.
	OldestAge time.Duration
}

// New returns metrics registered in a fresh registry, with the Go runtime
// and process collectors.
func New(opts Options) *Metrics {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Staleness <= 0 {
		opts.Staleness = DefaultStaleness
	}
	m := &Metrics{
		opts:    opts,
		reg:     prometheus.NewRegistry(),
		started: opts.Now(),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cchcbot_messages_sent_total",
			Help: "Messages delivered to Telegram, by Bot API method.",
		}, []string{"method"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cchcbot_messages_failed_total",
			Help: "Messages given up on, by Bot API method and reason (unreachable, expired, retries_exhausted, canceled, error).",
		}, []string{"method", "reason"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cchcbot_messages_retried_total",
			Help: "Sends queued again, by Bot API method and reason (rate_limited, temporary).",
		}, []string{"method", "reason"}),
		updates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cchcbot_updates_handled_total",
			Help: "Telegram updates handled (redelivered ones skipped are not counted).",
		}),
		pollFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cchcbot_polls_failed_total",
			Help: "Calls to Telegram that failed while reaching it: getMe at the start and getUpdates.",
		}),
		lastPoll: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cchcbot_last_successful_poll_timestamp_seconds",
			Help: "When getUpdates last answered, in unix seconds; 0 before the first poll.",
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.sent, m.failed, m.retried, m.updates, m.pollFailures, m.lastPoll,
		&scrapeCollector{m: m},
	)
	return m
}

// MessageSent counts a message delivered with the Bot API method.
func (m *Metrics) MessageSent(method string) { m.sent.WithLabelValues(method).Inc() }

// MessageFailed counts a message given up on. Reasons must come from a
// short fixed list, never from an error's text.
func (m *Metrics) MessageFailed(method, reason string) {
	m.failed.WithLabelValues(method, reason).Inc()
}

// MessageRetried counts a send queued again after a 429 or a temporary
// failure.
func (m *Metrics) MessageRetried(method, reason string) {
	m.retried.WithLabelValues(method, reason).Inc()
}

// PollSucceeded records that getUpdates answered at t.
func (m *Metrics) PollSucceeded(t time.Time) {
	m.lastPollNanos.Store(t.UnixNano())
	m.lastPoll.Set(float64(t.UnixNano()) / 1e9)
}

// PollFailed counts a failed getUpdates, or a failed getMe while the bot
// tries to reach Telegram at the start: either way Telegram did not
// answer.
func (m *Metrics) PollFailed() { m.pollFailures.Inc() }

// UpdateHandled counts an update handled.
func (m *Metrics) UpdateHandled() { m.updates.Inc() }

// SetOutbox gives the function that reports the outbox's state; it is
// called at scrape time, and must be quick. The outbox's sender is made
// after the metrics, hence a setter. Until it is called the outbox's
// gauges are left out.
func (m *Metrics) SetOutbox(f func() OutboxState) { m.outbox.Store(&f) }

// LastPoll returns when getUpdates last answered; the zero time before the
// first poll.
func (m *Metrics) LastPoll() time.Time {
	if n := m.lastPollNanos.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// scrapeCollector reads the gauges that live elsewhere (the store, the
// outbox) when Prometheus scrapes, so that nothing polls them in between.
type scrapeCollector struct{ m *Metrics }

var (
	descStored = prometheus.NewDesc("cchcbot_outbox_stored",
		"Messages in the store's outbox, read from the store: above cchcbot_outbox_queued's sum when the sender has not loaded them.", nil, nil)
	descStoreSize = prometheus.NewDesc("cchcbot_store_size_bytes",
		"Size of the bbolt database file.", nil, nil)
	descStoreUp = prometheus.NewDesc("cchcbot_store_up",
		"1 when the store answered this scrape's reads, 0 when one failed.", nil, nil)
	descQueued = prometheus.NewDesc("cchcbot_outbox_queued",
		"Messages in the outbox waiting to be delivered, refused or expired, by kind.", []string{"kind"}, nil)
	descOldest = prometheus.NewDesc("cchcbot_outbox_oldest_age_seconds",
		"How long the oldest message in the outbox has waited; 0 when it is empty.", nil, nil)
)

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	if c.m.opts.Source != nil {
		ch <- descStored
		ch <- descStoreSize
		ch <- descStoreUp
	}
	ch <- descQueued
	ch <- descOldest
}

func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	if src := c.m.opts.Source; src != nil {
		up := 1.0
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		if n, err := src.OutboxLen(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(descStored, prometheus.GaugeValue, float64(n))
		} else {
			up = 0
		}
		cancel()
		if n, err := src.Size(); err == nil {
			ch <- prometheus.MustNewConstMetric(descStoreSize, prometheus.GaugeValue, float64(n))
		} else {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, up)
	}
	if f := c.m.outbox.Load(); f != nil {
		s := (*f)()
		// Every kind, 0 included, so that a dashboard's sum and an alert
		// on one kind see a series from the start.
		for _, k := range cchcbot.OutKinds {
			ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(s.Queued[k]), string(k))
		}
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OldestAge.Seconds())
	}
}
