package outbox

import "time"

// SetPruneEvery shortens how soon quiet chats are forgotten, for a test.
func SetPruneEvery(d time.Duration) (restore func()) {
	old := pruneEvery
	pruneEvery = d
	return func() { pruneEvery = old }
}
