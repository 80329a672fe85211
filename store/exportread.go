package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// EachSubmissionOfPeriod calls fn for every version of every unit of a
// period, by unit code then version, as SubmissionsForPeriod returns them,
// until fn returns an error. Each record is decoded once and handed over,
// not cached nor copied: a year's export at a province's 10,000 units
// reads 111,000 versions and keeps only a few fields of each, and going
// through the period cache would hold six periods' full records and evict
// the periods the status pages keep there. fn runs inside one read
// transaction per period (as long as SubmissionsForPeriod's own read): it
// must not call the store, and may keep s.
func (db *DB) EachSubmissionOfPeriod(ctx context.Context, periodID string, fn func(s *cchcbot.Submission) error) error {
	return db.view(ctx, "period submissions", func(tx *bolt.Tx) error {
		return eachIndexed(tx, bucketSubByPU, joinKey(periodID, ""), fn)
	})
}
