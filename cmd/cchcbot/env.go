package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
	"cchcbot/zalo"
)

// Env is what a staff command needs: the config, the open store and the
// clock. The same handler runs in the CLI process or inside the running bot.
type Env struct {
	DB    *store.DB
	Clock cchcbot.Clock

	config atomic.Pointer[config.Config] // swapped by a SIGHUP reload
	zalo   atomic.Pointer[zalo.Client]   // the running bot's Zalo adapter, if any
	// requestsChanged, in the running bot, puts the calendar with the
	// stored requests in force everywhere.
	requestsChanged atomic.Pointer[func(context.Context) error]
}

// Calendar returns the calendar in force: the config's, with the ad-hoc
// requests the store holds.
func (e *Env) Calendar(ctx context.Context) (*cchcbot.Calendar, error) {
	rs, err := e.DB.Requests(ctx)
	if err != nil {
		return nil, err
	}
	return e.Config().Calendar().WithRequests(rs), nil
}

// RequestsChanged tells the running bot that a request was made or
// changed; outside the bot there is nothing to tell.
func (e *Env) RequestsChanged(ctx context.Context) error {
	if f := e.requestsChanged.Load(); f != nil {
		return (*f)(ctx)
	}
	return nil
}

// OnRequestsChanged sets what RequestsChanged does.
func (e *Env) OnRequestsChanged(f func(context.Context) error) { e.requestsChanged.Store(&f) }

// Zalo returns the running bot's Zalo adapter, nil outside the bot or
// without Zalo.
func (e *Env) Zalo() *zalo.Client { return e.zalo.Load() }

// SetZalo records the running bot's Zalo adapter for the staff commands.
func (e *Env) SetZalo(zc *zalo.Client) { e.zalo.Store(zc) }

// NewEnv returns an Env on cfg.
func NewEnv(cfg *config.Config, db *store.DB, clk cchcbot.Clock) *Env {
	env := &Env{DB: db, Clock: clk}
	env.config.Store(cfg)
	return env
}

// Config returns the configuration in force.
func (e *Env) Config() *config.Config { return e.config.Load() }

// SetConfig puts a reloaded configuration in force.
func (e *Env) SetConfig(cfg *config.Config) { e.config.Store(cfg) }

// clock returns the wall clock, or the fixed instant in CCHCBOT_NOW.
func clock() (cchcbot.Clock, error) {
	s := os.Getenv("CCHCBOT_NOW")
	if s == "" {
		return cchcbot.SystemClock, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, usageError("Biến môi trường CCHCBOT_NOW = %q không phải một thời điểm theo RFC 3339 (ví dụ 2024-02-10T09:00:00+07:00).", s)
	}
	return cchcbot.ClockFunc(func() time.Time { return t }), nil
}

// splitConfig takes -config FILE out of args, wherever it stands, so that
// the rest can be parsed by the command (here or inside the bot).
func splitConfig(args []string) (path string, rest []string, err error) {
	path = "config.yaml"
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", nil, usageError("Tùy chọn -config cần tên tệp cấu hình đi kèm, ví dụ: -config /etc/cchcbot/config.yaml.")
			}
			i++
			val = args[i]
		}
		path = val
	}
	return path, rest, nil
}

// setup is what every command does first: take -config out of args, load
// the config and pick the clock.
func setup(args []string) (path string, rest []string, cfg *config.Config, clk cchcbot.Clock, err error) {
	if path, rest, err = splitConfig(args); err != nil {
		return "", nil, nil, nil, err
	}
	if cfg, err = loadConfig(path); err != nil {
		return "", nil, nil, nil, err
	}
	if clk, err = clock(); err != nil {
		return "", nil, nil, nil, err
	}
	return path, rest, cfg, clk, nil
}

func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	return cfg, nil
}

// newFlagSet returns a flag set whose errors come back as usage errors.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseInterspersed parses flags that may follow positional arguments
// ("status 02/2024 -config x" as well as "status -config x 02/2024").
// Its errors are usage errors in Vietnamese.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, flagErrorVN(fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
