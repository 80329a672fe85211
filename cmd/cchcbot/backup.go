package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"cchcbot"
	"cchcbot/backup"
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
				return cchcbot.FileErrorf(err, "Không xác định được đường dẫn đầy đủ của %s", a)
			}
		}
	}
	return runStaff(ctx, "backup", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *BackupCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot backup [-config TỆP] [-force] TỆP

Ghi một bản sao nhất quán của cơ sở dữ liệu vào TỆP rồi kiểm tra bản sao.
Lệnh chạy được cả khi bot đang chạy (khi đó bot ghi bản sao: người dùng
của bot phải ghi được vào TỆP) lẫn khi bot đã dừng. Thư mục chứa TỆP được
tạo nếu chưa có. Lệnh không ghi đè lên tệp có sẵn, trừ khi có -force, và
không bao giờ ghi qua một liên kết tượng trưng (symlink).

Các tệp báo cáo nằm trong data_dir/files, không nằm trong bản sao: hãy
sao chép cả thư mục đó.

Tùy chọn:
`+configUsage+`  -force          ghi đè nếu TỆP đã có
`+envUsage)
}

// backupHandler writes a verified copy of the database, online.
func backupHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	flags := newFlagSet("backup")
	force := flags.Bool("force", false, "")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("Cú pháp: cchcbot backup [-force] TỆP, ví dụ: cchcbot backup data/backups/cchcbot-truoc-nang-cap.db")
	}
	n, err := backup.Write(ctx, env.DB, pos[0], *force)
	if errors.Is(err, fs.ErrExist) {
		return existsError(pos[0])
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã sao lưu cơ sở dữ liệu vào %s (%d byte, đã kiểm tra). Các tệp báo cáo nằm trong %s: hãy sao chép cả thư mục đó.\n",
		pos[0], n, filepath.Join(env.Config().DataDir, "files"))
	return nil
}
