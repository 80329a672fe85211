package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// TestRestartMidDelivery: the outbox's sender "dies" after K of 40
// reminders of a step, with the K+1th on the wire, then a new process
// starts on the reopened store: its sweep queues nothing again, and the
// outbox delivers the rest. Every member gets the step exactly once,
// except the one whose message was on the wire, who may get it twice.
func TestRestartMidDelivery(t *testing.T) {
	const n, k = 40, 17
	for _, tc := range []struct {
		name  string
		crash func(f *fixture) error
	}{
		// The store goes away: the delivery on the wire is never recorded.
		{"store closed", func(f *fixture) error { f.db.Close(); return nil }},
		// A shutdown: the send returns the cancelled context's error.
		{"context cancelled", func(*fixture) error { return context.Canceled }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, n)
			f.monthlyFromMarch() // one fan-out: March's before-7
			f.clock.Set(at("2024-03-05 08:00"))
			if err := f.scheduler().RunDue(ctx, f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			if got := f.queued(t); got != n {
				t.Fatalf("%d reminders queued, want %d", got, n)
			}
			f.ch.after = func(sent int) error {
				if sent == k+1 {
					return tc.crash(f)
				}
				return nil
			}
			if err := f.tryDeliver(); err == nil {
				t.Fatal("the crash did not stop the delivery")
			}
			if got := len(f.ch.all()); got != k+1 {
				t.Fatalf("%d messages before the crash, want %d", got, k+1)
			}
			inFlight := f.ch.all()[k].to

			f.ch.after = nil
			f.reopen(t)
			f.clock.Set(at("2024-03-05 08:20"))
			s := f.scheduler()
			if err := s.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			f.deliver(t)
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
			if got := f.queued(t); got != 0 {
				t.Errorf("%d messages left in the outbox", got)
			}
		})
	}
}

// TestQueuedReminderSuperseded: a reminder still in the outbox when its
// unit submits (a long fan-out, an outage) is no longer worth sending.
func TestQueuedReminderSuperseded(t *testing.T) {
	f := newFixture(t, 2)
	f.monthlyFromMarch()
	s := f.scheduler()
	f.clock.Set(at("2024-03-05 08:00"))
	if err := s.RunDue(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	pending, err := f.db.PendingOutgoing(ctx, 0, 0)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending = %d, %v", len(pending), err)
	}
	for _, o := range pending {
		if drop, err := s.Superseded(ctx, &o); err != nil || drop {
			t.Fatalf("Superseded before any submission = %v, %v", drop, err)
		}
	}
	f.submit(t, 0, march, at("2024-03-05 09:00"))
	for _, o := range pending {
		drop, err := s.Superseded(ctx, &o)
		if err != nil {
			t.Fatal(err)
		}
		if want := o.To == member(0); drop != want {
			t.Errorf("Superseded(reminder to %s) = %v, want %v", o.To, drop, want)
		}
	}
	digest := &cchcbot.Outgoing{Kind: cchcbot.OutDigest, To: admin, Text: "x"}
	if drop, err := s.Superseded(ctx, digest); err != nil || drop {
		t.Errorf("a digest is never superseded: %v, %v", drop, err)
	}
}

// TestQueuedReminderWaitsOutQuietHours: a reminder queued before the night
// and not yet delivered (the bot was down) is held until quiet hours end;
// a reply to a person is not.
func TestQueuedReminderWaitsOutQuietHours(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	rem := &cchcbot.Outgoing{Kind: cchcbot.OutReminder, Priority: cchcbot.PriorityBulk}
	reply := &cchcbot.Outgoing{Kind: cchcbot.OutReply, Priority: cchcbot.PriorityInteractive}
	for _, tc := range []struct {
		now, want string
	}{
		{"2024-03-05 20:59", ""},
		{"2024-03-05 23:00", "2024-03-06 07:00"},
		{"2024-03-06 06:59", "2024-03-06 07:00"},
		{"2024-03-06 07:00", ""},
	} {
		got := s.NotBefore(rem, at(tc.now))
		if tc.want == "" && !got.IsZero() || tc.want != "" && !got.Equal(at(tc.want)) {
			t.Errorf("NotBefore(reminder, %s) = %v, want %q", tc.now, got, tc.want)
		}
		if got := s.NotBefore(reply, at(tc.now)); !got.IsZero() {
			t.Errorf("a reply is held until %v", got)
		}
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
		f.deliver(t)
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
	f.deliver(t)
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

// TestStartStop: Start runs the start-up sweep in the background, Stop
// waits for it and for cron, and a reminder time cron cannot take is an
// error Start returns at once.
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
	f.deliver(t)
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

// TestDigestNamesQuotaRefusals: a unit whose reminder a network refused
// for its quota is named so in the admins' digest.
func TestDigestNamesQuotaRefusals(t *testing.T) {
	f := newFixture(t, 3)
	if err := f.db.MarkQuotaRefused(ctx, march, unitCode(1), cchcbot.ChannelZalo, at("2024-03-12 08:00")); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at("2024-03-13 07:30"))
	if err := f.scheduler().RunDigest(ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.deliver(t)
	msgs := f.ch.to(admin, "")
	if len(msgs) == 0 || !strings.Contains(msgs[0].text, "Đơn vị 001 (không nhắc được qua Zalo: hết hạn mức)") {
		t.Errorf("digest:\n%v", msgs)
	}
}
