package store_test

import (
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func reply(to cchcbot.UserID, text string) *cchcbot.Outgoing {
	return &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: to, Priority: cchcbot.PriorityInteractive, Text: text}
}

// signalled reports whether a commit has queued messages since the test
// last asked (or opened the store), and starts listening anew.
func signalled(db *store.DB) bool {
	ch, _ := watches.Load(db)
	select {
	case <-ch.(<-chan struct{}):
		watches.Store(db, db.Queued())
		return true
	default:
		return false
	}
}

func outboxIDs(tb testing.TB, db *store.DB, after uint64, limit int) []uint64 {
	tb.Helper()
	ms, err := db.PendingOutgoing(ctx, after, limit)
	if err != nil {
		tb.Fatal(err)
	}
	ids := []uint64{}
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestQueue(t *testing.T) {
	db := MustOpen(t)
	if signalled(db) {
		t.Fatal("Queued signalled before anything was queued")
	}
	later := t0.Add(-time.Hour)
	a, b := reply("telegram:1", "Xin chào"), reply("telegram:2", "Đã nhận")
	b.CreatedAt = later
	b.Buttons = [][]cchcbot.Button{{{Text: "Xem", Data: "x"}}}
	b.Document = &cchcbot.OutFile{SHA256: "ab", Name: "bao-cao.pdf"}
	if err := db.Queue(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID != a.ID+1 || !a.CreatedAt.Equal(t0) || !b.CreatedAt.Equal(later) {
		t.Fatalf("queued = %+v, %+v; want consecutive ids, CreatedAt now unless given", a, b)
	}
	if !signalled(db) {
		t.Error("Queued not signalled after Queue")
	}
	c := reply("telegram:3", "Lần ba")
	if err := db.Queue(ctx, c); err != nil {
		t.Fatal(err)
	}
	d := reply("telegram:3", "Lần bốn")
	if err := db.Queue(ctx, d); err != nil {
		t.Fatal(err)
	}
	if !signalled(db) || signalled(db) {
		t.Error("two commits did not leave exactly one signal")
	}

	got, err := db.PendingOutgoing(ctx, 0, 0)
	if err != nil || len(got) != 4 {
		t.Fatalf("outbox = %+v, %v; want 4", got, err)
	}
	if got[1].Text != "Đã nhận" || got[1].Buttons[0][0].Data != "x" || got[1].Document.Name != "bao-cao.pdf" || got[1].Kind != cchcbot.OutReply {
		t.Errorf("stored message = %+v; want it as queued", got[1])
	}
	for _, c := range []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{0, 2, []uint64{a.ID, b.ID}},
		{b.ID, 0, []uint64{c.ID, d.ID}},
		{b.ID, 1, []uint64{c.ID}},
		{d.ID, 0, []uint64{}},
		{^uint64(0), 0, []uint64{}},
	} {
		if ids := outboxIDs(t, db, c.after, c.limit); !equalIDs(ids, c.want) {
			t.Errorf("PendingOutgoing(after %d, limit %d) = %v, want %v", c.after, c.limit, ids, c.want)
		}
	}
	if n, err := db.OutboxLen(ctx); err != nil || n != 4 {
		t.Errorf("OutboxLen = %d, %v; want 4", n, err)
	}

	// IDs keep growing after messages leave: a sender paging on by the
	// last id never misses one.
	finish(t, db, cchcbot.Delivered, t0, a, b, c, d)
	e := reply("telegram:1", "Sau")
	if err := db.Queue(ctx, e); err != nil || e.ID <= d.ID {
		t.Errorf("id after the outbox emptied = %d, %v; want above %d", e.ID, err, d.ID)
	}
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestQueueRefusesUndeliverable(t *testing.T) {
	db := MustOpen(t)
	good := reply("telegram:1", "ok")
	for name, bad := range map[string]*cchcbot.Outgoing{
		"nil":          nil,
		"no recipient": {Kind: cchcbot.OutReply, Text: "x"},
		"no kind":      {To: "telegram:1", Text: "x"},
	} {
		if err := db.Queue(ctx, good, bad); err == nil {
			t.Errorf("%s: queued", name)
		}
	}
	if n, _ := db.OutboxLen(ctx); n != 0 || good.ID != 0 {
		t.Errorf("refused batches left %d messages, id %d; want none", n, good.ID)
	}
	if signalled(db) {
		t.Error("Queued signalled for a refused batch")
	}
	if err := db.Queue(ctx); err != nil {
		t.Errorf("Queue of nothing = %v", err)
	}
}

func TestFinishOutgoing(t *testing.T) {
	db := MustOpen(t)
	a, b := reply("telegram:1", "a"), reply("telegram:2", "b")
	if err := db.Queue(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: a.ID, State: "lost"}})
	if err == nil {
		t.Error("an unknown delivery state was accepted")
	}
	// One commit for a known, an unknown and a repeated id.
	if err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: a.ID, State: cchcbot.Delivered, At: t0}, {ID: 999, State: cchcbot.Refused}, {ID: a.ID, State: cchcbot.Delivered}}); err != nil {
		t.Fatal(err)
	}
	if ids := outboxIDs(t, db, 0, 0); !equalIDs(ids, []uint64{b.ID}) {
		t.Errorf("outbox = %v, want [%d]", ids, b.ID)
	}
	seq := lastAuditSeq(t, db)
	if err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: a.ID, State: cchcbot.Delivered}}); err != nil {
		t.Errorf("finishing a finished message = %v, want nil", err)
	}
	if err := db.FinishOutgoing(ctx, nil); err != nil {
		t.Errorf("finishing nothing = %v", err)
	}
	if lastAuditSeq(t, db) != seq {
		t.Error("FinishOutgoing wrote to the audit log")
	}
}

