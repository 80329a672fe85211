package main

import (
	"context"
	"log/slog"
	"time"

	"cchcbot"
)

// orphanTime is when the daily clean-up of orphan files runs: after the
// backup's usual hour, before the office opens.
var orphanTime = cchcbot.TimeOfDay{Hour: 3, Minute: 30}

// collectOrphans removes report files no submission names: files fetched
// for a confirm that failed before it was recorded. Only files older than
// the longest a period stays open are touched, so that nothing a member
// could still be submitting is ever removed.
func collectOrphans(ctx context.Context, env *Env, logger *slog.Logger) error {
	cal := env.Config().Calendar()
	longest := 0
	for _, k := range cal.Kinds {
		longest = max(longest, k.OpenDays+k.LateDays)
	}
	cutoff := env.Clock.Now().Add(-time.Duration(longest+1) * 24 * time.Hour)
	n, err := env.DB.CollectOrphanFiles(ctx, cutoff)
	if n > 0 {
		logger.Info("orphan report files removed", "files", n, "older_than", cutoff.Format(time.DateOnly))
	}
	return err
}
