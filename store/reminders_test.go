package store_test

import (
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func reminder(unit, step string, member int64) cchcbot.Reminder {
	return cchcbot.Reminder{PeriodID: feb, UnitCode: unit, Step: step, Member: cchcbot.TelegramUser(member), PlannedAt: t0}
}

// reminderMsg is the message that delivers r.
func reminderMsg(r cchcbot.Reminder) *cchcbot.Outgoing {
	return &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: r.Member, Priority: cchcbot.PriorityBulk, Text: "Nhắc hạn " + r.Step}
}

// queueReminders queues rs with their messages and returns the messages
// and how many were queued.
func queueReminders(tb testing.TB, db *store.DB, rs ...cchcbot.Reminder) ([]*cchcbot.Outgoing, int) {
	tb.Helper()
	msgs := make([]*cchcbot.Outgoing, len(rs))
	for i, r := range rs {
		msgs[i] = reminderMsg(r)
	}
	n, err := db.QueueReminders(ctx, rs, msgs)
	if err != nil {
		tb.Fatalf("QueueReminders: %v", err)
	}
	return msgs, n
}

// finish takes messages out of the outbox with one outcome.
func finish(tb testing.TB, db *store.DB, state cchcbot.DeliveryState, at time.Time, msgs ...*cchcbot.Outgoing) {
	tb.Helper()
	ds := make([]cchcbot.Delivery, len(msgs))
	for i, m := range msgs {
		ds[i] = cchcbot.Delivery{ID: m.ID, State: state, At: at, MessageID: "m" + string(rune('0'+i)), Error: "refused: " + string(state)}
	}
	if err := db.FinishOutgoing(ctx, ds); err != nil {
		tb.Fatalf("FinishOutgoing: %v", err)
	}
}

func logRecord(tb testing.TB, db *store.DB, r cchcbot.Reminder) cchcbot.Reminder {
	tb.Helper()
	rs, err := db.RemindersFor(ctx, r.PeriodID, r.UnitCode)
	if err != nil {
		tb.Fatal(err)
	}
	for _, x := range rs {
		if x.Key() == r.Key() {
			return x
		}
	}
	tb.Fatalf("no record of %+v in %+v", r.Key(), rs)
	return cchcbot.Reminder{}
}

func TestReminderQueueFinishAck(t *testing.T) {
	db := MustOpen(t)
	r := reminder("xa-chau-loc", "before-7", 11)
	err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0)
	wantCode(t, "ack of an unknown reminder", err, cchcbot.ENOTFOUND)

	var msg *cchcbot.Outgoing
	for i, want := range []int{1, 0, 0} {
		msgs, n := queueReminders(t, db, r)
		if n != want {
			t.Fatalf("QueueReminders #%d queued %d, want %d", i+1, n, want)
		}
		if i == 0 {
			msg = msgs[0]
		} else if msgs[0].ID != 0 {
			t.Errorf("a skipped message got id %d", msgs[0].ID)
		}
	}
	if msg.ID == 0 || msg.Reminder == nil || *msg.Reminder != r.Key() || !msg.CreatedAt.Equal(t0) {
		t.Fatalf("queued message = %+v; want an id, the record's key and now", msg)
	}
	pending, err := db.PendingOutgoing(ctx, 0, 0)
	if err != nil || len(pending) != 1 || pending[0].ID != msg.ID || *pending[0].Reminder != r.Key() {
		t.Fatalf("outbox = %+v, %v; want the one message", pending, err)
	}
	if got := logRecord(t, db, r); got.State != cchcbot.ReminderSending || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("record before delivery = %+v; want sending, updated now", got)
	}

	// The member presses "Đã nhận" before the sender has recorded the
	// delivery: the outcome keeps the acknowledgement.
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.AckReminder(ctx, r.PeriodID, r.UnitCode, r.Step, r.Member, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("second ack = %v, want nil", err)
	}
	at := t0.Add(time.Second)
	if err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: msg.ID, State: cchcbot.Delivered, At: at, MessageID: "42"}}); err != nil {
		t.Fatal(err)
	}
	got := logRecord(t, db, r)
	if got.State != cchcbot.ReminderSent || got.MessageID != "42" || !got.SentAt.Equal(at) || !got.UpdatedAt.Equal(at) ||
		!got.AckedAt.Equal(t0.Add(time.Hour)) || !got.PlannedAt.Equal(t0) {
		t.Errorf("record = %+v; want sent, message 42, acked at the first press, planned time kept, updated at the delivery", got)
	}
	if c, _ := db.ReminderCounts(ctx, feb); c["xa-chau-loc"] != (cchcbot.ReminderCount{Sent: 1, Acked: 1}) {
		t.Errorf("tally = %v; want sent 1, acked 1", c)
	}
	// Finishing again (a sender retrying after a crash) changes nothing.
	if err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: msg.ID, State: cchcbot.Refused, At: at.Add(time.Minute), Error: "late"}}); err != nil {
		t.Fatal(err)
	}
	if again := logRecord(t, db, r); again != got {
		t.Errorf("a second finish changed the record: %+v, was %+v", again, got)
	}
	if n, _ := db.OutboxLen(ctx); n != 0 {
		t.Errorf("outbox holds %d after the finish", n)
	}
	if _, n := queueReminders(t, db, r); n != 0 {
		t.Error("a sent reminder was queued again")
	}
}

