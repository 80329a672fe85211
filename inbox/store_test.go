package inbox_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/inbox"
	"cchcbot/store"
)

func openStore(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func accept(t *testing.T, db *store.DB, ins ...cchcbot.Incoming) []cchcbot.Inbound {
	t.Helper()
	var evs []cchcbot.Inbound
	for _, in := range ins {
		evs = append(evs, cchcbot.Inbound{Key: fmt.Sprintf("test:%d", in.ID), In: &in})
	}
	out, err := db.AcceptIncoming(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWithStoreAcrossRestart runs the dispatcher on a bbolt file: events
// are finished in the file; one cut short by the shutdown survives a
// reopen and comes back whole, before newer ones.
func TestWithStoreAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	db := openStore(t, dir)
	at := time.Date(2024, 2, 6, 9, 30, 0, 0, time.UTC)
	doc := cchcbot.Incoming{ID: 3, User: cchcbot.TelegramUser(1), Name: "Lê Văn Lộc", Username: "loc", At: at, Text: "Báo cáo tháng 2",
		Files: []cchcbot.IncomingFile{{ChannelFileID: "F1", Name: "bao-cao.pdf", MIME: "application/pdf", Size: 1234}}}
	press := cchcbot.Incoming{ID: 4, User: cchcbot.TelegramUser(2), At: at,
		Callback: &cchcbot.CallbackPress{ID: "cb", Data: "ak|p|sig", Message: cchcbot.MessageRef{To: cchcbot.TelegramUser(2), ID: "77"}}}
	cut := make(chan struct{})
	rec := newRecorder(t)
	rec.hook = func(ctx context.Context, in cchcbot.Incoming) error {
		if in.ID == 3 {
			close(cut)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
	d := inbox.New(db, rec, fast(nil))
	stop := run(t, d)
	d.Add(accept(t, db, cchcbot.Incoming{ID: 1, User: cchcbot.TelegramUser(1), Text: "/trangthai"},
		cchcbot.Incoming{ID: 2, User: cchcbot.TelegramUser(2), Text: "/huongdan"}, doc, press)...)
	<-cut
	waitUntil(t, "user 2's events finished", func() bool {
		evs, err := db.PendingIncoming(context.Background())
		return err == nil && len(evs) == 1
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openStore(t, dir)
	defer db.Close()
	var mu sync.Mutex
	var got []cchcbot.Incoming
	d2 := inbox.New(db, inbox.HandlerFunc(func(ctx context.Context, in cchcbot.Incoming) error {
		mu.Lock()
		got = append(got, in)
		mu.Unlock()
		return nil
	}), fast(nil))
	d2.Add(accept(t, db, cchcbot.Incoming{ID: 5, User: cchcbot.TelegramUser(1), Text: "/huy"})...)
	stop2 := run(t, d2)
	waitIdle(t, d2)
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[1].Text != "/huy" {
		t.Fatalf("after the restart handled %+v, want the document then /huy", got)
	}
	if !got[0].At.Equal(doc.At) {
		t.Errorf("At = %v, want %v", got[0].At, doc.At)
	}
	got[0].At = doc.At
	if !reflect.DeepEqual(got[0], doc) {
		t.Errorf("the event came back as %+v\nwant %+v", got[0], doc)
	}
	if evs, err := db.PendingIncoming(context.Background()); err != nil || len(evs) != 0 {
		t.Errorf("pending %v, %v", evs, err)
	}
}

// TestWithStoreMany: many people's events through the file, finishes
// group-committed; all finished, each person's in order.
func TestWithStoreMany(t *testing.T) {
	db := openStore(t, t.TempDir())
	defer db.Close()
	rec := newRecorder(t)
	d := inbox.New(db, rec, fast(nil))
	run(t, d)
	var id int64
	for round := range 10 {
		var batch []cchcbot.Incoming
		for u := range 20 {
			id++
			batch = append(batch, cchcbot.Incoming{ID: id, User: cchcbot.TelegramUser(int64(u)), Text: fmt.Sprint(round)})
		}
		d.Add(accept(t, db, batch...)...)
	}
	waitIdle(t, d)
	want := strings.Fields("0 1 2 3 4 5 6 7 8 9")
	for u := range 20 {
		if got := rec.texts(int64(u)); !slices.Equal(got, want) {
			t.Errorf("user %d handled %v", u, got)
		}
	}
	if evs, err := db.PendingIncoming(context.Background()); err != nil || len(evs) != 0 {
		t.Errorf("%d pending, %v", len(evs), err)
	}
}

// TestGateKeepsSeqOrder: events of one person accepted at once from
// several sources (concurrent webhook requests) are handled in the order
// the store numbered them.
func TestGateKeepsSeqOrder(t *testing.T) {
	db := openStore(t, t.TempDir())
	var mu sync.Mutex
	var handled []string
	d := inbox.New(db, inbox.HandlerFunc(func(_ context.Context, in cchcbot.Incoming) error {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, in.Text)
		return nil
	}), inbox.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	gate := &inbox.Gate{St: db, D: d}
	const n = 40
	var wg sync.WaitGroup
	seqs := map[string]uint64{}
	for i := range n {
		wg.Go(func() {
			ev := cchcbot.Inbound{Key: fmt.Sprintf("zalo:%d", i), In: &cchcbot.Incoming{User: "zalo:84", Text: fmt.Sprint(i)}}
			acc, err := gate.AcceptIncoming(ctx, []cchcbot.Inbound{ev})
			if err != nil || len(acc) != 1 {
				t.Error(acc, err)
				return
			}
			mu.Lock()
			seqs[acc[0].In.Text] = acc[0].Seq
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := d.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != n {
		t.Fatalf("handled %d of %d", len(handled), n)
	}
	for i := 1; i < n; i++ {
		if seqs[handled[i-1]] > seqs[handled[i]] {
			t.Fatalf("handled out of Seq order: %q (seq %d) before %q (seq %d)", handled[i-1], seqs[handled[i-1]], handled[i], seqs[handled[i]])
		}
	}
}
