package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/outbox"
	"cchcbot/store"
)

// openStore opens a real store in dir, closed at the end of the test
// unless the test closes it first.
func openStore(t *testing.T, dir string, clk cchcbot.Clock) *store.DB {
	t.Helper()
	db, err := store.Open(dir, store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queue(t *testing.T, db *store.DB, msgs ...*cchcbot.Outgoing) {
	t.Helper()
	if err := db.Queue(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

func outboxLen(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.OutboxLen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStoreDelivers: messages queued in a real store, a stored report file
// among them, are delivered and leave the outbox.
func TestStoreDelivers(t *testing.T) {
	clk := &clock{t: start}
	db := openStore(t, t.TempDir(), clk)
	sum, size, err := db.PutFile(context.Background(), strings.NewReader("PK report"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ch := &channel{}
	s := newSender(t, db, ch, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, Clock: clk})
	queue(t, db, msg(1, "hello"),
		&cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: user(2), Text: "report",
			Document: &cchcbot.OutFile{SHA256: sum, Name: "r.xlsx", Size: size}})
	drain(t, s)
	calls := map[cchcbot.UserID]call{}
	for _, c := range ch.delivered() {
		calls[c.to] = c
	}
	if calls[user(1)].text != "hello" || calls[user(2)].body != "PK report" || calls[user(2)].doc.Size != size {
		t.Errorf("delivered %+v", calls)
	}
	if n := outboxLen(t, db); n != 0 || ch.total() != 2 {
		t.Errorf("%d messages left in the outbox after %d attempts, want 0 after 2", n, ch.total())
	}
}

// TestStoreRestart: the process stops with messages undelivered; a new one
// on the reopened store delivers them, and not the one already delivered.
func TestStoreRestart(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: start}
	db := openStore(t, dir, clk)
	first := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.text != "a" {
			return &cchcbot.TemporaryError{Err: errors.New("dial tcp: i/o timeout")}
		}
		return nil
	}}
	s1 := newSender(t, db, first, fast())
	queue(t, db, msg(1, "a"), msg(2, "b"), msg(3, "c"))
	waitFor(t, "a recorded, b and c tried", func() bool {
		return outboxLen(t, db) == 2 && first.attempts("b") > 0 && first.attempts("c") > 0
	})
	s1.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openStore(t, dir, clk)
	second := &channel{}
	drain(t, newSender(t, db, second, fast()))
	if got := slices.Sorted(slices.Values(second.texts())); !slices.Equal(got, []string{"b", "c"}) { // two chats: any order
		t.Errorf("after the restart sent %v, want [b c]", got)
	}
	if n := outboxLen(t, db); n != 0 {
		t.Errorf("%d messages left", n)
	}
}

// TestStoreReminderOutcomes: the commit that takes a reminder's message
// out of the outbox records in the log how it went: sent with the
// network's id, failed with the reason, or expired.
func TestStoreReminderOutcomes(t *testing.T) {
	clk := &clock{t: start}
	db := openStore(t, t.TempDir(), clk)
	ch := &channel{Fn: func(_ context.Context, c call, _ int) error {
		if c.to == user(2) {
			return cchcbot.Errorf(cchcbot.EUNREACHABLE, "Người nhận đã chặn bot.")
		}
		return nil
	}}
	unreachable := make(chan cchcbot.UserID, 3)
	opts := fast()
	opts.Clock = clk
	opts.OnUnreachable = func(_ context.Context, to cchcbot.UserID, _ error) { unreachable <- to }
	s := newSender(t, db, ch, opts)

	const period = "monthly-2024-03"
	var rs []cchcbot.Reminder
	var msgs []*cchcbot.Outgoing
	for i, step := range []string{"due", "overdue-1", "overdue-2"} {
		rs = append(rs, cchcbot.Reminder{PeriodID: period, UnitCode: "P01", Step: step, Member: user(i + 1), PlannedAt: start})
		m := msg(i+1, step)
		if step == "overdue-2" {
			m.ExpiresAt = start // its time has passed when it is loaded
		}
		msgs = append(msgs, m)
	}
	if n, err := db.QueueReminders(context.Background(), rs, msgs); err != nil || n != 3 {
		t.Fatalf("QueueReminders: %d, %v", n, err)
	}
	drain(t, s)
	got, err := db.Reminders(context.Background(), period)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]cchcbot.ReminderState{"due": cchcbot.ReminderSent, "overdue-1": cchcbot.ReminderFailed, "overdue-2": cchcbot.ReminderExpired}
	for _, r := range got {
		if r.State != want[r.Step] {
			t.Errorf("%s: %s, want %s", r.Step, r.State, want[r.Step])
		}
		switch r.State {
		case cchcbot.ReminderSent:
			if r.MessageID != "due" || !r.SentAt.Equal(start) {
				t.Errorf("sent reminder: message %q at %v", r.MessageID, r.SentAt)
			}
		case cchcbot.ReminderFailed:
			if r.Error != "Người nhận đã chặn bot." {
				t.Errorf("failed reminder: error %q", r.Error)
			}
		}
	}
	if len(got) != 3 || ch.attempts("overdue-2") != 0 || outboxLen(t, db) != 0 {
		t.Errorf("%d records, %d attempts of the expired one, %d left in the outbox", len(got), ch.attempts("overdue-2"), outboxLen(t, db))
	}
	s.Close()
	if len(unreachable) != 1 || <-unreachable != user(2) {
		t.Error("OnUnreachable not told once of the member who blocked the bot")
	}
}

// TestStoreCloseBeforeDB: Close commits the last outcomes, so closing the
// store right after it loses nothing and a new Sender resends nothing.
func TestStoreCloseBeforeDB(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: start}
	db := openStore(t, dir, clk)
	ch := &channel{}
	s := outbox.New(context.Background(), db, ch, fast())
	queue(t, db, msg(1, "a"), msg(2, "b"))
	waitFor(t, "both sent", func() bool { return s.Stats().Sent == 2 })
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openStore(t, dir, clk)
	again := &channel{}
	drain(t, newSender(t, db, again, fast()))
	if ch.total() != 2 || again.total() != 0 {
		t.Errorf("%d attempts, then %d after reopening: want 2 and 0", ch.total(), again.total())
	}
}

