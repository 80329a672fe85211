package zalo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// count returns how many trail lines start with prefix.
func (t *trail) count(prefix string) int {
	n := 0
	for _, l := range t.all() {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// TestRefreshCommittedBeforeUse: an access token near its expiry is
// replaced, and the store commits the new pair before the API sees the
// new access token.
func TestRefreshCommittedBeforeUse(t *testing.T) {
	u := newUnit(t)
	if _, err := u.send("trước"); err != nil {
		t.Fatal(err)
	}
	if n := u.api.trail.count("refresh "); n != 0 {
		t.Fatalf("a fresh token was refreshed %d times", n)
	}
	u.clock.Add(24*time.Hour + 30*time.Minute) // 30 minutes left
	if _, err := u.send("sau"); err != nil {
		t.Fatal(err)
	}
	put, use := u.api.trail.index("put "+accessPrefix+"2"), u.api.trail.index("use "+accessPrefix+"2")
	if put < 0 || use < 0 || put > use {
		t.Fatalf("trail %q: want the new pair put before its first use", u.api.trail.all())
	}
	stored, _ := u.tokens.get()
	if stored.Access != accessPrefix+"2" || stored.Refresh != refreshPrefx+"2" {
		t.Errorf("stored %s/%s", stored.Access, stored.Refresh)
	}
	if want := u.clock.Now().Add(90000 * time.Second); !stored.AccessExpires.Equal(want) {
		t.Errorf("AccessExpires = %v, want %v", stored.AccessExpires, want)
	}
	if err := u.c.Healthy(); err != nil {
		t.Errorf("Healthy = %v", err)
	}
}

// TestRefreshOnInvalidToken: Zalo revoking an access token early (-216)
// makes the client refresh and try once more.
func TestRefreshOnInvalidToken(t *testing.T) {
	u := newUnit(t)
	u.api.mu.Lock()
	delete(u.api.access, accessPrefix+"1")
	u.api.mu.Unlock()
	if _, err := u.send("x"); err != nil {
		t.Fatal(err)
	}
	if got := u.api.trail.all(); len(got) != 4 || got[0] != "use "+accessPrefix+"1" || got[1] != "refresh "+refreshPrefx+"1" ||
		got[2] != "put "+accessPrefix+"2" || got[3] != "use "+accessPrefix+"2" {
		t.Errorf("trail = %q", got)
	}
	// A token refused right after a refresh is not refreshed again.
	u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		answer(w, -216, "Access token is invalid")
		return true
	}
	_, err := u.send("y")
	var temp *cchcbot.TemporaryError
	if !errors.As(err, &temp) {
		t.Errorf("err = %v, want temporary", err)
	}
	if n := u.api.trail.count("refresh "); n != 2 {
		t.Errorf("refreshed %d times in all, want 2", n)
	}
}

// TestRefreshOnExpiredToken: -220 (expired or removed) is handled as
// -216: refresh, try once more.
func TestRefreshOnExpiredToken(t *testing.T) {
	u := newUnit(t)
	u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			answer(w, -220, "Access token has expired")
			return true
		}
		return false
	}
	if _, err := u.send("x"); err != nil {
		t.Fatal(err)
	}
	if got := u.api.trail.all(); len(got) != 4 || got[1] != "refresh "+refreshPrefx+"1" || got[3] != "use "+accessPrefix+"2" {
		t.Errorf("trail = %q", got)
	}
	u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		answer(w, -220, "Access token has expired")
		return true
	}
	_, err := u.send("y")
	var temp *cchcbot.TemporaryError
	if !errors.As(err, &temp) || u.api.trail.count("refresh ") != 2 {
		t.Errorf("err = %v after %d refreshes, want temporary after 2", err, u.api.trail.count("refresh "))
	}
}

