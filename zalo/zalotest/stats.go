package zalotest

import (
	"slices"
	"time"
)

// WebhookStats sums up the webhook deliveries so far, for tests and
// benchmarks.
type WebhookStats struct {
	Events    int // events made, replays included
	Delivered int // answered 200 in time at some try
	Lost      int // done without a 200: tries ran out, no webhook, or closed
	Pending   int // still being posted or waiting for a retry
	Attempts  int // posts made, retries included
	Retries   int // posts beyond each event's first
	TimedOut  int // posts that got no full answer in time
	// Latencies are those of every post that got a full answer, whatever
	// its status, sorted.
	Latencies []time.Duration
}

// WebhookStats returns the delivery figures as they stand now.
func (s *Server) WebhookStats() WebhookStats {
	var st WebhookStats
	s.mu.Lock()
	st.Events = len(s.events)
	for _, ev := range s.events {
		switch {
		case ev.Delivered:
			st.Delivered++
		case ev.Done:
			st.Lost++
		default:
			st.Pending++
		}
		st.Attempts += len(ev.Attempts)
		st.Retries += max(len(ev.Attempts)-1, 0)
		for _, a := range ev.Attempts {
			if a.TimedOut {
				st.TimedOut++
			}
			if a.Status != 0 && !a.TimedOut {
				st.Latencies = append(st.Latencies, a.Latency)
			}
		}
	}
	s.mu.Unlock()
	slices.Sort(st.Latencies) // outside the lock: it can be long
	return st
}

// Percentile returns the latency below which the fraction p (0 to 1) of
// answered posts fall, e.g. 0.99; 0 without answers.
func (st WebhookStats) Percentile(p float64) time.Duration {
	if len(st.Latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(st.Latencies)-1) + 0.5)
	return st.Latencies[min(max(i, 0), len(st.Latencies)-1)]
}

// PendingEvents returns how many events are still being posted or waiting
// for a retry, without the cost of WebhookStats: cheap enough for WaitFor
// conditions in big benchmarks.
func (s *Server) PendingEvents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}
