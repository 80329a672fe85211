package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// TestRestartMidFanOut: the process "dies" after K of 40 sends of a step,
// with the K+1th message on the wire, then a new scheduler starts on the
// reopened store. Every member gets the step, exactly once, except the one
// whose message was in flight, who may get it twice.
func TestRestartMidFanOut(t *testing.T) {
	const n, k = 40, 17
	for _, tc := range []struct {
		name  string
		crash func(f *fixture, cancel context.CancelFunc) error
	}{
		// The store goes away under the sweep: the outcome of the message
		// on the wire is never recorded.
		{"store closed", func(f *fixture, _ context.CancelFunc) error {
			f.db.Close()
			return nil
		}},
		// A shutdown: the send returns the cancelled context's error.
		{"context cancelled", func(_ *fixture, cancel context.CancelFunc) error {
			cancel()
			return context.Canceled
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, n)
			f.monthlyFromMarch() // one fan-out: March's before-7
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			f.ch.after = func(sent int) error {
				if sent == k+1 {
					return tc.crash(f, cancel)
				}
				return nil
			}
			f.clock.Set(at("2024-03-05 08:00"))
			if err := f.scheduler().RunDue(runCtx, f.clock.Now()); err == nil {
				t.Fatal("the crash did not stop the sweep")
			}
			if got := len(f.ch.all()); got != k+1 {
				t.Fatalf("%d messages before the crash, want %d", got, k+1)
			}
			inFlight := f.ch.all()[k].to

			f.ch.after = nil
			f.reopen(t)
			f.clock.Set(at("2024-03-05 08:20"))
			s := f.scheduler()
			if err := s.Start(ctx); err != nil { // recovers, then sweeps
				t.Fatal(err)
			}
			if err := s.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				want := 1
				if member(i) == inFlight {
					want = 2 // at-least-once for the message in doubt
				}
				if got := steps(f.ch.to(member(i), march)); len(got) != want || got[0] != "before-7" {
					t.Errorf("member %d got %v, want before-7 ×%d", i, got, want)
				}
				if st := f.logStates(t, march, i); st["before-7"] != cchcbot.ReminderSent || len(st) != 1 {
					t.Errorf("log of unit %d = %v", i, st)
				}
			}
			if p, err := f.db.PendingReminders(ctx); err != nil || len(p) != 0 {
				t.Errorf("left in flight after recovery: %v, %v", p, err)
			}
		})
	}
}

// TestRecoverySkipsWhatNoLongerMatters: a message left in flight for a
// unit that has submitted since is not resent.
func TestRecoverySkipsWhatNoLongerMatters(t *testing.T) {
	f := newFixture(t, 2)
	f.monthlyFromMarch()
	f.ch.after = func(sent int) error {
		if sent == 1 {
			f.db.Close()
		}
		return nil
	}
	f.clock.Set(at("2024-03-05 08:00"))
	if err := f.scheduler().RunDue(ctx, f.clock.Now()); err == nil {
		t.Fatal("the crash did not stop the sweep")
	}
	inFlight := f.ch.all()[0].to
	f.ch.after = nil
	f.reopen(t)
	unit := 0
	if inFlight == member(1) {
		unit = 1
	}
	f.submit(t, unit, march, at("2024-03-05 09:00"))
	f.runAt(t, f.scheduler(), at("2024-03-05 09:10"))
	if got := len(f.ch.to(inFlight, march)); got != 1 {
		t.Errorf("the unit that submitted got %d reminders, want the first only", got)
	}
	if st := f.logStates(t, march, unit); st["before-7"] != cchcbot.ReminderSkipped {
		t.Errorf("log = %v, want the in-flight reminder closed as skipped", st)
	}
}

// TestRecoveryWaitsForQuietHoursToEnd: a crash's in-flight message is not
// resent in the night.
func TestRecoveryWaitsForQuietHoursToEnd(t *testing.T) {
	f := newFixture(t, 1)
	f.monthlyFromMarch()
	f.ch.after = func(int) error { f.db.Close(); return nil }
	f.clock.Set(at("2024-03-05 20:59"))
	f.scheduler().RunDue(ctx, f.clock.Now())
	f.ch.after = nil
	f.reopen(t)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 23:00"))
	if got := len(f.ch.all()); got != 1 {
		t.Fatalf("%d messages, want none resent in quiet hours", got)
	}
	f.runAt(t, s, at("2024-03-06 07:00"))
	if got := len(f.ch.all()); got != 2 {
		t.Errorf("%d messages, want the in-flight one resent after quiet hours", got)
	}
}

