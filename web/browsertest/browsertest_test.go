package browsertest_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cchcbot/web/browsertest"
)

// csp is the policy of the trivial site: no inline script, as the
// dashboard's.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"

const page = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tổng hợp năm</title>
<link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script></head><body>
<h1>Báo cáo CCHC năm 2024</h1>
<table><tr><td class="cell on-time" id="c1">đúng hạn</td><td class="cell late" id="c2">trễ 3 ngày</td></tr></table>
<button id="more" type="button">Chi tiết</button><p id="detail" hidden>Châu Lộc nộp ngày 10/03/2024</p>
<form id="f" method="post" action="/submit"><input type="hidden" name="csrf" value="tok">
<input name="reason" id="reason"><button id="send" type="submit">Trả lại</button></form>
<a id="dl" href="/file">Tải tệp</a> <a id="next" href="/next">Tiếp</a>
<p class="faint" id="faint">Chữ mờ</p><p class="on-time" id="cell"><a href="/next">Đã tiếp nhận</a></p>
</body></html>`

// fileBody is what /file serves; its name has Vietnamese letters.
var fileBody = []byte("%PDF-1.7\nbáo cáo\x00\x01\x02")

const fileName = "Báo cáo CCHC tháng 3 - Châu Lộc.pdf"

func site(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if c, err := r.Cookie("sid"); err == nil {
			w.Header().Set("X-Seen-Cookie", c.Value)
		}
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, ".on-time{background-color:#198754;color:#fff}.late{background-color:rgb(255,193,7)}.faint{color:#ccc}#cell a{color:#0b57a4}")
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `document.getElementById("more").addEventListener("click", () => { document.getElementById("detail").hidden = false; });`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.PostFormValue("csrf") != "tok" {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<!doctype html><p id="msg">Yêu cầu không hợp lệ.</p>`)
			return
		}
		fmt.Fprintf(w, `<!doctype html><p id="msg">Đã trả lại: %s</p>`, r.PostFormValue("reason"))
	})
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="bao-cao.pdf"; filename*=UTF-8''`+url.PathEscape(fileName))
		w.Write(fileBody)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /inline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		io.WriteString(w, `<!doctype html><p>x</p><script>document.title = "ran"</script>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestHarness proves the harness against a trivial site: one browser, a
// tab per subtest.
func TestHarness(t *testing.T) {
	b := browsertest.New(t)
	srv := site(t)

	t.Run("ReadsTheDOM", func(t *testing.T) {
		tab := b.NewTab(t)
		if got := tab.Navigate(srv.URL); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		if got := tab.Text("h1"); got != "Báo cáo CCHC năm 2024" {
			t.Errorf("heading %q", got)
		}
		if got := tab.Texts("td.cell"); strings.Join(got, "|") != "đúng hạn|trễ 3 ngày" {
			t.Errorf("cells %q", got)
		}
		if got := tab.Style("#c1", "background-color"); got != "rgb(25, 135, 84)" {
			t.Errorf("on-time colour %q", got)
		}
		if got := tab.Style("#c2", "background-color"); got != "rgb(255, 193, 7)" {
			t.Errorf("late colour %q", got)
		}
		if v, ok := tab.Attr("#dl", "href"); !ok || v != "/file" {
			t.Errorf("href %q %v", v, ok)
		}
		if _, ok := tab.Attr("#nothing", "href"); ok {
			t.Error("an attribute of a missing element")
		}
		if n := tab.Count("td"); n != 2 {
			t.Errorf("%d cells", n)
		}
		if got := tab.LowContrast("#faint", 4.5); len(got) != 1 || !strings.HasPrefix(got[0], "Chữ mờ: 1.6") {
			t.Errorf("grey on white: %q, want one low contrast of 1.6", got)
		}
		// A blue link in a green cell is judged against the green.
		if got := tab.LowContrast("#cell", 3); len(got) != 1 || !strings.HasPrefix(got[0], "Đã tiếp nhận") {
			t.Errorf("blue link on green: %q, want it found", got)
		}
		if got := tab.LowContrast("h1, #c1", 4.5); len(got) != 0 {
			t.Errorf("readable text found low: %q", got)
		}
		if tab.Title() != "Tổng hợp năm" {
			t.Errorf("title %q", tab.Title())
		}
	})

	t.Run("ClicksWithoutNavigation", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(srv.URL)
		if n := tab.Count("#detail:not([hidden])"); n != 0 {
			t.Fatal("detail shown before the click")
		}
		tab.Click("#more")
		tab.WaitFor(`!document.querySelector("#detail").hidden`)
		tab.WaitVisible("#detail")
		if got := tab.Text("#detail"); !strings.Contains(got, "Châu Lộc") {
			t.Errorf("detail %q", got)
		}
	})

	t.Run("SubmitsForms", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(srv.URL)
		tab.Type("#reason", "Thiếu phụ lục")
		if got := tab.ClickNavigate("#send"); got != http.StatusOK {
			t.Fatalf("status %d", got)
		}
		if got := tab.Text("#msg"); got != "Đã trả lại: Thiếu phụ lục" {
			t.Errorf("after submit %q", got)
		}

		// The same form without its token: the harness can forge a POST
		// from the page as a hostile page would.
		tab.Navigate(srv.URL)
		browsertest.Eval[bool](tab, `document.querySelector("input[name=csrf]").remove(), true`)
		if got := tab.ClickNavigate("#send"); got != http.StatusForbidden {
			t.Errorf("status %d, want 403", got)
		}
	})

	t.Run("Downloads", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(srv.URL)
		d := tab.Download("#dl")
		if d.Name != fileName {
			t.Errorf("saved as %q, want %q", d.Name, fileName)
		}
		if sha256.Sum256(d.Body) != sha256.Sum256(fileBody) {
			t.Errorf("downloaded %q, want %q", d.Body, fileBody)
		}
		// The page is still there: a download is no navigation.
		if got := tab.Text("h1"); got == "" {
			t.Error("page gone after the download")
		}
	})

	t.Run("TabsHaveTheirOwnCookies", func(t *testing.T) {
		a := b.NewTab(t)
		a.Navigate(srv.URL + "/login")
		cs := a.Cookies(srv.URL)
		if len(cs) != 1 || cs[0].Name != "sid" || !cs[0].HTTPOnly {
			t.Fatalf("cookies after login %+v", cs)
		}
		other := b.NewTab(t)
		other.Navigate(srv.URL)
		if cs := other.Cookies(srv.URL); len(cs) != 0 {
			t.Errorf("a fresh tab holds %+v", cs)
		}
		other.SetCookie(srv.URL, "sid", "forged")
		if cs := other.Cookies(srv.URL); len(cs) != 1 || cs[0].Value != "forged" {
			t.Errorf("forged cookie not set: %+v", cs)
		}
	})

	t.Run("ReportsPolicyViolations", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.IgnoreProblems()
		tab.Navigate(srv.URL + "/inline")
		if tab.Title() == "ran" {
			t.Fatal("an inline script ran despite the policy")
		}
		// The refusal is logged when the parser meets the script, before
		// the load event.
		ps := tab.Problems()
		if len(ps) == 0 || !strings.Contains(strings.Join(ps, "\n"), "Content Security Policy") {
			t.Errorf("no policy refusal recorded: %q", ps)
		}
	})

	t.Run("Screenshots", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(srv.URL)
		png := tab.Screenshot()
		if len(png) < 8 || string(png[1:4]) != "PNG" {
			t.Fatalf("not a PNG: % x", png[:min(8, len(png))])
		}
	})
}
