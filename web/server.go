package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"cchcbot"
)

// Lifetimes of what signs an admin in.
const (
	// LoginTTL is how long a login link works: long enough to open it
	// from the chat, short enough that a forwarded message is stale.
	LoginTTL = 10 * time.Minute
	// SessionTTL is how long a session lasts from sign-in: a working day.
	SessionTTL = 12 * time.Hour
)

// DefaultPageSize is how many units a page of the overview or of a
// period lists.
const DefaultPageSize = 200

// Options configure a Server.
type Options struct {
	Store    Store
	Calendar *cchcbot.Calendar // swapped later with SetCalendar
	Clock    cchcbot.Clock
	// Reviewer, Reminder and Inviter carry out the admins' actions. A
	// nil one hides its forms and refuses its requests.
	Reviewer Reviewer
	Reminder Reminder
	Inviter  Inviter
	// BaseURL is the dashboard's public address, as links are made from
	// it ("https://cchc.quyhop.gov.vn" or "http://localhost:8080"). An
	// https one makes the session cookie Secure.
	BaseURL string
	// Office names the office in titles: "Phòng Nội vụ huyện Quỳ Hợp".
	Office string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For (or
	// X-Real-IP) names the client, for the login rate limit; any other
	// peer's headers are ignored.
	TrustedProxies []netip.Prefix
	// LoginRate and LoginBurst bound login attempts per client address;
	// GlobalLoginRate and GlobalLoginBurst bound them all together.
	// Defaults: 10 at once then one every 6 s per address; 50 at once
	// then 5 a second in all.
	LoginRate        float64 // per second
	LoginBurst       int
	GlobalLoginRate  float64
	GlobalLoginBurst int
	// PageSize is how many units a page lists. Default DefaultPageSize.
	PageSize int
	// Logger gets the access log (paths only, the login token redacted)
	// and faults. Default: nothing is logged.
	Logger *slog.Logger
}

// Server is the web dashboard: the pages, the downloads and the sign-in
// by one-time link. Its handlers are safe for concurrent use.
type Server struct {
	opts   Options
	base   *url.URL
	secure bool // base is https: cookies are Secure and __Host-

	calMu sync.RWMutex
	cal   *cchcbot.Calendar

	limits *loginLimits
	pages  *pages
	cache  *yearCache
	mux    *http.ServeMux
}

// New returns a Server, or an error naming what is missing in opts.
func New(opts Options) (*Server, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("web: Options.Store is nil")
	case opts.Calendar == nil:
		return nil, errors.New("web: Options.Calendar is nil")
	case opts.Clock == nil:
		return nil, errors.New("web: Options.Clock is nil")
	}
	base, err := ParseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	if opts.Office == "" {
		opts.Office = "Phòng Nội vụ"
	}
	if opts.LoginRate <= 0 {
		opts.LoginRate = 1.0 / 6
	}
	if opts.LoginBurst <= 0 {
		opts.LoginBurst = 10
	}
	if opts.GlobalLoginRate <= 0 {
		opts.GlobalLoginRate = 5
	}
	if opts.GlobalLoginBurst <= 0 {
		opts.GlobalLoginBurst = 50
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, base: base, secure: base.Scheme == "https", cal: opts.Calendar, pages: p,
		limits: newLoginLimits(opts.LoginRate, opts.LoginBurst, opts.GlobalLoginRate, opts.GlobalLoginBurst),
		cache:  newYearCache()}
	s.routes()
	return s, nil
}

// ParseBaseURL checks a dashboard's public address: https, or plain http
// only to this machine (a test, or an SSH tunnel), with no path beyond
// "/", no query and no fragment. Its errors are in Vietnamese.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(raw), "/"))
	switch {
	case raw == "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "thiếu địa chỉ công khai của trang quản lý (base_url), ví dụ https://cchc.quyhop.gov.vn")
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != "":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "địa chỉ %q không hợp lệ: cần dạng https://tên-miền (không có đường dẫn, dấu ? hay #), ví dụ https://cchc.quyhop.gov.vn", raw)
	case u.Scheme == "https":
		return u, nil
	case u.Scheme == "http" && isLocalHost(u.Hostname()):
		return u, nil
	case u.Scheme == "http":
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "địa chỉ %q dùng http không mã hóa: cookie đăng nhập sẽ đi qua mạng ở dạng rõ. Hãy dùng https qua reverse proxy (Caddy, nginx); http chỉ được dùng với localhost", raw)
	}
	return nil, cchcbot.Errorf(cchcbot.EINVALID, "địa chỉ %q không hợp lệ: cần bắt đầu bằng https://", raw)
}

