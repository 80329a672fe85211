package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"cchcbot/web/webtest"
)

// TestSecurityHeaders: every answer, signed in or not, page, error,
// download or style sheet, carries the CSP, no framing, nosniff and
// no-referrer; all but the style sheet are no-store.
func TestSecurityHeaders(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	anon := f.Client(t)
	for _, tc := range []struct {
		name   string
		client *http.Client
		path   string
		cache  string
	}{
		{"overview", c, "/", "no-store"},
		{"period", c, "/ky/bao-cao-thang/2024-02", "no-store"},
		{"unit", c, "/don-vi/xa-chau-loc", "no-store"},
		{"file", c, fmt.Sprintf("/tep/%d/0", f.Seed.OnTime.ID), "no-store"},
		{"workbook", c, "/tai/nam/2024", "no-store"},
		{"archive", c, "/tai/ky/bao-cao-thang/2024-02", "no-store"},
		{"not found", c, "/khong-co", "no-store"},
		{"login page", anon, f.LoginLink(t, f.Admin.User), "no-store"},
		{"refused", anon, "/", "no-store"},
		{"style sheet", anon, "/static/style.css", "public, max-age=3600"},
	} {
		res := f.Get(t, tc.client, tc.path)
		h := res.Header
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           tc.cache,
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain http", tc.name)
		}
		if strings.Contains(h.Get("Content-Security-Policy"), "unsafe") {
			t.Errorf("%s: the CSP allows something unsafe", tc.name)
		}
	}
	if res := f.Get(t, anon, "/static/style.css"); res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("the style sheet: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
}
