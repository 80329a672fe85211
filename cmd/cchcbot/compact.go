package main

import (
	"cchcbot"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// CompactCommand rewrites the database without its free pages.
type CompactCommand struct {
	Stdout io.Writer
}

// Run compacts the store, in this process or in the running bot.
func (c *CompactCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	return runStaff(ctx, "compact", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *CompactCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot compact [-config TỆP]

Thu gọn tệp cơ sở dữ liệu (data_dir/cchcbot.db). Tệp này không bao giờ tự
nhỏ lại: chỗ của dữ liệu đã xóa (chẳng hạn sau khi gộp nhật ký nhắc việc
của các năm cũ) chỉ được dùng lại. Lệnh chép dữ liệu sang một tệp mới bên
cạnh, kiểm tra tệp mới (cấu trúc, phiên bản, số bản ghi của từng bảng) rồi
mới thay cho tệp cũ; có lỗi ở bất kỳ bước nào thì tệp cũ giữ nguyên.

Nên chạy sau khi nhật ký nhắc việc của các năm cũ được gộp, và trước khi
sao lưu. Ổ đĩa cần còn trống ít nhất bằng kích thước tệp hiện tại.

Lệnh chạy được khi bot đã dừng hay đang chạy. Khi bot đang chạy, việc ghi
(nhận báo cáo, gửi tin) tạm chờ trong lúc chép, thường vài giây, rồi tiếp
tục trên tệp mới; không mất dữ liệu nào.

Tùy chọn:
`+configUsage+envUsage)
}

// compactHandler compacts the store and says what it gained.
func compactHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	pos, err := parseInterspersed(newFlagSet("compact"), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("Lệnh compact không nhận tham số %q. Cú pháp: cchcbot compact [-config TỆP]", strings.Join(pos, " "))
	}
	res, err := env.DB.Compact(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã thu gọn kho dữ liệu %s: từ %s còn %s (giảm %s), trong %s.\n",
		env.DB.Path(), cchcbot.FormatSize(res.SizeBefore), cchcbot.FormatSize(res.SizeAfter), gainVN(res.SizeBefore, res.SizeAfter), durationVN(res.Duration))
	fmt.Fprintf(stdout, "Đã chép và kiểm tra %d bản ghi trong %d bảng.\n", res.Keys, res.Buckets)
	return nil
}

// gainVN says how much smaller the file became.
func gainVN(before, after int64) string {
	if before <= 0 || after >= before {
		return "0%"
	}
	pct := fmt.Sprintf("%.0f%%", 100*float64(before-after)/float64(before))
	return cchcbot.FormatSize(before-after) + ", " + pct
}

// durationVN writes how long the compaction took.
func durationVN(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d mili giây", d.Milliseconds())
	}
	if d < time.Minute {
		return strings.Replace(fmt.Sprintf("%.1f giây", d.Seconds()), ".", ",", 1)
	}
	return fmt.Sprintf("%d phút %d giây", int(d.Minutes()), int(d.Seconds())%60)
}
