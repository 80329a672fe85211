package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/zalo"
)

// ZaloAuthCommand installs a refresh token for the office's Zalo Official
// Account: the first one, or a new one after Zalo refused the old. The
// token is read from standard input, never from the command line, where
// other users of the server and the shell's history would see it.
type ZaloAuthCommand struct {
	Stdin  io.Reader
	Stdout io.Writer
}

// Usage prints the command's help.
func (c *ZaloAuthCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: ZALO_APP_SECRET=... cchcbot zalo-auth [-config TỆP] < tệp-chứa-mã

Cài mã làm mới (refresh token) của Official Account Zalo: lần đầu, hoặc khi
Zalo đã từ chối mã cũ (bot báo "CẢNH BÁO: Bot không gửi được tin nhắn Zalo").
Mã đọc từ đầu vào chuẩn, một dòng, không bao giờ từ dòng lệnh; lệnh đổi
ngay mã đó lấy cặp mã mới và lưu vào kho dữ liệu. Lấy mã làm mới trong
trang quản lý ứng dụng Zalo (developers.zalo.me), mục cấp quyền cho OA.

Lệnh chạy được khi bot đã dừng hay đang chạy; cần ZALO_APP_SECRET trong môi
trường khi bot đã dừng.

Tùy chọn:
`+configUsage)
}

// Run reads the token and installs it, in this process or in the running
// bot (the token travels over the control socket, which logs no argument).
func (c *ZaloAuthCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("Lệnh zalo-auth không nhận tham số; mã làm mới đọc từ đầu vào chuẩn, ví dụ: cchcbot zalo-auth < ma-zalo.txt")
	}
	if f, ok := c.Stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintln(c.Stdout, "Dán mã làm mới (refresh token) của Zalo rồi nhấn Enter:")
		}
	}
	line, err := bufio.NewReader(io.LimitReader(c.Stdin, 8192)).ReadString('\n')
	if err != nil && err != io.EOF {
		return cchcbot.FileErrorf(err, "Không đọc được mã làm mới từ đầu vào chuẩn")
	}
	token := strings.TrimSpace(line)
	if token == "" || strings.ContainsAny(token, " \t\"'") {
		return usageError("Mã làm mới đọc được từ đầu vào chuẩn để trống hoặc có dấu cách, dấu nháy: xin dán đúng mã, một dòng, không kèm dấu nháy.")
	}
	return runStaff(ctx, "zalo-auth", path, []string{token}, c.Stdout)
}

// zaloAuthHandler installs the refresh token in args[0]: through the
// running bot's Zalo adapter, or through one made for the purpose.
func zaloAuthHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	cfg := env.Config()
	if !cfg.HasZalo() {
		return usageError("Cấu hình chưa có phần zalo: (app_id, oa_id): hãy khai báo Official Account Zalo trước khi cài mã.")
	}
	if len(args) != 1 {
		return usageError("zalo-auth nhận đúng một mã làm mới")
	}
	zc := env.Zalo()
	if zc == nil {
		sec, err := config.ZaloSecretsFrom(os.Getenv)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		if zc, err = zalo.New(zalo.Config{AppID: cfg.Zalo.AppID, OAID: cfg.Zalo.OAID, APIBase: cfg.Zalo.APIBase, OAuthBase: cfg.Zalo.OAuthBase,
			AppSecret: sec.AppSecret, OASecretKey: sec.OASecretKey, Clock: env.Clock}, env.DB); err != nil {
			return &exitError{exitUsage, err}
		}
	}
	if err := zc.InitialRefresh(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Đã cài mã Zalo mới: bot gửi lại được tin nhắn Zalo, kể cả những tin đang chờ.")
	return nil
}
