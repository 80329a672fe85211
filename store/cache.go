package store

import (
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The read caches. The bbolt file is locked to one process, so this
// process sees every write: a reader can keep the decoded units, members
// and a period's submissions until a commit changes them, instead of
// decoding a province's 30,000 members for every status page. Each kind of
// record has a generation, bumped after every commit that writes it; a
// cached value is tagged with the generation read before its transaction
// began, so a commit racing the read leaves the value tagged old, never
// new.

// generation counts the commits that changed one kind of record.
type generation struct{ n atomic.Uint64 }

// changedBy bumps g once tx commits.
func (g *generation) changedBy(tx *bolt.Tx) { tx.OnCommit(func() { g.n.Add(1) }) }

// memo holds one decoded value and the generation it was read at.
type memo[T any] struct {
	mu  sync.Mutex
	gen uint64
	ok  bool
	val T
}

// get returns the memoized value if g has not moved since it was read,
// else loads it anew.
func (m *memo[T]) get(g *generation, load func() (T, error)) (T, error) {
	n := g.n.Load()
	m.mu.Lock()
	if m.ok && m.gen == n {
		v := m.val
		m.mu.Unlock()
		return v, nil
	}
	m.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	m.val, m.gen, m.ok = v, n, true
	m.mu.Unlock()
	return v, nil
}

// caches are the DB's read caches.
type caches struct {
	units, members, submissions generation

	unitList     memo[[]cchcbot.Unit]
	memberList   memo[[]cchcbot.Member]
	memberCounts memo[map[string]cchcbot.MemberCount]

	mu      sync.Mutex
	periods map[string]*memo[[]*cchcbot.Submission] // by period id
}

// maxCachedPeriods bounds the periods whose submissions are kept: the open
// ones and the last closed ones are what status pages ask for again; at a
// province's 10,000 units each costs a few megabytes.
const maxCachedPeriods = 6

func (c *caches) period(id string) *memo[[]*cchcbot.Submission] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.periods == nil {
		c.periods = map[string]*memo[[]*cchcbot.Submission]{}
	}
	m := c.periods[id]
	if m == nil {
		if len(c.periods) >= maxCachedPeriods {
			for k := range c.periods { // any one: they are cheap to reload
				delete(c.periods, k)
				break
			}
		}
		m = &memo[[]*cchcbot.Submission]{}
		c.periods[id] = m
	}
	return m
}

// copySubmissions gives a caller its own records: callers may change what
// they get back without touching the cache.
func copySubmissions(in []*cchcbot.Submission) []*cchcbot.Submission {
	out := make([]*cchcbot.Submission, len(in))
	for i, s := range in {
		c := *s
		out[i] = &c
	}
	return out
}
