package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"cchcbot"
	"cchcbot/control"
	"cchcbot/store"
)

// handlerFunc is a staff command that can run locally or in the bot: the
// same function writes the same output either way.
type handlerFunc func(ctx context.Context, env *Env, args []string, stdout io.Writer) error

// staffHandlers are the commands the running bot serves on its control
// socket, by name.
var staffHandlers = map[string]handlerFunc{
	"calendar":  calendarHandler,
	"invite":    inviteHandler,
	"request":   requestHandler,
	"status":    statusHandler,
	"backup":    backupHandler,
	"compact":   compactHandler,
	"export":    exportHandler,
	"archive":   archiveHandler,
	"summary":   summaryHandler,
	"zalo-auth": zaloAuthHandler,
	"web-login": webLoginHandler,
}

// lockProbe is how long a staff command waits for the store's lock before
// it concludes that a bot holds it and asks the bot instead.
const lockProbe = 500 * time.Millisecond

// runStaff runs the staff command name on the store of the config at path:
// directly when no bot holds the store, through the running bot's control
// socket when one does. rest holds the command's own arguments.
func runStaff(ctx context.Context, name, path string, rest []string, stdout io.Writer) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	clk, err := clock()
	if err != nil {
		return err
	}
	// The first command after an upgrade may migrate a province's store:
	// its progress goes to stderr, apart from the command's output.
	db, err := store.Open(cfg.DataDir, store.Options{LockTimeout: lockProbe, Now: clk.Now, Logger: newLogger(cfg, os.Stderr)})
	if cchcbot.ErrorCode(err) == cchcbot.ELOCKED {
		sock := filepath.Join(cfg.DataDir, control.SocketName)
		err := control.Call(ctx, sock, name, rest, stdout)
		var re *control.RemoteError
		switch {
		case err == nil, errors.As(err, &re), ctx.Err() != nil:
			return err
		case errors.Is(err, control.ErrNoAnswer):
			return &exitError{exitLocked, cchcbot.Errorf(cchcbot.ELOCKED,
				"Kho dữ liệu %s đang bị một tiến trình khác giữ, nhưng tiến trình đó không trả lời qua %s (một bot cchcbot bị treo hoặc đang dừng dở?). Xin kiểm tra bằng lệnh: fuser %s",
				cfg.DataDir, sock, filepath.Join(cfg.DataDir, store.FileName))}
		}
		return cchcbot.FileErrorf(err, "Bot đang chạy đã ngắt kết nối trước khi lệnh %s xong; xin xem nhật ký của bot", name)
	} else if err != nil {
		return err
	}
	defer db.Close()
	// The config is the source of truth for units, as in run: a unit
	// added to the file exists for staff commands at once.
	if _, err := db.SyncUnits(ctx, cfg.UnitList(), clk.Now()); err != nil {
		return err
	}
	return staffHandlers[name](ctx, NewEnv(cfg, db, clk), rest, stdout)
}
