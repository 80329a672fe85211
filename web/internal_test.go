package web

import (
	"mime"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name, remote, xff, real, want string
	}{
		{"direct", "203.0.113.9:5000", "", "", "203.0.113.9"},
		{"a stranger's header is ignored", "203.0.113.9:5000", "1.2.3.4", "5.6.7.8", "203.0.113.9"},
		{"through the proxy", "127.0.0.1:40000", "198.51.100.7", "", "198.51.100.7"},
		{"the nearest untrusted hop", "127.0.0.1:40000", "1.2.3.4, 198.51.100.7, 10.0.0.2", "", "198.51.100.7"},
		{"a forged left hop does not count", "127.0.0.1:40000", "6.6.6.6,198.51.100.7", "", "198.51.100.7"},
		{"X-Real-IP", "127.0.0.1:40000", "", "198.51.100.8", "198.51.100.8"},
		{"a malformed hop stops the walk", "127.0.0.1:40000", "198.51.100.7, garbage", "", "127.0.0.1"},
		{"only proxies", "127.0.0.1:40000", "10.1.1.1", "", "127.0.0.1"},
		{"IPv6", "[2001:db8::1]:443", "", "", "2001:db8::1"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.9]:443", "", "", "203.0.113.9"},
	} {
		r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if tc.real != "" {
			r.Header.Set("X-Real-IP", tc.real)
		}
		if got := clientIP(r, trusted); got.String() != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLoginLimits(t *testing.T) {
	now := time.Date(2024, 3, 20, 10, 0, 0, 0, time.UTC)
	l := newLoginLimits(1, 3, 100, 5)
	a, b, c := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("192.0.2.3")
	for i := range 3 {
		if !l.allow(a, now) {
			t.Fatalf("attempt %d of a refused within its burst", i+1)
		}
	}
	if l.allow(a, now) {
		t.Errorf("a's 4th attempt at once allowed; the burst is 3")
	}
	if !l.allow(b, now) || !l.allow(b, now) {
		t.Errorf("b refused because of a")
	}
	if l.allow(c, now) {
		t.Errorf("c allowed past the global burst of 5")
	}
	if !l.allow(a, now.Add(2*time.Second)) {
		t.Errorf("a refused after its budget refilled")
	}
	// Past the addresses remembered, the idle ones are forgotten.
	l = newLoginLimits(1, 3, 1e9, 1e9)
	for i := range maxTrackedIPs + 10 {
		l.allow(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(l.ips); n > maxTrackedIPs {
		t.Errorf("%d addresses remembered, want at most %d", n, maxTrackedIPs)
	}
}

func TestAttachment(t *testing.T) {
	for _, tc := range []struct{ name, fallback, ascii, decoded string }{
		{"Báo cáo tháng 02 – Châu Lộc.pdf", "x.pdf", "Bao cao thang 02 _ Chau Loc.pdf", "Báo cáo tháng 02 – Châu Lộc.pdf"},
		{"Đề án \"mới\".docx", "x.docx", "De an _moi_.docx", "Đề án _mới_.docx"},
		{"a\r\nb.pdf", "x.pdf", "ab.pdf", "ab.pdf"},
		{"../../etc/passwd", "x", ".._.._etc_passwd", ".._.._etc_passwd"},
		{"ĐĐĐ", "tep-1", "DDD", "ĐĐĐ"},
		{"Ủy ban", "x", "Uy ban", "Ủy ban"},
		{"中文.pdf", "bao-cao.pdf", "bao-cao.pdf", "中文.pdf"},
	} {
		cd := attachment(tc.name, tc.fallback)
		if strings.ContainsAny(cd, "\r\n") {
			t.Errorf("%q: a header with a line break: %q", tc.name, cd)
		}
		if !strings.Contains(cd, `filename="`+tc.ascii+`"`) {
			t.Errorf("%q: %s, want the ASCII name %q", tc.name, cd, tc.ascii)
		}
		if _, p, err := mime.ParseMediaType(cd); err != nil || p["filename"] != tc.decoded {
			t.Errorf("%q: parsed %q (%v), want %q", tc.name, p["filename"], err, tc.decoded)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://cchc.quyhop.gov.vn": true, "https://cchc.quyhop.gov.vn/": true, "http://localhost:8080": true, "http://127.0.0.1:9": true,
		"http://[::1]:8080": true, "http://cchc.quyhop.gov.vn": false, "https://a.vn/cchc": false, "https://a.vn?x=1": false,
		"ftp://a.vn": false, "": false, "a.vn": false, "https://user:pw@a.vn": false,
	} {
		if _, err := ParseBaseURL(raw); (err == nil) != ok {
			t.Errorf("ParseBaseURL(%q): %v, want ok %v", raw, err, ok)
		}
	}
}

func TestDayLabels(t *testing.T) {
	for d, want := range map[int]string{-7: "≤-7", -3: "-3", 0: "Hạn", 2: "+2", 7: "≥+7"} {
		if got := dayLabel(d, false); got != want {
			t.Errorf("dayLabel(%d) = %q, want %q", d, got, want)
		}
	}
	if got := percent(1, 3); got != "33,3%" {
		t.Errorf("percent(1, 3) = %q", got)
	}
}

func TestLegendPlaces(t *testing.T) {
	for i, l := range legend {
		if l.State.place() != i {
			t.Errorf("%s: place %d, want %d", l.State, l.State.place(), i)
		}
	}
}