// TestFinishOutgoingRecordsEachOutcome: how the message left the outbox is
// what the log says, and only a delivered one counts as sent.
func TestFinishOutgoingRecordsEachOutcome(t *testing.T) {
	at := t0.Add(time.Minute)
	for _, c := range []struct {
		state     cchcbot.DeliveryState
		want      cchcbot.ReminderState
		wantError string
		wantMsg   string
		sent      int
	}{
		{cchcbot.Delivered, cchcbot.ReminderSent, "", "m0", 1},
		{cchcbot.Refused, cchcbot.ReminderFailed, "refused: refused", "", 0},
		{cchcbot.Expired, cchcbot.ReminderExpired, "", "", 0},
	} {
		t.Run(string(c.state), func(t *testing.T) {
			db := MustOpen(t)
			r := reminder("xa-dong-hop", "due", 5)
			msgs, _ := queueReminders(t, db, r)
			finish(t, db, c.state, at, msgs...)
			got := logRecord(t, db, r)
			if got.State != c.want || got.Error != c.wantError || got.MessageID != c.wantMsg || !got.UpdatedAt.Equal(at) {
				t.Errorf("record = %+v; want %s, error %q, message %q, updated at the outcome", got, c.want, c.wantError, c.wantMsg)
			}
			if cnt, _ := db.ReminderCounts(ctx, feb); cnt["xa-dong-hop"].Sent != c.sent {
				t.Errorf("tally = %v; want sent %d", cnt, c.sent)
			}
		})
	}
}

func TestQueueRemindersRefusesBadInput(t *testing.T) {
	db := MustOpen(t)
	a, b := reminder("xa-chau-loc", "due", 1), reminder("xa-chau-loc", "due", 2)
	noMember := reminder("xa-chau-loc", "due", 3)
	noMember.Member = ""
	for name, c := range map[string]struct {
		rs   []cchcbot.Reminder
		msgs []*cchcbot.Outgoing
	}{
		"fewer messages":     {[]cchcbot.Reminder{a, b}, []*cchcbot.Outgoing{reminderMsg(a)}},
		"nil message":        {[]cchcbot.Reminder{a}, []*cchcbot.Outgoing{nil}},
		"message to nobody":  {[]cchcbot.Reminder{a, b}, []*cchcbot.Outgoing{reminderMsg(a), {Kind: cchcbot.OutReminder}}},
		"message of no kind": {[]cchcbot.Reminder{a, b}, []*cchcbot.Outgoing{reminderMsg(a), {To: b.Member}}},
		"no member":          {[]cchcbot.Reminder{a, noMember}, []*cchcbot.Outgoing{reminderMsg(a), reminderMsg(a)}},
	} {
		if n, err := db.QueueReminders(ctx, c.rs, c.msgs); err == nil || n != 0 {
			t.Errorf("%s: QueueReminders = %d, %v; want an error", name, n, err)
		}
	}
	if log, _ := db.Reminders(ctx, feb); len(log) != 0 {
		t.Errorf("refused batches left records %+v", log)
	}
	if n, _ := db.OutboxLen(ctx); n != 0 {
		t.Errorf("refused batches left %d messages", n)
	}

	// The same identity twice in one batch is queued once.
	msgs, n := queueReminders(t, db, a, b, a)
	if n != 2 || msgs[0].ID == 0 || msgs[1].ID == 0 || msgs[2].ID != 0 {
		t.Errorf("batch with a duplicate queued %d (ids %d %d %d); want 2, the duplicate skipped", n, msgs[0].ID, msgs[1].ID, msgs[2].ID)
	}
}

