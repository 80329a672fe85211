package web

import (
	"context"
	"runtime"
	"sync"

	"cchcbot"
	"cchcbot/export"
)

// yearCache keeps what the overview reads, while the store says it has not
// changed: the units in Vietnamese order, and each period's latest
// versions. At a province's 10,000 units a year's twelve periods take
// seconds to decode, and staff open the overview again and again; a
// submission or a review changes one period, so only that one is read
// again (the store's audit log says which).
type yearCache struct {
	mu       sync.Mutex
	unitsVer uint64
	unitsOK  bool
	units    []cchcbot.Unit // export.SortUnits order

	primed   bool   // subsVer and auditSeq are set
	subsVer  uint64 // the store's SubmissionsVersion the periods are current with
	auditSeq uint64 // the audit entry they are current with
	epoch    uint64 // refreshes so far: a period read across one is not kept
	tick     uint64
	periods  map[string]*cachedPeriod
}

type cachedPeriod struct {
	used   uint64 // tick of the last use, for eviction
	latest map[string]*cchcbot.Submission
}

// maxCachedPeriods bounds the periods kept: two years of a monthly kind
// and a few others. Each is one small record per unit.
const maxCachedPeriods = 40

// maxChanges bounds the audit entries read to find what changed; past it
// (a bulk import) every period is read again.
const maxChanges = 5000

func newYearCache() *yearCache { return &yearCache{periods: map[string]*cachedPeriod{}} }

// sortedUnits returns every unit, retired ones too, grouped and in
// Vietnamese order. The slice is shared: callers must not change it.
func (s *Server) sortedUnits(ctx context.Context) ([]cchcbot.Unit, error) {
	c := s.cache
	ver := s.opts.Store.UnitsVersion() // read before the units: a change meanwhile leaves the copy stale, never wrongly fresh
	c.mu.Lock()
	if c.unitsOK && c.unitsVer == ver {
		us := c.units
		c.mu.Unlock()
		return us, nil
	}
	c.mu.Unlock()
	us, err := s.opts.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	export.SortUnits(us)
	c.mu.Lock()
	c.units, c.unitsVer, c.unitsOK = us, ver, true
	c.mu.Unlock()
	return us, nil
}

// refresh drops the periods whose submissions changed since the cache was
// last current. The version is read before the audit log: a commit in
// between is seen in the log (and dropped now) or leaves the version
// moved (and is looked for next time), never neither.
func (s *Server) refresh(ctx context.Context) error {
	c := s.cache
	ver := s.opts.Store.SubmissionsVersion()
	c.mu.Lock()
	current, after, epoch := c.primed && c.subsVer == ver, c.auditSeq, c.epoch
	c.mu.Unlock()
	if current {
		return nil
	}
	changed, last, complete, err := s.opts.Store.SubmissionChanges(ctx, after, maxChanges)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return nil // another request refreshed meanwhile, from the same point or later
	}
	c.epoch++
	if complete && c.primed {
		for _, id := range changed {
			delete(c.periods, id)
		}
	} else {
		clear(c.periods)
	}
	c.primed, c.subsVer, c.auditSeq = true, ver, last
	return nil
}

// latestOf returns each period's latest versions (brief: no files), by
// period id then unit code, reading the periods not cached side by side.
// Periods not yet open have none and are not read. The maps are shared:
// callers must not change them.
func (s *Server) latestOf(ctx context.Context, periods []cchcbot.Period) (map[string]map[string]*cchcbot.Submission, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	c := s.cache
	now := s.opts.Clock.Now()
	out := make(map[string]map[string]*cchcbot.Submission, len(periods))
	var todo []string
	c.mu.Lock()
	c.tick++
	epoch := c.epoch
	for _, p := range periods {
		if p.Opens.After(now) {
			out[p.ID] = nil
			continue
		}
		if e := c.periods[p.ID]; e != nil {
			e.used = c.tick
			out[p.ID] = e.latest
			continue
		}
		todo = append(todo, p.ID)
	}
	c.mu.Unlock()
	if len(todo) == 0 {
		return out, nil
	}

	got := make([]map[string]*cchcbot.Submission, len(todo))
	errs := make([]error, len(todo))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, id := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			got[i], errs[i] = s.opts.Store.LatestSubmissionsBrief(ctx, id)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range todo {
		out[id] = got[i]
		// Kept only if no refresh ran meanwhile: what was read may predate
		// a change that refresh has already dropped.
		if c.epoch == epoch {
			c.periods[id] = &cachedPeriod{used: c.tick, latest: got[i]}
		}
	}
	for len(c.periods) > maxCachedPeriods {
		var oldest string
		var at uint64
		for id, e := range c.periods {
			if oldest == "" || e.used < at {
				oldest, at = id, e.used
			}
		}
		delete(c.periods, oldest)
	}
	return out, nil
}
