package zalotest_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

// TestWebhookSignature checks the signature against the contract,
// computed here independently of the server.
func TestWebhookSignature(t *testing.T) {
	srv, clk := setup(t)
	rc := newReceiver(t, srv, nil)
	id := srv.SendText(alice, "Tôi muốn nộp báo cáo <tháng 3> & quý I")
	ev := waitEvent(t, srv, id)
	posts := rc.received()
	if !ev.Delivered || len(ev.Attempts) != 1 || ev.Attempts[0].Status != 200 || len(posts) != 1 {
		t.Fatalf("event %+v, %d posts", ev, len(posts))
	}
	p := posts[0]
	ts := timestampOf(t, p.body)
	if ts != strconv.FormatInt(clk.Now().UnixMilli(), 10) || ts != ev.Timestamp {
		t.Errorf("timestamp %q, clock %d", ts, clk.Now().UnixMilli())
	}
	want := "mac=" + mac(srv.AppID(), p.body, ts, srv.OASecretKey())
	if p.signature != want || ev.Signature != want || !bytes.Equal(p.body, ev.Body) {
		t.Errorf("signature %q, want %q", p.signature, want)
	}
	// Zalo sends "<" and "&" raw; a receiver must verify the raw bytes.
	if !bytes.Contains(p.body, []byte("<tháng 3> & quý I")) {
		t.Errorf("body %s", p.body)
	}
	if ev.Attempts[0].Latency <= 0 || ev.Attempts[0].Err != "" || !ev.Attempts[0].OK() {
		t.Errorf("attempt %+v", ev.Attempts[0])
	}
}

// TestTamper: each flaw, checked against the contract's signature.
func TestTamper(t *testing.T) {
	for _, tc := range []struct {
		tamper zalotest.Tamper
		check  func(t *testing.T, p received, good, ts string, now time.Time)
	}{
		{zalotest.BadSignature, func(t *testing.T, p received, good, _ string, _ time.Time) {
			if !strings.HasPrefix(p.signature, "mac=") || len(p.signature) != 68 || p.signature == "mac="+good {
				t.Errorf("bad signature %q", p.signature)
			}
		}},
		{zalotest.StaleTimestamp, func(t *testing.T, p received, good, ts string, now time.Time) {
			if p.signature != "mac="+good || ts != strconv.FormatInt(now.Add(-zalotest.StaleAge).UnixMilli(), 10) {
				t.Errorf("stale: %q at %s", p.signature, ts)
			}
		}},
		{zalotest.NoMACPrefix, func(t *testing.T, p received, good, _ string, _ time.Time) {
			if p.signature != good {
				t.Errorf("no prefix: %q", p.signature)
			}
		}},
		{zalotest.NoSignature, func(t *testing.T, p received, _, _ string, _ time.Time) {
			if p.hasHeader {
				t.Errorf("header sent: %q", p.signature)
			}
		}},
	} {
		srv, clk := setup(t)
		rc := newReceiver(t, srv, nil)
		srv.TamperNext(tc.tamper, 1)
		ev := waitEvent(t, srv, srv.SendText(alice, "x"))
		next := waitEvent(t, srv, srv.SendText(alice, "y"))
		posts := rc.received()
		if len(posts) != 2 || ev.Tamper != tc.tamper || next.Tamper != zalotest.NoTamper {
			t.Fatalf("tamper %d: %d posts, %+v", tc.tamper, len(posts), ev)
		}
		ts := timestampOf(t, posts[0].body)
		tc.check(t, posts[0], mac(srv.AppID(), posts[0].body, ts, srv.OASecretKey()), ts, clk.Now())
		ts1 := timestampOf(t, posts[1].body)
		if posts[1].signature != "mac="+mac(srv.AppID(), posts[1].body, ts1, srv.OASecretKey()) {
			t.Errorf("tamper %d leaked into the next event", tc.tamper)
		}
	}
}