// TestStoreWaitIdleSeesQueue: a test of another package queues through the
// store and calls WaitIdle at once; the message is delivered by then.
func TestStoreWaitIdleSeesQueue(t *testing.T) {
	db := openStore(t, t.TempDir(), &clock{t: start})
	ch := &channel{}
	s := newSender(t, db, ch, fast())
	for i := range 5 {
		queue(t, db, msg(i, "m"))
		drain(t, s)
		if n := ch.total(); n != i+1 {
			t.Fatalf("after message %d and WaitIdle: %d sent", i+1, n)
		}
	}
}

// TestOneSenderPerNetwork: two Senders on one store, one a network, each
// delivers its own network's messages and only those, and one network's
// outage holds up nothing of the other's.
func TestOneSenderPerNetwork(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tg := &channel{Fn: func(context.Context, call, int) error {
		return &cchcbot.TemporaryError{Err: errors.New("Telegram unreachable")}
	}}
	zl := &channel{}
	newSender(t, db, tg, with(fast(), func(o *outbox.Options) { o.Network = cchcbot.ChannelTelegram }))
	zls := newSender(t, db, zl, with(fast(), func(o *outbox.Options) { o.Network = cchcbot.ChannelZalo }))
	for i := range 3 {
		err := db.Queue(context.Background(),
			&cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: cchcbot.TelegramUser(int64(i + 1)), Text: fmt.Sprint("tg ", i)},
			&cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: cchcbot.ZaloUser(fmt.Sprint(840 + i)), Text: fmt.Sprint("zalo ", i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	drain(t, zls)
	if got := len(zl.delivered()); got != 3 {
		t.Errorf("Zalo delivered %d of 3 while Telegram was down", got)
	}
	for _, c := range zl.all() {
		if c.to.Channel() != cchcbot.ChannelZalo {
			t.Errorf("the Zalo sender sent to %s", c.to)
		}
	}
	for _, c := range tg.all() {
		if c.to.Channel() != cchcbot.ChannelTelegram {
			t.Errorf("the Telegram sender sent to %s", c.to)
		}
	}
	if n, _ := db.OutboxLen(context.Background()); n != 3 {
		t.Errorf("%d messages left, want Telegram's 3", n)
	}

}

func with(o outbox.Options, f func(*outbox.Options)) outbox.Options { f(&o); return o }
