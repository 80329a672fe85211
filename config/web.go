package config

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// DefaultWebListen is web.listen when absent: loopback, behind the
// office's reverse proxy, which gives the dashboard its https address.
const DefaultWebListen = "127.0.0.1:8080"

// DefaultTrustedProxies are web.trusted_proxies when absent: a reverse
// proxy on the same machine, as the README's examples set it up.
var DefaultTrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}

// Web holds the web dashboard: the web section, which turns it on.
type Web struct {
	// Listen is the host:port the dashboard's server listens on.
	Listen string
	// BaseURL is its public address, from which login links are made:
	// https (behind a reverse proxy), or http to this machine only.
	BaseURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for the rate limit of sign-ins.
	TrustedProxies []netip.Prefix
}

// Enabled reports whether the dashboard runs: the file has a web section.
func (w Web) Enabled() bool { return w.BaseURL != "" }

func (v *validator) web(c *Config, r rawWeb) {
	if !v.present("web") {
		return
	}
	p := []any{"web"}
	c.Web = Web{Listen: or(r.Listen, DefaultWebListen), BaseURL: strings.TrimSuffix(strings.TrimSpace(r.BaseURL), "/"), TrustedProxies: DefaultTrustedProxies}
	if host, port, err := net.SplitHostPort(c.Web.Listen); err != nil {
		v.errorf(at(p, "listen"), "web.listen: %s không hợp lệ: cần dạng địa_chỉ:cổng, ví dụ %s", quote(c.Web.Listen), DefaultWebListen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		v.errorf(at(p, "listen"), "web.listen: cổng %s không hợp lệ: cần số từ 1 đến 65535, ví dụ %s", quote(port), DefaultWebListen)
	} else if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		v.errorf(at(p, "listen"), "web.listen: %s không phải địa chỉ IP của máy này: ghi 127.0.0.1 (sau reverse proxy trên cùng máy) hoặc địa chỉ IP của một card mạng", quote(host))
	}
	v.baseURL(at(p, "base_url"), c.Web.BaseURL)
	if r.TrustedProxies != nil {
		c.Web.TrustedProxies = nil
		for i, s := range r.TrustedProxies {
			s = strings.TrimSpace(s)
			pre, err := netip.ParsePrefix(s)
			if err != nil {
				var ip netip.Addr
				if ip, err = netip.ParseAddr(s); err == nil {
					pre = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
				}
			}
			if err != nil {
				v.errorf(at(p, "trusted_proxies", i), "web.trusted_proxies: %s không phải địa chỉ IP hay dải địa chỉ (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)", quote(s))
				continue
			}
			c.Web.TrustedProxies = append(c.Web.TrustedProxies, pre.Masked())
		}
	}
}

// baseURL checks web.base_url: required, https, or http to this machine
// (a test, an SSH tunnel); an address only, no path, query or fragment.
func (v *validator) baseURL(path []any, raw string) {
	const example = "https://cchc.quyhop.gov.vn"
	if raw == "" {
		v.errorf(path, "web.base_url: thiếu địa chỉ công khai của trang quản lý, dùng để tạo đường link đăng nhập, ví dụ %s", example)
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != "" || u.Opaque != "":
		v.errorf(path, "web.base_url: %s không hợp lệ: cần dạng https://tên-miền, không có đường dẫn, dấu ? hay #, ví dụ %s", quote(raw), example)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		v.errorf(path, "web.base_url: %s dùng http không mã hóa: cookie đăng nhập sẽ đi qua mạng ở dạng rõ. Hãy dùng https qua reverse proxy (Caddy, nginx), ví dụ %s; http chỉ được dùng với localhost", quote(raw), example)
	default:
		v.errorf(path, "web.base_url: %s không hợp lệ: cần bắt đầu bằng https://, ví dụ %s", quote(raw), example)
	}
}
