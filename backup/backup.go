// Package backup writes verified copies of the database (Write: a fresh
// temp file, fsync, check, rename) and keeps the daily ones: one a day,
// named by the office's date (cchcbot-2026-12-02.db), the newest Keep kept
// and older ones deleted. The consistent snapshot itself is the store's
// (store.DB.WriteBackup); cron, which triggers the daily copy, is the
// scheduler's. Report files are not copied: they are immutable and
// content-addressed in data_dir/files, so a plain copy of that directory
// backs them up.
package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"cchcbot"
)

// Daily writes and prunes the daily copies.
type Daily struct {
	Source   Source
	Dir      string // created 0700 if missing
	Keep     int    // copies kept, at least 1
	At       cchcbot.TimeOfDay
	Location *time.Location // the office's zone: names the copies
	Clock    cchcbot.Clock
	Logger   *slog.Logger
}

// prefix and suffix frame a copy's name around its date.
const (
	prefix = "cchcbot-"
	suffix = ".db"
)

// namePattern is a daily copy's name and nothing else: Prune never deletes
// a file it did not write.
var namePattern = regexp.MustCompile(`^cchcbot-(\d{4}-\d{2}-\d{2})\.db$`)

// tmpPattern is the temp file of an interrupted daily copy: Write's
// ".NAME.<random>.tmp", or the "NAME.tmp" of earlier versions.
var tmpPattern = regexp.MustCompile(`^(?:\.(cchcbot-\d{4}-\d{2}-\d{2}\.db)\.\d+|(cchcbot-\d{4}-\d{2}-\d{2}\.db))\.tmp$`)

// Name returns the file name of day's copy.
func Name(day cchcbot.Date) string { return prefix + day.String() + suffix }

// Copy is one daily copy on disk.
type Copy struct {
	Path string
	Day  cchcbot.Date
}

// List returns the daily copies in dir, newest first. A missing dir has
// none.
func List(dir string) ([]Copy, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []Copy
	for _, e := range entries {
		m := namePattern.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		day, err := cchcbot.ParseDate(m[1])
		if err != nil || Name(day) != e.Name() { // 2026-02-30 is not ours
			continue
		}
		out = append(out, Copy{Path: filepath.Join(dir, e.Name()), Day: day})
	}
	slices.SortFunc(out, func(a, b Copy) int { return b.Day.Compare(a.Day) })
	return out, nil
}

// Run writes today's copy, replacing one written earlier today, then
// deletes the copies beyond Keep. The date is the office's, from the
// Clock.
func (d *Daily) Run(ctx context.Context) error {
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return fmt.Errorf("daily backup: %w", err)
	}
	day := cchcbot.DateOf(d.Clock.Now().In(d.Location))
	path := filepath.Join(d.Dir, Name(day))
	start := time.Now()
	if _, err := Write(ctx, d.Source, path, true); err != nil {
		return fmt.Errorf("daily backup: %w", err)
	}
	removed, err := d.Prune()
	d.logger().Info("daily backup written", "path", path, "took", time.Since(start).Round(time.Millisecond), "pruned", len(removed))
	return err
}

// CatchUp runs Run when the last scheduled backup was missed: the newest
// copy is from before the day of the latest At that has passed (the bot
// was down at 02:30, or the copy failed). Otherwise it does nothing, so a
// restart does not rewrite today's copy.
func (d *Daily) CatchUp(ctx context.Context) error {
	copies, err := List(d.Dir)
	if err != nil {
		return err
	}
	if len(copies) > 0 && !copies[0].Day.Before(d.lastDue()) {
		return nil
	}
	d.logger().Info("daily backup missed, making it up now", "dir", d.Dir)
	return d.Run(ctx)
}

// lastDue returns the office's date of the latest scheduled run not after
// now: today once At has passed, yesterday before.
func (d *Daily) lastDue() cchcbot.Date {
	now := d.Clock.Now().In(d.Location)
	today := cchcbot.DateOf(now)
	if cchcbot.TimeOfDayOf(now).Minutes() < d.At.Minutes() {
		return today.AddDays(-1)
	}
	return today
}

// Prune deletes the daily copies beyond the newest Keep, and the temp
// files an interrupted copy of an earlier day left. It touches nothing
// else in Dir.
func (d *Daily) Prune() (removed []string, err error) {
	copies, err := List(d.Dir)
	if err != nil {
		return nil, err
	}
	keep := max(d.Keep, 1)
	var errs []error
	for _, c := range copies[min(keep, len(copies)):] {
		if err := os.Remove(c.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, c.Path)
	}
	today := Name(cchcbot.DateOf(d.Clock.Now().In(d.Location)))
	entries, _ := os.ReadDir(d.Dir)
	for _, e := range entries {
		m := tmpPattern.FindStringSubmatch(e.Name())
		if m != nil && m[1]+m[2] != today {
			os.Remove(filepath.Join(d.Dir, e.Name())) // a planted link is removed, not followed
		}
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("prune backups: %w", errors.Join(errs...))
	}
	return removed, nil
}

func (d *Daily) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}
