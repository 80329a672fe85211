package zalo_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/zalo"
	"cchcbot/zalo/zalotest"
)

var (
	_ zalo.TokenStore = (*store.DB)(nil)
	_ zalo.Acceptor   = (*store.DB)(nil)
)

// TestE2ERealStore: the client on a real bbolt store: the rotated pair
// survives closing and reopening the store, and the webhook's events are
// accepted once.
func TestE2ERealStore(t *testing.T) {
	clk := newClock(vn("2024-03-04 09:00"))
	srv := zalotest.New(t, zalotest.WithClock(clk.Now))
	srv.AddFollower(chair)
	dir := t.TempDir()
	logs := &logBuffer{}
	watch := newSecretWatch(t, logs)
	watch.secret("the app secret", srv.AppSecret())
	watch.secret("the OA secret key", srv.OASecretKey())
	open := func() (*store.DB, *zalo.Client) {
		t.Helper()
		db, err := store.Open(dir, store.Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		c, err := zalo.New(zalo.Config{AppID: srv.AppID(), OAID: srv.OAID(), APIBase: srv.URL(), OAuthBase: srv.URL(),
			AppSecret: srv.AppSecret(), OASecretKey: srv.OASecretKey(), Logger: logs.logger(), Clock: clk}, db)
		if err != nil {
			t.Fatal(err)
		}
		return db, c
	}
	send := func(c *zalo.Client) {
		t.Helper()
		if _, err := c.Send(ctx, cchcbot.OutMessage{To: cchcbot.ZaloUser(chair.ID), Text: "x"}); err != nil {
			t.Fatal(watch.err(err))
		}
	}

	db, c := open()
	watch.secret("the first refresh token", srv.RefreshToken())
	if used, err := c.Bootstrap(ctx, srv.RefreshToken()); !used || err != nil {
		t.Fatalf("Bootstrap = %v, %v", used, watch.err(err))
	}
	watch.secret("the bootstrap access token", srv.AccessToken())
	watch.secret("the bootstrap refresh token", srv.RefreshToken())
	clk.Add(24*time.Hour + 10*time.Minute)
	send(c)
	refreshes := srv.Requests(zalotest.PathAccessToken)
	watch.secret("the access token", srv.AccessToken())
	watch.secret("the refresh token", srv.RefreshToken())

	d := newDispatched()
	hook := httptest.NewServer(c.Webhook(db, d))
	srv.Webhook(hook.URL)
	id := srv.SendText(chair, "/trangthai")
	if _, err := srv.WaitEvent(id, wait); err != nil {
		t.Fatal(err)
	}
	replay, _ := srv.Replay(id)
	if ev, err := srv.WaitEvent(replay, wait); err != nil || !ev.Delivered {
		t.Fatalf("replay: %+v, %v", ev.Attempts, err)
	}
	if evs := d.wait(t, 1); len(evs) != 1 || evs[0].Key != "zalo:"+id || evs[0].Seq == 0 {
		t.Errorf("dispatched %+v", evs)
	}
	pending, err := db.PendingIncoming(ctx)
	if err != nil || len(pending) != 1 || pending[0].In.Text != "/trangthai" {
		t.Errorf("the store's inbox: %+v, %v", pending, err)
	}
	hook.Close()
	srv.Webhook("")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A restart: the stored pair works without a refresh.
	db, c = open()
	defer db.Close()
	send(c)
	if n := srv.Requests(zalotest.PathAccessToken); n != refreshes {
		t.Errorf("the restarted client refreshed %d times", n-refreshes)
	}
	if stored, err := db.Tokens(ctx, cchcbot.ChannelZalo); err != nil || stored.Access != srv.AccessToken() {
		t.Errorf("stored tokens: %v", err)
	}
}
