package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"cchcbot"
	"cchcbot/backup"
	"cchcbot/bot"
	"cchcbot/chat"
	"cchcbot/config"
	"cchcbot/inbox"
	"cchcbot/metrics"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/web"
	"cchcbot/zalo"
)

// runBot runs the bot until ctx ends. What needs only the store starts at
// once: the scheduler (it queues reminders in the store's outbox), the
// daily jobs, SIGHUP reloads. Telegram is reached in the meantime, retried
// while it is unreachable; only then do the outbox's sender, the inbox's
// handlers and the poller start. Nothing waits for Telegram that does not
// have to, and nothing said meanwhile is lost: it waits in the store.
func runBot(ctx context.Context, path string, env *Env, secrets config.Secrets, logger *slog.Logger, obs *metrics.Metrics) error {
	// Whatever ends the run (a signal, a refused token) stops every part
	// of it before the deferred waits: the handlers must see a cancelled
	// context, not a closed sender.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cfg, db, clk := env.Config(), env.DB, env.Clock
	key, err := db.Secret(ctx, "callback", 32)
	if err != nil {
		return err
	}
	signer := cchcbot.CallbackSigner{Key: key}

	// The calendar is the config's plus the ad-hoc requests in the store;
	// liveCalendar puts a fresh one in force after every change.
	cal, err := env.Calendar(ctx)
	if err != nil {
		return err
	}
	sched := scheduler.New(cal, db, clk, signer, cfg.Office, logger)
	sched.NewInDigest = cfg.Reminders.AdminNotify == "digest"
	if cfg.HasTelegram() {
		sched.Networks = append(sched.Networks, cchcbot.ChannelTelegram)
	}
	if cfg.HasZalo() {
		sched.Networks = append(sched.Networks, cchcbot.ChannelZalo)
	}
	if b := cfg.Backup; b.Enabled() {
		// The backup settings are read at start: a reload does not move them.
		daily := &backup.Daily{Source: db, Dir: b.Dir, Keep: b.Keep, At: b.Time, Location: cfg.Location(), Clock: clk, Logger: logger}
		sched.Jobs = append(sched.Jobs, scheduler.Job{Name: "backup", At: b.Time, Run: daily.Run, CatchUp: daily.CatchUp})
	}
	if k := cfg.Reminders.KeepLogYears; k > 0 {
		// Read at start, like the backup's settings.
		sched.Jobs = append(sched.Jobs, sched.RollUpJob(k))
	}
	sched.Jobs = append(sched.Jobs, scheduler.Job{Name: "orphan-files", At: orphanTime, Run: func(ctx context.Context) error {
		return collectOrphans(ctx, env, logger)
	}})
	if err := sched.Start(ctx); err != nil {
		return &exitError{exitUsage, fmt.Errorf("lịch nhắc việc không khởi động được: %w", err)}
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), schedulerGrace)
		defer cancel()
		if err := sched.Stop(stopCtx); err != nil {
			logger.Warn("scheduler did not stop in time", "err", err)
		}
	}()

	// Each network has its own outbox sender (its own pace and backoff),
	// and the conversation sees them all through one Router. Telegram
	// joins once reached; until then its messages wait in the outbox, and
	// everything else runs.
	var svc *chat.Service
	telegram := newLateChannel("Telegram")
	networks := cchcbot.Router{}
	var senders []*outbox.Sender
	addNetwork := func(name string, ch cchcbot.Channel) *outbox.Sender {
		s := outbox.New(ctx, db, ch, outbox.Options{Network: name,
			GlobalPerSecond: cfg.Outbound.GlobalPerSecond, PerChatPerSecond: cfg.Outbound.PerChatPerSecond,
			MaxRetries: cfg.Outbound.MaxRetries, Clock: clk, Logger: logger.With("network", name), Observer: obs,
			NotBefore: sched.NotBefore, Superseded: sched.Superseded,
			OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) {
				ctx, cancel := hookContext(ctx)
				defer cancel()
				if err := svc.MemberUnreachable(ctx, to, cchcbot.ErrorMessage(err)); err != nil {
					logger.Error("recording an unreachable member", "err", err)
				}
			},
			OnRefused: func(ctx context.Context, o *cchcbot.Outgoing, err error) {
				ctx, cancel := hookContext(ctx)
				defer cancel()
				// A reminder goes to the person's other network first; for
				// a quota refusal, the admins are told when there is none.
				if ok, rerr := sched.Reroute(ctx, o); rerr != nil {
					logger.Error("rerouting a refused reminder", "err", rerr)
				} else if ok {
					logger.Info("refused reminder sent on the person's other network", "to", string(o.To))
					return
				}
				var qe *cchcbot.QuotaError
				if errors.As(err, &qe) {
					tellAdminsQuota(ctx, db, o, qe, logger)
				}
			},
		})
		networks[name] = s
		senders = append(senders, s)
		return s
	}
	// The conversation exists before any sender starts: a refusal met on
	// the backlog at once reaches it.
	var inviteLink func(string) string
	if cfg.HasTelegram() {
		inviteLink = cfg.InviteLink
	}
	svc = chat.New(chat.Options{
		Store: db, Calendar: cal, Channel: networks, Clock: clk, Signer: signer, Reminders: sched,
		ExtensionLimit: cfg.Workflow.ExtensionLimit, ExplainLate: cfg.Workflow.ExplainLate,
		// Through env: its hook is set once the dashboard exists, and the
		// calendar put in force then reads every request stored before.
		RequestsChanged: env.RequestsChanged,
		AdminNotify:     cfg.Reminders.AdminNotify, MaxFileSize: max(cfg.Telegram.MaxFileSize, cfg.Zalo.MaxFileSize),
		InviteLink: inviteLink, ZaloOALink: cfg.ZaloOALink(), Office: cfg.Office, Logger: logger,
		WebLogin: webLoginFunc(cfg, db, clk),
	})
	var tgSender *outbox.Sender
	if cfg.HasTelegram() {
		tgSender = addNetwork(cchcbot.ChannelTelegram, telegram)
	}
	var zc *zalo.Client
	if cfg.HasZalo() {
		if zc, err = startZalo(ctx, cfg, secrets.Zalo, db, clk, logger, obs); err != nil {
			return err
		}
		counted := &zalo.Proactive{Channel: zc, Store: db, Clock: clk, Location: cfg.Location(), Quota: cfg.Zalo.ProactiveMonthlyQuota,
			Warn: func(ctx context.Context, month string, count, quota int) {
				warnAdminsQuota(ctx, db, month, count, quota, logger)
			}}
		addNetwork(cchcbot.ChannelZalo, counted)
		env.SetZalo(zc) // zalo-auth on the control socket reaches it
	}
	obs.SetOutbox(func() metrics.OutboxState {
		st := metrics.OutboxState{Queued: map[cchcbot.OutKind]int{}}
		for _, s := range senders {
			one := s.Stats()
			for k, n := range one.Pending {
				st.Queued[k] += n
			}
			st.OldestAge = max(st.OldestAge, one.OldestAge)
		}
		return st
	})
	disp := inbox.New(db, svc, inbox.Options{Logger: logger, Observer: obs})
	// Every source of events (the poller, the webhook) accepts through the
	// gate, so that a person's events are handled in the store's order.
	gate := &inbox.Gate{St: db, D: disp}
	var handlers sync.WaitGroup
	handlers.Go(func() {
		if err := disp.Run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("inbox stopped", "err", err)
		}
	})
	// Stopping: handlers in flight see their context cancelled; one
	// interrupted stays in the inbox and runs again after the restart.
	// Then the senders stop: what they have not delivered stays in the
	// outbox.
	defer waitBounded(logger, "sends still in flight at shutdown", outboxGrace, func() {
		var wg sync.WaitGroup
		for _, s := range senders {
			wg.Go(s.Close)
		}
		wg.Wait()
	})
	defer waitBounded(logger, "handlers still running at shutdown", handlerGrace, handlers.Wait)
	defer cancel() // runs first of these: the run is over, whatever ended it
	// The dashboard stops before them all: no review or reminder is asked
	// of a conversation that is stopping.
	webCtx, stopWeb := context.WithCancel(ctx)
	dash, waitWeb, err := startWeb(webCtx, cfg, db, clk, svc, sched, logger)
	if err != nil {
		stopWeb()
		return err
	}
	// Requests made before the dashboard existed are in force there too,
	// and `cchcbot request` on the control socket puts its changes in force.
	if err := liveCalendar(ctx, env, sched, svc, dash); err != nil {
		stopWeb()
		return err
	}
	env.OnRequestsChanged(func(ctx context.Context) error { return liveCalendar(ctx, env, sched, svc, dash) })
	defer func() {
		stopWeb()
		waitBounded(logger, "web dashboard requests still running at shutdown", webGrace, waitWeb)
	}()
	if zc != nil {
		stop, err := serveZaloWebhook(cfg, zc, gate, logger)
		if err != nil {
			return err
		}
		defer stop() // first: no event is taken once the handlers stop
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				reload(ctx, path, env, sched, svc, dash, logger)
			case <-ctx.Done():
				return
			}
		}
	}()

	if !cfg.HasTelegram() {
		<-ctx.Done()
		return nil
	}
	tg, err := connect(ctx, cfg, secrets.TelegramToken, logger, obs)
	if errors.Is(err, bot.ErrUnauthorized) {
		return &exitError{exitUsage, err}
	} else if err != nil || tg == nil {
		return err
	}
	telegram.set(tg)
	tgSender.Resume()
	if admins, err := db.Admins(ctx); err != nil {
		logger.Warn("reading the admins for the command menus failed", "err", err)
	} else {
		var ids []cchcbot.UserID
		for _, a := range admins {
			ids = append(ids, a.User)
		}
		if err := tg.SetCommands(ctx, chat.MemberCommands(), chat.AdminCommands(), ids); err != nil {
			logger.Warn("registering the command menus failed (the bot works without them)", "err", err)
		}
	}
	logger.Info("bot polling Telegram", "bot", tg.Username())
	return bot.NewPoller(tg, gate, gate, bot.PollerOptions{Observer: obs}).Run(ctx)
}

