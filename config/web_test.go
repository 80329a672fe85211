package config_test

import (
	"net/netip"
	"slices"
	"testing"

	"cchcbot/config"
)

func TestWebSection(t *testing.T) {
	if c := mustParse(t, base); c.Web.Enabled() || c.Web.Listen != "" {
		t.Errorf("without a web section: %+v, want the dashboard off", c.Web)
	}
	if c := loadExample(t); c.Web.Enabled() {
		t.Errorf("the example turns the dashboard on: %+v; it should show it commented out", c.Web)
	}
	c := mustParse(t, base+"web:\n  base_url: \"https://cchc.quyhop.gov.vn/\"\n")
	if !c.Web.Enabled() || c.Web.Listen != config.DefaultWebListen || c.Web.BaseURL != "https://cchc.quyhop.gov.vn" {
		t.Errorf("web with base_url only: %+v; want on, listen %s, base_url without the trailing slash", c.Web, config.DefaultWebListen)
	}
	if !slices.Equal(c.Web.TrustedProxies, config.DefaultTrustedProxies) {
		t.Errorf("trusted proxies = %v, want the default %v", c.Web.TrustedProxies, config.DefaultTrustedProxies)
	}
	for _, tc := range []struct {
		name, yaml string
		listen     string
		proxies    []netip.Prefix
	}{
		{"localhost over http", "  base_url: http://localhost:8080\n", config.DefaultWebListen, config.DefaultTrustedProxies},
		{"loopback over http", "  base_url: http://127.0.0.1:8080\n  listen: \"127.0.0.1:9090\"\n", "127.0.0.1:9090", config.DefaultTrustedProxies},
		{"a LAN address", "  base_url: https://cchc.example.vn\n  listen: \"10.0.0.5:8080\"\n", "10.0.0.5:8080", config.DefaultTrustedProxies},
		{"proxies listed", "  base_url: https://cchc.example.vn\n  trusted_proxies: [10.0.0.1, \"192.168.0.0/24\", \"::1\"]\n", config.DefaultWebListen,
			[]netip.Prefix{netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("192.168.0.0/24"), netip.MustParsePrefix("::1/128")}},
		{"no proxy trusted", "  base_url: https://cchc.example.vn\n  trusted_proxies: []\n", config.DefaultWebListen, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, base+"web:\n"+tc.yaml)
			if !c.Web.Enabled() || c.Web.Listen != tc.listen || !slices.Equal(c.Web.TrustedProxies, tc.proxies) {
				t.Errorf("web = %+v; want listen %s, proxies %v", c.Web, tc.listen, tc.proxies)
			}
		})
	}
}

func TestValidateWeb(t *testing.T) {
	w := base + "web:\n"
	checkRules(t, []rule{
		{"no base_url", w + "  listen: \"127.0.0.1:8080\"\n", 12, "web.base_url: thiếu địa chỉ công khai của trang quản lý"},
		{"an empty section", base + "web: {}\n", 12, "web.base_url: thiếu địa chỉ"},
		{"plain http to the world", w + "  base_url: http://cchc.quyhop.gov.vn\n", 13, "dùng http không mã hóa"},
		{"a path", w + "  base_url: https://quyhop.gov.vn/cchc\n", 13, "không có đường dẫn"},
		{"a query", w + "  base_url: \"https://quyhop.gov.vn?a=1\"\n", 13, "không hợp lệ"},
		{"no scheme", w + "  base_url: cchc.quyhop.gov.vn\n", 13, "không hợp lệ"},
		{"ftp", w + "  base_url: ftp://cchc.quyhop.gov.vn\n", 13, "cần bắt đầu bằng https://"},
		{"no port", w + "  base_url: https://a.vn\n  listen: \"127.0.0.1\"\n", 14, `web.listen: "127.0.0.1" không hợp lệ`},
		{"port 0", w + "  base_url: https://a.vn\n  listen: \"127.0.0.1:0\"\n", 14, `web.listen: cổng "0" không hợp lệ`},
		{"a host name", w + "  base_url: https://a.vn\n  listen: \"cchc.local:8080\"\n", 14, `web.listen: "cchc.local" không phải địa chỉ IP`},
		{"a bad proxy", w + "  base_url: https://a.vn\n  trusted_proxies: [proxy.local]\n", 14, `web.trusted_proxies: "proxy.local" không phải địa chỉ IP`},
	})
	if e := parseError(t, w+"  base_ur: https://a.vn\n"); !hasProblem(e, 13, `khóa "base_ur" không hợp lệ (có phải ý là "base_url"?)`) {
		t.Errorf("misspelt key: %v", e)
	}
}
