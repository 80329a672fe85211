package bot

import "time"

// SetAPITimeout replaces the Bot API client's timeout (PollTimeout + 15 s
// in production) so that a test of a hung request takes seconds, not
// sixteen. Call it before the poller starts.
func SetAPITimeout(t *Telegram, d time.Duration) { t.http.Timeout = d }

// SetUploadPace replaces the upload time limit's base and rate (30 s plus
// the size at 32 KB/s in production), so that a test of a hung upload
// takes milliseconds. Call it before any upload.
func SetUploadPace(t *Telegram, base time.Duration, bytesPerSecond int64) {
	t.pace = pace{base: base, rate: bytesPerSecond}
}
