package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/web"
	"cchcbot/web/webtest"
)

var linkPattern = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/dang-nhap/[A-Za-z0-9_-]{43}$`)

func tokenOf(link string) string { return link[strings.LastIndexByte(link, '/')+1:] }

// TestLogin: a link opens a page with a button and consumes nothing; the
// button starts a session whose cookie is HttpOnly, SameSite=Lax, Path=/;
// the session sees the overview; the audit names the admin.
func TestLogin(t *testing.T) {
	f := webtest.New(t)
	link := f.LoginLink(t, f.Admin.User)
	if !linkPattern.MatchString(link) {
		t.Fatalf("link %q: want base URL, /dang-nhap/ and 43 base64url characters", link)
	}
	c := f.Client(t)
	for range 2 { // opening the link twice (a chat's link preview) consumes nothing
		res := f.Get(t, c, link)
		expectStatus(t, "the link's page", res, http.StatusOK)
		expectBody(t, "the link's page", res.Body, `id="login-button"`, "Đăng nhập")
		expectNoData(t, "the link's page", res.Body)
	}
	res := f.Post(t, c, "/dang-nhap", url.Values{"token": {tokenOf(link)}})
	expectStatus(t, "pressing Đăng nhập", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("redirect to %q, want /", loc)
	}
	ck := sessionCookie(res)
	switch {
	case ck == nil:
		t.Fatalf("no session cookie: %v", res.Header)
	case !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure:
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over http://127.0.0.1", ck)
	case ck.MaxAge != int(web.SessionTTL.Seconds()):
		t.Errorf("cookie Max-Age %d, want %d", ck.MaxAge, int(web.SessionTTL.Seconds()))
	case strings.Contains(ck.Value, tokenOf(link)):
		t.Errorf("the session id is the link's token")
	}
	home := f.Get(t, c, "/")
	expectStatus(t, "the overview", home, http.StatusOK)
	expectBody(t, "the overview", home.Body, "UBND xã Châu Lộc", `id="matrix"`, webtest.Admins[0].Name)

	logins := auditEntries(t, f, "web.login")
	if len(logins) != 1 || logins[0].Actor != string(f.Admin.User) || !strings.Contains(logins[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit of the login = %+v, want one entry by %s naming %q", logins, f.Admin.User, webtest.Admins[0].Name)
	}
}

// TestLoginRefused: a link unknown, malformed, used or expired, a login
// for a person who is not an admin, and a request with no session or a
// dead one land on a clear Vietnamese page with no data.
func TestLoginRefused(t *testing.T) {
	f := webtest.New(t, func(o *web.Options) { o.LoginBurst = 100 })
	used := f.LoginLink(t, f.Admin.User)
	f.Login(t, f.Admin.User) // another link, to compare
	if res := f.Post(t, f.Client(t), "/dang-nhap", url.Values{"token": {tokenOf(used)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("first use: %d", res.Status)
	}
	expired := f.LoginLink(t, f.Admin.User)
	f.Clock.Advance(web.LoginTTL + time.Second)
	defer f.Clock.Set(webtest.Now)

	unknown := strings.Repeat("A", 43)
	for _, tc := range []struct {
		name, token string
		status      int
		text        string
	}{
		{"unknown", unknown, http.StatusUnauthorized, "Đường link đăng nhập không đúng"},
		{"malformed", "abc", http.StatusUnauthorized, "Đường link đăng nhập không đúng"},
		{"path trick", "..%2F..%2Fcchcbot.db", http.StatusUnauthorized, "không đúng"},
		{"used", tokenOf(used), http.StatusGone, "đã được dùng"},
		{"expired", tokenOf(expired), http.StatusGone, "đã hết hạn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.Client(t)
			for _, res := range []webtest.Response{
				f.Get(t, c, "/dang-nhap/"+tc.token),
				f.Post(t, c, "/dang-nhap", url.Values{"token": {tc.token}}),
			} {
				if tc.name == "path trick" && res.Status == http.StatusNotFound {
					continue // the router refuses it before the handler
				}
				expectStatus(t, tc.name, res, tc.status)
				expectBody(t, tc.name, res.Body, tc.text, "/web")
				expectNoData(t, tc.name, res.Body)
				if sessionCookie(res) != nil {
					t.Errorf("%s: a cookie was set", tc.name)
				}
			}
		})
	}
	// Only the two good presses signed in.
	if n := len(auditEntries(t, f, "web.login")); n != 2 {
		t.Errorf("%d logins audited, want 2", n)
	}
}

// TestNoSessionNoData: every page and download refuses a request without
// a live session, and shows nothing.
func TestNoSessionNoData(t *testing.T) {
	f := webtest.New(t)
	paths := []string{"/", "/nam/2024", "/ky", "/ky/bao-cao-thang/2024-02", "/ky/bao-cao-thang/2024-02/nhac", "/don-vi/xa-chau-loc",
		"/ho-so/1", "/tep/1/0", "/tai/nam/2024", "/tai/ky/bao-cao-thang/2024-02"}
	bogus := f.Client(t)
	u, _ := url.Parse(f.URL)
	bogus.Jar.SetCookies(u, []*http.Cookie{{Name: "cchcbot", Value: strings.Repeat("x", 43)}})
	for _, c := range []struct {
		name   string
		client *http.Client
	}{{"no cookie", f.Client(t)}, {"unknown session", bogus}} {
		for _, p := range paths {
			res := f.Get(t, c.client, p)
			expectStatus(t, c.name+" "+p, res, http.StatusUnauthorized)
			expectBody(t, c.name+" "+p, res.Body, "đăng nhập", "/web")
			expectNoData(t, c.name+" "+p, res.Body)
		}
	}
	// A POST without a session changes nothing either.
	res := f.Post(t, f.Client(t), "/ho-so/13/tiep-nhan", url.Values{"csrf": {"x"}})
	expectStatus(t, "POST without a session", res, http.StatusUnauthorized)
	if sub, _ := f.DB.Submission(t.Context(), f.Seed.Late.ID); sub.State != cchcbot.StateSubmitted {
		t.Errorf("the submission is %s, want untouched", sub.State)
	}
}

// TestSessionEnds: a session lasts SessionTTL, and logout ends it at once.
func TestSessionEnds(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	f.Clock.Advance(web.SessionTTL - time.Minute)
	expectStatus(t, "before the end", f.Get(t, c, "/"), http.StatusOK)
	f.Clock.Advance(2 * time.Minute)
	res := f.Get(t, c, "/")
	expectStatus(t, "after 12 hours", res, http.StatusUnauthorized)
	expectBody(t, "after 12 hours", res.Body, "Phiên làm việc đã kết thúc")
	expectNoData(t, "after 12 hours", res.Body)
	f.Clock.Set(webtest.Now)

	c = f.Login(t, f.Admin.User)
	res = f.Post(t, c, "/dang-xuat", url.Values{"csrf": {f.CSRF(t, c)}})
	expectStatus(t, "logout", res, http.StatusOK)
	expectBody(t, "logout", res.Body, "Đã đăng xuất")
	if ck := sessionCookie(res); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("logout's cookie %+v, want it deleted", ck)
	}
	expectStatus(t, "after logout", f.Get(t, c, "/"), http.StatusUnauthorized)
	if out := auditEntries(t, f, "web.logout"); len(out) != 1 || !strings.Contains(out[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit of the logout = %+v", out)
	}
}

// TestOnlyAdmins: a member cannot get a link; a link or session forged for
// a member opens nothing; an admin removed loses access at the next
// request, whatever session they hold.
func TestOnlyAdmins(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	if _, _, err := web.NewLoginLink(ctx, f.DB, f.URL, webtest.ChairLoc, f.Clock.Now()); cchcbot.ErrorCode(err) != cchcbot.EUNAUTHORIZED {
		t.Errorf("a member's link: %v, want EUNAUTHORIZED", err)
	}
	// A link forged in the store for a member: pressing it signs nobody in.
	token := strings.Repeat("m", 43)
	if err := f.DB.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: hashOf(token), Admin: webtest.ChairLoc, ExpiresAt: f.Clock.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	res := f.Post(t, f.Client(t), "/dang-nhap", url.Values{"token": {token}})
	expectStatus(t, "a member's forged link", res, http.StatusForbidden)
	expectNoData(t, "a member's forged link", res.Body)
	if sessionCookie(res) != nil {
		t.Errorf("a member got a session cookie")
	}
	// A session forged in the store for a member.
	login, sid := strings.Repeat("n", 43), strings.Repeat("s", 43)
	if err := f.DB.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: hashOf(login), Admin: webtest.ChairLoc, ExpiresAt: f.Clock.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.StartWebSession(ctx, hashOf(login), cchcbot.WebSession{Hash: hashOf(sid), CSRF: "c", ExpiresAt: f.Clock.Now().Add(time.Hour)}, f.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	member := f.Client(t)
	u, _ := url.Parse(f.URL)
	member.Jar.SetCookies(u, []*http.Cookie{{Name: "cchcbot", Value: sid}})
	res = f.Get(t, member, "/ky/bao-cao-thang/2024-02")
	expectStatus(t, "a member's forged session", res, http.StatusForbidden)
	expectBody(t, "a member's forged session", res.Body, "Trang quản lý chỉ dành cho cán bộ quản trị của "+webtest.Office)
	expectNoData(t, "a member's forged session", res.Body)

	// An admin removed while signed in.
	second := webtest.Admins[1].User
	c := f.Login(t, second)
	expectStatus(t, "second admin", f.Get(t, c, "/"), http.StatusOK)
	if err := f.DB.RemoveAdmin(ctx, second); err != nil {
		t.Fatal(err)
	}
	res = f.Get(t, c, "/don-vi/xa-chau-loc")
	expectStatus(t, "removed admin", res, http.StatusForbidden)
	expectNoData(t, "removed admin", res.Body)
	// Their session is gone: even made admin again, they sign in anew.
	if err := f.DB.AddAdmin(ctx, webtest.Admins[1]); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, "removed admin's old session", f.Get(t, c, "/"), http.StatusUnauthorized)
}

// TestLoginRateLimited: past the burst, sign-in attempts from one address
// get 429 and a Vietnamese page, while a signed-in admin works on.
func TestLoginRateLimited(t *testing.T) {
	f := webtest.New(t)
	signedIn := f.Login(t, f.Admin.User) // one attempt
	c := f.Client(t)
	got := 0
	for i := range 12 {
		res := f.Get(t, c, "/dang-nhap/"+strings.Repeat("B", 43))
		if res.Status == http.StatusTooManyRequests {
			expectBody(t, "rate limited", res.Body, "Quá nhiều lần thử")
			got = i
			break
		}
		expectStatus(t, "attempt", res, http.StatusUnauthorized)
	}
	if got != 9 { // the burst is 10 per address, the login used one
		t.Errorf("refused at attempt %d, want the 10th attempt from the address", got+1)
	}
	// A correct link is refused too now: the limit is on attempts.
	res := f.Post(t, c, "/dang-nhap", url.Values{"token": {tokenOf(f.LoginLink(t, f.Admin.User))}})
	expectStatus(t, "a good link past the limit", res, http.StatusTooManyRequests)
	expectStatus(t, "a session past the limit", f.Get(t, signedIn, "/"), http.StatusOK)
}

// TestSecretsNeverLogged: the access log shows paths without the login
// token; no log holds a token, a session id, a CSRF token or an invite
// code.
func TestSecretsNeverLogged(t *testing.T) {
	f := webtest.New(t)
	link := f.LoginLink(t, f.Admin.User)
	c := f.Client(t)
	f.Get(t, c, link)
	res := f.Post(t, c, "/dang-nhap", url.Values{"token": {tokenOf(link)}})
	sid := sessionCookie(res).Value
	csrf := f.CSRF(t, c)
	inv := f.Post(t, c, "/don-vi/xa-dong-hop/moi", url.Values{"csrf": {csrf}})
	expectStatus(t, "invite", inv, http.StatusOK)
	code := regexp.MustCompile(`id="invite-code">([^<]+)<`).FindStringSubmatch(inv.Body)
	if code == nil {
		t.Fatalf("no invite code on the page")
	}
	f.Get(t, c, "/?q=chau+loc")
	logs := f.Logs()
	for what, secret := range map[string]string{"login token": tokenOf(link), "session id": sid, "CSRF token": csrf, "invite code": code[1]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds the %s", what)
		}
	}
	if !strings.Contains(logs, "/dang-nhap/[đã ẩn]") {
		t.Errorf("the access log does not show the login path redacted:\n%s", logs)
	}
	if strings.Contains(logs, "chau+loc") || strings.Contains(logs, "q=") {
		t.Errorf("the access log holds a query string")
	}
}
