package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"cchcbot"
)

// Sender delivers the store's outgoing messages to a chat network, paced,
// and records their outcomes. It is also a cchcbot.Channel for direct
// sends, which share the pace.
//
// A message loaded from the store is in exactly one place at a time:
// queued, being sent, or delivered and waiting for the commit that records
// it. So one process never sends it twice; only a crash between the
// network's answer and that commit can make the next process send it
// again.
type Sender struct {
	st     Store // nil: direct sends only
	next   cchcbot.Channel
	opts   Options
	ctx    context.Context // every send's; cancelled by Close
	cancel context.CancelFunc
	bg     context.Context // the commits': not cancelled, so that Close can record what was sent

	loadMu sync.Mutex // one load at a time, so that rows are loaded once

	mu          sync.Mutex
	lastID      uint64    // the highest ID loaded from the store
	queues      [2][]*job // by priority: bulk, interactive; each in arrival order
	chats       map[cchcbot.UserID]*chatState
	global      *rate.Limiter
	chatGap     time.Duration // between one send's return and the chat's next send
	globalUntil time.Time     // after a 429 or during an outage: nothing goes out before it
	failStreak  int           // consecutive temporary failures, of any chats
	inFlight    int
	lastPrune   time.Time
	closed      bool                         // the dispatcher has stopped
	pending     map[uint64]*cchcbot.Outgoing // loaded, and no outcome committed yet
	finished    []cchcbot.Delivery           // outcomes waiting for their commit
	committing  int                          // outcomes in the commit running now
	changed     chan struct{}                // closed and replaced when pending shrinks or the Sender stops

	wake         chan struct{} // a job was queued, requeued or a send returned
	slots        chan struct{} // one per send in flight
	stopped      chan struct{} // the dispatcher has returned
	loaded       chan struct{} // the loader has returned
	finishWake   chan struct{}
	finishStop   chan struct{}
	finisherDone chan struct{}
	sending      sync.WaitGroup // sends in flight and their OnUnreachable calls
	closeOnce    sync.Once

	sent, failed, expired, retried, limited atomic.Int64
}

var _ cchcbot.Channel = (*Sender)(nil)

// chatState is one chat's pace.
type chatState struct {
	lim      *rate.Limiter
	until    time.Time // no send before this: a retry's backoff
	lastSend time.Time
	busy     bool // a send to it is in flight: the next waits, to keep the order
}

// job is one message to send: a row of the store, or a direct send whose
// caller waits on done.
type job struct {
	out      *cchcbot.Outgoing // the row; nil for a direct send
	ctx      context.Context   // the send's
	to       cchcbot.UserID
	prio     cchcbot.Priority
	method   string // the Bot API method, for the Observer
	do       func(ctx context.Context) (cchcbot.MessageRef, error)
	done     chan result // a direct send's; buffered, the caller may have gone
	attempts int         // temporary failures so far
	hold     time.Time   // a row's NotBefore: not sent before it, on the Clock
}

type result struct {
	ref cchcbot.MessageRef
	err error
}

// New returns a Sender in front of next and starts it: it loads every
// message pending in st, then each new one as st signals it, until ctx ends
// or Close is called. st may be nil, for a Sender of direct sends only.
func New(ctx context.Context, st Store, next cchcbot.Channel, opts Options) *Sender {
	opts = opts.withDefaults()
	sctx, cancel := context.WithCancel(ctx)
	s := &Sender{
		st:           st,
		next:         next,
		opts:         opts,
		ctx:          sctx,
		cancel:       cancel,
		bg:           context.WithoutCancel(ctx),
		chats:        map[cchcbot.UserID]*chatState{},
		global:       rate.NewLimiter(rate.Limit(opts.GlobalPerSecond), 1),
		chatGap:      time.Duration(float64(time.Second) / opts.PerChatPerSecond),
		pending:      map[uint64]*cchcbot.Outgoing{},
		changed:      make(chan struct{}),
		wake:         make(chan struct{}, 1),
		slots:        make(chan struct{}, opts.MaxInFlight),
		stopped:      make(chan struct{}),
		loaded:       make(chan struct{}),
		finishWake:   make(chan struct{}, 1),
		finishStop:   make(chan struct{}),
		finisherDone: make(chan struct{}),
	}
	go s.dispatch()
	if st != nil {
		go s.loadLoop()
		go s.finishLoop()
	} else {
		close(s.loaded)
		close(s.finisherDone)
	}
	return s
}