// TestReplay: the same bytes and signature again, as Zalo's retries.
func TestReplay(t *testing.T) {
	srv, clk := setup(t)
	rc := newReceiver(t, srv, nil)
	id := srv.SendText(alice, "/nop")
	waitEvent(t, srv, id)
	clk.Add(time.Minute) // a replay keeps its original timestamp
	rid, err := srv.Replay(id)
	if err != nil {
		t.Fatal(err)
	}
	rev := waitEvent(t, srv, rid)
	posts := rc.received()
	if len(posts) != 2 || !bytes.Equal(posts[0].body, posts[1].body) || posts[0].signature != posts[1].signature {
		t.Fatalf("replay differs: %d posts", len(posts))
	}
	if rev.ReplayOf != id || rid != id+"/replay-1" || !rev.Delivered {
		t.Errorf("replay event %+v", rev)
	}
	if _, err := srv.Replay("nope"); err == nil {
		t.Error("replayed an unknown event")
	}
}

// TestRetry: a failure (not 200, or no answer within the timeout) is
// posted again after the backoff, up to the tries.
func TestRetry(t *testing.T) {
	// The timeout is short to keep the test fast, long enough that a loaded
	// machine still answers the third post in time.
	srv, _ := setup(t, zalotest.WithWebhookTimeout(500*time.Millisecond), zalotest.WithWebhookRetry(3, time.Millisecond))
	newReceiver(t, srv, func(n int, r *http.Request, _ []byte) int {
		switch n {
		case 0:
			return http.StatusInternalServerError
		case 1:
			<-r.Context().Done() // answers too late: Zalo has given up
			return http.StatusOK
		}
		return http.StatusOK
	})
	ev := waitEvent(t, srv, srv.SendText(alice, "x"))
	a := ev.Attempts
	if !ev.Delivered || len(a) != 3 || a[0].Status != 500 || a[0].OK() || a[0].TimedOut ||
		!a[1].TimedOut || a[1].Status != 0 || a[1].OK() || !a[2].OK() {
		t.Fatalf("attempts %+v", a)
	}
	if a[1].Latency < 500*time.Millisecond {
		t.Errorf("timed out after %s, before the timeout", a[1].Latency)
	}
	st := srv.WebhookStats()
	if st.Events != 1 || st.Delivered != 1 || st.Attempts != 3 || st.Retries != 2 || st.TimedOut != 1 || len(st.Latencies) != 2 || st.Pending != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestRetryGivesUp(t *testing.T) {
	srv, _ := setup(t, zalotest.WithWebhookRetry(2, time.Millisecond))
	rc := newReceiver(t, srv, func(int, *http.Request, []byte) int { return http.StatusNoContent }) // only 200 counts
	ev := waitEvent(t, srv, srv.SendText(alice, "x"))
	if ev.Delivered || len(ev.Attempts) != 2 || ev.Attempts[1].Err != "HTTP 204" || len(rc.received()) != 2 {
		t.Errorf("event %+v", ev)
	}
	if st := srv.WebhookStats(); st.Lost != 1 || st.Delivered != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestNoWebhook: without a webhook Zalo drops events.
func TestNoWebhook(t *testing.T) {
	srv, _ := setup(t)
	ev := waitEvent(t, srv, srv.SendText(alice, "x"))
	if ev.Delivered || len(ev.Attempts) != 0 {
		t.Errorf("event %+v", ev)
	}
}

// TestUserOrder: one user's events arrive in order, and a slow answer
// to one user's event does not hold up another user's.
func TestUserOrder(t *testing.T) {
	srv, _ := setup(t, zalotest.WithWebhookTimeout(time.Minute), zalotest.WithWebhookRetry(1, 0))
	release := make(chan struct{})
	rc := newReceiver(t, srv, func(_ int, r *http.Request, body []byte) int {
		if bytes.Contains(body, []byte(bob.ID)) {
			select { // bob's post waits until alice's ten are in
			case <-release:
			case <-r.Context().Done():
			}
		}
		return http.StatusOK
	})
	bobID := srv.SendText(bob, "chậm")
	var ids []string
	for i := range 10 {
		ids = append(ids, srv.SendText(alice, strconv.Itoa(i)))
	}
	last := ids[len(ids)-1]
	err := srv.WaitFor(func(s *zalotest.Server) bool { ev, _ := s.Event(last); return ev.Done }, wait)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if ev := waitEvent(t, srv, bobID); !ev.Delivered {
		t.Errorf("bob's event %+v", ev)
	}
	var got []string
	for _, p := range rc.received() {
		if bytes.Contains(p.body, []byte(alice.ID)) {
			got = append(got, string(p.body))
		}
	}
	if len(got) != len(ids) {
		t.Fatalf("%d of alice's events arrived", len(got))
	}
	for i, id := range ids {
		if !strings.Contains(got[i], id) {
			t.Fatalf("alice's events out of order at %d", i)
		}
	}
}

func TestEchoEvents(t *testing.T) {
	srv, _ := setup(t, zalotest.WithEchoEvents())
	rc := newReceiver(t, srv, nil)
	r := send(t, srv, textBody(alice.ID, "Xin chào"))
	ev := waitEvent(t, srv, r.Data["message_id"]+"/echo")
	if ev.Name != "oa_send_text" || len(rc.received()) != 1 {
		t.Fatalf("echo %+v", ev)
	}
	wantJSON(t, ev.Body, map[string]any{
		"app_id": srv.AppID(), "user_id_by_app": srv.UserIDByApp(alice), "event_name": "oa_send_text", "timestamp": ev.Timestamp,
		"sender": map[string]any{"id": srv.OAID()}, "recipient": map[string]any{"id": alice.ID},
		"message": map[string]any{"msg_id": r.Data["message_id"], "text": "Xin chào"},
	})
}

// TestWebhookOutage: during an outage no post reaches the bot; an event
// whose tries all fall in it is lost.
func TestWebhookOutage(t *testing.T) {
	srv, _ := setup(t, zalotest.WithWebhookRetry(2, time.Millisecond))
	var hits atomic.Int32
	newReceiver(t, srv, func(int, *http.Request, []byte) int { hits.Add(1); return http.StatusOK })
	srv.SetOutage(true)
	ev := waitEvent(t, srv, srv.SendText(alice, "x"))
	if ev.Delivered || len(ev.Attempts) != 2 || ev.Attempts[0].Status != 0 || hits.Load() != 0 {
		t.Errorf("event %+v, %d hits", ev, hits.Load())
	}
	srv.SetOutage(false)
	if ev := waitEvent(t, srv, srv.SendText(alice, "y")); !ev.Delivered {
		t.Errorf("after the outage: %+v", ev)
	}
}

// TestCloseEndsDeliveries: Close ends a hanging post and pending retries.
func TestCloseEndsDeliveries(t *testing.T) {
	srv := zalotest.NewServer(zalotest.WithWebhookRetry(5, time.Hour))
	inFlight := make(chan struct{})
	newReceiver(t, srv, func(_ int, r *http.Request, _ []byte) int {
		close(inFlight)
		<-r.Context().Done()
		return 200
	})
	id := srv.SendText(alice, "x")
	<-inFlight
	srv.Close()
	ev, ok := srv.Event(id)
	if !ok || !ev.Done || ev.Delivered || len(ev.Attempts) != 1 {
		t.Errorf("after Close: %+v", ev)
	}
	late, _ := srv.Event(srv.SendText(alice, "late"))
	if !late.Done || len(late.Attempts) != 0 {
		t.Errorf("event after Close: %+v", late)
	}
	if err := srv.WaitFor(func(*zalotest.Server) bool { return false }, wait); err != zalotest.ErrClosed {
		t.Errorf("WaitFor after Close = %v", err)
	}
}
