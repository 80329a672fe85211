package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// IncomingStore is where the poller puts what it hears before Telegram
// may forget it. *store.DB implements it.
type IncomingStore interface {
	// AcceptIncoming remembers the events' Keys and appends those with an
	// Incoming to the inbox, in one commit; it returns the ones appended
	// (Seq set) and drops those whose Key it has seen recently.
	AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error)
}

// Dispatcher handles accepted events (inbox.Dispatcher). Add must not
// block.
type Dispatcher interface {
	Add(evs ...cchcbot.Inbound)
}

// PollerOptions tune the poller.
type PollerOptions struct {
	// Backoff is the wait before retry n (1, 2, ...) after a failed poll.
	// Default: 1 s doubling to 60 s, with jitter.
	Backoff func(n int) time.Duration
	// Observer, when set, is told of each poll, for metrics.
	Observer PollObserver
	// Now defaults to time.Now.
	Now func() time.Time
}

// PollObserver is told what the poller does. Its methods must be quick
// and safe for concurrent use.
type PollObserver interface {
	// PollSucceeded: getUpdates answered and what it returned is in the
	// store.
	PollSucceeded(at time.Time)
	// PollFailed: getUpdates failed, or the store could not accept what
	// it returned.
	PollFailed()
}

type noPollObserver struct{}

func (noPollObserver) PollSucceeded(time.Time) {}
func (noPollObserver) PollFailed()             {}

// Poller is the long-poll loop. It does not use tgbotapi's GetUpdatesChan,
// which confirms updates to Telegram while they still sit unhandled.
//
// Each batch of updates is accepted into the store (the durable inbox) in
// one commit and handed to the dispatcher; only then does the next
// getUpdates confirm it to Telegram. The poller never waits for handlers:
// a slow one in one chat holds no other chat's updates.
type Poller struct {
	tg   *Telegram
	st   IncomingStore
	d    Dispatcher
	opts PollerOptions
	log  *slog.Logger

	lastPoll atomic.Int64 // unix nanos of the last successful poll
	accepted atomic.Int64
	dupes    atomic.Int64
}

// NewPoller returns a poller that accepts updates into st and hands them
// to d.
func NewPoller(tg *Telegram, st IncomingStore, d Dispatcher, opts PollerOptions) *Poller {
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Observer == nil {
		opts.Observer = noPollObserver{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Poller{tg: tg, st: st, d: d, opts: opts, log: tg.log}
}

func defaultBackoff(n int) time.Duration {
	d := time.Second << min(n-1, 6)
	d = min(d, time.Minute)
	return d/2 + rand.N(d/2+1)
}

// LastPoll returns when a poll last succeeded (getUpdates answered and the
// store took its updates).
func (p *Poller) LastPoll() time.Time { return time.Unix(0, p.lastPoll.Load()) }

// Accepted returns how many events were accepted into the inbox, and how
// many redelivered ones the store recognised and dropped.
func (p *Poller) Accepted() (accepted, duplicates int64) { return p.accepted.Load(), p.dupes.Load() }

// Run polls until ctx ends. It does not wait for handlers: they belong to
// the dispatcher.
func (p *Poller) Run(ctx context.Context) error {
	if err := p.deleteWebhook(ctx); err != nil && ctx.Err() == nil {
		p.log.Warn("deleteWebhook failed", "err", err)
	}
	p.log.Info("polling Telegram")
	// Start without an offset: Telegram returns every update it still
	// holds (at most 24 hours' worth) and the store drops the Keys it has
	// seen. Resuming from "last id + 1" would instead drop new updates
	// whose ids restarted lower, as Telegram does after a week without
	// updates.
	offset := 0
	failures := 0
	for ctx.Err() == nil {
		updates, err := p.getUpdates(ctx, offset)
		if err == nil && len(updates) > 0 {
			err = p.accept(ctx, updates)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			// The offset stays: nothing unaccepted is confirmed.
			failures++
			p.opts.Observer.PollFailed()
			p.logPollError(err, failures)
			select {
			case <-time.After(p.opts.Backoff(failures)):
			case <-ctx.Done():
			}
			continue
		}
		failures = 0
		now := p.opts.Now()
		p.lastPoll.Store(now.UnixNano())
		p.opts.Observer.PollSucceeded(now)
		if len(updates) == 0 {
			// This call carried the offset, so everything before it is
			// confirmed: poll without one again, which also hears ids that
			// restarted lower.
			offset = 0
			continue
		}
		// Every update of the batch is in the store: the next poll may
		// let Telegram forget them.
		offset = 0
		for _, u := range updates {
			offset = max(offset, u.UpdateID+1)
		}
	}
	return nil
}

func (p *Poller) deleteWebhook(ctx context.Context) error {
	api, done := p.tg.call(ctx, p.tg.http)
	defer done()
	_, err := api.Request(tgbotapi.DeleteWebhookConfig{})
	return p.tg.red.Error(err)
}

func (p *Poller) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	api, done := p.tg.call(ctx, p.tg.http)
	defer done()
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(p.tg.cfg.PollTimeout / time.Second)})
	return updates, p.tg.red.Error(err)
}

// storeError is a failure of the store, not of Telegram, for the log.
type storeError struct{ err error }

func (e *storeError) Error() string { return "accepting updates into the store: " + e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// accept puts a batch into the store in one commit and hands the new
// events to the dispatcher.
func (p *Poller) accept(ctx context.Context, updates []tgbotapi.Update) error {
	evs := make([]cchcbot.Inbound, len(updates))
	events := 0
	for i, u := range updates {
		evs[i] = toInbound(u)
		if evs[i].In != nil {
			events++
		}
	}
	accepted, err := p.st.AcceptIncoming(ctx, evs)
	if err != nil {
		return &storeError{err}
	}
	p.accepted.Add(int64(len(accepted)))
	p.dupes.Add(int64(events - len(accepted)))
	p.d.Add(accepted...)
	return nil
}

// updateKey is an update's identity in the store.
func updateKey(id int) string { return "telegram:" + strconv.Itoa(id) }

// toInbound turns an update into an event for the store; one the bot
// ignores keeps only its Key, so that a redelivery is recognised.
func toInbound(u tgbotapi.Update) cchcbot.Inbound {
	ev := cchcbot.Inbound{Key: updateKey(u.UpdateID)}
	if in, ok := toIncoming(u); ok {
		ev.In = &in
	}
	return ev
}

func (p *Poller) logPollError(err error, failures int) {
	var te *tgbotapi.Error
	var se *storeError
	switch {
	case errors.As(err, &se):
		p.log.Error("cannot accept updates into the store; Telegram keeps them until it works", "err", err, "failures", failures)
	case errors.As(err, &te) && te.Code == 401:
		p.log.Error("ALERT: Telegram refuses the bot token (401)", "failures", failures)
	case errors.As(err, &te) && te.Code == 409:
		p.log.Error("ALERT: another process is polling with this token (409): only one cchcbot may run", "failures", failures)
	default:
		p.log.Warn("getUpdates failed", "err", err, "failures", failures)
	}
}
