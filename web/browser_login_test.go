package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"cchcbot/web"
	"cchcbot/web/browsertest"
)

// testBrowserLogin signs in with a link, checks the session cookie the
// browser holds, and signs out.
func testBrowserLogin(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := b.NewTab(t)
	link := e.loginLink(t)

	// Opening the link only shows a button: a chat app's link preview
	// fetches it too, and must not use it up.
	if got := tab.Navigate(link); got != http.StatusOK {
		t.Fatalf("the login link answered %d", got)
	}
	if got := tab.Text("#login-button"); got != "Đăng nhập" {
		t.Errorf("login button %q", got)
	}
	for _, s := range e.secretTexts() {
		if strings.Contains(tab.BodyText(), s) {
			t.Errorf("the login page shows %q before signing in", s)
		}
	}
	tab.Navigate(link) // opened twice: still good
	if got := tab.ClickNavigate("#login-button"); got != http.StatusOK {
		t.Fatalf("signing in answered %d: %s", got, tab.BodyText())
	}
	if got := tab.URL(); got != e.URL+"/" {
		t.Errorf("after signing in the tab shows %s, want the overview at %s/", got, e.URL)
	}
	if got, want := tab.Text("h1"), "Tình hình nộp báo cáo năm 2024"; got != want {
		t.Errorf("heading %q, want %q", got, want)
	}
	if got := tab.Text("#admin-name"); got != browserAdmin.Name {
		t.Errorf("signed in as %q, want %q", got, browserAdmin.Name)
	}

	// The session cookie: out of scripts' reach, not sent by other sites'
	// forms, and gone after the working day.
	cs := tab.Cookies(e.URL)
	if len(cs) != 1 {
		t.Fatalf("cookies %+v, want one session cookie", cs)
	}
	c := cs[0]
	if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Secure {
		t.Errorf("session cookie HttpOnly=%v SameSite=%q Secure=%v, want HttpOnly, Lax, not Secure over http://localhost", c.HTTPOnly, c.SameSite, c.Secure)
	}
	if c.Session {
		t.Error("the session cookie ends with the browser, not after the session's 12 hours")
	}
	// The browser counts Max-Age on its own clock.
	if left := time.Until(time.Unix(int64(c.Expires), 0)); left < web.SessionTTL-time.Hour || left > web.SessionTTL+time.Minute {
		t.Errorf("the session cookie expires in %v, want about %v", left, web.SessionTTL)
	}
	e.logs.secret(c.Value)
	if got := browsertest.Eval[string](tab, `document.cookie`); got != "" {
		t.Errorf("scripts can read cookies: %q", got)
	}
	if !e.audited(t, "web.login", browserAdmin.Name) {
		t.Errorf("no audit entry web.login naming %s: %+v", browserAdmin.Name, e.audit(t))
	}

	// Signing out ends the session on the server, not only in the tab.
	if got := tab.ClickNavigate(".logout button"); got != http.StatusOK {
		t.Errorf("signing out answered %d", got)
	}
	if got := tab.Text("h1"); got != "Đã đăng xuất" {
		t.Errorf("after signing out: %q", got)
	}
	if !e.audited(t, "web.logout", browserAdmin.Name) {
		t.Error("no audit entry web.logout naming the admin")
	}
	status := tab.Navigate(e.URL + "/nam/2024")
	e.refused(t, tab, status, http.StatusUnauthorized, "Chưa đăng nhập")
	// The old cookie, put back, opens nothing either.
	tab.SetCookie(e.URL, c.Name, c.Value)
	status = tab.Navigate(e.URL + "/nam/2024")
	e.refused(t, tab, status, http.StatusUnauthorized, "Phiên làm việc đã kết thúc")
}

// audited reports whether the audit log has an entry of action by the
// seeded admin whose detail names want.
func (e *browserEnv) audited(t testing.TB, action, want string) bool {
	t.Helper()
	for _, a := range e.audit(t) {
		if a.Action == action && a.Actor == string(browserAdmin.User) && strings.Contains(a.Detail, want) {
			return true
		}
	}
	return false
}

// testBrowserRefusedLinks opens links and pages that must not sign in:
// each lands on a Vietnamese page that says why and how to get a new
// link, and shows none of the office's data.
func testBrowserRefusedLinks(t *testing.T, b *browserRun) {
	const (
		used     = "Đường link đăng nhập đã được dùng"
		expired  = "Đường link đăng nhập đã hết hạn"
		unknown  = "Đường link đăng nhập không đúng"
		noCookie = "Chưa đăng nhập"
		ended    = "Phiên làm việc đã kết thúc"
	)
	for _, tc := range []struct {
		name  string
		title string
		want  int64
		// open does what the case is about in tab and returns the status
		// of the page it ends on.
		open func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64
	}{
		{"ExpiredLink", expired, http.StatusGone, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			link := e.loginLink(t)
			e.clock.Add(web.LoginTTL + time.Second)
			return tab.Navigate(link)
		}},
		{"LinkExpiresWhileItsPageIsOpen", expired, http.StatusGone, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			tab.Navigate(e.loginLink(t))
			e.clock.Add(web.LoginTTL + time.Second)
			return tab.ClickNavigate("#login-button")
		}},
		{"ReusedLink", used, http.StatusGone, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			link := e.loginLink(t)
			first := b.NewTab(t)
			first.Navigate(link)
			first.ClickNavigate("#login-button")
			return tab.Navigate(link)
		}},
		{"SecondPressOfTheButton", used, http.StatusGone, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			// Two tabs hold the same link's page; the first signs in.
			link := e.loginLink(t)
			tab.Navigate(link)
			first := b.NewTab(t)
			first.Navigate(link)
			first.ClickNavigate("#login-button")
			return tab.ClickNavigate("#login-button")
		}},
		{"UnknownLink", unknown, http.StatusUnauthorized, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			token, _ := browserRandomToken(t)
			return tab.Navigate(e.URL + "/dang-nhap/" + token)
		}},
		{"MangledLink", unknown, http.StatusUnauthorized, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			link := e.loginLink(t)
			return tab.Navigate(link[:len(link)-3] + "%2e%2e") // a chat app cut it and a stranger guessed
		}},
		{"NoCookie", noCookie, http.StatusUnauthorized, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			return tab.Navigate(e.URL + "/")
		}},
		{"SessionOver", ended, http.StatusUnauthorized, func(t *testing.T, e *browserEnv, tab *browsertest.Tab) int64 {
			tab.Navigate(e.loginLink(t))
			tab.ClickNavigate("#login-button")
			e.clock.Add(web.SessionTTL + time.Minute)
			return tab.Navigate(e.URL + "/nam/2024")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := b.env(t)
			tab := b.NewTab(t)
			status := tc.open(t, e, tab)
			e.refused(t, tab, status, tc.want, tc.title)
			// Whatever the case, the tab holds no session now.
			status = tab.Navigate(e.URL + "/ky/" + browserSept)
			if status != http.StatusUnauthorized {
				t.Errorf("then the period page answered %d, want 401", status)
			}
			if n := e.sessions(t); tc.name == "ReusedLink" || tc.name == "SecondPressOfTheButton" || tc.name == "SessionOver" {
				if n != 1 {
					t.Errorf("%d login audit entries, want 1: a link signs in once", n)
				}
			} else if n != 0 {
				t.Errorf("%d login audit entries, want none", n)
			}
		})
	}
}

// sessions counts the sign-ins in the audit log.
func (e *browserEnv) sessions(t testing.TB) int {
	n := 0
	for _, a := range e.audit(t) {
		if a.Action == "web.login" {
			n++
		}
	}
	return n
}
