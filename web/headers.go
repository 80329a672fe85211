package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// csp allows what the pages use and nothing else: the dashboard's own
// styles and images, inline SVG charts, and the QR code of an invite as a
// data: image. No script runs at all; no page may frame it.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// headers sets the security headers on every response, errors and static
// files included. Pages and downloads hold the office's data: they are
// never stored by a browser or a proxy (no-store); only the static files
// may be cached.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// The login link's token is in its path: no page may send its
		// address to anyone, whatever link is followed from it.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "public, max-age=3600")
		} else {
			h.Set("Cache-Control", "no-store")
			h.Set("Pragma", "no-cache")
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status a handler answered with, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// deadlines of long downloads).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged writes the access log: method, path and status. The query is
// left out and the login link's token is redacted: neither a link nor a
// session id ever reaches a log.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.opts.Logger.LogAttrs(r.Context(), slog.LevelDebug, "web request",
			slog.String("method", r.Method), slog.String("path", redactPath(r.URL.Path)),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("took", time.Since(start)))
	})
}

// redactPath hides the token of a login link.
func redactPath(p string) string {
	if strings.HasPrefix(p, "/dang-nhap/") {
		return "/dang-nhap/[đã ẩn]"
	}
	return p
}