func TestMarkRemindersInBulk(t *testing.T) {
	db := MustOpen(t)
	inFlight := reminder("xa-dong-hop", "due", 12)
	if _, n := queueReminders(t, db, inFlight); n != 1 {
		t.Fatalf("queued %d, want 1", n)
	}
	var skips []cchcbot.Reminder
	for _, step := range []string{"before-7", "before-3", "due"} {
		r := reminder("xa-dong-hop", step, 12)
		r.State = cchcbot.ReminderSkipped
		skips = append(skips, r)
	}
	if err := db.MarkReminders(ctx, skips); err != nil {
		t.Fatal(err)
	}
	if _, n := queueReminders(t, db, skips...); n != 0 {
		t.Errorf("%d skipped steps were queued again", n)
	}
	all, err := db.Reminders(ctx, feb)
	if err != nil || len(all) != 3 {
		t.Fatalf("period log = %d records, %v; want 3", len(all), err)
	}
	for _, r := range all {
		if r.State != cchcbot.ReminderSkipped {
			t.Errorf("%s state = %s, want skipped", r.Step, r.State)
		}
	}
	if other, _ := db.Reminders(ctx, "bao-cao-thang/2024-03"); len(other) != 0 {
		t.Errorf("another period's log = %+v", other)
	}

	bad := []cchcbot.Reminder{skips[0], {PeriodID: feb, UnitCode: "xa-a", Step: "due", State: cchcbot.ReminderSkipped}}
	if err := db.MarkReminders(ctx, bad); err == nil {
		t.Error("a reminder without a member was accepted")
	}
	// "sending" without a message in the outbox would never be resolved.
	sending := reminder("xa-chau-loc", "due", 13)
	sending.State = cchcbot.ReminderSending
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{sending}); err == nil {
		t.Error("MarkReminders wrote a record sending with no message")
	}
}

// TestQueuedRemindersSurviveReopen: what a crash leaves in flight is in
// the outbox of the next process, tied to its record.
func TestQueuedRemindersSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	msgs, _ := queueReminders(t, db, reminder("xa-chau-loc", "before-7", 0), reminder("xa-chau-loc", "due", 1))
	finish(t, db, cchcbot.Refused, t0, msgs[0])
	db.Close()

	db = mustOpenDir(t, dir)
	pending, err := db.PendingOutgoing(ctx, 0, 0)
	if err != nil || len(pending) != 1 || pending[0].ID != msgs[1].ID || pending[0].Reminder == nil || pending[0].Reminder.Step != "due" {
		t.Fatalf("outbox after reopen = %+v, %v; want the due step's message", pending, err)
	}
	if got := logRecord(t, db, reminder("xa-chau-loc", "due", 1)); got.State != cchcbot.ReminderSending {
		t.Errorf("in-flight record after reopen = %+v", got)
	}
	if got := logRecord(t, db, reminder("xa-chau-loc", "before-7", 0)); got.State != cchcbot.ReminderFailed || got.Error == "" {
		t.Errorf("refused record after reopen = %+v", got)
	}
}
