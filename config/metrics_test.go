package config_test

import (
	"testing"

	"cchcbot/config"
)

func TestMetricsListen(t *testing.T) {
	if c := mustParse(t, base); c.Metrics.Enabled() || c.Metrics.Listen != "" {
		t.Errorf("without a metrics section: %+v, want no metrics server", c.Metrics)
	}
	if c := loadExample(t); c.Metrics.Listen != config.DefaultMetricsListen {
		t.Errorf("example metrics.listen = %q, want %q", c.Metrics.Listen, config.DefaultMetricsListen)
	}
	for _, tc := range []struct{ yaml, want string }{
		{`listen: ""`, ""},
		{`listen: "127.0.0.1:9464"`, "127.0.0.1:9464"},
		{`listen: " 127.0.0.2:9100 "`, "127.0.0.2:9100"},
		{`listen: "[::1]:9464"`, "[::1]:9464"},
		{`listen: "localhost:9464"`, "localhost:9464"},
	} {
		c := mustParse(t, base+"metrics:\n  "+tc.yaml+"\n")
		if c.Metrics.Listen != tc.want || c.Metrics.Enabled() != (tc.want != "") {
			t.Errorf("metrics: {%s}: Listen %q, Enabled %v; want %q", tc.yaml, c.Metrics.Listen, c.Metrics.Enabled(), tc.want)
		}
	}
}

func TestValidateMetrics(t *testing.T) {
	m := base + "metrics:\n"
	checkRules(t, []rule{
		{"every interface", m + "  listen: \":9464\"\n", 13, `metrics.listen: ":9464" không phải địa chỉ loopback`},
		{"any address", m + "  listen: \"0.0.0.0:9464\"\n", 13, `metrics.listen: "0.0.0.0:9464" không phải địa chỉ loopback`},
		{"a LAN address", m + "  listen: \"192.168.1.10:9464\"\n", 13, `không phải địa chỉ loopback`},
		{"a host name", m + "  listen: \"monitor.local:9464\"\n", 13, `không phải địa chỉ loopback`},
		{"no port", m + "  listen: \"127.0.0.1\"\n", 13, `metrics.listen: "127.0.0.1" không hợp lệ: cần dạng địa_chỉ:cổng`},
		{"port 0", m + "  listen: \"127.0.0.1:0\"\n", 13, `metrics.listen: cổng "0" không hợp lệ`},
		{"port too big", m + "  listen: \"127.0.0.1:70000\"\n", 13, `cổng "70000" không hợp lệ`},
		{"named port", m + "  listen: \"127.0.0.1:http\"\n", 13, `cổng "http" không hợp lệ`},
	})
	if e := parseError(t, m+"  listn: \"127.0.0.1:9464\"\n"); !hasProblem(e, 13, `khóa "listn" không hợp lệ (có phải ý là "listen"?)`) {
		t.Errorf("misspelt key: %v", e)
	}
}
