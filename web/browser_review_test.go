package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web/browsertest"
)

// testBrowserAcceptAndReturn accepts one report from the period page and
// returns another from its own page, as staff would; each unit's member
// hears of it on Telegram, in the words the chat's buttons use, and the
// audit log names the admin.
func testBrowserAcceptAndReturn(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	ctx := context.Background()

	// Accept Châu Lộc's from the period's list.
	tab.Navigate(e.URL + "/ky/" + browserSept)
	row := `#units tr[data-unit="xa-chau-loc"]`
	if got, _ := tab.Attr(row+" td.cell", "data-state"); got != "on_time" {
		t.Fatalf("Châu Lộc's row is %q before the review, want on_time", got)
	}
	before := tab.Text(`#counts li[data-count="accepted"] strong`)
	if got := tab.ClickNavigate(row + " form.accept button"); got != http.StatusOK {
		t.Fatalf("accepting answered %d: %s", got, tab.BodyText())
	}
	if got := tab.Text("h1"); got != "Đã tiếp nhận báo cáo" {
		t.Errorf("after accepting: %q", got)
	}
	if got, want := tab.Text("#message"), "Đã gửi thông báo tới 1 thành viên"; !strings.Contains(got, want) {
		t.Errorf("the page says %q, want it to say %q", got, want)
	}
	sub, err := e.db.Submission(ctx, e.chauLoc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.State != cchcbot.StateAccepted || sub.ReviewedBy != browserAdmin.User {
		t.Errorf("stored: %s by %s, want accepted by %s", sub.State, sub.ReviewedBy, browserAdmin.User)
	}
	msg := e.waitMessage(t, e.member("xa-chau-loc"), e.cfg.Office+" đã TIẾP NHẬN")
	for _, want := range []string{"UBND xã Châu Lộc", e.chauLoc.ReceiptNo(), "Báo cáo CCHC tháng 09/2024"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the member was told %q, without %q", msg, want)
		}
	}
	if !e.audited(t, "web.accept", browserAdmin.Name) || !e.audited(t, "web.accept", e.chauLoc.ReceiptNo()) {
		t.Errorf("no audit entry web.accept naming %s and %s", browserAdmin.Name, e.chauLoc.ReceiptNo())
	}
	tab.Navigate(e.URL + "/ky/" + browserSept)
	if got, _ := tab.Attr(row+" td.cell", "data-state"); got != "accepted" {
		t.Errorf("Châu Lộc's row is %q after the review, want accepted", got)
	}
	if n, _ := strconv.Atoi(before); tab.Text(`#counts li[data-count="accepted"] strong`) != strconv.Itoa(n+1) {
		t.Errorf("accepted count %s → %s, want one more", before, tab.Text(`#counts li[data-count="accepted"] strong`))
	}

	// Return Châu Đình's from the report's own page, with a reason.
	const reason = "Thiếu phụ lục số liệu thủ tục hành chính; đề nghị bổ sung."
	tab.Navigate(fmt.Sprintf("%s/ho-so/%d", e.URL, e.chauDinh.ID))
	tab.Type("#return-reason-input", reason)
	if got := tab.ClickNavigate("#return"); got != http.StatusOK {
		t.Fatalf("returning answered %d: %s", got, tab.BodyText())
	}
	if got := tab.Text("h1"); got != "Đã trả lại báo cáo" {
		t.Errorf("after returning: %q", got)
	}
	msg = e.waitMessage(t, e.member("xa-chau-dinh"), e.cfg.Office+" TRẢ LẠI")
	if !strings.Contains(msg, "Lý do: "+reason) || !strings.Contains(msg, e.chauDinh.ReceiptNo()) {
		t.Errorf("the member was told %q, want the reason and receipt %s", msg, e.chauDinh.ReceiptNo())
	}
	if !e.audited(t, "web.return", reason) || !e.audited(t, "web.return", browserAdmin.Name) {
		t.Error("no audit entry web.return naming the admin and the reason")
	}
	tab.Navigate(fmt.Sprintf("%s/ho-so/%d", e.URL, e.chauDinh.ID))
	if got, _ := tab.Attr("#submission-state", "data-state"); got != "returned" {
		t.Errorf("the report's page shows %q, want returned", got)
	}
	if got := tab.Text("#return-reason"); got != reason {
		t.Errorf("the report's page gives the reason %q, want %q", got, reason)
	}
	// Only Châu Lộc's and Châu Đình's members heard anything.
	for _, m := range e.tg.AllMessages() {
		if id := cchcbot.TelegramUser(m.ChatID); id != e.member("xa-chau-loc") && id != e.member("xa-chau-dinh") {
			t.Errorf("%s was told %q", id, m.Text)
		}
	}
}

