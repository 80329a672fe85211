package zalotest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

func TestQuotaNext(t *testing.T) {
	srv, _ := setup(t)
	for _, tc := range []struct {
		code int
		msg  string
	}{
		{zalotest.CodeQuota, "Out of quota"},
		{zalotest.CodeUserQuota, "User has reached the limit of messages received"},
		{zalotest.QuotaExceeded, "Quota exceeded"},
		{zalotest.QuotaDaily, "Daily quota exceeded"},
		{zalotest.QuotaWeekly, "Weekly quota exceeded"},
		{zalotest.QuotaMonthly, "Monthly quota exceeded"},
		{zalotest.QuotaUserInactive, "User has not interacted with the OA in the last 30 days"},
		{zalotest.QuotaUserDaily, "Daily quota for this user exceeded"},
		{12999, "Quota exceeded"},
	} {
		srv.QuotaNext(tc.code, 2)
		// A refusal for another reason does not use the fault up.
		wantError(t, send(t, srv, textBody(bob.ID, "x")), -213, "")
		wantError(t, send(t, srv, textBody(alice.ID, "x")), tc.code, tc.msg)
		wantError(t, send(t, srv, textBody(alice.ID, "x")), tc.code, tc.msg)
		wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	}
	srv.QuotaNext(zalotest.QuotaDaily, 5)
	srv.QuotaNext(zalotest.QuotaDaily, 0)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	// The OA API's code is the default.
	srv.QuotaNext(0, 1)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), -211, "Out of quota")
	if n := srv.MessageCount(alice.ID); n != 10 {
		t.Errorf("%d messages recorded, want the 10 that passed", n)
	}
}

// TestErrorNext: any of Zalo's codes, the next n sends to a follower.
func TestErrorNext(t *testing.T) {
	srv, _ := setup(t)
	for _, tc := range []struct {
		code int
		msg  string
	}{
		{zalotest.CodeRateLimit, "Request limit of the application or OA per minute exceeded"},
		{zalotest.CodeUserInactive, "User is banned or has been inactive for more than 45 days"},
		{zalotest.CodeNoInteraction, "User has not interacted with the OA in the past 7 days"},
		{zalotest.CodeInteractionExpired, "User interaction has expired"},
		{zalotest.CodeInvalidParams, "Parameter is invalid"},
	} {
		srv.ErrorNext(tc.code, 1)
		wantError(t, send(t, srv, textBody(bob.ID, "x")), -213, "")
		wantError(t, send(t, srv, textBody(alice.ID, "x")), tc.code, tc.msg)
		wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	}
	srv.ErrorNext(zalotest.CodeRateLimit, 3)
	srv.QuotaNext(zalotest.CodeUserQuota, 1) // replaces it
	wantError(t, send(t, srv, textBody(alice.ID, "x")), -218, "")
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
}

func TestUserError(t *testing.T) {
	srv, _ := setup(t)
	srv.AddFollower(bob)
	for _, tc := range []struct {
		code int
		msg  string
	}{
		{zalotest.CodeUserQuota, "User has reached the limit of messages received"},
		{zalotest.CodeNoInteraction, "User has not interacted with the OA in the past 7 days"},
		{zalotest.QuotaUserDaily, "Daily quota for this user exceeded"},
	} {
		srv.SetUserError(alice, tc.code)
		wantError(t, send(t, srv, textBody(alice.ID, "x")), tc.code, tc.msg)
		wantError(t, send(t, srv, textBody(bob.ID, "x")), 0, "Success")
	}
	srv.SetUserQuota(alice, zalotest.CodeUserInactive) // the older name
	wantError(t, send(t, srv, textBody(alice.ID, "x")), -227, "")
	srv.SetUserError(alice, 0)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
}

// TestInteractionWindow: past the window since the user's last
// interaction, sends are refused with -230 until the user writes again.
func TestInteractionWindow(t *testing.T) {
	srv, clk := setup(t, zalotest.WithInteractionWindow(7*24*time.Hour)) // alice: AddFollower now
	srv.Follow(bob)
	srv.SetAccessTTL(30 * 24 * time.Hour) // one access token for the whole test
	if _, err := refresh(srv, srv.AppID(), srv.AppSecret(), srv.RefreshToken()); err != nil {
		t.Fatal(err)
	}
	clk.Add(7 * 24 * time.Hour)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success") // exactly 7 days: still inside
	clk.Add(time.Second)
	for _, u := range []zalotest.User{alice, bob} {
		wantError(t, send(t, srv, textBody(u.ID, "x")), -230, "User has not interacted with the OA in the past 7 days")
	}
	srv.SendText(alice, "Xin chào")
	srv.PressButton(bob, "cb:x")
	for _, u := range []zalotest.User{alice, bob} {
		wantError(t, send(t, srv, textBody(u.ID, "x")), 0, "Success")
	}
	// The bot's own messages are no interaction.
	clk.Add(8 * 24 * time.Hour)
	srv.Received(alice, "m1")
	srv.Seen(alice, "m1")
	wantError(t, send(t, srv, textBody(alice.ID, "x")), -230, "")
	srv.SendFile(alice, "bc.pdf", []byte("%PDF"))
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	// Off by default.
	def, dclk := setup(t)
	dclk.Add(60 * 24 * time.Hour)
	if _, err := refresh(def, def.AppID(), def.AppSecret(), def.RefreshToken()); err != nil {
		t.Fatal(err)
	}
	wantError(t, send(t, def, textBody(alice.ID, "x")), 0, "Success")
}

