package export

import (
	"bytes"
	"cmp"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"cchcbot"
)

// A collator is not safe for concurrent use; the pool lets exports run
// side by side.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese) }}

// CompareVN compares two names in Vietnamese dictionary order: ă and â
// after a, đ after d, ơ after ô, tones after the bare letter. Byte order
// would put every name starting with Đ after Y.
func CompareVN(a, b string) int {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return c.CompareString(a, b)
}

// SortNamesVN sorts names in Vietnamese order.
func SortNamesVN(names []string) {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	c.SortStrings(names)
}

// SortUnits orders units as the exports list them: by group (departments,
// public service units, communes), then by name in Vietnamese order. Each
// name's collation key is computed once, not at every comparison.
func SortUnits(us []cchcbot.Unit) {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	keys := make(map[string][]byte, len(us))
	for _, u := range us {
		keys[u.Code] = slices.Clone(c.KeyFromString(&buf, u.Name))
		buf.Reset()
	}
	slices.SortStableFunc(us, func(a, b cchcbot.Unit) int {
		return cmp.Or(cmp.Compare(a.Group.Rank(), b.Group.Rank()), bytes.Compare(keys[a.Code], keys[b.Code]), cmp.Compare(a.Code, b.Code))
	})
}

// sortStatuses orders statuses as units were ordered: rank holds each
// unit's place in SortUnits' order.
func sortStatuses(us []cchcbot.UnitStatus, rank map[string]int) {
	slices.SortStableFunc(us, func(a, b cchcbot.UnitStatus) int {
		return cmp.Compare(rank[a.Unit.Code], rank[b.Unit.Code])
	})
}
