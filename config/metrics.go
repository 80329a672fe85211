package config

import (
	"net"
	"strconv"
	"strings"
)

// DefaultMetricsListen is the address config.example.yaml gives
// metrics.listen (9464 is the port commonly used for Prometheus
// exporters). When the key is absent, no metrics server runs.
const DefaultMetricsListen = "127.0.0.1:9464"

// Metrics holds the health and metrics endpoint.
type Metrics struct {
	// Listen is the loopback host:port serving /healthz and /metrics;
	// empty turns them off. It is never another host: the endpoints have
	// no authentication.
	Listen string
}

// Enabled reports whether the metrics server runs.
func (m Metrics) Enabled() bool { return m.Listen != "" }

func (v *validator) metrics(c *Config, r rawMetrics) {
	c.Metrics = Metrics{Listen: strings.TrimSpace(r.Listen)}
	v.listen([]any{"metrics", "listen"}, "metrics.listen", c.Metrics.Listen, DefaultMetricsListen,
		"/healthz và /metrics không có xác thực nên chỉ mở trên 127.0.0.1, ::1 hoặc localhost (xem từ máy khác qua SSH tunnel hoặc reverse proxy)")
}

// listen checks addr, the loopback host:port a key (at path, named key in
// messages) gives a server of ours; "" is valid and turns it off. why
// says why only loopback will do.
func (v *validator) listen(path []any, key, addr, example, why string) {
	if addr == "" {
		return
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.errorf(path, "%s: %s không hợp lệ: cần dạng địa_chỉ:cổng, ví dụ %s (để trống để tắt)", key, quote(addr), example)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		v.errorf(path, "%s: cổng %s không hợp lệ: cần số từ 1 đến 65535, ví dụ %s", key, quote(port), example)
	}
	if !isLoopback(host) {
		v.errorf(path, "%s: %s không phải địa chỉ loopback: %s", key, quote(addr), why)
	}
}

// isLoopback reports whether host names only this machine. An empty host
// (":9464") listens on every interface, so it is not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