// hookContext is the context of what the outbox's hooks record (a member
// unreachable, a reminder rerouted): not cancelled by the shutdown that
// may coincide with the refusal, since the refusal itself is committed,
// but bounded so that Close is not held.
func hookContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Second)
}

// waitBounded runs wait, giving up after d: a stuck network call must not
// hold the process past systemd's stop timeout.
func waitBounded(logger *slog.Logger, what string, d time.Duration, wait func()) {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		logger.Warn(what)
	}
}

// connect reaches Telegram, retrying while the network is down: an office
// server may boot before its line is up. Each failure counts as a failed
// poll, so /metrics shows a bot that has never reached Telegram. A refused
// token ends the run with ErrUnauthorized; a cancelled ctx with nil, nil.
func connect(ctx context.Context, cfg *config.Config, token string, logger *slog.Logger, obs *metrics.Metrics) (*bot.Telegram, error) {
	wait := time.Second
	for {
		tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: cfg.Telegram.APIEndpoint, FileEndpoint: cfg.Telegram.FileEndpoint,
			PollTimeout: cfg.Telegram.PollTimeout, MaxFileSize: cfg.Telegram.MaxFileSize, Logger: logger})
		switch {
		case err == nil:
			return tg, nil
		case errors.Is(err, bot.ErrUnauthorized):
			return nil, err
		case ctx.Err() != nil:
			return nil, nil
		}
		obs.PollFailed()
		logger.Warn("cannot reach Telegram, retrying", "err", err, "in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, nil
		}
		wait = min(wait*2, time.Minute)
	}
}