func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// SetCalendar swaps the calendar after a config reload.
func (s *Server) SetCalendar(cal *cchcbot.Calendar) {
	s.calMu.Lock()
	s.cal = cal
	s.calMu.Unlock()
}

func (s *Server) calendar() *cchcbot.Calendar {
	s.calMu.RLock()
	defer s.calMu.RUnlock()
	return s.cal
}

func (s *Server) now() time.Time { return s.opts.Clock.Now().In(s.calendar().Location) }

// Handler returns the dashboard's handler: every route, behind the
// security headers and the access log.
func (s *Server) Handler() http.Handler { return s.logged(s.headers(s.mux)) }

// Serve answers on ln until ctx ends, then stops taking requests and
// gives those in flight a few seconds: a download of a province's archive
// is cut rather than allowed to hold the shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Requests outlive ctx by the grace period, then are cancelled: an
	// export still being made stops at its next check.
	reqCtx, cancelReqs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReqs()
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var warming sync.WaitGroup
	warming.Go(func() { s.warm(ctx) })
	defer warming.Wait() // it reads the store, which closes after Serve returns
	select {
	case err := <-done:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		cancelReqs()
		srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

// warm reads the current year into the overview's cache, so that the
// first overview after a start is as quick as the next: at a province's
// 10,000 units, reading a year's periods takes a second or more.
func (s *Server) warm(ctx context.Context) {
	y := s.now().Year()
	_, err := s.sortedUnits(ctx)
	if err == nil {
		_, err = s.latestOf(ctx, s.calendar().Periods(cchcbot.D(y, 1, 1), cchcbot.D(y, 12, 31)))
	}
	if err != nil && ctx.Err() == nil {
		s.opts.Logger.Warn("web: reading the year ahead of the first page failed", "err", err)
	}
}

// shutdownGrace is the requests' share of the 10 s a stop may take.
const shutdownGrace = 2 * time.Second

// routes registers every page. Paths carry ids only: a period's, a
// unit's code, a submission's number; never a name, a file path or a
// secret other than the login link's token.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", staticHandler())
	m.HandleFunc("GET /dang-nhap/{token}", s.loginPage)
	m.HandleFunc("POST /dang-nhap", s.login)
	m.HandleFunc("POST /dang-xuat", s.admin(s.logout))

	m.HandleFunc("GET /{$}", s.admin(s.home))
	m.HandleFunc("GET /nam/{year}", s.admin(s.overview))
	m.HandleFunc("GET /ky", s.admin(s.currentPeriod))
	m.HandleFunc("GET /ky/{kind}/{key}", s.admin(s.period))
	m.HandleFunc("GET /ky/{kind}/{key}/nhac", s.admin(s.remindConfirm))
	m.HandleFunc("POST /ky/{kind}/{key}/nhac", s.admin(s.remind))
	m.HandleFunc("GET /don-vi/{code}", s.admin(s.unit))
	m.HandleFunc("POST /don-vi/{code}/moi", s.admin(s.invite))
	m.HandleFunc("GET /ho-so/{id}", s.admin(s.submission))
	m.HandleFunc("POST /ho-so/{id}/tiep-nhan", s.admin(s.accept))
	m.HandleFunc("POST /ho-so/{id}/tra-lai", s.admin(s.returnIt))

	m.HandleFunc("GET /tep/{id}/{index}", s.admin(s.downloadFile))
	m.HandleFunc("GET /tai/nam/{year}", s.admin(s.downloadWorkbook))
	m.HandleFunc("GET /tai/ky/{kind}/{key}", s.admin(s.downloadArchive))

	m.HandleFunc("/", s.notFound)
	s.mux = m
}
