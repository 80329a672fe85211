package web_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"cchcbot/web/browsertest"
)

// testBrowserPhone opens the pages on a phone's screen: the page itself
// never scrolls sideways (only a wide table does, inside its frame), and
// the review forms are there.
func testBrowserPhone(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	tab.Viewport(375, 812, true)
	for _, p := range []string{"/nam/2024", "/ky/" + browserSept, fmt.Sprintf("/ho-so/%d", e.chauLoc.ID), "/don-vi/xa-chau-loc"} {
		if got := tab.Navigate(e.URL + p); got != http.StatusOK {
			t.Errorf("%s answered %d", p, got)
			continue
		}
		got := browsertest.Eval[struct{ Inner, Page int }](tab, `({Inner: window.innerWidth, Page: document.documentElement.scrollWidth})`)
		if got.Inner != 375 {
			t.Errorf("%s: the page is laid out %d px wide, want the phone's 375 (viewport meta)", p, got.Inner)
		}
		if got.Page > got.Inner {
			t.Errorf("%s: the page scrolls sideways on a phone: %d px wide in a %d px screen", p, got.Page, got.Inner)
		}
	}
	tab.Navigate(fmt.Sprintf("%s/ho-so/%d", e.URL, e.chauLoc.ID))
	tab.WaitVisible("#accept")
	tab.WaitVisible("#return")
}

// testBrowserScreenshots takes the README's screenshots of the seeded
// district as a desktop window shows them on opening (1280×900, the top
// of the page) and as a phone does (375×812): the year's overview and
// September's period page, written
// to docs/screenshots/ when the tests run with -update-screenshots:
//
//	go test ./web -run 'TestBrowser/Screenshots' -update-screenshots
func testBrowserScreenshots(t *testing.T, b *browserRun) {
	if !*browserUpdateScreenshots {
		// The harness's own test covers taking a screenshot.
		t.Skip("run with -update-screenshots to rewrite docs/screenshots/")
	}
	e := b.env(t)
	tab := e.login(t, b)
	for _, s := range []struct {
		file, path string
		w, h       int
		phone      bool
	}{
		{"overview.png", "/nam/2024", browsertest.Width, browsertest.Height, false},
		{"period.png", "/ky/" + browserSept, browsertest.Width, browsertest.Height, false},
		// What a commune chair or a clerk away from the desk sees.
		{"overview-phone.png", "/nam/2024", 375, 812, true},
		{"period-phone.png", "/ky/" + browserSept, 375, 812, true},
	} {
		tab.Viewport(int64(s.w), int64(s.h), s.phone)
		if got := tab.Navigate(e.URL + s.path); got != http.StatusOK {
			t.Fatalf("%s answered %d", s.path, got)
		}
		shot := tab.WindowScreenshot()
		cfg, err := png.DecodeConfig(bytes.NewReader(shot))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", s.file, err)
		}
		if cfg.Width != s.w || cfg.Height != s.h {
			t.Errorf("%s is %d×%d, want the window's %d×%d", s.file, cfg.Width, cfg.Height, s.w, s.h)
		}
		out := filepath.Join("..", "docs", "screenshots", s.file)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d×%d, %d KB)", out, cfg.Width, cfg.Height, len(shot)>>10)
	}
}
