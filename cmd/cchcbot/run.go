package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"cchcbot/config"
	"cchcbot/control"
	"cchcbot/store"
)

// shutdownGrace bounds the wait for in-flight work after SIGTERM.
const shutdownGrace = 10 * time.Second

// runCommand runs the bot until SIGINT or SIGTERM.
func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
	token, err := config.TokenFrom(os.Getenv)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	clk, err := clock()
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)

	db, err := store.Open(cfg.DataDir, store.Options{Now: clk.Now})
	if err != nil {
		if code := errorCode(err); code == "locked" {
			return &exitError{exitLocked, fmt.Errorf("another cchcbot is already running on %s: %w", cfg.DataDir, err)}
		}
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

	env := NewEnv(cfg, db, clk)
	srv := &control.Server{Logger: logger, Handlers: map[string]control.HandlerFunc{}}
	for name, h := range map[string]handlerFunc{"invite": inviteHandler, "status": statusHandler, "backup": backupHandler} {
		srv.Handlers[name] = func(ctx context.Context, args []string, w io.Writer) error { return h(ctx, env, args, w) }
	}
	sock := filepath.Join(cfg.DataDir, control.SocketName)
	if err := srv.Listen(sock); err != nil {
		return err
	}
	go srv.Serve(ctx)
	defer os.Remove(sock)
	logger.Info("cchcbot running", "data_dir", cfg.DataDir, "units", len(cfg.Units), "control", sock)

	err = runBot(ctx, path, env, token, logger)

	// Finish in-flight staff commands, then let the deferred Close release
	// bbolt; a stuck command cannot hold the process past the grace period.
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
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
