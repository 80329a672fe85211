package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/control"
	"cchcbot/metrics"
	"cchcbot/store"
)

// Shutdown budget after SIGTERM: the process must stop within 10 s, so the
// scheduler's jobs and the control commands in progress get bounded slices
// of it, and the poller's own return is prompt on cancellation.
const (
	handlerGrace   = 3 * time.Second
	schedulerGrace = 2 * time.Second
	outboxGrace    = 1 * time.Second
	controlGrace   = 2 * time.Second
)

// RunCommand runs the bot until SIGINT or SIGTERM; SIGHUP reloads the
// config.
type RunCommand struct {
	Stdout io.Writer
	Stderr io.Writer // the log
	// Clock, when set, is the bot's clock instead of the wall clock or
	// CCHCBOT_NOW: a benchmark moves it through a deadline.
	Clock cchcbot.Clock
}

// Usage prints the command's help.
func (c *RunCommand) Usage() {
	fmt.Fprint(c.Stdout, `Usage: TELEGRAM_BOT_TOKEN=... cchcbot run [-config FILE]

Runs the bot: answers units on Telegram, sends the reminders, keeps the
records in data_dir. It logs to stderr (log.format, log.level). SIGHUP
reloads the config (units, admins, calendar; nothing already sent is sent
again); SIGINT or SIGTERM stop it within 10 seconds.

While it runs, invite, status and backup reach it through data_dir/control.sock.

Exit codes: 2 for a config or token problem, 3 when another cchcbot
already runs on the same data_dir, 1 for other failures.

Options:
`+configUsage+envUsage)
}

// Run runs the bot.
func (c *RunCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("run takes no arguments, got %q", rest)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	if ph := cfg.Placeholders(); len(ph) > 0 {
		// The example's placeholder admin id is somebody's real account
		// or nobody's: the digest must not go there.
		return &exitError{exitUsage, fmt.Errorf("cấu hình còn giá trị mẫu, cần thay bằng giá trị thật trước khi chạy bot:\n  %s", strings.Join(ph, "\n  "))}
	}
	secrets, err := cfg.SecretsFrom(os.Getenv)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	clk := c.Clock
	if clk == nil {
		if clk, err = clock(); err != nil {
			return err
		}
	}
	logger := newLogger(cfg, c.Stderr)

	db, err := store.Open(cfg.DataDir, store.Options{Now: clk.Now, Logger: logger})
	if cchcbot.ErrorCode(err) == cchcbot.ELOCKED {
		return &exitError{exitLocked, fmt.Errorf("another cchcbot is already running on data_dir %s: %w", cfg.DataDir, err)}
	} else if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.SyncUnits(ctx, cfg.UnitList(), clk.Now())
	if err != nil {
		return err
	}
	logger.Info("units synced", "added", len(res.Added), "updated", len(res.Updated), "retired", len(res.Retired), "revived", len(res.Revived))
	if err := db.SyncAdmins(ctx, cfg.AdminList(), clk.Now()); err != nil {
		return err
	}

	// Bound here, so that a taken port fails the start; deferred after
	// the store, so it stops serving before the store closes.
	obs := metrics.New(metrics.Options{Source: db, Staleness: 3*cfg.Telegram.PollTimeout + time.Minute, NoPolls: !cfg.HasTelegram()})
	if addr := cfg.Metrics.Listen; addr != "" {
		ms, err := obs.Listen(addr)
		if err != nil {
			return fmt.Errorf("metrics.listen: %w", err)
		}
		defer func() {
			// A scrape in progress gets half a second of the 10 s budget.
			sctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			ms.Shutdown(sctx)
		}()
		logger.Info("serving /healthz and /metrics", "addr", ms.Addr().String())
	}

	env := NewEnv(cfg, db, clk)
	srv := &control.Server{Logger: logger, Handlers: map[string]control.HandlerFunc{}}
	for name, h := range staffHandlers {
		srv.Handlers[name] = func(ctx context.Context, args []string, w io.Writer) error {
			// The client prints what it gets: send the text and exit
			// code it would have printed had it run the command itself.
			if err := h(ctx, env, args, w); err != nil {
				return &exitError{exitCodeOf(err), errors.New(errorText(err))}
			}
			return nil
		}
	}
	sock := filepath.Join(cfg.DataDir, control.SocketName)
	if err := srv.Listen(sock); err != nil {
		return err
	}
	go srv.Serve(ctx)
	defer os.Remove(sock)
	logger.Info("cchcbot running", "data_dir", cfg.DataDir, "units", len(cfg.Units), "control", sock)

	err = runBot(ctx, path, env, secrets, logger, obs)

	// Finish in-flight staff commands (their context is cancelled), then
	// let the deferred Close release bbolt; a stuck command cannot hold
	// the process past its share of the grace period.
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(controlGrace):
		logger.Warn("control commands still running at shutdown")
	}
	logger.Info("cchcbot stopped")
	return err
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
