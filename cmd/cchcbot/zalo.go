package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/inbox"
	"cchcbot/metrics"
	"cchcbot/store"
	"cchcbot/zalo"
)

// startZalo makes the Zalo adapter: the OA's tokens come from the store,
// or, on the first start, from ZALO_REFRESH_TOKEN; they are kept fresh in
// the background and reported in /healthz. A refresh token Zalo refuses
// for good is told to the admins, who run `cchcbot zalo-auth`. Without
// tokens the bot runs on: Zalo messages wait in the outbox.
func startZalo(ctx context.Context, cfg *config.Config, sec config.ZaloSecrets, db *store.DB, clk cchcbot.Clock, logger *slog.Logger, obs *metrics.Metrics) (*zalo.Client, error) {
	zc, err := zalo.New(zalo.Config{
		AppID: cfg.Zalo.AppID, OAID: cfg.Zalo.OAID, APIBase: cfg.Zalo.APIBase, OAuthBase: cfg.Zalo.OAuthBase,
		AppSecret: sec.AppSecret, OASecretKey: sec.OASecretKey, MaxFileSize: cfg.Zalo.MaxFileSize,
		Logger: logger.With("network", "zalo"), Clock: clk,
		OnTokenDead: func(err error) { tellAdminsZaloDead(context.WithoutCancel(ctx), db, clk.Now(), err, logger) },
	}, db)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	if _, err := zc.Bootstrap(ctx, sec.RefreshToken); errors.Is(err, zalo.ErrNoTokens) {
		logger.Error("ALERT: Zalo has no tokens yet: run cchcbot zalo-auth (or set ZALO_REFRESH_TOKEN for the first start); Zalo messages wait meanwhile")
	} else if err != nil {
		logger.Error("Zalo tokens not ready; Zalo messages wait until they are", "err", err)
	}
	obs.AddCheck("zalo", zc.Healthy)
	go zc.KeepTokensFresh(ctx)
	return zc, nil
}

// tellAdminsZaloDead queues, once a day, a notice to every admin that
// Zalo refuses the bot's credentials. It reaches them on Telegram (a
// Zalo admin will get it once Zalo works again).
func tellAdminsZaloDead(ctx context.Context, db *store.DB, now time.Time, err error, logger *slog.Logger) {
	admins, aerr := db.Admins(ctx)
	if aerr != nil {
		logger.Error("reading the admins to tell them Zalo is cut off", "err", aerr)
		return
	}
	text := "CẢNH BÁO: Bot không gửi được tin nhắn Zalo. " + cchcbot.ErrorMessage(err) +
		"\nĐề nghị cán bộ quản trị chạy lệnh \"cchcbot zalo-auth\" trên máy chủ với mã làm mới (refresh token) mới lấy từ trang quản lý ứng dụng Zalo. Tin nhắn Zalo được giữ lại và sẽ gửi khi có mã mới."
	day := now.Format(time.DateOnly)
	for _, a := range admins {
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Priority: cchcbot.PriorityBulk}
		if _, err := db.QueueOnce(ctx, "zalo/dead/"+day+"/"+string(a.User), msg); err != nil {
			logger.Error("queueing the Zalo alert", "err", err)
		}
	}
}

// serveZaloWebhook serves the webhook Zalo posts events to, at
// zalo.webhook_path on zalo.webhook_listen (a loopback address behind the
// office's HTTPS reverse proxy), until the returned stop is called.
func serveZaloWebhook(cfg *config.Config, zc *zalo.Client, gate *inbox.Gate, logger *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.Handle("POST "+cfg.Zalo.WebhookPath, zc.Webhook(gate, gate))
	ln, err := net.Listen("tcp", cfg.Zalo.WebhookListen)
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("zalo.webhook_listen %s: không mở được cổng: %w", cfg.Zalo.WebhookListen, err)}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	go srv.Serve(ln)
	logger.Info("serving the Zalo webhook", "addr", ln.Addr().String(), "path", cfg.Zalo.WebhookPath)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}, nil
}

// tellAdminsQuota queues, once per unit and reminder step, a notice to
// every admin that Zalo refused a reminder for its quota: the unit was not
// reminded on Zalo and must be reached another way.
func tellAdminsQuota(ctx context.Context, db *store.DB, o *cchcbot.Outgoing, qe *cchcbot.QuotaError, logger *slog.Logger) {
	key, what := "zalo/quota/"+string(o.To)+"/"+fmt.Sprint(o.ID), "một tin nhắn"
	if r := o.Reminder; r != nil {
		if err := db.MarkQuotaRefused(ctx, r.PeriodID, r.UnitCode, o.To.Channel(), time.Time{}); err != nil {
			logger.Error("recording a quota refusal", "err", err)
		}
		key = "zalo/quota/" + r.PeriodID + "/" + r.UnitCode + "/" + r.Step
		what = "lời nhắc việc"
		if u, err := db.Unit(ctx, r.UnitCode); err == nil {
			what += " tới " + u.Name
		}
		what += " (kỳ " + r.PeriodID + ")"
	}
	admins, err := db.Admins(ctx)
	if err != nil {
		logger.Error("reading the admins to tell them of Zalo's quota", "err", err)
		return
	}
	text := fmt.Sprintf("Không gửi được %s qua Zalo: %s Đơn vị chưa nhận được nội dung này; đề nghị liên hệ trực tiếp hoặc mời thêm thành viên dùng Telegram.", what, qe.Message)
	for _, a := range admins {
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Priority: cchcbot.PriorityBulk}
		if _, err := db.QueueOnce(ctx, key+"/"+string(a.User), msg); err != nil {
			logger.Error("queueing the Zalo quota notice", "err", err)
		}
	}
}

// warnAdminsQuota queues, once a month, a notice to every admin that the
// OA has sent most of its proactive messages for the month.
func warnAdminsQuota(ctx context.Context, db *store.DB, month string, count, quota int, logger *slog.Logger) {
	admins, err := db.Admins(ctx)
	if err != nil {
		logger.Error("reading the admins to warn them of Zalo's quota", "err", err)
		return
	}
	text := fmt.Sprintf("CẢNH BÁO: Official Account Zalo đã gửi %d/%d tin nhắn chủ động của tháng %s (mục zalo.proactive_monthly_quota). "+
		"Khi hết hạn mức, Zalo sẽ từ chối các lời nhắc việc gửi tới người đã quá 48 giờ không nhắn cho OA; bot sẽ báo từng đơn vị không nhắc được. "+
		"Đề nghị mời thêm thành viên dùng Telegram, hoặc nâng gói dịch vụ của OA.", count, quota, month)
	for _, a := range admins {
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: a.User, Text: text, Priority: cchcbot.PriorityBulk}
		if _, err := db.QueueOnce(ctx, "zalo/quota-warning/"+month+"/"+string(a.User), msg); err != nil {
			logger.Error("queueing the Zalo quota warning", "err", err)
		}
	}
}
