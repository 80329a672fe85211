package store

// SetMaxHandledUpdates lowers the bound of remembered chat update ids, so
// that a test sees pruning without ten thousand commits.
func (db *DB) SetMaxHandledUpdates(n int) { db.maxUpdates = n }
