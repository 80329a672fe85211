package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimits bound the attempts to sign in: per client address, so one
// guesser cannot try many tokens, and in all, so many addresses cannot
// either. A token has 256 random bits; the limits keep the server's work
// bounded rather than make guessing harder.
type loginLimits struct {
	perIP  rate.Limit
	burst  int
	global *rate.Limiter

	mu  sync.Mutex
	ips map[netip.Addr]*ipLimit
}

type ipLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxTrackedIPs bounds the addresses remembered: past it, those idle the
// longest go first.
const maxTrackedIPs = 10_000

func newLoginLimits(perIP float64, burst int, global float64, globalBurst int) *loginLimits {
	return &loginLimits{perIP: rate.Limit(perIP), burst: burst, global: rate.NewLimiter(rate.Limit(global), globalBurst),
		ips: map[netip.Addr]*ipLimit{}}
}

// allow reports whether an attempt from ip at now may proceed.
func (l *loginLimits) allow(ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.ips[ip]
	if e == nil {
		if len(l.ips) >= maxTrackedIPs {
			l.forgetIdle(now)
		}
		e = &ipLimit{lim: rate.NewLimiter(l.perIP, l.burst)}
		l.ips[ip] = e
	}
	e.seen = now
	// The address's own budget first: a flood from one address must not
	// use up everyone's.
	return e.lim.AllowN(now, 1) && l.global.AllowN(now, 1)
}

// forgetIdle drops the addresses whose budget is full again (idle long
// enough to have regained it), or, if too many remain, any half of them:
// past that many addresses the global limit is what holds.
func (l *loginLimits) forgetIdle(now time.Time) {
	full := time.Duration(float64(l.burst) / float64(l.perIP) * float64(time.Second))
	for ip, e := range l.ips {
		if now.Sub(e.seen) > full {
			delete(l.ips, ip)
		}
	}
	for ip := range l.ips {
		if len(l.ips) < maxTrackedIPs/2 {
			break
		}
		delete(l.ips, ip)
	}
}

// clientIP returns the address of the person behind r: the peer, unless
// the peer is a trusted reverse proxy, in which case the proxy's account
// of the client (the nearest untrusted hop of X-Forwarded-For, else
// X-Real-IP). Headers from any other peer are ignored: anyone can write
// them.
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := parseAddr(r.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			ip := parseAddr(strings.TrimSpace(hops[i]))
			if !ip.IsValid() {
				break // a malformed hop: trust nothing further left
			}
			if !isTrusted(ip, trusted) {
				return ip
			}
		}
	}
	if ip := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ip.IsValid() {
		return ip
	}
	return peer
}

// parseAddr reads "1.2.3.4", "[::1]:8080" or "1.2.3.4:5678".
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
