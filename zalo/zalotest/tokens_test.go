package zalotest_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

// TestTokenRotation: a refresh token works once; the pair it returns
// replaces it; the old access token lives to its own expiry.
func TestTokenRotation(t *testing.T) {
	srv, clk := setup(t)
	oldAccess, oldRefresh := srv.AccessToken(), srv.RefreshToken()
	if r := send(t, srv, textBody(alice.ID, "x")); r.Error != 0 {
		t.Fatalf("the first access token does not work: %+v", r)
	}
	clk.Add(time.Hour) // the new pair outlives the old access token by an hour
	a, err := refresh(srv, srv.AppID(), srv.AppSecret(), oldRefresh)
	if err != nil {
		t.Fatal(err)
	}
	if a.Error != 0 || a.AccessToken == "" || a.RefreshToken == "" || a.AccessToken == oldAccess || a.RefreshToken == oldRefresh {
		t.Fatalf("refresh = %+v", a)
	}
	if s, ok := a.ExpiresIn.(string); !ok || s != "90000" {
		t.Errorf("expires_in = %#v, want the string \"90000\"", a.ExpiresIn)
	}
	if srv.AccessToken() != a.AccessToken || srv.RefreshToken() != a.RefreshToken {
		t.Error("the server does not report the newest pair")
	}
	// Single use: the old refresh token is dead.
	again, _ := refresh(srv, srv.AppID(), srv.AppSecret(), oldRefresh)
	if again.Error != -14014 || again.ErrorName != "Invalid refresh token" || again.AccessToken != "" {
		t.Errorf("reused refresh token: %+v", again)
	}
	// Both access tokens work until the old one expires.
	for _, tok := range []string{oldAccess, a.AccessToken} {
		r, _, _ := post(t, srv, zalotest.PathMessage, tok, "application/json", strings.NewReader(textBody(alice.ID, "x")))
		wantError(t, r, 0, "Success")
	}
	clk.Add(zalotest.DefaultAccessTTL - time.Hour) // the old one's expiry, exactly
	r, _, _ := post(t, srv, zalotest.PathMessage, oldAccess, "application/json", strings.NewReader(textBody(alice.ID, "x")))
	wantError(t, r, -220, "Access token has expired or been removed")
	r, _, _ = post(t, srv, zalotest.PathMessage, a.AccessToken, "application/json", strings.NewReader(textBody(alice.ID, "x")))
	wantError(t, r, 0, "Success")
	// The new refresh token still works, once.
	b, _ := refresh(srv, srv.AppID(), srv.AppSecret(), a.RefreshToken)
	if b.Error != 0 || b.RefreshToken == a.RefreshToken {
		t.Errorf("second rotation: %+v", b)
	}
	if n := srv.Requests(zalotest.PathAccessToken); n != 3 {
		t.Errorf("Requests(access_token) = %d, want 3", n)
	}
}

func TestSetAccessTTL(t *testing.T) {
	srv, clk := setup(t)
	srv.SetAccessTTL(time.Minute)
	a, _ := refresh(srv, srv.AppID(), srv.AppSecret(), srv.RefreshToken())
	if a.ExpiresIn != "60" {
		t.Fatalf("expires_in = %#v", a.ExpiresIn)
	}
	try := func() reply {
		r, _, _ := post(t, srv, zalotest.PathMessage, a.AccessToken, "application/json", strings.NewReader(textBody(alice.ID, "x")))
		return r
	}
	clk.Add(59 * time.Second)
	wantError(t, try(), 0, "Success")
	clk.Add(time.Second)
	wantError(t, try(), -220, "Access token has expired or been removed")
	// Uploads check the token the same way.
	wantError(t, upload(t, srv, a.AccessToken, "a.pdf", []byte("x")), -220, "Access token has expired or been removed")
}

// TestExpireAccessToken: a revoked or expired token is -220, one the
// server never issued -216 (docs/ZALO.md §7).
func TestExpireAccessToken(t *testing.T) {
	srv, _ := setup(t)
	srv.ExpireAccessToken(srv.AccessToken())
	r, _, _ := post(t, srv, zalotest.PathMessage, srv.AccessToken(), "application/json", strings.NewReader(textBody(alice.ID, "x")))
	wantError(t, r, zalotest.CodeExpiredAccessToken, "Access token has expired or been removed")
	r, _, _ = post(t, srv, zalotest.PathMessage, "never-issued", "application/json", strings.NewReader(textBody(alice.ID, "x")))
	wantError(t, r, zalotest.CodeInvalidAccessToken, "Access token is invalid")
}

