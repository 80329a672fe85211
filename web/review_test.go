package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web/webtest"
)

// TestReviewThroughThePage: "Tiếp nhận" and "Trả lại" record the decision,
// tell every member of the unit in chat (Telegram and Zalo alike) with the
// chat's own words, and name the admin in the audit log.
func TestReviewThroughThePage(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	c := f.Login(t, f.Admin.User)
	csrf := f.CSRF(t, c)
	seeded := len(auditEntries(t, f, "submission.accepted"))

	// Accept Châu Đình's late report.
	late := f.Seed.Late
	res := f.Post(t, c, "/ho-so/"+strconv.FormatUint(late.ID, 10)+"/tiep-nhan", url.Values{"csrf": {csrf}})
	expectStatus(t, "accept", res, http.StatusOK)
	expectBody(t, "accept", res.Body, "Đã tiếp nhận báo cáo "+late.ReceiptNo()+" của UBND xã Châu Đình", "Đã gửi thông báo tới 1 thành viên")
	if sub, _ := f.DB.Submission(ctx, late.ID); sub.State != cchcbot.StateAccepted || sub.ReviewedBy != f.Admin.User {
		t.Errorf("after accepting: %s by %s", sub.State, sub.ReviewedBy)
	}

	// Return Châu Lộc's report, with a reason.
	onTime := f.Seed.OnTime
	reason := "Thiếu chữ ký của Chủ tịch UBND xã"
	res = f.Post(t, c, "/ho-so/"+strconv.FormatUint(onTime.ID, 10)+"/tra-lai", url.Values{"csrf": {csrf}, "ly-do": {"  " + reason + " "}})
	expectStatus(t, "return", res, http.StatusOK)
	expectBody(t, "return", res.Body, "Đã trả lại báo cáo "+onTime.ReceiptNo(), "Đã gửi thông báo tới 2 thành viên")
	if sub, _ := f.DB.Submission(ctx, onTime.ID); sub.State != cchcbot.StateReturned || sub.Reason != reason {
		t.Errorf("after returning: %s %q", sub.State, sub.Reason)
	}

	f.Drain(t)
	if !f.Network.Received(webtest.ChairDinh, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Đình", webtest.Office+" đã TIẾP NHẬN Báo cáo CCHC tháng 02/2024", late.ReceiptNo()) {
		t.Errorf("Châu Đình's chair was not told of the acceptance: %q", f.Network.SentTo(webtest.ChairDinh))
	}
	for _, m := range []cchcbot.UserID{webtest.ChairLoc, webtest.DeputyLoc} {
		if !f.Network.Received(m, webtest.Office+" TRẢ LẠI Báo cáo CCHC tháng 02/2024", "Lý do: "+reason, "Gửi tệp vào cuộc trò chuyện này để nộp lại.") {
			t.Errorf("%s was not told of the return: %q", m, f.Network.SentTo(m))
		}
	}
	if got := f.Network.SentTo(f.Admin.User); len(got) != 0 {
		t.Errorf("the admin was answered in chat: %q", got)
	}

	for _, tc := range []struct{ action, detail string }{
		{"web.accept", "tiếp nhận báo cáo " + late.ReceiptNo()},
		{"web.return", "trả lại báo cáo " + onTime.ReceiptNo() + " của UBND xã Châu Lộc; lý do: " + reason},
	} {
		es := auditEntries(t, f, tc.action)
		if len(es) != 1 || es[0].Actor != string(f.Admin.User) || !strings.Contains(es[0].Detail, webtest.Admins[0].Name) || !strings.Contains(es[0].Detail, tc.detail) {
			t.Errorf("audit %s = %+v; want one entry by %s naming %q and %q", tc.action, es, f.Admin.User, webtest.Admins[0].Name, tc.detail)
		}
	}
	if es := auditEntries(t, f, "submission.accepted"); len(es) != seeded+1 || es[len(es)-1].Actor != string(f.Admin.User) {
		t.Errorf("the store's audit of acceptances: %d entries after %d, want one more by %s", len(es), seeded, f.Admin.User)
	}

	// The same decision again changes nothing and tells nobody.
	before := len(f.Network.Sent())
	res = f.Post(t, c, "/ho-so/"+strconv.FormatUint(late.ID, 10)+"/tiep-nhan", url.Values{"csrf": {csrf}})
	expectStatus(t, "accept again", res, http.StatusOK)
	expectBody(t, "accept again", res.Body, "không có gì thay đổi")
	f.Drain(t)
	if after := len(f.Network.Sent()); after != before {
		t.Errorf("accepting again sent %d messages", after-before)
	}
}

