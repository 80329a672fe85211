package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/chat"
	"cchcbot/config"
	"cchcbot/scheduler"
	"cchcbot/store"
	"cchcbot/web"
)

// webGrace is the dashboard's share of the 10 s a stop may take: its own
// shutdown gives requests in flight 2 s, then cuts them.
const webGrace = 3 * time.Second

// webLoginFunc is chat's /web: a one-time link on the configured base
// URL, or nil when the dashboard is off.
func webLoginFunc(cfg *config.Config, db *store.DB, clk cchcbot.Clock) func(context.Context, cchcbot.UserID) (string, time.Time, error) {
	if !cfg.Web.Enabled() {
		return nil
	}
	base := cfg.Web.BaseURL // read at start, as the listener
	return func(ctx context.Context, admin cchcbot.UserID) (string, time.Time, error) {
		return web.NewLoginLink(ctx, db, base, admin, clk.Now())
	}
}

// startWeb serves the dashboard when the config has a web section. The
// port is taken now, so that a busy port fails the start; wait stops the
// server (after ctx ends) and returns once it has. Without a web section
// it returns a nil server and a wait that does nothing.
func startWeb(ctx context.Context, cfg *config.Config, db *store.DB, clk cchcbot.Clock, svc *chat.Service, sched *scheduler.Scheduler, logger *slog.Logger) (srv *web.Server, wait func(), err error) {
	if !cfg.Web.Enabled() {
		return nil, func() {}, nil
	}
	srv, err = web.New(web.Options{Store: db, Calendar: cfg.Calendar(), Clock: clk, Reviewer: svc, Inviter: svc, Reminder: sched,
		BaseURL: cfg.Web.BaseURL, Office: cfg.Office, TrustedProxies: cfg.Web.TrustedProxies, Logger: logger.With("part", "web")})
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("web: %w", err)}
	}
	ln, err := net.Listen("tcp", cfg.Web.Listen)
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("web.listen %s: không mở được cổng: %w", cfg.Web.Listen, err)}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ctx, ln); err != nil {
			logger.Error("the web dashboard stopped", "err", err)
		}
	}()
	logger.Info("serving the web dashboard", "addr", ln.Addr().String(), "base_url", cfg.Web.BaseURL)
	return srv, func() { <-done }, nil
}

// WebLoginCommand makes a one-time login link to the web dashboard for an
// admin.
type WebLoginCommand struct {
	Stdout io.Writer
}

// Run makes the link, in this process or in the running bot.
func (c *WebLoginCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	return runStaff(ctx, "web-login", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *WebLoginCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot web-login [-config TỆP] CÁN_BỘ

Tạo một đường link đăng nhập trang quản lý trên trình duyệt (mục web: trong
tệp cấu hình) cho một cán bộ quản trị: dùng một lần, hết hạn sau 10 phút.
Đường link được in ra đây và gửi vào cuộc trò chuyện của cán bộ đó với bot
(Telegram hoặc Zalo). Cán bộ cũng tự lấy được đường link bằng lệnh /web
trong cuộc trò chuyện với bot.

CÁN_BỘ là mã tài khoản (số Telegram như trong mục admins:, hoặc dạng
telegram:123456789) hoặc họ tên, có dấu hay không dấu (nguyen van an).

Lệnh chạy được khi bot đã dừng hay đang chạy; trang quản lý chỉ mở được
khi bot đang chạy.

Tùy chọn:
`+configUsage+envUsage)
}

// webLoginHandler makes the link, prints it and sends it to the admin's
// chat through the outbox. The link is a secret: it goes to the terminal
// and to that chat, never to a log.
func webLoginHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	pos, err := parseInterspersed(newFlagSet("web-login"), args)
	if err != nil {
		return err
	}
	cfg := env.Config()
	if !cfg.Web.Enabled() {
		return usageError("Trang quản lý trên trình duyệt chưa được bật: thêm mục web: (với base_url) vào tệp cấu hình, rồi khởi động lại bot.")
	}
	query := strings.TrimSpace(strings.Join(pos, " "))
	if query == "" {
		return usageError("Cú pháp: cchcbot web-login CÁN_BỘ (mã tài khoản hoặc họ tên cán bộ quản trị, ví dụ: cchcbot web-login nguyen van an)")
	}
	// The config names admins, as run syncs them: a bot never started yet
	// has them in the store only from here.
	if err := env.DB.SyncAdmins(ctx, cfg.AdminList(), env.Clock.Now()); err != nil {
		return cchcbot.FileErrorf(err, "Không cập nhật được danh sách cán bộ quản trị")
	}
	a, err := lookupAdmin(ctx, env, query)
	if err != nil {
		return err
	}
	now := env.Clock.Now()
	link, expires, err := web.NewLoginLink(ctx, env.DB, cfg.Web.BaseURL, a.User, now)
	if err != nil {
		return cchcbot.FileErrorf(err, "Không tạo được đường link đăng nhập")
	}
	msg := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: chat.WebLoginText(link, expires, cfg.Location()), Priority: cchcbot.PriorityInteractive}
	sent := env.DB.Queue(ctx, msg)
	fmt.Fprintf(stdout, "Đường link đăng nhập trang quản lý cho %s (dùng một lần, hết hạn lúc %s):\n  %s\n",
		nameOr(a.Name, string(a.User)), expires.In(cfg.Location()).Format("02/01/2006 15:04"), link)
	if sent != nil {
		return cchcbot.FileErrorf(sent, "Đường link ở trên dùng được, nhưng không gửi được vào cuộc trò chuyện với bot")
	}
	fmt.Fprintf(stdout, "Đường link cũng được gửi vào cuộc trò chuyện của %s với bot.\n", nameOr(a.Name, "cán bộ"))
	return nil
}

// lookupAdmin finds the one admin query names, as lookupUnit finds a
// unit: no match or several are usage errors in Vietnamese.
func lookupAdmin(ctx context.Context, env *Env, query string) (cchcbot.Admin, error) {
	admins, err := env.DB.Admins(ctx)
	if err != nil {
		return cchcbot.Admin{}, cchcbot.FileErrorf(err, "Không đọc được danh sách cán bộ quản trị")
	}
	found := chat.FindAdmins(admins, query)
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var b strings.Builder
		fmt.Fprintf(&b, "Không có cán bộ quản trị nào khớp với %q.", query)
		if len(admins) > 0 {
			b.WriteString(" Các cán bộ quản trị:")
			for _, a := range admins {
				fmt.Fprintf(&b, "\n  • %s – mã %s", nameOr(a.Name, "(chưa có tên)"), a.User.Local())
			}
		}
		return cchcbot.Admin{}, &exitError{exitUsage, cchcbot.Errorf(cchcbot.ENOTFOUND, "%s", b.String())}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Có %d cán bộ quản trị khớp với %q. Xin ghi rõ hơn hoặc dùng mã tài khoản:", len(found), query)
	for _, a := range found {
		fmt.Fprintf(&b, "\n  • %s – mã %s", nameOr(a.Name, "(chưa có tên)"), a.User.Local())
	}
	return cchcbot.Admin{}, &exitError{exitUsage, cchcbot.Errorf(cchcbot.EINVALID, "%s", b.String())}
}

// nameOr returns s, or def when s is blank.
func nameOr(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
