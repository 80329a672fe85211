package inbox

import (
	"context"
	"fmt"
	"slices"
)

// finalTries bounds the attempts at committing the last finishes at
// shutdown; if they all fail, those events are handled again after the
// restart, which handlers tolerate (at-least-once delivery).
const finalTries = 5

// commitLoop removes finished events from the store until ctx ends. The
// removals are group-committed: each commit takes everything that
// finished while the previous one ran, because a commit per event costs
// two fsyncs and would cap the bot at a few hundred events a second. A
// failed commit is retried with the events that finished meanwhile;
// nothing is dropped.
func (d *Dispatcher) commitLoop(ctx context.Context) {
	failures := 0
	for {
		d.mu.Lock()
		changed := d.changed
		var batch []uint64
		if len(d.finished) > 0 {
			batch = d.finished
			d.finished = nil
			d.commit = batch
		}
		d.mu.Unlock()
		if batch == nil {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return
			}
		}
		// The store must record a finish even as shutdown begins.
		err := d.st.FinishIncoming(context.WithoutCancel(ctx), batch)
		d.settle(batch, err)
		if err == nil {
			failures = 0
			continue
		}
		failures++
		d.log.Error("cannot record finished events, retrying", "events", len(batch), "err", err, "failures", failures)
		if !sleep(ctx, d.opts.Backoff(failures)) {
			return
		}
	}
}

// settle ends a commit of batch: committed events are remembered for a
// while against a stale duplicate Add, then forgotten; failed ones go back
// in front of those that finished meanwhile.
func (d *Dispatcher) settle(batch []uint64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.commit = nil
	if err != nil {
		d.finished = append(slices.Clip(batch), d.finished...)
	} else {
		d.committed = append(d.committed, batch...)
		if n := len(d.committed) - rememberFinished; n > 0 {
			for _, seq := range d.committed[:n] {
				delete(d.known, seq)
			}
			d.committed = slices.Delete(d.committed, 0, n)
		}
	}
	d.notifyLocked()
}

// commitRest commits the finishes left at shutdown, once the handlers
// have returned.
func (d *Dispatcher) commitRest(ctx context.Context) error {
	var err error
	for n := 1; n <= finalTries; n++ {
		d.mu.Lock()
		batch := d.finished
		d.finished = nil
		d.commit = batch
		d.mu.Unlock()
		if len(batch) == 0 {
			d.settle(nil, nil)
			return nil
		}
		err = d.st.FinishIncoming(context.WithoutCancel(ctx), batch)
		d.settle(batch, err)
		if err == nil {
			return nil
		}
		d.log.Error("cannot record finished events at shutdown", "events", len(batch), "err", err, "try", n)
		if n < finalTries {
			sleep(context.Background(), d.opts.Backoff(n))
		}
	}
	return fmt.Errorf("inbox: finished events not recorded, they will be handled again: %w", err)
}
