package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"cchcbot"
)

// Dispatcher handles accepted events: each person's in Seq order, one at a
// time; different people concurrently. Create it with New, give it the
// events the store accepted with Add, and Run it.
type Dispatcher struct {
	st   Store
	h    Handler
	opts Options
	log  *slog.Logger

	mu    sync.Mutex
	phase phase
	ctx   context.Context // Run's, for the handlers
	early []cchcbot.Inbound
	// known holds the Seqs queued, in flight, finished, and the last
	// rememberFinished committed ones (in order in committed), so that a
	// duplicate Add is ignored.
	known     map[uint64]bool
	committed []uint64
	people    map[cchcbot.UserID]*person
	ready     []*person // people with events waiting for a free slot, in turn
	running   int       // goroutines handling events
	// finished are handled events whose removal from the store is not
	// committed yet; commit is the removal in progress.
	finished []uint64
	commit   []uint64
	changed  chan struct{} // closed and replaced on every change

	handled atomic.Int64
	wg      sync.WaitGroup
}

type phase int

const (
	phaseNew     phase = iota // Add only collects
	phaseLoading              // Run reads the store; Add still collects
	phaseRunning
	phaseStopping // Run's context ended: no event is started any more
	phaseStopped
)

// rememberFinished bounds the committed Seqs remembered against a late
// duplicate Add.
const rememberFinished = 8192

// person is one person's events, in Seq order. While busy, events[0] is
// being handled.
type person struct {
	user    cchcbot.UserID
	events  []cchcbot.Inbound
	busy    bool // a goroutine is handling events[0]
	waiting bool // in Dispatcher.ready
}

// New returns a dispatcher handing st's events to h.
func New(st Store, h Handler, opts Options) *Dispatcher {
	if opts.MaxHandlers <= 0 {
		opts.MaxHandlers = DefaultMaxHandlers
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Dispatcher{st: st, h: h, opts: opts, log: opts.Logger,
		known: map[uint64]bool{}, people: map[cchcbot.UserID]*person{}, changed: make(chan struct{})}
}

// Add hands over events the store has accepted. It never blocks. An event
// already added (the same Seq) is ignored, and so is one without an
// Incoming (the store keeps only its Key). Events added before Run starts
// wait for it; events added after Run has returned are ignored: they stay
// in the store and the next Run handles them.
func (d *Dispatcher) Add(evs ...cchcbot.Inbound) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.phase >= phaseStopping {
		return
	}
	for _, ev := range evs {
		if ev.In == nil || d.known[ev.Seq] {
			continue
		}
		d.known[ev.Seq] = true
		if d.phase == phaseRunning {
			d.enqueueLocked(ev)
		} else {
			d.early = append(d.early, ev)
		}
	}
	d.notifyLocked()
}

// Handled returns how many events were handled (and so finished).
func (d *Dispatcher) Handled() int64 { return d.handled.Load() }

// Run handles the events the store still holds from before (accepted, not
// finished), then those given to Add, until ctx ends. It then waits for
// the handlers in flight and commits what they finished. An event whose
// handler returned after ctx ended stays in the store, to be handled again
// by the next Run. Run may be called once; its error says that finished
// events could not be recorded at shutdown (they will be handled again).
func (d *Dispatcher) Run(ctx context.Context) error {
	d.mu.Lock()
	if d.phase != phaseNew {
		d.mu.Unlock()
		return errors.New("inbox: Run called twice")
	}
	d.phase = phaseLoading
	d.mu.Unlock()

	pending, ok := d.loadPending(ctx)
	d.mu.Lock()
	if !ok {
		d.phase = phaseStopped
		d.notifyLocked()
		d.mu.Unlock()
		return nil
	}
	evs := d.early
	d.early = nil
	for _, ev := range pending {
		if ev.In != nil && !d.known[ev.Seq] {
			d.known[ev.Seq] = true
			evs = append(evs, ev)
		}
	}
	// Arrival order, whichever way an event came.
	slices.SortStableFunc(evs, func(a, b cchcbot.Inbound) int { return cmpSeq(a.Seq, b.Seq) })
	d.ctx = ctx
	d.phase = phaseRunning
	for _, ev := range evs {
		d.enqueueLocked(ev)
	}
	d.notifyLocked()
	d.mu.Unlock()

	committed := make(chan struct{})
	go func() {
		defer close(committed)
		d.commitLoop(ctx)
	}()
	<-ctx.Done()
	d.mu.Lock()
	d.phase = phaseStopping
	d.notifyLocked()
	d.mu.Unlock()
	// What finished before the stop is committed now, not after the
	// slowest handler: a handler that ignores its ctx must not hold the
	// others' finishes past the process's last seconds.
	<-committed
	d.commitRest(ctx) // what it cannot commit stays queued for the last try
	d.wg.Wait()
	err := d.commitRest(ctx)
	d.mu.Lock()
	d.phase = phaseStopped
	d.notifyLocked()
	d.mu.Unlock()
	return err
}

func cmpSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadPending reads the store's unfinished events, retrying a failure
// until ctx ends (false).
func (d *Dispatcher) loadPending(ctx context.Context) ([]cchcbot.Inbound, bool) {
	for n := 1; ; n++ {
		evs, err := d.st.PendingIncoming(ctx)
		if err == nil {
			if len(evs) > 0 {
				d.log.Info("handling events accepted before the restart", "events", len(evs))
			}
			return evs, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		d.log.Error("cannot read the inbox, retrying", "err", err, "failures", n)
		if !sleep(ctx, d.opts.Backoff(n)) {
			return nil, false
		}
	}
}

// enqueueLocked gives ev to its person, starting them if they are idle.
func (d *Dispatcher) enqueueLocked(ev cchcbot.Inbound) {
	u := ev.In.User
	p := d.people[u]
	if p == nil {
		p = &person{user: u}
		d.people[u] = p
	}
	// Usually the last; never before the event in progress.
	i := len(p.events)
	for i > 0 && p.events[i-1].Seq > ev.Seq && !(i == 1 && p.busy) {
		i--
	}
	p.events = slices.Insert(p.events, i, ev)
	if !p.busy && !p.waiting {
		d.startLocked(p)
	}
}

// startLocked starts a goroutine for p if a slot is free, else puts p in
// line.
func (d *Dispatcher) startLocked(p *person) {
	if d.running >= d.opts.MaxHandlers {
		p.waiting = true
		d.ready = append(d.ready, p)
		return
	}
	p.busy = true
	d.running++
	d.wg.Add(1)
	go d.work(d.ctx, p)
}

// work handles p's events, then, while people wait for a slot, theirs in
// turn; it exits when nobody has work or ctx has ended.
func (d *Dispatcher) work(ctx context.Context, p *person) {
	defer d.wg.Done()
	for p != nil {
		d.mu.Lock()
		ev := p.events[0]
		d.mu.Unlock()
		done := d.handle(ctx, ev)
		d.mu.Lock()
		p.events = p.events[1:]
		if done {
			d.finished = append(d.finished, ev.Seq)
		} else {
			delete(d.known, ev.Seq)
		}
		p = d.nextLocked(ctx, p)
		d.notifyLocked()
		d.mu.Unlock()
	}
}

// nextLocked returns whom the goroutine that just handled an event of p
// serves next, or nil when it should exit.
func (d *Dispatcher) nextLocked(ctx context.Context, p *person) *person {
	p.busy = false
	if ctx.Err() != nil || d.phase != phaseRunning {
		// What is left stays in the store for the next Run.
		d.running--
		return nil
	}
	switch {
	case len(p.events) == 0:
		delete(d.people, p.user)
	case len(d.ready) == 0:
		p.busy = true
		return p
	default:
		// Others wait for a slot: take turns.
		p.waiting = true
		d.ready = append(d.ready, p)
	}
	if len(d.ready) == 0 {
		d.running--
		return nil
	}
	next := d.ready[0]
	d.ready[0] = nil
	d.ready = d.ready[1:]
	next.waiting, next.busy = false, true
	return next
}

// handle runs the handler on ev and reports whether ev is finished: the
// handler returned (an error and a panic included) while ctx was live. A
// handler that returned after ctx ended may have been cut short, so its
// event is handled again after the restart.
func (d *Dispatcher) handle(ctx context.Context, ev cchcbot.Inbound) (finished bool) {
	in := ev.In
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("handler panicked", "seq", ev.Seq, "user", string(in.User), "kind", kind(in),
				"command", commandName(in.Text), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			finished = d.done(ctx)
		}
	}()
	// Only the command is logged: a /start argument is an invite code.
	if err := d.h.Handle(ctx, *in); err != nil && ctx.Err() == nil {
		d.log.Error("handling an event failed", "seq", ev.Seq, "user", string(in.User), "kind", kind(in),
			"command", commandName(in.Text), "err", err)
	}
	return d.done(ctx)
}

func (d *Dispatcher) done(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	d.handled.Add(1)
	d.opts.Observer.UpdateHandled()
	return true
}

// WaitIdle waits until Run has nothing to handle and every finished event
// is committed, or ctx ends. It is for tests.
func (d *Dispatcher) WaitIdle(ctx context.Context) error {
	for {
		d.mu.Lock()
		changed := d.changed
		idle := d.phase == phaseRunning && len(d.people) == 0 && len(d.finished) == 0 && d.commit == nil
		d.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notifyLocked wakes WaitIdle and the committer.
func (d *Dispatcher) notifyLocked() {
	close(d.changed)
	d.changed = make(chan struct{})
}