func TestFailNext(t *testing.T) {
	srv, _ := setup(t)
	srv.FailNext(zalotest.PathMessage, 2, http.StatusBadGateway)
	for range 2 {
		_, resp, err := post(t, srv, zalotest.PathMessage, srv.AccessToken(), "application/json", strings.NewReader(textBody(alice.ID, "x")))
		if err != nil || resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" {
			t.Fatalf("%v %v", resp, err)
		}
	}
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	// The body is nginx's HTML: a client decoding JSON fails.
	srv.FailNext(zalotest.PathAccessToken, 1, http.StatusServiceUnavailable)
	old := srv.RefreshToken()
	resp, err := http.PostForm(srv.URL()+zalotest.PathAccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var syn *json.SyntaxError
	if resp.StatusCode != 503 || !errors.As(json.Unmarshal(body, new(any)), &syn) || !strings.Contains(string(body), "503 Service Unavailable") {
		t.Errorf("503: %d %s", resp.StatusCode, body)
	}
	if srv.RefreshToken() != old {
		t.Error("a refused refresh rotated the token")
	}
	// n = 0 clears a pending fault.
	srv.FailNext(zalotest.PathMessage, 5, 500)
	srv.FailNext(zalotest.PathMessage, 0, 500)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	if srv.MessageCount(alice.ID) != 2 || srv.Requests(zalotest.PathMessage) != 4 {
		t.Errorf("%d recorded, %d requests", srv.MessageCount(alice.ID), srv.Requests(zalotest.PathMessage))
	}
}

func TestHang(t *testing.T) {
	srv, _ := setup(t)
	srv.Hang(zalotest.PathMessage, 1)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathMessage, strings.NewReader(textBody(alice.ID, "x")))
	req.Header.Set("access_token", srv.AccessToken())
	_, err := client.Do(req)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("hang: %v", err)
	}
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	if srv.MessageCount(alice.ID) != 1 {
		t.Error("a hung request was recorded")
	}
}

// TestDropAnswerNext: the message goes out, the answer is lost.
func TestDropAnswerNext(t *testing.T) {
	srv, _ := setup(t)
	srv.DropAnswerNext(zalotest.PathMessage, 1)
	_, _, err := post(t, srv, zalotest.PathMessage, srv.AccessToken(), "application/json", strings.NewReader(textBody(alice.ID, "x")))
	if err == nil {
		t.Fatal("the answer arrived")
	}
	if srv.MessageCount(alice.ID) != 1 {
		t.Error("the message was not sent")
	}
}

func TestLatency(t *testing.T) {
	srv, _ := setup(t)
	srv.SetLatency(zalotest.PathMessage, 50*time.Millisecond)
	start := time.Now()
	send(t, srv, textBody(alice.ID, "x"))
	// A lower bound only: slow machines make calls slower, never faster.
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("send took %s with 50ms latency", d)
	}
	srv.SetLatency(zalotest.PathMessage, 0)
	srv.SetLatency("*", time.Hour)
	srv.SetLatency(zalotest.PathMessage, time.Nanosecond) // its own setting wins over "*"
	send(t, srv, textBody(alice.ID, "x"))
	srv.SetLatency("*", 0)
}

// TestOutage: while the line is down every request fails at the network,
// with no HTTP status and nothing recorded; afterwards all works again.
func TestOutage(t *testing.T) {
	srv, _ := setup(t)
	srv.SetOutage(true)
	for _, path := range []string{zalotest.PathMessage, zalotest.PathAccessToken} {
		if _, _, err := post(t, srv, path, srv.AccessToken(), "application/json", strings.NewReader(textBody(alice.ID, "x"))); err == nil {
			t.Errorf("%s answered during the outage", path)
		}
	}
	if srv.Dropped() != 2 || srv.TotalMessages() != 0 || srv.Requests(zalotest.PathMessage) != 0 {
		t.Errorf("%d dropped, %d recorded", srv.Dropped(), srv.TotalMessages())
	}
	srv.SetOutage(false)
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
}

func TestClearFaults(t *testing.T) {
	srv, _ := setup(t)
	srv.QuotaNext(zalotest.QuotaDaily, 1)
	srv.SetUserError(alice, zalotest.CodeUserQuota)
	srv.FailNext(zalotest.PathMessage, 1, 500)
	srv.SetLatency("*", time.Hour)
	srv.TamperNext(zalotest.BadSignature, 1)
	srv.ClearFaults()
	wantError(t, send(t, srv, textBody(alice.ID, "x")), 0, "Success")
	if ev := waitEvent(t, srv, srv.SendText(alice, "x")); ev.Tamper != zalotest.NoTamper {
		t.Errorf("tamper survived: %+v", ev)
	}
}