// Close stops the Sender: it sends nothing more, cancels the sends in
// flight and waits for them and for OnUnreachable calls to return, then
// commits the outcomes not yet recorded. Messages not delivered stay in
// the store for the next start; direct sends still queued fail with
// ErrStopped. Close returns when all that is done, so the store can be
// closed after it; a caller with limited patience bounds the wait itself.
func (s *Sender) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.stopped
		s.sending.Wait()
		<-s.loaded
		close(s.finishStop)
		<-s.finisherDone
	})
}

// WaitIdle loads what the store holds, then returns once every message
// pending in it has an outcome recorded: delivered, refused or expired. It
// returns ErrStopped if the Sender stops first. Tests use it to drain the
// outbox before they look at what was sent.
func (s *Sender) WaitIdle(ctx context.Context) error {
	if s.st == nil {
		return nil
	}
	if err := s.load(ctx); err != nil {
		return err
	}
	for {
		s.mu.Lock()
		n, closed, changed := len(s.pending), s.closed, s.changed
		s.mu.Unlock()
		switch {
		case n == 0:
			return nil
		case closed:
			return ErrStopped
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Stats is what the Sender is doing and has done since it started, for
// metrics.
type Stats struct {
	Sent        int64 // delivered
	Failed      int64 // given up: refused for good, a direct send's retries spent
	Expired     int64 // dropped unsent: their time had passed
	Retried     int64 // temporary failures tried again
	RateLimited int64 // 429 answers

	// Pending counts the store's messages without a recorded outcome, by
	// kind; every kind is present.
	Pending map[cchcbot.OutKind]int
	// OldestAge is how long the oldest of them has waited since it was
	// queued; 0 when there is none.
	OldestAge time.Duration
	// Finishing counts outcomes waiting for their commit.
	Finishing int
	// FailStreak counts consecutive temporary failures: while it is above
	// zero the network seems down, and the Sender sends one message at a
	// time, backing off between them.
	FailStreak int

	QueuedInteractive int // waiting now, direct sends included
	QueuedBulk        int
	InFlight          int // being sent now
	Chats             int // chats whose pace is being tracked
}

// Stats returns the counters and the Sender's current state.
func (s *Sender) Stats() Stats {
	now := s.opts.Clock.Now()
	st := Stats{Pending: make(map[cchcbot.OutKind]int, len(cchcbot.OutKinds))}
	for _, k := range cchcbot.OutKinds {
		st.Pending[k] = 0
	}
	s.mu.Lock()
	var oldest time.Time
	for _, o := range s.pending {
		st.Pending[o.Kind]++
		if oldest.IsZero() || o.CreatedAt.Before(oldest) {
			oldest = o.CreatedAt
		}
	}
	st.Finishing = len(s.finished) + s.committing
	st.FailStreak = s.failStreak
	st.QueuedBulk = len(s.queues[cchcbot.PriorityBulk])
	st.QueuedInteractive = len(s.queues[cchcbot.PriorityInteractive])
	st.InFlight = s.inFlight
	st.Chats = len(s.chats)
	s.mu.Unlock()
	if !oldest.IsZero() {
		st.OldestAge = max(now.Sub(oldest), 0)
	}
	st.Sent, st.Failed, st.Expired = s.sent.Load(), s.failed.Load(), s.expired.Load()
	st.Retried, st.RateLimited = s.retried.Load(), s.limited.Load()
	return st
}

// broadcast wakes the WaitIdle callers. s.mu must be held.
func (s *Sender) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Resume tells the Sender that a network it could not reach is back (the
// bot has just reached Telegram): the backoff of earlier failures is
// forgotten and every waiting message may go at once, at the usual pace.
func (s *Sender) Resume() {
	s.mu.Lock()
	s.globalUntil, s.failStreak = time.Time{}, 0
	for _, c := range s.chats {
		c.until = time.Time{}
	}
	s.mu.Unlock()
	s.poke()
}
