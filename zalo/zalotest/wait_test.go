package zalotest_test

import (
	"strings"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

// TestWaitMessages: the waiter wakes on the send, from another goroutine.
func TestWaitMessages(t *testing.T) {
	srv, _ := setup(t)
	go func() {
		for _, text := range []string{"một", "hai"} {
			sendFromGoroutine(srv, alice.ID, text)
		}
	}()
	msgs, err := srv.WaitMessages(alice.ID, 2, wait)
	if err != nil || len(msgs) != 2 || msgs[0].Text != "một" {
		t.Fatalf("%v %+v", err, msgs)
	}
	if _, err := srv.WaitMessages(alice.ID, 3, time.Millisecond); err == nil || !strings.Contains(err.Error(), "got 2 of 3") {
		t.Errorf("unmet wait: %v", err)
	}
}

func TestNextMessage(t *testing.T) {
	srv, _ := setup(t)
	send(t, srv, textBody(alice.ID, "một"))
	send(t, srv, textBody(alice.ID, "hai"))
	for _, want := range []string{"một", "hai"} {
		m, err := srv.NextMessage(alice.ID, wait)
		if err != nil || m.Text != want {
			t.Fatalf("NextMessage = %+v %v, want %q", m, err, want)
		}
	}
	if _, err := srv.NextMessage(alice.ID, time.Millisecond); err == nil {
		t.Error("NextMessage returned a message twice")
	}
}

func TestWaitFor(t *testing.T) {
	srv, _ := setup(t)
	// Any recorded change wakes the waiter: here a request counted.
	go sendFromGoroutine(srv, "1", "x")
	if err := srv.WaitFor(func(s *zalotest.Server) bool { return s.Requests(zalotest.PathMessage) == 1 }, wait); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if err := srv.WaitFor(func(s *zalotest.Server) bool { return s.Requests(zalotest.PathMessage) == 1 }, wait); err != nil {
		t.Errorf("a condition that holds after Close: %v", err)
	}
}

func TestWaitIdle(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	for range 20 {
		srv.SendText(alice, "x")
		srv.SendText(bob, "y")
	}
	if err := srv.WaitIdle(wait); err != nil {
		t.Fatal(err)
	}
	if st := srv.WebhookStats(); st.Delivered != 40 || st.Pending != 0 || st.Percentile(0.5) <= 0 || st.Percentile(1) != st.Latencies[39] {
		t.Errorf("stats %+v", st)
	}
	if len(srv.Events()) != 40 {
		t.Errorf("%d events", len(srv.Events()))
	}
}