func TestRefreshRefused(t *testing.T) {
	srv, clk := setup(t)
	srv.SetRefreshTTL(time.Hour)
	a, _ := refresh(srv, srv.AppID(), srv.AppSecret(), srv.RefreshToken()) // lives an hour
	for _, tc := range []struct {
		name                 string
		appID, secret, token string
		code                 int
		errName              string
	}{
		{"wrong secret", srv.AppID(), "guess", a.RefreshToken, -14002, "Invalid secret key"},
		{"wrong app", "1", srv.AppSecret(), a.RefreshToken, -14002, "Invalid secret key"},
		{"unknown token", srv.AppID(), srv.AppSecret(), "made-up", -14014, "Invalid refresh token"},
		{"no token", srv.AppID(), srv.AppSecret(), "", -14003, "Invalid parameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := refresh(srv, tc.appID, tc.secret, tc.token)
			if err != nil || got.Error != tc.code || got.ErrorName != tc.errName || got.ErrorReason == "" || got.ErrorDesc == "" || got.AccessToken != "" {
				t.Errorf("got %+v %v, want %d %q", got, err, tc.code, tc.errName)
			}
		})
	}
	// A refused refresh leaves the token usable; an expired one is dead,
	// with its own code.
	clk.Add(time.Hour)
	got, _ := refresh(srv, srv.AppID(), srv.AppSecret(), a.RefreshToken)
	if got.Error != -14020 || got.ErrorName != "Expired refresh token" || got.AccessToken != "" {
		t.Errorf("expired refresh token: %+v", got)
	}
	// Not a form, or not this grant: refused for what it is.
	for body, ct := range map[string]string{
		`{"app_id":"` + srv.AppID() + `"}`: "application/json",
		"app_id=" + srv.AppID() + "&grant_type=authorization_code&refresh_token=" + srv.RefreshToken(): "application/x-www-form-urlencoded",
	} {
		got, err := postForm(srv, ct, srv.AppSecret(), body)
		if err != nil || got.Error != -14003 || got.ErrorName != "Invalid parameter" {
			t.Errorf("%s %s: %+v %v", ct, body, got, err)
		}
	}
}

// TestRefreshAnswerLost: the refresh takes effect but its answer is lost;
// retrying with the old refresh token fails. This is the crash window a
// bot must survive (by keeping tokens durably before and after).
func TestRefreshAnswerLost(t *testing.T) {
	srv, _ := setup(t)
	old := srv.RefreshToken()
	srv.DropAnswerNext(zalotest.PathAccessToken, 1)
	if _, err := refresh(srv, srv.AppID(), srv.AppSecret(), old); err == nil {
		t.Fatal("the answer was not lost")
	}
	if srv.RefreshToken() == old {
		t.Error("the refresh did not take effect")
	}
	got, _ := refresh(srv, srv.AppID(), srv.AppSecret(), old)
	if got.Error != -14014 {
		t.Errorf("retry with the old token: %+v", got)
	}
}

// TestConcurrentRefresh: two refreshes with one token, one wins.
func TestConcurrentRefresh(t *testing.T) {
	srv, _ := setup(t)
	old := srv.RefreshToken()
	results := make(chan tokenAnswer, 8)
	for range 8 {
		go func() {
			a, err := refresh(srv, srv.AppID(), srv.AppSecret(), old)
			if err != nil {
				a.Error = 1 // reported below, from the test's goroutine
			}
			results <- a
		}()
	}
	wins := 0
	for range 8 {
		if a := <-results; a.Error == 0 {
			wins++
		} else if a.Error != -14014 {
			t.Errorf("loser got %+v", a)
		}
	}
	if wins != 1 {
		t.Errorf("%d refreshes won with one refresh token", wins)
	}
}

// TestEmptyReuseAnswer: with the option, a used refresh token gets an
// empty HTTP 200; unknown and expired tokens keep their codes.
func TestEmptyReuseAnswer(t *testing.T) {
	srv, clk := setup(t, zalotest.WithEmptyReuseAnswer())
	old := srv.RefreshToken()
	if a, err := refresh(srv, srv.AppID(), srv.AppSecret(), old); err != nil || a.Error != 0 {
		t.Fatalf("first use: %+v %v", a, err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathAccessToken, strings.NewReader(
		url.Values{"app_id": {srv.AppID()}, "grant_type": {"refresh_token"}, "refresh_token": {old}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", srv.AppSecret())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("reused token: HTTP %d %q, want an empty 200", resp.StatusCode, body)
	}
	if got, _ := refresh(srv, srv.AppID(), srv.AppSecret(), "made-up"); got.Error != -14014 {
		t.Errorf("unknown token: %+v", got)
	}
	srv.SetRefreshTTL(time.Minute)
	a, _ := refresh(srv, srv.AppID(), srv.AppSecret(), srv.RefreshToken())
	clk.Add(time.Minute)
	if got, _ := refresh(srv, srv.AppID(), srv.AppSecret(), a.RefreshToken); got.Error != -14020 {
		t.Errorf("expired token: %+v", got)
	}
}
