package store

import "testing"

// SetRollUpBatch makes RollUpReminders delete size rows per transaction
// and call after inside each (see afterRollUpBatch) until the test ends.
func SetRollUpBatch(tb testing.TB, size int, after func(periodID string, batch int) error) {
	tb.Helper()
	oldSize, oldAfter := rollUpBatch, afterRollUpBatch
	rollUpBatch, afterRollUpBatch = size, after
	tb.Cleanup(func() { rollUpBatch, afterRollUpBatch = oldSize, oldAfter })
}