// TestOneRefresherAtATime: callers that find the token due at once wait
// for one refresh; none makes its own (which would burn the refresh
// token the first one got).
func TestOneRefresherAtATime(t *testing.T) {
	u := newUnit(t)
	u.clock.Add(25 * time.Hour) // expired
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := u.send("đồng thời"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := u.api.trail.count("refresh "); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	if n := u.api.trail.count("use " + accessPrefix + "2"); n != 20 {
		t.Errorf("%d sends with the new token, want 20", n)
	}
}

// TestRestartUsesStoredPair: a new client on the same store (a restart)
// sends with the pair the previous one committed, without a refresh.
func TestRestartUsesStoredPair(t *testing.T) {
	u := newUnit(t)
	u.clock.Add(25 * time.Hour)
	if _, err := u.send("trước khi khởi động lại"); err != nil {
		t.Fatal(err)
	}
	c2, err := zalo.New(zalo.Config{AppID: testAppID, APIBase: u.api.srv.URL, OAuthBase: u.api.srv.URL,
		AppSecret: testSecret, OASecretKey: testOAKey, Logger: u.logs.logger(), Clock: u.clock}, u.tokens)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(testUser), Text: "sau"}); err != nil {
		t.Fatal(u.watch.err(err))
	}
	if n := u.api.trail.count("refresh "); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	if got := u.api.trail.all(); got[len(got)-1] != "use "+accessPrefix+"2" {
		t.Errorf("trail = %q", got)
	}
}

// TestReusedRefreshTokenIsDead: a refresh token Zalo refuses (here one
// already used, as after restoring an old backup) makes the client
// unhealthy, tells the wiring once, logs what to do once, and keeps
// messages temporary so the outbox holds them.
func TestReusedRefreshTokenIsDead(t *testing.T) {
	u := newUnit(t)
	old, _ := u.tokens.get()
	u.clock.Add(25 * time.Hour)
	if _, err := u.send("x"); err != nil {
		t.Fatal(err)
	}
	u.tokens.set(old) // the backup's pair: its refresh token is used up
	u.clock.Add(25 * time.Hour)
	for range 3 {
		_, err := u.send("y")
		var temp *cchcbot.TemporaryError
		if !errors.As(err, &temp) || !errors.Is(err, zalo.ErrTokenDead) {
			t.Fatalf("err = %v, want temporary ErrTokenDead", err)
		}
	}
	if err := u.c.Healthy(); !errors.Is(err, zalo.ErrTokenDead) || !strings.Contains(cchcbot.ErrorMessage(err), "cchcbot zalo-auth") {
		t.Errorf("Healthy = %v", err)
	}
	if len(u.dead) != 1 {
		t.Errorf("OnTokenDead called %d times, want once", len(u.dead))
	}
	if n := strings.Count(u.logs.String(), "zalo-auth"); n != 1 {
		t.Errorf("the log says what to do %d times, want once:\n%s", n, u.logs.String())
	}
	// The dead token is not sent to Zalo again and again: only a new
	// token in the store revives the client.
	if n := u.api.oauthCalls(); n != 2 {
		t.Errorf("%d OAuth requests, want 2 (one refresh, one refusal)", n)
	}

	// An admin installs a new refresh token: the client is healthy again.
	fresh := u.api.issue(25 * time.Hour)
	if err := u.c.InitialRefresh(ctx, fresh.Refresh); err != nil {
		t.Fatal(u.watch.err(err))
	}
	if err := u.c.Healthy(); err != nil {
		t.Errorf("Healthy after zalo-auth = %v", err)
	}
	if _, err := u.send("z"); err != nil {
		t.Fatal(err)
	}
}

// TestDeadRefreshWhileAccessValid: a refresh refused an hour before the
// access token expires keeps the current token working, yet Healthy
// reports the problem at once.
func TestDeadRefreshWhileAccessValid(t *testing.T) {
	u := newUnit(t)
	u.api.mu.Lock()
	u.api.refresh[refreshPrefx+"1"] = false // revoked
	u.api.mu.Unlock()
	u.clock.Add(24*time.Hour + 30*time.Minute)
	if _, err := u.send("x"); err != nil {
		t.Fatalf("send with 30 minutes of token left: %v", err)
	}
	if !errors.Is(u.c.Healthy(), zalo.ErrTokenDead) {
		t.Errorf("Healthy = %v", u.c.Healthy())
	}
	if len(u.dead) != 1 {
		t.Errorf("OnTokenDead called %d times", len(u.dead))
	}
}

