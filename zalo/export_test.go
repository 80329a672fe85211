package zalo

import "time"

// SetPartBackoff replaces the wait between retries of a later part, so
// that tests of those retries do not wait seconds; it returns the undo.
func SetPartBackoff(f func(int) time.Duration) (undo func()) {
	old := partBackoff
	partBackoff = f
	return func() { partBackoff = old }
}

// SetPace replaces c's transfer time limits: base plus size at rate bytes
// per second.
func (c *Client) SetPace(base time.Duration, rate int64) { c.pace = pace{base: base, rate: rate} }
