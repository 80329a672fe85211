package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

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
