// Command cchcbot runs the CCHC deadline bot of Quỳ Hợp district and the
// staff commands around it. main only wires: each subcommand lives in its
// own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure
	exitUsage   = 2 // a usage or configuration error
	exitLocked  = 3 // the store is held by something that does not answer
)

// exitError carries the process exit code with the message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cchcbot: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "cchcbot %s: %v\n", args[0], err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}

type commandFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

func commands() map[string]commandFunc {
	return map[string]commandFunc{
		"run":      runCommand,
		"check":    checkCommand,
		"calendar": calendarCommand,
		"invite":   staffCommand("invite", inviteHandler),
		"status":   staffCommand("status", statusHandler),
		"backup":   staffCommand("backup", backupHandler),
	}
}

const usage = `cchcbot: the CCHC deadline bot of Quỳ Hợp district.

Usage: cchcbot <command> [-config FILE] [arguments]

Commands:
  run                         run the bot (needs TELEGRAM_BOT_TOKEN)
  check                       validate the config and summarise it
  calendar [--from D] [--to D]
                              every period, deadline and reminder (D: YYYY-MM-DD)
  invite UNIT_CODE            create an invite link for a unit
  invite --admin NAME         create an invite link for a phòng Nội vụ admin
  status [PERIOD]             who has submitted for a period (e.g. 02/2024)
  backup FILE                 write a verified copy of the database

Every command takes -config FILE (default ./config.yaml). invite, status and
backup work whether or not the bot is running: while it runs they go through
its control socket in data_dir.

Environment:
  TELEGRAM_BOT_TOKEN          the bot token (run only; never in the file)
  CCHCBOT_NOW                 a fixed "now" (RFC 3339), for demos and tests
`
