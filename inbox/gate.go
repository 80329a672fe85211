package inbox

import (
	"context"
	"sync"

	"cchcbot"
)

// Acceptor commits events to the store's inbox: the store.
type Acceptor interface {
	AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error)
}

// Gate accepts events into the store and hands them to the dispatcher as
// one step, one caller at a time: with several sources at once (the
// Telegram poller, concurrent Zalo webhook requests) a person's events
// still reach the dispatcher in the order the store numbered them, which
// is the order they are handled in. The poller and the webhook take the
// Gate as both their store and their dispatcher.
type Gate struct {
	St Acceptor
	D  *Dispatcher

	mu sync.Mutex
}

// AcceptIncoming accepts evs and adds the accepted ones to the
// dispatcher before another caller may accept anything.
func (g *Gate) AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	accepted, err := g.St.AcceptIncoming(ctx, evs)
	if err == nil {
		g.D.Add(accepted...)
	}
	return accepted, err
}

// Add does nothing: AcceptIncoming has added what it accepted.
func (g *Gate) Add(...cchcbot.Inbound) {}