// TestCommitFailureKeepsPairUnused: when the store cannot commit a new
// pair, its access token is not used; the pair is committed before
// anything else on the next call, without refreshing again.
func TestCommitFailureKeepsPairUnused(t *testing.T) {
	u := newUnit(t)
	fail := true
	var mu sync.Mutex
	u.tokens.PutFn = func(cchcbot.ChannelTokens) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("disk full")
		}
		return nil
	}
	u.clock.Add(25 * time.Hour)
	_, err := u.send("x")
	var temp *cchcbot.TemporaryError
	if !errors.As(err, &temp) {
		t.Fatalf("err = %v, want temporary", err)
	}
	if u.api.trail.count("use "+accessPrefix+"2") != 0 {
		t.Fatalf("the unsaved token was used: %q", u.api.trail.all())
	}
	if u.c.Healthy() == nil {
		t.Error("Healthy = nil with an unsaved pair")
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	if _, err := u.send("y"); err != nil {
		t.Fatal(err)
	}
	if n := u.api.trail.count("refresh "); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	if put, use := u.api.trail.index("put "+accessPrefix+"2"), u.api.trail.index("use "+accessPrefix+"2"); put < 0 || put > use {
		t.Errorf("trail = %q", u.api.trail.all())
	}
	if u.c.Healthy() != nil {
		t.Errorf("Healthy = %v", u.c.Healthy())
	}
}

// TestRefreshOutlivesCaller: a caller giving up during a refresh does not
// lose the pair Zalo answers with.
func TestRefreshOutlivesCaller(t *testing.T) {
	u := newUnit(t)
	cctx, cancel := context.WithCancel(ctx)
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
		cancel() // the caller gives up while Zalo works
		return false
	}
	u.clock.Add(25 * time.Hour)
	_, err := u.c.Send(cctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(testUser), Text: "x"})
	u.watch.err(err)
	if stored, puts := u.tokens.get(); puts != 1 || stored.Access != accessPrefix+"2" {
		t.Fatalf("store has %s after %d puts (err %v)", stored.Access, puts, err)
	}
}

// TestTemporaryRefreshFailure: Zalo's OAuth endpoint down while the
// token still has time: sends go on with it, and the refresh is tried
// again a minute later, not on every send.
func TestTemporaryRefreshFailure(t *testing.T) {
	u := newUnit(t)
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "<html>502</html>", http.StatusBadGateway)
		return true
	}
	u.clock.Add(24*time.Hour + 30*time.Minute)
	for range 3 {
		if _, err := u.send("x"); err != nil {
			t.Fatal(err)
		}
	}
	if n := u.api.oauthCalls(); n != 1 {
		t.Errorf("%d refresh attempts within a minute, want 1", n)
	}
	if u.c.Healthy() != nil {
		t.Errorf("Healthy = %v", u.c.Healthy())
	}
	u.clock.Add(2 * time.Minute)
	if _, err := u.send("x"); err != nil {
		t.Fatal(err)
	}
	if n := u.api.oauthCalls(); n != 2 {
		t.Errorf("%d refresh attempts after two minutes, want 2", n)
	}
	u.clock.Add(time.Hour) // expired now
	_, err := u.send("y")
	var temp *cchcbot.TemporaryError
	if !errors.As(err, &temp) {
		t.Errorf("err = %v, want temporary", err)
	}
}

// TestSendsDoNotWaitForAHangingRefresh: while one caller waits for a
// slow OAuth endpoint, others send with the token that still works.
func TestSendsDoNotWaitForAHangingRefresh(t *testing.T) {
	u := newUnit(t)
	inOAuth, release := make(chan struct{}), make(chan struct{})
	u.api.OAuthAnswer = func(w http.ResponseWriter, r *http.Request) bool {
		close(inOAuth)
		<-release
		return false
	}
	u.clock.Add(24*time.Hour + 30*time.Minute)
	refreshed := make(chan error)
	go func() {
		_, err := u.send("refreshes")
		refreshed <- err
	}()
	<-inOAuth
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := u.c.Send(bctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(testUser), Text: "does not wait"})
	close(release)
	if err != nil {
		t.Errorf("a send waited for the refresh: %v", u.watch.err(err))
	}
	if err := <-refreshed; err != nil {
		t.Fatal(err)
	}
	if u.api.trail.count("use "+accessPrefix+"1") != 1 {
		t.Errorf("trail = %q", u.api.trail.all())
	}
}
