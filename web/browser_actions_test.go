package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web/browsertest"
)

// testBrowserRemind presses "Nhắc các đơn vị chưa nộp" on September's
// page: the confirmation counts the units still owing and sends nothing;
// confirmed, each of their members is reminded through the chat channel
// and no other unit is; the same form sent again (a double click, a
// reload) sends nothing more.
func testBrowserRemind(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	sept, err := e.cal.Period(browserSept)
	if err != nil {
		t.Fatal(err)
	}
	owing, done := map[string]bool{}, map[string]bool{}
	for _, us := range e.status(t, browserSept).Units {
		switch us.State {
		case cchcbot.UnitMissing, cchcbot.UnitReturned:
			owing[us.Unit.Code] = true
		default:
			done[us.Unit.Code] = true
		}
	}
	if len(owing) == 0 || len(done) == 0 {
		t.Fatalf("the seed has %d units owing September and %d done: the test needs both", len(owing), len(done))
	}

	tab.Navigate(e.URL + "/ky/" + browserSept)
	if got := tab.ClickNavigate("#remind"); got != http.StatusOK {
		t.Fatalf("the confirmation answered %d: %s", got, tab.BodyText())
	}
	if got, want := tab.Text("#remind-units"), strconv.Itoa(len(owing)); got != want {
		t.Errorf("the confirmation counts %s units, want the %s owing September", got, want)
	}
	nonce, ok := tab.Attr(`#remind-confirm input[name="nonce"]`, "value")
	if !ok || nonce == "" {
		t.Fatal("the confirmation's form has no nonce")
	}
	e.drain(t)
	if got := e.tg.AllMessages(); len(got) != 0 {
		t.Fatalf("the confirmation alone sent %d messages", len(got))
	}

	if got := tab.ClickNavigate("#remind-confirm-button"); got != http.StatusOK {
		t.Fatalf("confirming answered %d: %s", got, tab.BodyText())
	}
	if got := tab.Text("h1"); got != "Đã gửi nhắc việc" {
		t.Errorf("after confirming: %q", got)
	}
	if got, want := tab.Text("#message"), fmt.Sprintf("Đã gửi nhắc việc tới %d đơn vị", len(owing)); !strings.Contains(got, want) {
		t.Errorf("the page says %q, want %q", got, want)
	}
	for code := range owing {
		e.waitMessage(t, e.member(code), sept.Label)
	}
	e.drain(t)
	for code := range done {
		for _, m := range e.tg.Messages(browserTelegramID(t, e.member(code))) {
			t.Errorf("%s has September's report in and was sent %q", code, m.Text)
		}
	}
	sent := len(e.tg.AllMessages())

	// The same round again: the confirmation's form as it was first sent.
	tab.Navigate(e.URL + "/ky/" + browserSept + "/nhac")
	browsertest.Eval[bool](tab, `(document.querySelector('#remind-confirm input[name="nonce"]').value = `+strconv.Quote(nonce)+`, true)`)
	if got := tab.ClickNavigate("#remind-confirm-button"); got != http.StatusOK {
		t.Fatalf("confirming again answered %d: %s", got, tab.BodyText())
	}
	e.drain(t)
	if again := len(e.tg.AllMessages()); again != sent {
		t.Errorf("the same confirmation sent %d more messages", again-sent)
	}
	if !e.audited(t, "web.remind", browserAdmin.Name) {
		t.Errorf("no audit entry web.remind naming %s", browserAdmin.Name)
	}
}

// testBrowserInvite makes a new member's invite from a unit's page: a
// code that joins that unit, the Telegram link that carries it, and its
// QR code, an image the browser shows and that is a PNG.
func testBrowserInvite(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	tab.Navigate(e.URL + "/don-vi/xa-chau-loc")
	if got := tab.ClickNavigate("#create-invite"); got != http.StatusOK {
		t.Fatalf("creating the invite answered %d: %s", got, tab.BodyText())
	}
	code := tab.Text("#invite-code")
	if code == "" {
		t.Fatalf("no code on the page: %s", tab.BodyText())
	}
	e.logs.secret(code)
	if got, _ := tab.Attr("#invite-telegram", "href"); got != browserBotLink+code {
		t.Errorf("the Telegram link is %q, want %q", got, browserBotLink+code)
	}

	qr := browsertest.Eval[struct {
		Src           string
		Complete      bool
		Width, Height int
	}](tab, `(() => {
		const img = document.querySelector("#invite-qr");
		return img ? {Src: img.getAttribute("src"), Complete: img.complete, Width: img.naturalWidth, Height: img.naturalHeight} : {};
	})()`)
	if !qr.Complete || qr.Width == 0 {
		t.Errorf("the browser did not show the QR code (complete %v, %d×%d)", qr.Complete, qr.Width, qr.Height)
	}
	data, ok := strings.CutPrefix(qr.Src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("the QR code's source is %.40q, want a PNG", qr.Src)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatalf("the QR code's data: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the QR code is not a PNG: %v", err)
	}
	if cfg.Width != qr.Width || cfg.Height != qr.Height || cfg.Width < 200 || cfg.Width != cfg.Height {
		t.Errorf("the QR code is %d×%d (the browser read %d×%d), want a square of at least 200 px", cfg.Width, cfg.Height, qr.Width, qr.Height)
	}

	// The code joins Châu Lộc, once.
	ctx := context.Background()
	newcomer := cchcbot.Member{User: cchcbot.TelegramUser(799_000_001), Name: "Thành viên mới"}
	inv, err := e.db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), newcomer, e.clock.Now())
	if err != nil {
		t.Fatalf("redeeming the code: %v", err)
	}
	if inv.UnitCode != "xa-chau-loc" {
		t.Errorf("the code joins %q, want xa-chau-loc", inv.UnitCode)
	}
	if _, err := e.db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), newcomer, e.clock.Now()); err == nil {
		t.Error("the code was redeemed twice")
	}
}

// testBrowserCharts: the overview's chart is an SVG the browser lays out,
// with one point of the whole line per period whose deadline has passed,
// in the periods' order; the period page's histogram is one too.
func testBrowserCharts(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)
	var past []string
	for _, p := range e.year(t).periods {
		if e.clock.Now().After(p.Deadline) {
			past = append(past, p.Label)
		}
	}
	if len(past) == 0 {
		t.Fatal("the seeded year has no past period")
	}
	tab.Navigate(e.URL + "/nam/2024")
	got := browsertest.Eval[struct {
		SVG    bool
		Width  int
		Points []string
	}](tab, `(() => {
		const svg = document.querySelector("#chart-rate svg.chart");
		return {SVG: svg instanceof SVGSVGElement, Width: svg ? Math.round(svg.getBoundingClientRect().width) : 0,
			Points: Array.from(document.querySelectorAll("#chart-rate circle.dot.s-all"), c => c.querySelector("title").textContent)};
	})()`)
	if !got.SVG || got.Width == 0 {
		t.Fatalf("no SVG chart laid out in #chart-rate (%d px wide)", got.Width)
	}
	if len(got.Points) != len(past) {
		t.Fatalf("the chart has %d points, want one per past period (%d): %q", len(got.Points), len(past), got.Points)
	}
	for i, p := range past {
		if !strings.HasPrefix(got.Points[i], p+" – ") {
			t.Errorf("point %d is %q, want %s's", i, got.Points[i], p)
		}
	}

	tab.Navigate(e.URL + "/ky/" + browserSept)
	if n := browsertest.Eval[int](tab, `document.querySelectorAll('#chart-days svg.chart rect[class^="bar-"]').length`); n == 0 {
		t.Error("the period page has no histogram")
	}
}
