package zalo_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// TestBadAppSecret: a refused app secret is reported as such.
func TestBadAppSecret(t *testing.T) {
	u := newUnit(t, func(c *zalo.Config) { c.AppSecret = "WRONG-secret-123" })
	u.watch.secret("the wrong app secret", "WRONG-secret-123")
	u.clock.Add(25 * time.Hour)
	_, err := u.send("x")
	if !errors.Is(err, zalo.ErrAppSecret) {
		t.Errorf("err = %v", err)
	}
	if !errors.Is(u.c.Healthy(), zalo.ErrAppSecret) || len(u.dead) != 1 {
		t.Errorf("Healthy = %v, OnTokenDead %d", u.c.Healthy(), len(u.dead))
	}
}

func TestBootstrap(t *testing.T) {
	u := newUnit(t)
	u.tokens.mu.Lock()
	u.tokens.t = nil
	u.tokens.mu.Unlock()

	if _, err := u.send("x"); !errors.Is(err, zalo.ErrNoTokens) {
		t.Errorf("send without tokens: %v", err)
	}
	if used, err := u.c.Bootstrap(ctx, ""); used || !errors.Is(err, zalo.ErrNoTokens) {
		t.Errorf("Bootstrap(\"\") = %v, %v", used, err)
	}
	if !errors.Is(u.c.Healthy(), zalo.ErrNoTokens) {
		t.Errorf("Healthy = %v", u.c.Healthy())
	}
	if used, err := u.c.Bootstrap(ctx, refreshPrefx+"1"); !used || err != nil {
		t.Fatalf("Bootstrap = %v, %v", used, u.watch.err(err))
	}
	if stored, _ := u.tokens.get(); stored.Access != accessPrefix+"2" {
		t.Errorf("stored %s", stored.Access)
	}
	// The variable's token is used up now: later starts ignore it.
	if used, err := u.c.Bootstrap(ctx, refreshPrefx+"1"); used || err != nil {
		t.Errorf("second Bootstrap = %v, %v", used, err)
	}
	if n := u.api.trail.count("refresh "); n != 1 {
		t.Errorf("%d refreshes", n)
	}
	if u.c.Healthy() != nil {
		t.Errorf("Healthy = %v", u.c.Healthy())
	}
}

func TestInitialRefreshRefused(t *testing.T) {
	u := newUnit(t)
	before, _ := u.tokens.get()
	err := u.c.InitialRefresh(ctx, "REFRESHTOKEN-typo")
	u.watch.secret("the mistyped refresh token", "REFRESHTOKEN-typo")
	u.watch.err(err)
	if cchcbot.ErrorCode(err) != cchcbot.EINVALID || !strings.Contains(cchcbot.ErrorMessage(err), "developers.zalo.me") {
		t.Errorf("err = %v", err)
	}
	if after, puts := u.tokens.get(); puts != 0 || after != before {
		t.Error("a refused token changed the store")
	}
	if err := u.c.InitialRefresh(ctx, ""); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("empty: %v", err)
	}
}

// TestSecretsEchoedByZalo: an error text that repeats a secret (a proxy
// or Zalo echoing the request) is cleaned before it reaches a log or an
// error.
func TestSecretsEchoedByZalo(t *testing.T) {
	u := newUnit(t)
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
		r.ParseForm()
		fmt.Fprintf(w, `{"error":-14099,"error_description":"bad request refresh_token=%s secret=%s app=%s"}`,
			r.PostForm.Get("refresh_token"), r.Header.Get("secret_key"), testOAKey)
		return true
	}
	u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		answer(w, -999, "token "+r.Header.Get("access_token")+" is odd")
		return true
	}
	_, err := u.send("x")
	if err == nil || !strings.Contains(err.Error(), "<redacted>") {
		t.Errorf("err = %v, want the echoed token redacted", err)
	}
	u.clock.Add(25 * time.Hour)
	_, err = u.send("y")
	if err == nil || !strings.Contains(err.Error(), "<redacted>") {
		t.Errorf("err = %v, want the echoed secrets redacted", err)
	}
	if !strings.Contains(u.logs.String(), "redacted") {
		t.Errorf("the refresh failure was not logged:\n%s", u.logs.String())
	}
}

// TestCheckTokens: the periodic check refreshes a due token without any
// message to send, so a quiet week cannot let the pair lapse.
func TestCheckTokens(t *testing.T) {
	u := newUnit(t)
	if err := u.c.CheckTokens(ctx); err != nil {
		t.Fatal(err)
	}
	if n := u.api.oauthCalls(); n != 0 {
		t.Fatalf("a fresh token was refreshed")
	}
	u.clock.Add(24*time.Hour + 30*time.Minute)
	if err := u.c.CheckTokens(ctx); err != nil {
		t.Fatal(u.watch.err(err))
	}
	if stored, _ := u.tokens.get(); stored.Access != accessPrefix+"2" || len(u.api.sent()) != 0 {
		t.Errorf("stored %s, sent %d", stored.Access, len(u.api.sent()))
	}
	if !strings.Contains(u.logs.String(), "Zalo access token refreshed") {
		t.Errorf("the refresh was not logged: the secrets check would read nothing")
	}
}
