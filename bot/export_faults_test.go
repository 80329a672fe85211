package bot

import "time"

// SetAPITimeout replaces the Bot API client's timeout (PollTimeout + 15 s
// in production) so that a test of a hung request takes seconds, not
// sixteen. Call it before the poller starts.
func SetAPITimeout(t *Telegram, d time.Duration) { t.api.Client.(*client).http.Timeout = d }
