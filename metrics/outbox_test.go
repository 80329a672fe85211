package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/metrics"
	"cchcbot/outbox"
	"cchcbot/store"
)

// downChannel is a chat network that is down: every send fails and may be
// retried.
type downChannel struct{}

var errDown = &cchcbot.TemporaryError{Err: errors.New("dial tcp: network is unreachable")}

func (downChannel) Send(context.Context, cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	return cchcbot.MessageRef{}, errDown
}
func (downChannel) Edit(context.Context, cchcbot.MessageRef, string, [][]cchcbot.Button) error {
	return errDown
}
func (downChannel) SendDocument(context.Context, cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	return cchcbot.MessageRef{}, errDown
}
func (downChannel) AnswerCallback(context.Context, string, string) error { return errDown }
func (downChannel) FetchFile(context.Context, cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, errDown
}

// TestOutboxGauges: wired as main wires them, the gauges show the real
// outbox's messages by kind (every kind, 0 included) and the age of the
// oldest on the injected clock while the network is down.
func TestOutboxGauges(t *testing.T) {
	clk := &clock{t: start}
	db, err := store.Open(t.TempDir(), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sender := outbox.New(context.Background(), db, downChannel{}, outbox.Options{
		Clock: clk, Logger: slog.New(slog.DiscardHandler), Backoff: func(int) time.Duration { return time.Hour },
	})
	defer sender.Close()
	m := metrics.New(metrics.Options{Source: db, Now: clk.Now})
	m.SetOutbox(func() metrics.OutboxState {
		s := sender.Stats()
		return metrics.OutboxState{Queued: s.Pending, OldestAge: s.OldestAge}
	})

	var msgs []*cchcbot.Outgoing
	for i, k := range []cchcbot.OutKind{cchcbot.OutReminder, cchcbot.OutReminder, cchcbot.OutReminder, cchcbot.OutReply} {
		msgs = append(msgs, &cchcbot.Outgoing{Kind: k, To: cchcbot.TelegramUser(int64(i + 1)), Text: "x"})
	}
	if err := db.Queue(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	clk.Add(90 * time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for sender.Stats().Pending[cchcbot.OutReminder] != 3 { // the sender loads on its own goroutine
		if time.Now().After(deadline) {
			t.Fatal("the sender did not load the messages")
		}
		time.Sleep(time.Millisecond)
	}
	got := scrape(t, m.Handler())
	for name, want := range map[string]float64{
		`cchcbot_outbox_queued{kind="reply"}`:    1,
		`cchcbot_outbox_queued{kind="receipt"}`:  0,
		`cchcbot_outbox_queued{kind="reminder"}`: 3,
		`cchcbot_outbox_queued{kind="notice"}`:   0,
		`cchcbot_outbox_queued{kind="digest"}`:   0,
		`cchcbot_outbox_oldest_age_seconds`:      90,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
}

// TestOutboxGaugesUnset: before the wiring gives the outbox, its gauges
// are left out rather than reported as an empty outbox.
func TestOutboxGaugesUnset(t *testing.T) {
	got := scrape(t, metrics.New(metrics.Options{}).Handler())
	for name := range got {
		if strings.HasPrefix(name, "cchcbot_outbox_queued") || strings.HasPrefix(name, "cchcbot_outbox_oldest") {
			t.Errorf("%s reported with no outbox", name)
		}
	}
}
