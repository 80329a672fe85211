// Command cchcbot runs the CCHC deadline bot of Quỳ Hợp district and the
// staff commands around it. main only wires: each subcommand lives in its
// own file, as a small XCommand with Run and Usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"cchcbot"
	"cchcbot/control"
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

// ExitCode makes exitError a control.ExitCoder: a command run by the bot
// on the control socket exits the client with the same code.
func (e *exitError) ExitCode() int { return e.code }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Command is one subcommand: Run parses its own flags from args; Usage
// prints its help.
type Command interface {
	Run(ctx context.Context, args []string) error
	Usage()
}

// commands returns the subcommands by name, writing to stdout and stderr.
func commands(stdout, stderr io.Writer) map[string]Command {
	return map[string]Command{
		"run":      &RunCommand{Stdout: stdout, Stderr: stderr},
		"check":    &CheckCommand{Stdout: stdout},
		"calendar": &CalendarCommand{Stdout: stdout},
		"invite":   &InviteCommand{Stdout: stdout},
		"status":   &StatusCommand{Stdout: stdout},
		"backup":   &BackupCommand{Stdout: stdout},
		"export":   &ExportCommand{Stdout: stdout},
		"archive":  &ArchiveCommand{Stdout: stdout},
		"summary":  &SummaryCommand{Stdout: stdout},
		"restore":  &RestoreCommand{Stdout: stdout},
	}
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		if len(args) == 2 {
			if cmd, ok := commands(stdout, stderr)[args[1]]; ok {
				cmd.Usage()
				return exitOK
			}
		}
		w := stdout
		if len(args) == 0 {
			w = stderr
		}
		fmt.Fprint(w, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands(stdout, stderr)[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cchcbot: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	for _, a := range args[1:] {
		if isHelp(a) {
			cmd.Usage()
			return exitOK
		}
	}
	err := cmd.Run(ctx, args[1:])
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		cmd.Usage()
		return exitOK
	}
	fmt.Fprintf(stderr, "cchcbot %s: %s\n", args[0], errorText(err))
	return exitCodeOf(err)
}

// exitCodeOf returns the exit code err asks for, exitFailure by default.
func exitCodeOf(err error) int {
	var ec control.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return exitFailure
}

// errorText is what the staff member reads for err: a domain error's
// message in place of its coded form, with the context wrapped around it.
func errorText(err error) string {
	var e *cchcbot.Error
	if errors.As(err, &e) {
		return strings.Replace(err.Error(), e.Error(), e.Message, 1)
	}
	return err.Error()
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
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
  export [--period P | --year Y] -o FILE.xlsx
                              the Excel workbook of a year or a period
  archive PERIOD -o FILE.zip  every unit's report files for a period, with a manifest
  summary [PERIOD]            the text for the district's monthly CCHC report
  backup FILE                 write a verified copy of the database
  restore FILE                put a backup in place of the database (bot stopped)

Every command takes -config FILE (default ./config.yaml), before or after its
arguments; "cchcbot <command> -h" shows its usage. invite, status, export,
archive, summary and backup work whether or not the bot is running: while it
runs they go through its control socket in data_dir.
` + envUsage

const envUsage = `
Environment:
  TELEGRAM_BOT_TOKEN          the bot token (run only; never in the file)
  CCHCBOT_NOW                 a fixed "now" (RFC 3339, e.g. 2024-02-10T09:00:00+07:00)
                              for demos and tests; every command honours it
`

// configUsage is the -config line every command's usage shows.
const configUsage = `  -config FILE    the configuration (default ./config.yaml; start from
                  config.example.yaml)
`
