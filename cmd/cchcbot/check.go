package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/config"
)

// CheckCommand validates the config and prints what it says: units per
// group, report kinds, the next deadlines and the admins.
type CheckCommand struct {
	Stdout io.Writer
}

// Run checks the config; an invalid one is a usage error (exit code 2)
// naming the file and the line.
func (c *CheckCommand) Run(ctx context.Context, args []string) error {
	path, rest, cfg, clk, err := setup(args)
	if err != nil {
		return err
	}
	flags := newFlagSet("check")
	units := flags.Bool("units", false, "")
	if pos, err := parseInterspersed(flags, rest); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError("Lệnh check không nhận tham số %q. Cú pháp: cchcbot check [-config TỆP] [-units]", strings.Join(pos, " "))
	}
	summarize(c.Stdout, path, cfg, clk.Now())
	if *units {
		listUnits(c.Stdout, cfg)
	}
	if ph := cfg.Placeholders(); len(ph) > 0 {
		fmt.Fprintf(c.Stdout, "\nCẢNH BÁO: cấu hình còn %d giá trị mẫu; cchcbot run sẽ không chạy cho đến khi chúng được thay bằng giá trị thật:\n", len(ph))
		for _, p := range ph {
			fmt.Fprintln(c.Stdout, "  "+p)
		}
	}
	return nil
}

// Usage prints the command's help.
func (c *CheckCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot check [-config TỆP] [-units]

Kiểm tra tệp cấu hình và in tóm tắt: số đơn vị theo nhóm, các loại báo cáo
với lịch nộp, ba hạn nộp sắp tới, các cán bộ quản trị; cảnh báo những giá
trị mẫu chưa được thay (mã cán bộ, tên bot). Mã thoát 0 khi tệp
hợp lệ, 2 (kèm số dòng có lỗi) khi không. Lệnh không cần mã bot và không
đụng đến kho dữ liệu.

Tùy chọn:
`+configUsage+`  -units          liệt kê thêm mọi đơn vị với mã của nó (dùng cho cchcbot invite)
`+envUsage)
}

func summarize(w io.Writer, path string, cfg *config.Config, now time.Time) {
	cal := cfg.Calendar()
	fmt.Fprintf(w, "Cấu hình %s hợp lệ.\n%s – %s, múi giờ %s, dữ liệu tại %s\n\n", path, cfg.Office, cfg.Authority, cfg.Timezone, cfg.DataDir)

	units := cfg.UnitList()
	var nets []string
	if cfg.HasTelegram() {
		nets = append(nets, "Telegram (bot @"+cfg.Telegram.BotUsername+")")
	}
	if cfg.HasZalo() {
		nets = append(nets, fmt.Sprintf("Zalo (Official Account %s, webhook %s%s, hạn mức %d tin chủ động/tháng)", cfg.ZaloOALink(), cfg.Zalo.WebhookListen, cfg.Zalo.WebhookPath, cfg.Zalo.ProactiveMonthlyQuota))
	}
	fmt.Fprintf(w, "Kênh nhắn tin: %s\n", strings.Join(nets, "; "))
	if cfg.Web.Enabled() {
		fmt.Fprintf(w, "Trang quản lý trên trình duyệt: %s (máy chủ web nghe tại %s; đăng nhập bằng lệnh /web với bot hoặc cchcbot web-login)\n", cfg.Web.BaseURL, cfg.Web.Listen)
	} else {
		fmt.Fprintln(w, "Trang quản lý trên trình duyệt: tắt (thêm mục web: để bật)")
	}
	fmt.Fprintf(w, "Đơn vị: %d\n", len(units))
	tw := newTable(w)
	for _, g := range cchcbot.UnitGroups {
		n := 0
		for _, u := range units {
			if u.Group == g {
				n++
			}
		}
		fmt.Fprintf(tw, "  %s\t%d\n", cal.GroupLabels.Of(g), n)
	}
	tw.Flush()
	fmt.Fprintf(w, "Cán bộ quản trị: %d\n\n", len(cfg.AdminList()))

	fmt.Fprintln(w, "Loại báo cáo:")
	tw = newTable(w)
	for _, k := range cal.Kinds {
		var groups []string
		for _, g := range k.Groups {
			groups = append(groups, cal.GroupLabels.Of(g))
		}
		file := "nộp tệp"
		if !k.RequiresFile {
			file = "xác nhận hoàn thành"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", k.ID, k.Title, k.ScheduleVN(), file, strings.Join(groups, "; "))
	}
	tw.Flush()

	today := cchcbot.DateOf(now.In(cal.Location))
	next := cal.Periods(today, today.AddDays(400))
	fmt.Fprintf(w, "\nHạn sắp tới (từ %s):\n", today.VN())
	if len(next) == 0 {
		fmt.Fprintln(w, "  (không có kỳ báo cáo nào trong 12 tháng tới)")
	}
	for i, p := range next {
		if i == 3 {
			break
		}
		fmt.Fprintf(w, "  %s: %s %s%s\n", p.Label, p.Due.WeekdayVN(), p.Due.VN(), shiftNote(cal, p))
	}
}

// listUnits prints the unit codes staff pass to cchcbot invite.
func listUnits(w io.Writer, cfg *config.Config) {
	fmt.Fprintln(w, "\nDanh sách đơn vị:")
	tw := newTable(w)
	fmt.Fprintln(tw, "  Mã\tTên đơn vị\tNhóm")
	for _, u := range cfg.UnitList() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Code, u.Name, cfg.Groups.Of(u.Group))
	}
	tw.Flush()
}

// shiftNote explains a deadline that moved off a non-working day.
func shiftNote(cal *cchcbot.Calendar, p cchcbot.Period) string {
	if !p.Shifted() {
		return ""
	}
	why := "cuối tuần"
	if name, ok := cal.Work.HolidayName(p.NominalDue); ok {
		why = "nghỉ lễ"
		if name != "" {
			why = name
		}
	}
	return fmt.Sprintf(" (lùi từ %s do %s)", p.NominalDue.VN(), why)
}