// TestReviewRefusals: a return without a reason, a review of an older
// version, of an unknown number, change nothing.
func TestReviewRefusals(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	c := f.Login(t, f.Admin.User)
	csrf := f.CSRF(t, c)
	id := strconv.FormatUint(f.Seed.OnTime.ID, 10)

	res := f.Post(t, c, "/ho-so/"+id+"/tra-lai", url.Values{"csrf": {csrf}, "ly-do": {"   "}})
	expectStatus(t, "return without a reason", res, http.StatusBadRequest)
	expectBody(t, "return without a reason", res.Body, "Xin ghi rõ lý do trả lại")
	res = f.Post(t, c, "/ho-so/"+id+"/tra-lai", url.Values{"csrf": {csrf}, "ly-do": {strings.Repeat("dài ", 400)}})
	expectStatus(t, "a reason too long", res, http.StatusBadRequest)
	if sub, _ := f.DB.Submission(ctx, f.Seed.OnTime.ID); sub.State != cchcbot.StateSubmitted {
		t.Errorf("after the refusals: %s", sub.State)
	}

	// Châu Lộc sends a second version: the first may no longer be judged.
	next := &cchcbot.Submission{PeriodID: webtest.February, UnitCode: "xa-chau-loc", SubmittedBy: webtest.ChairLoc, SubmittedAt: f.Clock.Now(), DaysLate: 34}
	if err := f.DB.CreateSubmission(ctx, next); err != nil {
		t.Fatal(err)
	}
	res = f.Post(t, c, "/ho-so/"+id+"/tiep-nhan", url.Values{"csrf": {csrf}})
	expectStatus(t, "an older version", res, http.StatusConflict)
	expectBody(t, "an older version", res.Body, "Xin xem xét hồ sơ nộp sau cùng")
	page := f.Get(t, c, "/ho-so/"+id)
	expectBody(t, "the older version's page", page.Body, "không phải lần nộp sau cùng")
	if strings.Contains(page.Body, `id="accept"`) {
		t.Errorf("the older version's page offers to accept it")
	}

	expectStatus(t, "an unknown number", f.Post(t, c, "/ho-so/99999/tiep-nhan", url.Values{"csrf": {csrf}}), http.StatusNotFound)
	f.Drain(t)
	if sent := f.Network.Sent(); len(sent) != 0 {
		t.Errorf("refusals sent messages: %+v", sent)
	}
	if es := auditEntries(t, f, "web.accept"); len(es) != 0 {
		t.Errorf("refusals were audited as decisions: %+v", es)
	}
}

// TestCSRFRefusalChangesNothing: a form without the session's token, with
// another session's, or sent from another site is refused (403) and
// changes nothing: no decision, no message, no invite, no reminder, no
// logout.
func TestCSRFRefusalChangesNothing(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	c := f.Login(t, f.Admin.User)
	other := f.Login(t, webtest.Admins[1].User)
	otherToken := f.CSRF(t, other)
	mine := f.CSRF(t, c)
	id := strconv.FormatUint(f.Seed.Late.ID, 10)
	forms := []struct {
		path string
		form url.Values
	}{
		{"/ho-so/" + id + "/tiep-nhan", url.Values{}},
		{"/ho-so/" + id + "/tra-lai", url.Values{"ly-do": {"giả mạo"}}},
		{"/don-vi/xa-dong-hop/moi", url.Values{}},
		{"/ky/bao-cao-thang/2024-03/nhac", url.Values{"nonce": {strings.Repeat("n", 43)}}},
		{"/dang-xuat", url.Values{}},
	}
	invitesBefore, _ := f.DB.Invites(ctx)
	for _, tc := range []struct {
		name  string
		token string
		site  string
	}{
		{"no token", "", ""},
		{"a wrong token", strings.Repeat("x", 43), ""},
		{"another session's token", otherToken, ""},
		{"from another site", mine, "cross-site"},
	} {
		for _, form := range forms {
			v := url.Values{}
			for k, vs := range form.form {
				v[k] = vs
			}
			if tc.token != "" {
				v.Set("csrf", tc.token)
			}
			req, _ := http.NewRequest(http.MethodPost, f.URL+form.path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s, POST %s: status %d, want 403", tc.name, form.path, res.StatusCode)
			}
		}
	}
	if sub, _ := f.DB.Submission(ctx, f.Seed.Late.ID); sub.State != cchcbot.StateSubmitted {
		t.Errorf("the submission became %s", sub.State)
	}
	if after, _ := f.DB.Invites(ctx); len(after) != len(invitesBefore) {
		t.Errorf("an invite was made")
	}
	f.Drain(t)
	if sent := f.Network.Sent(); len(sent) != 0 {
		t.Errorf("messages were sent: %+v", sent)
	}
	if es := auditEntries(t, f, "web.logout"); len(es) != 0 {
		t.Errorf("a logout was recorded")
	}
	expectStatus(t, "the session after the refusals", f.Get(t, c, "/"), http.StatusOK)
	// The right token works.
	res := f.Post(t, c, "/ho-so/"+id+"/tiep-nhan", url.Values{"csrf": {mine}})
	expectStatus(t, "with the token", res, http.StatusOK)
}
