package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/scheduler"
)

// withRequests puts the stored ad-hoc requests into the calendar of the
// fixture and of s, as the process does at start and after every change
// of a request.
func (f *fixture) withRequests(tb testing.TB, s *scheduler.Scheduler) {
	tb.Helper()
	rs, err := f.db.Requests(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	f.cal = f.cal.WithRequests(rs)
	s.SetCalendar(f.cal)
}

// tickAt sets the clock and runs what a cron tick runs (the reminder
// sweep and the ladder, the digest, the uncovered-unit check), failing on
// any error, then delivers what they queued.
func (f *fixture) tickAt(tb testing.TB, s *scheduler.Scheduler, when time.Time) {
	tb.Helper()
	f.clock.Set(when)
	if err := s.RunDue(ctx, when); err != nil {
		tb.Fatalf("RunDue at %s: %v", when.Format("02/01/2006 15:04"), err)
	}
	if err := s.RunDigest(ctx, when); err != nil {
		tb.Fatalf("RunDigest at %s: %v", when.Format("02/01/2006 15:04"), err)
	}
	if err := s.RunUncovered(ctx, when); err != nil {
		tb.Fatalf("RunUncovered at %s: %v", when.Format("02/01/2006 15:04"), err)
	}
	f.deliver(tb)
}

// daily sweeps at 08:00 every day from one date to another, inclusive.
func (f *fixture) daily(tb testing.TB, s *scheduler.Scheduler, from, to string) {
	tb.Helper()
	for d := at(from + " 08:00"); !d.After(at(to + " 08:00")); d = d.AddDate(0, 0, 1) {
		f.runAt(tb, s, d)
	}
}

// addHead binds user to unit as its head.
func (f *fixture) addHead(tb testing.TB, unit string, user cchcbot.UserID) {
	tb.Helper()
	if err := f.db.ImportMembers(ctx, []cchcbot.Member{{User: user, UnitCode: unit, Name: "Thủ trưởng " + unit, Head: true}}); err != nil {
		tb.Fatal(err)
	}
}

// dated returns "mm-dd step" for each reminder of ms, as sent.
func dated(ms []message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.at.In(hcm).Format("01-02")+" "+m.step)
	}
	return out
}

// containing returns the messages of ms whose text holds s.
func containing(ms []message, s string) []message {
	var out []message
	for _, m := range ms {
		if strings.Contains(m.text, s) {
			out = append(out, m)
		}
	}
	return out
}

// wantText fails unless text holds every one of want.
func wantText(tb testing.TB, what, text string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			tb.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// hasButton reports whether m carries a button of the given action.
func hasButton(m message, action string) bool {
	for _, row := range m.buttons {
		for _, b := range row {
			if a, _, err := signer.Verify(m.to, b.Data); err == nil && a == action {
				return true
			}
		}
	}
	return false
}
