package telegramtest

import (
	"testing"
	"time"
)

// TestBucketMath checks refill and retry_after on a fixed clock.
func TestBucketMath(t *testing.T) {
	s := NewServer("1:x")
	defer s.Close()
	s.EnforceRateLimits(30, 1) // global burst 10, per chat 1
	t0 := time.Now()
	for i := range 10 {
		if w := s.limits.allow(int64(i), t0); w != 0 {
			t.Fatalf("message %d of the burst refused (%d s)", i, w)
		}
	}
	if w := s.limits.allow(100, t0); w != 1 {
		t.Errorf("11th at once: retry_after %d, want 1", w)
	}
	// 100 ms later 3 tokens have come back.
	t1 := t0.Add(100 * time.Millisecond)
	for i := range 3 {
		if w := s.limits.allow(int64(200+i), t1); w != 0 {
			t.Errorf("refilled message %d refused", i)
		}
	}
	if w := s.limits.allow(300, t1); w == 0 {
		t.Error("a fourth refill token appeared")
	}
	// Per chat: 1 per second, burst 1.
	if w := s.limits.allow(0, t0.Add(500*time.Millisecond)); w != 1 {
		t.Errorf("same chat after 0.5 s: retry_after %d, want 1", w)
	}
	if w := s.limits.allow(0, t0.Add(1100*time.Millisecond)); w != 0 {
		t.Errorf("same chat after 1.1 s refused (%d s)", w)
	}
	s.SetRateLimits(RateLimits{PerChatPerSecond: 0.25})
	s.limits.allow(7, t0)
	if w := s.limits.allow(7, t0.Add(time.Second)); w != 3 {
		t.Errorf("retry_after = %d, want 3 (1 token at 0.25/s, 1 s elapsed)", w)
	}
}

// TestPrune keeps per-chat state bounded in a huge fan-out.
func TestPrune(t *testing.T) {
	s := NewServer("1:x")
	defer s.Close()
	s.EnforceRateLimits(1e9, 1)
	t0 := time.Now()
	for i := range 1<<16 + 1 {
		s.limits.allow(int64(i), t0)
	}
	// The map doubles before it is pruned again, so that pruning stays
	// amortised O(1); by then the first chats' buckets have refilled.
	t1 := t0.Add(2 * time.Second)
	for i := range 1 << 16 {
		s.limits.allow(int64(1<<20+i), t1)
	}
	if _, kept := s.limits.chats[0]; kept || len(s.limits.chats) > 1<<17 {
		t.Errorf("%d chat buckets, the refilled ones kept: %v", len(s.limits.chats), kept)
	}
	if w := s.limits.allow(0, t1); w != 0 {
		t.Errorf("a forgotten chat was refused: %d", w)
	}
}
