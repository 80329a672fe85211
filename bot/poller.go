package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// Handler handles one event from a person.
type Handler interface {
	Handle(ctx context.Context, in cchcbot.Incoming) error
}

// UpdateStore remembers which updates were handled, so a crash confirms
// nothing unhandled and a redelivered update has no second effect.
type UpdateStore interface {
	LastUpdateID(ctx context.Context) (int64, error)
	UpdateHandled(ctx context.Context, id int64) (bool, error)
	MarkUpdateHandled(ctx context.Context, id int64) error
}

// PollerOptions tune the poller.
type PollerOptions struct {
	// Workers handle chats in parallel; one chat's updates always go to the
	// same worker, in order. Default 8.
	Workers int
	// Backoff is the wait before retry n (1, 2, ...) after a failed poll.
	// Default: 1 s doubling to 60 s, with jitter.
	Backoff func(n int) time.Duration
	// Observer, when set, is told of each poll and handled update, for
	// metrics.
	Observer PollObserver
}

// PollObserver is told what the poller does. Its methods must be quick
// and safe for concurrent use.
type PollObserver interface {
	PollSucceeded(at time.Time)
	PollFailed()
	UpdateHandled()
}

type noPollObserver struct{}

func (noPollObserver) PollSucceeded(time.Time) {}
func (noPollObserver) PollFailed()             {}
func (noPollObserver) UpdateHandled()          {}

// Poller is the long-poll loop. It does not use tgbotapi's GetUpdatesChan,
// which confirms updates to Telegram while they still sit unhandled.
type Poller struct {
	tg    *Telegram
	store UpdateStore
	h     Handler
	opts  PollerOptions
	log   *slog.Logger

	lastPoll atomic.Int64 // unix nanos of the last successful getUpdates
	handled  atomic.Int64
	dupes    atomic.Int64
}

// NewPoller returns a poller feeding h.
func NewPoller(tg *Telegram, st UpdateStore, h Handler, opts PollerOptions) *Poller {
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Observer == nil {
		opts.Observer = noPollObserver{}
	}
	return &Poller{tg: tg, store: st, h: h, opts: opts, log: tg.log}
}

func defaultBackoff(n int) time.Duration {
	d := time.Second << min(n-1, 6)
	d = min(d, time.Minute)
	return d/2 + rand.N(d/2+1)
}

// LastPoll returns when getUpdates last answered.
func (p *Poller) LastPoll() time.Time { return time.Unix(0, p.lastPoll.Load()) }

// Handled returns how many updates were handled, and how many redelivered
// ones were skipped.
func (p *Poller) Handled() (handled, duplicates int64) { return p.handled.Load(), p.dupes.Load() }

// Run polls until ctx ends, then waits for the handlers in flight.
func (p *Poller) Run(ctx context.Context) error {
	if _, err := p.tg.api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		p.log.Warn("deleteWebhook failed", "err", p.tg.red.Error(err))
	}
	// Start without an offset: Telegram returns every update it still
	// holds (at most 24 hours' worth) and the stored set of handled ids
	// skips those already done. Resuming from "last id + 1" would instead
	// drop new updates whose ids restarted lower, as Telegram does after a
	// week without updates.
	if last, err := p.store.LastUpdateID(ctx); err != nil {
		return fmt.Errorf("poller: %w", err)
	} else {
		p.log.Info("polling Telegram", "last_handled_update", last)
	}
	offset := 0
	failures := 0
	for ctx.Err() == nil {
		updates, err := p.tg.api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(p.tg.cfg.PollTimeout / time.Second)})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			p.opts.Observer.PollFailed()
			p.logPollError(p.tg.red.Error(err), failures)
			select {
			case <-time.After(p.opts.Backoff(failures)):
			case <-ctx.Done():
			}
			continue
		}
		failures = 0
		now := time.Now()
		p.lastPoll.Store(now.UnixNano())
		p.opts.Observer.PollSucceeded(now)
		if len(updates) == 0 {
			// This call carried the offset, so everything before it is
			// confirmed: poll without one again, which also hears ids that
			// restarted lower.
			offset = 0
			continue
		}
		p.handleBatch(ctx, updates)
		// Every update of the batch is handled and marked: only now may
		// Telegram forget them.
		offset = 0
		for _, u := range updates {
			offset = max(offset, u.UpdateID+1)
		}
	}
	return nil
}