// TestDigestAndSummaryOnce: the digest goes to each admin once a working
// day and the summary once a period, and neither is repeated by restarts.
func TestDigestAndSummaryOnce(t *testing.T) {
	f := newFixture(t, 3)
	f.submit(t, 1, march, at("2024-03-13 07:10")) // a day late
	f.submit(t, 2, march, at("2024-03-11 15:00")) // on time
	digest := func(when string) {
		t.Helper()
		f.reopen(t) // a restart before each
		f.clock.Set(at(when))
		if err := f.scheduler().RunDigest(ctx, at(when)); err != nil {
			t.Fatal(err)
		}
	}
	digest("2024-03-13 07:00") // before digest time
	if n := len(f.ch.to(admin, "")); n != 0 {
		t.Fatalf("%d messages before digest time", n)
	}
	digest("2024-03-13 07:30") // digest, and the summary of March (due 12/03)
	digest("2024-03-13 12:00")
	msgs := f.ch.to(admin, "")
	if len(msgs) != 2 {
		t.Fatalf("admin got %d messages, want a digest and a summary", len(msgs))
	}
	all := msgs[0].text + "\n" + msgs[1].text
	for _, want := range []string{
		"TỔNG HỢP HẰNG NGÀY – Thứ Tư, 13/03/2024",
		"Báo cáo CCHC tháng 03/2024 (hạn 12/03/2024, đã quá hạn 1 ngày)",
		"Đã nộp 2/3 (đúng hạn 1, trễ hạn 1); chưa nộp 1; bị trả lại 0; không liên lạc được 0.",
		"Phòng, ban chuyên môn:\n   – Đơn vị 000",
		"KẾT QUẢ THỰC HIỆN: Báo cáo CCHC tháng 03/2024 (hạn 12/03/2024)",
		"Đơn vị nộp đúng hạn: Đơn vị 002.",
		"Đơn vị nộp trễ: Đơn vị 001 (trễ 1 ngày).",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("digest and summary lack %q:\n%s", want, all)
		}
	}
	digest("2024-03-16 08:00") // Saturday: no digest
	if n := len(f.ch.to(admin, "")); n != 2 {
		t.Errorf("%d messages after a Saturday, want still 2", n)
	}
	digest("2024-03-18 07:30") // Monday: the day's digest, no second summary
	msgs = f.ch.to(admin, "")
	if len(msgs) != 3 || !strings.Contains(msgs[2].text, "TỔNG HỢP HẰNG NGÀY – Thứ Hai, 18/03/2024") {
		t.Errorf("got %d messages; the last:\n%s", len(msgs), msgs[len(msgs)-1].text)
	}
}

func TestDigestListsNewReports(t *testing.T) {
	f := newFixture(t, 3)
	f.submit(t, 2, march, at("2024-03-07 16:20"))
	s := f.scheduler()
	s.NewInDigest = true
	f.clock.Set(at("2024-03-08 07:30"))
	if err := s.RunDigest(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := f.ch.to(admin, "")
	if len(msgs) != 1 || !strings.Contains(msgs[0].text, "Báo cáo mới nhận trong 24 giờ qua:\n   – Đơn vị 002: phiên bản 1 lúc 16:20 07/03/2024, biên nhận CCHC-2024-") {
		t.Fatalf("digest = %+v", msgs)
	}
}

// TestReloadResendsNothing: a config change (SIGHUP, or a restart with a
// new config) recomputes the plan; what was sent stays sent, and a step the
// new plan moves into the past is not sent again.
func TestReloadResendsNothing(t *testing.T) {
	f := newFixture(t, 5)
	s := f.scheduler()
	f.runAt(t, s, at("2024-03-05 08:00"))
	if n := len(f.ch.all()); n != 5 {
		t.Fatalf("%d reminders, want 5", n)
	}
	// Staff declare 05/03 a holiday and reload: before-7 moves back to
	// Monday 04/03, already past, and must not go out again.
	changed := f.cal.Clone()
	changed.Work.Holidays = map[cchcbot.Date]string{cchcbot.D(2024, 3, 5): "nghỉ đột xuất"}
	for d, name := range f.cal.Work.Holidays {
		changed.Work.Holidays[d] = name
	}
	s.SetCalendar(changed)
	f.runAt(t, s, at("2024-03-05 08:30"))
	f.runAt(t, s, at("2024-03-06 08:00"))
	f.reopen(t)
	s2 := f.scheduler() // and a restart with the new calendar
	s2.SetCalendar(changed)
	f.runAt(t, s2, at("2024-03-06 09:00"))
	if n := len(f.ch.all()); n != 5 {
		t.Errorf("%d reminders after the reload, want still 5", n)
	}
	f.runAt(t, s2, at("2024-03-08 08:00")) // before-3 goes out as planned
	if n := len(f.ch.to(member(0), march)); n != 2 {
		t.Errorf("%d March reminders after before-3, want 2", n)
	}
}

// TestStartStop: Start runs the start-up sweep before returning, Stop
// waits for cron, and a reminder time cron cannot take is an error.
func TestStartStop(t *testing.T) {
	f := newFixture(t, 2)
	f.clock.Set(at("2024-03-05 08:00"))
	s := f.scheduler()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.ch.to(member(0), march)); n != 1 {
		t.Errorf("%d March reminders after the start-up sweep, want 1", n)
	}
	bad := f.cal.Clone()
	bad.Reminders.DigestTime = cchcbot.TimeOfDay{Hour: 25}
	s2 := f.scheduler()
	s2.SetCalendar(bad)
	if err := s2.Start(ctx); err == nil || !strings.Contains(err.Error(), "cron spec") {
		t.Errorf("Start with digest time 25:00: err = %v", err)
	}
	// A scheduler stopped before it starts stays stopped.
	s3 := f.scheduler()
	if err := s3.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(f.ch.all())
	if err := s3.Start(ctx); err != nil || len(f.ch.all()) != before {
		t.Errorf("a stopped scheduler started: %v", err)
	}
}