// TestFinishOutgoingOfNothingDoesNotCommit: a commit costs two fsyncs, and
// a sender finishing what is already gone must not pay them.
func TestFinishOutgoingOfNothingDoesNotCommit(t *testing.T) {
	db := MustOpen(t)
	a := reply("telegram:1", "a")
	if err := db.Queue(ctx, a); err != nil {
		t.Fatal(err)
	}
	finish(t, db, cchcbot.Delivered, t0, a)
	writes := db.PageWrites()
	finish(t, db, cchcbot.Delivered, t0, a)
	if err := db.FinishOutgoing(ctx, []cchcbot.Delivery{{ID: 77, State: cchcbot.Expired}}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishIncoming(ctx, []uint64{5}); err != nil {
		t.Fatal(err)
	}
	if got := db.PageWrites(); got != writes {
		t.Errorf("finishing what is gone wrote %d pages", got-writes)
	}
}

// TestQueueOnce: QueueOnce (added to state.go by the scheduler's side)
// queues a digest once per key, and a refused batch remembers nothing.
func TestQueueOnce(t *testing.T) {
	db := MustOpen(t)
	digest := func() *cchcbot.Outgoing {
		return &cchcbot.Outgoing{Kind: cchcbot.OutDigest, To: "telegram:900", Text: "Tổng hợp ngày 10/02/2024"}
	}
	if _, err := db.QueueOnce(ctx, "digest/2024-02-10", digest(), &cchcbot.Outgoing{Kind: cchcbot.OutDigest}); err == nil {
		t.Error("a digest to nobody was queued")
	}
	for i, want := range []bool{true, false} {
		m := digest()
		if fresh, err := db.QueueOnce(ctx, "digest/2024-02-10", m); err != nil || fresh != want || (m.ID != 0) != want {
			t.Errorf("QueueOnce #%d = %v, %v, id %d; want %v", i+1, fresh, err, m.ID, want)
		}
	}
	if n, _ := db.OutboxLen(ctx); n != 1 {
		t.Errorf("outbox holds %d, want the one digest", n)
	}
}
