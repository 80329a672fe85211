package metrics

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is the body of /healthz.
type Health struct {
	Status string `json:"status"` // ok | unhealthy
	// LastPoll is when getUpdates last answered; absent before the first
	// poll, when the age counts from the start.
	LastPoll           *time.Time `json:"last_poll,omitempty"`
	LastPollAgeSeconds float64    `json:"last_poll_age_seconds"`
	StaleAfterSeconds  float64    `json:"stale_after_seconds"`
	StoreOpen          bool       `json:"store_open"`
	// Problems says why the status is not ok, in words for the operator.
	Problems []string `json:"problems,omitempty"`
}

// Check returns the bot's health: unhealthy until Telegram has answered a
// poll, when the last successful poll is older than the staleness
// (Telegram unreachable, the token refused, the poller stuck), or when the
// store does not answer a read. A bot that has never reached Telegram is
// not healthy however young it is: a supervisor must not count a start
// that cannot connect as a success.
func (m *Metrics) Check(ctx context.Context) Health {
	now := m.opts.Now()
	h := Health{Status: "ok", StaleAfterSeconds: m.opts.Staleness.Seconds(), StoreOpen: true}
	since := m.started
	if last := m.LastPoll(); !last.IsZero() {
		since = last
		h.LastPoll = &last
	}
	age := max(now.Sub(since), 0)
	h.LastPollAgeSeconds = age.Round(time.Millisecond).Seconds()
	switch {
	case m.opts.NoPolls:
	case h.LastPoll == nil:
		h.Problems = append(h.Problems, "no successful poll of Telegram since the start")
	case age > m.opts.Staleness:
		h.Problems = append(h.Problems, "the last successful poll of Telegram is older than stale_after_seconds")
	}
	m.checksMu.Lock()
	checks := append([]check(nil), m.checks...)
	m.checksMu.Unlock()
	for _, c := range checks {
		if err := c.fn(); err != nil {
			h.Problems = append(h.Problems, c.name+": "+err.Error())
		}
	}
	if src := m.opts.Source; src != nil {
		ctx, cancel := context.WithTimeout(ctx, storeTimeout)
		defer cancel()
		if _, err := src.OutboxLen(ctx); err != nil {
			h.StoreOpen = false
			h.Problems = append(h.Problems, "store: "+err.Error())
		}
	}
	if len(h.Problems) > 0 {
		h.Status = "unhealthy"
	}
	return h
}

// Handler serves /metrics in the Prometheus text format and /healthz as
// JSON: 200 when healthy, 503 otherwise.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:      m.reg, // counts its own scrapes and errors
		ErrorHandling: promhttp.ContinueOnError,
		Timeout:       10 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := m.Check(r.Context())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(h)
	})
	return mux
}

// Server serves Handler on a listening address.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// Listen binds addr at once, so that a taken port fails the start rather
// than a goroutine later, and serves Handler on it until Shutdown.
func (m *Metrics) Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		srv: &http.Server{
			Handler:           m.Handler(),
			ReadHeaderTimeout: 5 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       time.Minute,
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		// Serve returns ErrServerClosed after Shutdown; any other error
		// is the listener failing, and /healthz going silent says so.
		s.srv.Serve(ln)
	}()
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Shutdown stops the server, waiting for requests in progress until ctx
// ends, after which it closes their connections.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	<-s.done
	return err
}

// check is a named condition of health.
type check struct {
	name string
	fn   func() error
}

// AddCheck makes /healthz unhealthy while fn returns an error (Zalo's
// refresh token refused, say); name and the error's text go into the
// problems, so neither may hold a secret.
func (m *Metrics) AddCheck(name string, fn func() error) {
	m.checksMu.Lock()
	defer m.checksMu.Unlock()
	m.checks = append(m.checks, check{name, fn})
}
