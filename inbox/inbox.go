// Package inbox handles the events a chat network delivered and the store
// accepted, whatever the network: the Telegram poller feeds it, and a Zalo
// webhook can too.
//
// An event is accepted (made durable) before anyone handles it, and
// finished (removed from the store) only once its handler has returned, so
// a crash or a restart handles it again rather than losing it: handlers
// must be idempotent. Each person's events are handled one at a time, in
// arrival order, so that a conversation's steps never overtake each other;
// different people never wait for each other, so a slow file download in
// one chat delays no other chat.
package inbox

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"cchcbot"
)

// Store is the durable inbox: what was accepted and not yet finished.
// *store.DB implements it.
type Store interface {
	// PendingIncoming returns the unfinished events in Seq order.
	PendingIncoming(ctx context.Context) ([]cchcbot.Inbound, error)
	// FinishIncoming removes the events in one commit.
	FinishIncoming(ctx context.Context, seqs []uint64) error
}

// Handler handles one event from a person: the conversation logic.
type Handler interface {
	Handle(ctx context.Context, in cchcbot.Incoming) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, in cchcbot.Incoming) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, in cchcbot.Incoming) error { return f(ctx, in) }

// Observer is told of each handled event, for metrics. It must be quick
// and safe for concurrent use.
type Observer interface {
	UpdateHandled()
}

// DefaultMaxHandlers is the default cap on events handled at once.
const DefaultMaxHandlers = 256

// Options tune a Dispatcher. The zero value is usable.
type Options struct {
	// MaxHandlers caps the events handled at once, one per person at
	// most. Default DefaultMaxHandlers: far more than the people who write
	// to a district's bot in the same minute, so nobody waits in practice,
	// yet a burst (every unit sending its report at the deadline hour)
	// cannot open thousands of downloads and goroutines at once. Beyond
	// the cap, people with work take turns, one event each.
	MaxHandlers int
	// Backoff is the wait before retry n (1, 2, ...) of a failed store
	// call. Default: 100 ms doubling to 30 s, with jitter.
	Backoff func(n int) time.Duration
	// Observer, when set, is told of each handled event.
	Observer Observer
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

type noObserver struct{}

func (noObserver) UpdateHandled() {}

func defaultBackoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n-1, 9)
	d = min(d, 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// commandName is what may be logged of an event's text: the command only.
// A /start argument is an invite code and must never reach a log; it may
// follow the command after any white space, a line break included.
func commandName(text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		text = text[:i]
	}
	// A command is at most 32 characters, plus "@botname".
	for i := range text {
		if i >= 64 {
			return text[:i]
		}
	}
	return text
}

// kind names an event for logs without its content.
func kind(in *cchcbot.Incoming) string {
	switch {
	case in.Callback != nil:
		return "button"
	case len(in.Files) > 0:
		return "file"
	case strings.HasPrefix(in.Text, "/"):
		return "command"
	}
	return "text"
}