// testBrowserCSRF posts the accept form without a valid token, from the
// dashboard's own page and from another site: every one is refused, and
// the report, the outbox and the audit log stay as they were. The same
// form with its token then works, so the refusals are the token's doing.
func testBrowserCSRF(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	other := e.login(t, b) // a second session, whose token is valid for it only
	page := fmt.Sprintf("%s/ho-so/%d", e.URL, e.chauLoc.ID)
	other.Navigate(page)
	otherToken, _ := other.Attr("#accept-form input[name=csrf]", "value")
	audits := len(e.audit(t))

	// A hostile page on another site (localhost is not 127.0.0.1) that
	// knows the right token and posts the form when clicked.
	tab.Navigate(page)
	token, _ := tab.Attr("#accept-form input[name=csrf]", "value")
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s/tiep-nhan"><input type="hidden" name="csrf" value="%s">`+
			`<button id="go">Nhận quà</button></form>`, page, token)
	}))
	t.Cleanup(hostile.Close)
	hostileURL := strings.Replace(hostile.URL, "127.0.0.1", "localhost", 1)

	for _, tc := range []struct {
		name   string
		tamper string // JavaScript run on the page before the click
		want   int64
		title  string
	}{
		{"NoToken", `document.querySelector("#accept-form input[name=csrf]").remove()`, http.StatusForbidden, "Biểu mẫu không hợp lệ"},
		{"EmptyToken", `document.querySelector("#accept-form input[name=csrf]").value = ""`, http.StatusForbidden, "Biểu mẫu không hợp lệ"},
		{"WrongToken", `document.querySelector("#accept-form input[name=csrf]").value = "` + strings.Repeat("A", len(token)) + `"`, http.StatusForbidden, "Biểu mẫu không hợp lệ"},
		{"AnotherSessionsToken", `document.querySelector("#accept-form input[name=csrf]").value = "` + otherToken + `"`, http.StatusForbidden, "Biểu mẫu không hợp lệ"},
		// SameSite=Lax keeps the session cookie off another site's POST.
		{"AnotherSite", "", http.StatusUnauthorized, "Chưa đăng nhập"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := tab.With(t)
			var status int64
			if tc.tamper == "" {
				tab.Navigate(hostileURL)
				status = tab.ClickNavigate("#go")
			} else {
				tab.Navigate(page)
				browsertest.Eval[any](tab, tc.tamper)
				status = tab.ClickNavigate("#accept")
			}
			if status != tc.want {
				t.Errorf("status %d, want %d", status, tc.want)
			}
			if got := tab.Text("h1"); got != tc.title {
				t.Errorf("heading %q, want %q", got, tc.title)
			}
			e.unchanged(t, audits)
		})
	}

	// The same form, untouched, is taken: the test can tell.
	tab.Navigate(page)
	if got := tab.ClickNavigate("#accept"); got != http.StatusOK {
		t.Errorf("the form with its token answered %d", got)
	}
	e.waitMessage(t, e.member("xa-chau-loc"), "TIẾP NHẬN")
}

// unchanged checks that Châu Lộc's report is still waiting, nothing was
// queued or sent, and the audit log has no entry beyond the first n.
func (e *browserEnv) unchanged(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	sub, err := e.db.Submission(ctx, e.chauLoc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.State != cchcbot.StateSubmitted {
		t.Errorf("the report is %s, want still submitted", sub.State)
	}
	// A queued message is in the outbox until its delivery is recorded,
	// and on the fake Bot API from before then: one of the two shows it.
	if q, err := e.db.OutboxLen(ctx); err != nil || q != 0 {
		t.Errorf("outbox holds %d messages (%v), want none", q, err)
	}
	if sent := e.tg.TotalMessages(); sent != 0 {
		t.Errorf("%d messages were sent, want none", sent)
	}
	if es := e.audit(t); len(es) != n {
		t.Errorf("the audit log grew by %+v", es[n:])
	}
}