func (p *Poller) logPollError(err error, failures int) {
	var te *tgbotapi.Error
	switch {
	case errors.As(err, &te) && te.Code == 401:
		p.log.Error("ALERT: Telegram refuses the bot token (401)", "failures", failures)
	case errors.As(err, &te) && te.Code == 409:
		p.log.Error("ALERT: another process is polling with this token (409): only one cchcbot may run", "failures", failures)
	default:
		p.log.Warn("getUpdates failed", "err", err, "failures", failures)
	}
}

// updatesMarker is an UpdateStore that marks many updates in one commit.
type updatesMarker interface {
	MarkUpdatesHandled(ctx context.Context, ids []int64) error
}

// handleBatch handles a batch: one chat's updates in order on one worker,
// different chats in parallel. It returns when all are handled and marked.
//
// The marks are group-committed: the workers hand each handled update to
// one marker, which commits whatever has gathered while its previous
// commit ran. A commit per update (two fsyncs) would cap the poller at a
// few hundred updates a second. No update is confirmed to Telegram before
// its mark is committed: Run advances the offset only after this returns.
func (p *Poller) handleBatch(ctx context.Context, updates []tgbotapi.Update) {
	queues := make([][]tgbotapi.Update, p.opts.Workers)
	for _, u := range updates {
		w := int(chatKey(u) % uint64(p.opts.Workers))
		queues[w] = append(queues[w], u)
	}
	marks := make(chan int64, len(updates))
	marked := make(chan struct{})
	go func() {
		defer close(marked)
		p.markLoop(ctx, marks)
	}()
	var wg sync.WaitGroup
	for _, q := range queues {
		if len(q) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, u := range q {
				p.handleOne(ctx, u, marks)
			}
		}()
	}
	wg.Wait()
	close(marks)
	<-marked
}

// markLoop records handled updates until marks is closed, each commit
// taking every id that has arrived meanwhile.
func (p *Poller) markLoop(ctx context.Context, marks <-chan int64) {
	for id := range marks {
		ids := []int64{id}
	gather:
		for {
			select {
			case id, ok := <-marks:
				if !ok {
					break gather
				}
				ids = append(ids, id)
			default:
				break gather
			}
		}
		p.mark(ctx, ids)
	}
}

// mark records ids as handled. It uses a context of its own: a shutdown
// mid-handler must still record what was done.
func (p *Poller) mark(ctx context.Context, ids []int64) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if m, ok := p.store.(updatesMarker); ok {
		if err := m.MarkUpdatesHandled(mctx, ids); err != nil {
			p.log.Error("cannot record handled updates", "update_ids", ids, "err", err)
		}
		return
	}
	for _, id := range ids {
		if err := p.store.MarkUpdateHandled(mctx, id); err != nil {
			p.log.Error("cannot record a handled update", "update_id", id, "err", err)
		}
	}
}

// handleOne handles u and hands its id to the marker.
func (p *Poller) handleOne(ctx context.Context, u tgbotapi.Update, marks chan<- int64) {
	id := int64(u.UpdateID)
	seen, err := p.store.UpdateHandled(ctx, id)
	if err != nil {
		p.log.Error("update bookkeeping failed", "update_id", id, "err", err)
		return
	}
	if seen {
		p.dupes.Add(1)
		return
	}
	in, ok := toIncoming(u)
	if !ok {
		marks <- id
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				p.log.Error("handler panicked", "update_id", id, "panic", fmt.Sprint(r))
			}
		}()
		if err := p.h.Handle(ctx, in); err != nil {
			p.log.Error("handling an update failed", "update_id", id, "user", string(in.User), "command", commandName(in.Text), "err", err)
		}
	}()
	p.opts.Observer.UpdateHandled()
	p.handled.Add(1)
	marks <- id
}

// commandName is what may be logged of a text: the command only. A /start
// argument is an invite code and must never reach a log.
func commandName(text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	cmd, _, _ := strings.Cut(text, " ")
	return cmd
}

func chatKey(u tgbotapi.Update) uint64 {
	var id int64
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		id = u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		id = u.CallbackQuery.From.ID
	}
	h := fnv.New64a()
	fmt.Fprint(h, id)
	return h.Sum64()
}
