package web_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web/webtest"
)

// TestInvite: "Tạo mã mời" makes a single-use invite for the unit (its
// hash in the store, the code on the page only), with the Telegram link,
// the Zalo OA and a QR code; it is audited without the code.
func TestInvite(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Post(t, c, "/don-vi/xa-dong-hop/moi", url.Values{"csrf": {f.CSRF(t, c)}})
	expectStatus(t, "invite", res, http.StatusOK)
	m := regexp.MustCompile(`id="invite-code">([A-Za-z0-9_-]{22})<`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no invite code on the page:\n%s", clip(res.Body))
	}
	code := m[1]
	expectBody(t, "invite", res.Body, "UBND xã Đồng Hợp", "https://t.me/cchc_quyhop_bot?start="+code, "https://zalo.me/1234567890123456789",
		`id="invite-qr"`, "Chủ tịch UBND xã")
	q := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindStringSubmatch(res.Body)
	if q == nil {
		t.Fatal("no QR code")
	}
	if png, err := base64.StdEncoding.DecodeString(html.UnescapeString(q[1])); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("the QR code is not a PNG: %v", err)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the invite page is cached: %q", cc)
	}
	invites, err := f.DB.Invites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(invites) != 1 || invites[0].Hash != cchcbot.HashInviteCode(code) || invites[0].UnitCode != "xa-dong-hop" || invites[0].CreatedBy != string(f.Admin.User) {
		t.Errorf("invites %+v, want one for xa-dong-hop by the admin, stored by its hash", invites)
	}
	es := auditEntries(t, f, "web.invite")
	if len(es) != 1 || es[0].Subject != "xa-dong-hop" || !strings.Contains(es[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit %+v", es)
	}
	all, _ := f.DB.AuditEntries(t.Context(), 0, 0)
	for _, e := range all {
		if strings.Contains(e.Detail+e.Subject, code) {
			t.Errorf("the audit holds the code: %+v", e)
		}
	}
	// The code works once, as one made in chat: a new member joins.
	if _, err := f.DB.RedeemInvite(t.Context(), cchcbot.HashInviteCode(code), cchcbot.Member{User: cchcbot.TelegramUser(5555), Name: "Mới"}, f.Clock.Now()); err != nil {
		t.Errorf("redeeming the code: %v", err)
	}
	res = f.Post(t, c, "/don-vi/khong-co/moi", url.Values{"csrf": {f.CSRF(t, c)}})
	expectStatus(t, "an unknown unit", res, http.StatusNotFound)
}

// TestRemindNow: the confirmation says how many units, the confirmed form
// reminds them through the scheduler, and the same form again sends
// nothing twice.
func TestRemindNow(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/ky/bao-cao-thang/2024-03/nhac")
	expectStatus(t, "confirm", res, http.StatusOK)
	// March is owed by every unit but Văn phòng and Châu Lộc; those of
	// them with a member are reminded.
	n := regexp.MustCompile(`id="remind-units">(\d+)<`).FindStringSubmatch(res.Body)
	if n == nil {
		t.Fatalf("no count on the confirmation:\n%s", clip(res.Body))
	}
	nonce := regexp.MustCompile(`name="nonce" value="([^"]+)"`).FindStringSubmatch(res.Body)
	if nonce == nil {
		t.Fatal("no nonce")
	}
	f.Drain(t)
	if len(f.Network.Sent()) != 0 {
		t.Fatalf("the confirmation page sent something")
	}
	form := url.Values{"csrf": {f.CSRF(t, c)}, "nonce": {nonce[1]}}
	res = f.Post(t, c, "/ky/bao-cao-thang/2024-03/nhac", form)
	expectStatus(t, "remind", res, http.StatusOK)
	expectBody(t, "remind", res.Body, "Đã gửi nhắc việc tới "+n[1]+" đơn vị", "Báo cáo CCHC tháng 03/2024")
	f.Drain(t)
	if !f.Network.Received(webtest.ChairDinh, "Báo cáo CCHC tháng 03/2024") || !f.Network.Received(webtest.ClerkTu, "Báo cáo CCHC tháng 03/2024") {
		t.Errorf("the members owing March were not reminded: %q %q", f.Network.SentTo(webtest.ChairDinh), f.Network.SentTo(webtest.ClerkTu))
	}
	if got := f.Network.SentTo(webtest.ChairLoc); len(got) != 0 {
		t.Errorf("Châu Lộc submitted March and was reminded: %q", got)
	}
	sent := len(f.Network.Sent())
	f.Post(t, c, "/ky/bao-cao-thang/2024-03/nhac", form) // sent again: a double click, a reload
	f.Drain(t)
	if again := len(f.Network.Sent()); again != sent {
		t.Errorf("the same form sent %d more messages", again-sent)
	}
	if es := auditEntries(t, f, "web.remind"); len(es) != 2 || es[0].Subject != "bao-cao-thang/2024-03" || !strings.Contains(es[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit %+v", es)
	}
	expectStatus(t, "a forged nonce", f.Post(t, c, "/ky/bao-cao-thang/2024-03/nhac", url.Values{"csrf": {f.CSRF(t, c)}, "nonce": {"x"}}), http.StatusBadRequest)
}
