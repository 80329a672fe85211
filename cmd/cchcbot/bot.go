package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"cchcbot"
	"cchcbot/backup"
	"cchcbot/bot"
	"cchcbot/chat"
	"cchcbot/config"
	"cchcbot/metrics"
	"cchcbot/outbox"
	"cchcbot/scheduler"
)

// runBot runs the chat bot and the scheduler until ctx ends. A SIGHUP
// reloads the config: the calendar and units change, nothing is resent.
func runBot(ctx context.Context, path string, env *Env, token string, logger *slog.Logger, obs *metrics.Metrics) error {
	cfg, db, clk := env.Config(), env.DB, env.Clock
	tg, err := connect(ctx, cfg, token, logger)
	if err != nil || tg == nil {
		return err
	}
	key, err := db.Secret(ctx, "callback", 32)
	if err != nil {
		return err
	}
	signer := cchcbot.CallbackSigner{Key: key}
	var svc *chat.Service
	queue := outbox.New(ctx, tg, outbox.Options{
		GlobalPerSecond: cfg.Outbound.GlobalPerSecond, PerChatPerSecond: cfg.Outbound.PerChatPerSecond,
		MaxRetries: cfg.Outbound.MaxRetries, Logger: logger, Observer: obs,
		OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) {
			if err := svc.MemberUnreachable(ctx, to, cchcbot.ErrorMessage(err)); err != nil {
				logger.Error("recording an unreachable member", "err", err)
			}
		},
	})
	obs.SetQueued(func() (int, int) { s := queue.Stats(); return s.QueuedInteractive, s.QueuedBulk })
	sched := scheduler.New(cfg.Calendar(), db, queue, clk, signer, cfg.Office, logger)
	sched.NewInDigest = cfg.Reminders.AdminNotify == "digest"
	if b := cfg.Backup; b.Enabled() {
		// The backup settings are read at start: a reload does not move them.
		daily := &backup.Daily{Source: db, Dir: b.Dir, Keep: b.Keep, At: b.Time, Location: cfg.Location(), Clock: clk, Logger: logger}
		sched.Jobs = append(sched.Jobs, scheduler.Job{Name: "backup", At: b.Time, Run: daily.Run, CatchUp: daily.CatchUp})
	}
	svc = chat.New(chat.Options{
		Store: db, Calendar: cfg.Calendar(), Channel: queue, Clock: clk, Signer: signer, Reminders: sched,
		AdminNotify: cfg.Reminders.AdminNotify, MaxFileSize: cfg.Telegram.MaxFileSize, InviteLink: cfg.InviteLink,
		Office: cfg.Office, Logger: logger, NoticesInBackground: true,
	})

	admins, err := db.Admins(ctx)
	if err != nil {
		return err
	}
	var adminIDs []cchcbot.UserID
	for _, a := range admins {
		adminIDs = append(adminIDs, a.User)
	}
	if err := tg.SetCommands(ctx, chat.MemberCommands(), chat.AdminCommands(), adminIDs); err != nil {
		logger.Warn("registering the command menus failed (the bot works without them)", "err", err)
	}
	// The first sweep may have a long paced fan-out to catch up after
	// downtime: chat must not wait for it.
	schedStarted := make(chan error, 1)
	go func() { schedStarted <- sched.Start(ctx) }()

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				reload(ctx, path, env, sched, svc, logger)
			case <-ctx.Done():
				return
			}
		}
	}()

	logger.Info("bot polling Telegram", "bot", tg.Username())
	err = bot.NewPoller(tg, db, svc, bot.PollerOptions{Observer: obs}).Run(ctx)

	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), schedulerGrace)
	defer cancel()
	select {
	case serr := <-schedStarted:
		if serr != nil {
			logger.Error("scheduler failed to start", "err", serr)
		}
	case <-stopCtx.Done():
	}
	if serr := sched.Stop(stopCtx); serr != nil {
		logger.Warn("scheduler did not stop in time", "err", serr)
	}
	// The sends in flight may still record an unreachable member: let
	// them return before the store closes, within their own budget.
	closed := make(chan struct{})
	go func() { queue.Close(); svc.Wait(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(outboxGrace):
		logger.Warn("sends still in flight at shutdown")
	}
	return err
}

// connect reaches Telegram, retrying while the network is down: an office
// server may boot before its line is up. A refused token ends the run.
func connect(ctx context.Context, cfg *config.Config, token string, logger *slog.Logger) (*bot.Telegram, error) {
	wait := time.Second
	for {
		tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: cfg.Telegram.APIEndpoint, FileEndpoint: cfg.Telegram.FileEndpoint,
			PollTimeout: cfg.Telegram.PollTimeout, MaxFileSize: cfg.Telegram.MaxFileSize, Logger: logger})
		switch {
		case err == nil:
			return tg, nil
		case errors.Is(err, bot.ErrUnauthorized):
			return nil, err
		}
		logger.Warn("cannot reach Telegram, retrying", "err", err, "in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, nil
		}
		wait = min(wait*2, time.Minute)
	}
}

func reload(ctx context.Context, path string, env *Env, sched *scheduler.Scheduler, svc *chat.Service, logger *slog.Logger) {
	db, clk := env.DB, env.Clock
	cfg, err := config.Load(path)
	if err != nil {
		logger.Error("config reload refused; keeping the running config", "err", err)
		return
	}
	res, err := db.SyncUnits(ctx, cfg.UnitList(), clk.Now())
	if err == nil {
		err = db.SyncAdmins(ctx, cfg.AdminList(), clk.Now())
	}
	if err != nil {
		logger.Error("config reload: syncing units", "err", err)
		return
	}
	sched.SetCalendar(cfg.Calendar())
	svc.SetCalendar(cfg.Calendar())
	env.SetConfig(cfg) // staff commands on the control socket see it too
	logger.Info("config reloaded", "added", len(res.Added), "updated", len(res.Updated), "retired", len(res.Retired), "detail", fmt.Sprint(res))
}
