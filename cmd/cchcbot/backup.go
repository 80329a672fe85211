package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// BackupCommand writes a verified copy of the database.
type BackupCommand struct {
	Stdout io.Writer
}

// Run writes the backup, from this process or from the running bot.
func (c *BackupCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	// The bot may run in another directory: send it absolute paths.
	for i, a := range rest {
		if !strings.HasPrefix(a, "-") {
			if rest[i], err = filepath.Abs(a); err != nil {
				return err
			}
		}
	}
	return runStaff(ctx, "backup", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *BackupCommand) Usage() {
	fmt.Fprint(c.Stdout, `Usage: cchcbot backup [-config FILE] FILE

Writes a consistent copy of the database to FILE and checks it. It works
while the bot runs (the bot writes the copy: FILE must be writable by the
bot's user) and while it is stopped. The report files themselves are in
data_dir/files: copy that directory too.

Options:
`+configUsage+envUsage)
}

// backupHandler writes a verified copy of the database, online.
func backupHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("backup")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("usage: cchcbot backup FILE")
	}
	if err := env.DB.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fi, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã sao lưu cơ sở dữ liệu vào %s (%d byte, đã kiểm tra). Các tệp báo cáo nằm trong %s/files: hãy sao chép cả thư mục đó.\n",
		pos[0], fi.Size(), env.Config().DataDir)
	return nil
}
