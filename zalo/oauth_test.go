package zalo_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// TestRefreshExpiresIn: expires_in as a string or a number sets the new
// access token's expiry; one Zalo omits, or writes oddly, is taken for
// the usual 25 hours rather than losing a pair Zalo has already rotated.
func TestRefreshExpiresIn(t *testing.T) {
	tests := []struct {
		name, expiresIn string
		want            time.Duration
	}{
		{"string", `"90000"`, 90000 * time.Second},
		{"number", `3600`, time.Hour},
		{"float", `7200.0`, 2 * time.Hour},
		{"missing", `""`, 25 * time.Hour},
		{"garbage", `"soon"`, 25 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t)
			u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
				fmt.Fprintf(w, `{"access_token":"%s9","refresh_token":"%s9","expires_in":%s}`, accessPrefix, refreshPrefx, tt.expiresIn)
				return true
			}
			u.clock.Add(25 * time.Hour)
			if err := u.watch.err(u.c.CheckTokens(ctx)); err != nil {
				t.Fatal(err)
			}
			stored, _ := u.tokens.get()
			if want := u.clock.Now().Add(tt.want); stored.Access != accessPrefix+"9" || !stored.AccessExpires.Equal(want) {
				t.Errorf("stored %s expiring %v, want %v", stored.Access, stored.AccessExpires, want)
			}
		})
	}
}

// TestRefreshTokenDeadCodes: -14014 (invalid) and -14020 (expired) both
// mean the refresh token is dead: Healthy says so, the wiring is told
// once, and Zalo is not asked again with it.
func TestRefreshTokenDeadCodes(t *testing.T) {
	for _, code := range []int{-14014, -14020} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			u := newUnit(t)
			u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
				fmt.Fprintf(w, `{"error":%d,"error_name":"Refresh token is dead","error_reason":"x","ref_doc":"y","error_description":"z"}`, code)
				return true
			}
			u.clock.Add(25 * time.Hour)
			for range 2 {
				_, err := u.send("x")
				var temp *cchcbot.TemporaryError
				if !errors.As(err, &temp) || !errors.Is(err, zalo.ErrTokenDead) {
					t.Fatalf("err = %v, want temporary ErrTokenDead", err)
				}
			}
			if !errors.Is(u.c.Healthy(), zalo.ErrTokenDead) || len(u.dead) != 1 || u.api.oauthCalls() != 1 {
				t.Errorf("Healthy = %v, OnTokenDead %d times, %d refreshes", u.c.Healthy(), len(u.dead), u.api.oauthCalls())
			}
		})
	}
}

// TestRefreshWithoutPair: an HTTP 200 without both tokens (empty, {},
// only one of them) is a failed refresh; the same refresh token answered
// so twice is dead. A proxy's HTML page is not such an answer: it stays
// a temporary failure however often it comes.
func TestRefreshWithoutPair(t *testing.T) {
	tests := []struct {
		name, body string
		dead       bool
	}{
		{"empty body", "", true},
		{"blank body", " \r\n", true},
		{"empty object", "{}", true},
		{"only an access token", `{"access_token":"` + accessPrefix + `9","expires_in":"90000"}`, true},
		{"an OAuth error string", `{"error":"invalid_grant"}`, true},
		{"HTML", "<html>captive portal</html>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t)
			u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
				fmt.Fprint(w, tt.body)
				return true
			}
			u.clock.Add(25 * time.Hour) // expired: every send tries to refresh
			_, err := u.send("x")
			var temp *cchcbot.TemporaryError
			if !errors.As(err, &temp) || errors.Is(err, zalo.ErrTokenDead) || u.c.Healthy() != nil || len(u.dead) != 0 {
				t.Fatalf("first answer: err = %v, Healthy = %v; want temporary, not dead yet", err, u.c.Healthy())
			}
			_, err = u.send("x")
			if got := errors.Is(err, zalo.ErrTokenDead); got != tt.dead || !errors.As(err, &temp) {
				t.Fatalf("second answer: err = %v, want dead %v and temporary", err, tt.dead)
			}
			if got := errors.Is(u.c.Healthy(), zalo.ErrTokenDead); got != tt.dead || len(u.dead) != map[bool]int{true: 1}[tt.dead] {
				t.Errorf("Healthy = %v, OnTokenDead %d times", u.c.Healthy(), len(u.dead))
			}
			if n := u.api.oauthCalls(); n != 2 {
				t.Errorf("%d refreshes, want 2", n)
			}
		})
	}
}

// TestRefreshWithoutPairOnce: a single answer without a pair, then a
// good one, is a glitch: nothing is reported and the pair is used.
func TestRefreshWithoutPairOnce(t *testing.T) {
	u := newUnit(t)
	var answered atomic.Bool
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
		return !answered.Swap(true) // the first: an empty 200
	}
	u.clock.Add(24*time.Hour + 30*time.Minute) // due, still valid
	if _, err := u.send("x"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u.logs.String(), "without a token pair") {
		t.Errorf("the empty answer was not logged:\n%s", u.logs.String())
	}
	u.clock.Add(2 * time.Minute)
	if _, err := u.send("y"); err != nil {
		t.Fatal(err)
	}
	if stored, _ := u.tokens.get(); stored.Access != accessPrefix+"2" || u.c.Healthy() != nil || len(u.dead) != 0 {
		t.Errorf("stored %s, Healthy %v, OnTokenDead %d", stored.Access, u.c.Healthy(), len(u.dead))
	}
}

// TestInitialRefreshWithoutPair: the admin's token answered without a
// pair is refused at once: the admin is there to get another.
func TestInitialRefreshWithoutPair(t *testing.T) {
	u := newUnit(t)
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool { return true }
	before, _ := u.tokens.get()
	err := u.watch.err(u.c.InitialRefresh(ctx, refreshPrefx+"1"))
	if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("err = %v, want EINVALID", err)
	}
	if after, puts := u.tokens.get(); puts != 0 || after != before {
		t.Error("the store changed")
	}
}
