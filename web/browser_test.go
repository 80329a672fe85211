package web_test

import (
	"flag"
	"net/http"
	"strings"
	"testing"

	"cchcbot/web/browsertest"
)

var browserUpdateScreenshots = flag.Bool("update-screenshots", false,
	"write docs/screenshots/overview.png and period.png from the browser tests (seeded data, 1280 px wide)")

// TestBrowser drives the dashboard in a real headless Chromium: one
// browser for the run, a fresh tab (with its own cookies) and a freshly
// seeded server for each subtest. Without Chromium the tests are skipped,
// or fail when CCHCBOT_REQUIRE_CHROMIUM is set (as in CI). Run one with
// go test ./web -run 'TestBrowser/Login'.
func TestBrowser(t *testing.T) {
	b := &browserRun{Browser: browsertest.New(t), seed: newBrowserTemplate(t)}
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *browserRun)
	}{
		{"Login", testBrowserLogin},
		{"RefusedLinks", testBrowserRefusedLinks},
		{"Overview", testBrowserOverview},
		{"OverviewFilters", testBrowserOverviewFilters},
		{"PeriodPage", testBrowserPeriodPage},
		{"AcceptAndReturn", testBrowserAcceptAndReturn},
		{"CSRF", testBrowserCSRF},
		{"Downloads", testBrowserDownloads},
		{"Strangers", testBrowserStrangers},
		{"Remind", testBrowserRemind},
		{"Invite", testBrowserInvite},
		{"Charts", testBrowserCharts},
		{"Phone", testBrowserPhone},
		{"Screenshots", testBrowserScreenshots},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each subtest has its own tab, cookies, store and servers: they
			// run side by side, which hides the browser's latencies.
			t.Parallel()
			tc.run(t, b)
		})
	}
}

// browserRun is what the subtests share: the browser and the seeded
// store they each start from a copy of.
type browserRun struct {
	*browsertest.Browser
	seed *browserTemplate
}

// env serves a fresh copy of the seeded world until the test ends.
func (b *browserRun) env(t *testing.T) *browserEnv {
	t.Helper()
	return startBrowserEnv(t, b.seed.world(t))
}

// login signs the seeded admin in through a fresh link in a new tab, as a
// person would: open the link, press "Đăng nhập", land on the overview.
func (e *browserEnv) login(t *testing.T, b *browserRun) *browsertest.Tab {
	t.Helper()
	tab := b.NewTab(t)
	if got := tab.Navigate(e.loginLink(t)); got != http.StatusOK {
		t.Fatalf("the login link answered %d: %s", got, tab.BodyText())
	}
	if got := tab.ClickNavigate("#login-button"); got != http.StatusOK {
		t.Fatalf("signing in answered %d: %s", got, tab.BodyText())
	}
	if got := tab.Text("#admin-name"); got != browserAdmin.Name {
		t.Fatalf("signed in as %q, want %q", got, browserAdmin.Name)
	}
	return tab
}

// secretTexts are the data no page for a person not signed in may show:
// unit names, receipts, the seeded file's name, the admin's name.
func (e *browserEnv) secretTexts() []string {
	out := []string{"CCHC-2024-", browserFileName, browserAdmin.Name, "Đã tiếp nhận", "Trễ "}
	for _, u := range e.cfg.UnitList() {
		if !strings.Contains(e.cfg.Office, u.Name) { // "Phòng Nội vụ" is also the office's name
			out = append(out, u.Name)
		}
	}
	return out
}

// refused checks that the tab shows a refusal: the HTTP status, a
// Vietnamese heading, a way forward (/web) unless the person may never
// sign in (403), and none of the office's data.
func (e *browserEnv) refused(t *testing.T, tab *browsertest.Tab, status, wantStatus int64, wantTitle string) {
	t.Helper()
	e.refusedAt(t, tab, "", status, wantStatus, wantTitle)
}

// refusedAt is refused for the page at path, which failures name.
func (e *browserEnv) refusedAt(t *testing.T, tab *browsertest.Tab, path string, status, wantStatus int64, wantTitle string) {
	t.Helper()
	if path != "" {
		path += ": "
	}
	if status != wantStatus {
		t.Errorf("%sstatus %d, want %d", path, status, wantStatus)
	}
	// One round trip for the whole page: the heading, the text and what
	// no refusal may hold.
	got := browsertest.Eval[struct {
		Title string
		Body  string
		Found []string
	}](tab, `(() => {
		const bad = ["#admin-name", "#matrix", "#units", "#files", "form[action^='/ho-so']", "a[href^='/tep/']", "a[href^='/tai/']"];
		const h1 = document.querySelector("h1");
		return {Title: h1 ? h1.innerText.trim() : "", Body: document.body.innerText, Found: bad.filter(s => document.querySelector(s))};
	})()`)
	if got.Title != wantTitle {
		t.Errorf("%sheading %q, want %q", path, got.Title, wantTitle)
	}
	// One who may sign in is told how; a member who never may is not.
	if wantStatus != http.StatusForbidden && !strings.Contains(got.Body, "/web") {
		t.Errorf("%sthe page does not say how to sign in (/web):\n%s", path, got.Body)
	}
	for _, s := range e.secretTexts() {
		if strings.Contains(got.Body, s) {
			t.Errorf("%sa refusal page shows %q:\n%s", path, s, got.Body)
		}
	}
	if len(got.Found) > 0 {
		t.Errorf("%sa refusal page has %q", path, got.Found)
	}
}