func reload(ctx context.Context, path string, env *Env, sched *scheduler.Scheduler, svc *chat.Service, dash *web.Server, logger *slog.Logger) {
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
	env.SetConfig(cfg) // staff commands on the control socket see it too
	if err := liveCalendar(ctx, env, sched, svc, dash); err != nil {
		logger.Error("config reload: the new calendar is not in force", "err", err)
		return
	}
	logger.Info("config reloaded", "added", len(res.Added), "updated", len(res.Updated), "retired", len(res.Retired), "detail", fmt.Sprint(res))
}

var liveCalendarMu sync.Mutex

// liveCalendar puts the calendar in force (the config's, with the stored
// ad-hoc requests) in the scheduler, the conversation and the dashboard:
// at start, on a reload and after every request made or changed.
func liveCalendar(ctx context.Context, env *Env, sched *scheduler.Scheduler, svc *chat.Service, dash *web.Server) error {
	// One at a time: a reload and a request change racing could otherwise
	// leave in force the calendar read first, with the old config or
	// without the new request.
	liveCalendarMu.Lock()
	defer liveCalendarMu.Unlock()
	cal, err := env.Calendar(ctx)
	if err != nil {
		return err
	}
	sched.SetCalendar(cal)
	if svc != nil {
		svc.SetCalendar(cal)
	}
	if dash != nil {
		dash.SetCalendar(cal)
	}
	return nil
}
