package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"cchcbot"
)

// CalendarCommand prints every period in a range with its data window,
// its deadline and the instants of its reminders: what the bot will send.
// It reads only the config.
type CalendarCommand struct {
	Stdout io.Writer
}

// Usage prints the command's help.
func (c *CalendarCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot calendar [-config TỆP] [--from NGÀY] [--to NGÀY]

In mọi kỳ báo cáo có hạn nộp trong khoảng ngày đã cho: mã kỳ, khoảng số
liệu, hạn nộp (và lý do dời hạn, khi cuối tuần hay ngày lễ đẩy hạn sang
ngày làm việc kế tiếp) và thời điểm gửi từng lần nhắc việc. Lệnh chỉ đọc
tệp cấu hình: không cần dừng bot, không cần mã bot.

NGÀY ghi dạng dd/mm/yyyy (15/02/2024) hoặc yyyy-mm-dd (2024-02-15).

Tùy chọn:
`+configUsage+`  --from NGÀY     ngày hạn nộp đầu tiên (mặc định hôm nay)
  --to NGÀY       ngày hạn nộp cuối cùng (mặc định ba tháng sau --from)
`+envUsage)
}

// Run prints the calendar.
func (c *CalendarCommand) Run(ctx context.Context, args []string) error {
	stdout := c.Stdout
	_, rest, cfg, clk, err := setup(args)
	if err != nil {
		return err
	}
	flags := newFlagSet("calendar")
	from := flags.String("from", "", "")
	to := flags.String("to", "", "")
	if pos, err := parseInterspersed(flags, rest); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError("Lệnh calendar không nhận tham số %q: ngày ghi sau --from và --to, ví dụ: cchcbot calendar --from 01/01/2024 --to 31/12/2024.", strings.Join(pos, " "))
	}
	cal := cfg.Calendar()
	start := cchcbot.DateOf(clk.Now().In(cal.Location))
	if *from != "" {
		if start, err = parseDateArg(*from); err != nil {
			return usageError("--from: %s", cchcbot.ErrorMessage(err))
		}
	}
	end := start.AddMonths(3)
	if *to != "" {
		if end, err = parseDateArg(*to); err != nil {
			return usageError("--to: %s", cchcbot.ErrorMessage(err))
		}
	}
	if end.Before(start) {
		return usageError("Ngày --to %s ở trước ngày --from %s.", end.VN(), start.VN())
	}
	periods := cal.Periods(start, end)
	fmt.Fprintf(stdout, "Lịch báo cáo từ %s đến %s: %d kỳ\n", start.VN(), end.VN(), len(periods))
	for _, p := range periods {
		fmt.Fprintf(stdout, "\n%s  [%s]\n", p.Label, p.ID)
		if p.HasWindow() {
			fmt.Fprintf(stdout, "  Số liệu:   %s\n", p.WindowVN())
		}
		fmt.Fprintf(stdout, "  Hạn nộp:   %s %s, hết %s%s\n", p.Due.WeekdayVN(), p.Due.VN(), p.Deadline.In(cal.Location).Format("15:04"), shiftNote(cal, p))
		fmt.Fprintln(stdout, "  Nhắc việc:")
		tw := newTable(stdout)
		for _, s := range cal.Plan(p) {
			d := cchcbot.DateOf(s.At.In(cal.Location))
			fmt.Fprintf(tw, "    %s\t%s %s %s\t%s\n", s.Label(), d.WeekdayVN(), d.VN(), s.At.In(cal.Location).Format("15:04"), movedNote(cal, s))
		}
		tw.Flush()
	}
	return nil
}

// movedNote says why a step is not where the rule put it: a day off, or,
// for an overdue repeat, the day already taken by the previous one.
func movedNote(cal *cchcbot.Calendar, s cchcbot.Step) string {
	if s.At.Equal(s.Nominal) {
		return ""
	}
	nominal := cchcbot.DateOf(s.Nominal.In(cal.Location))
	if cal.Work.IsWorkingDay(nominal) {
		return "(dời từ " + nominal.VN() + " để không trùng lần nhắc trước)"
	}
	return "(dời từ " + nominal.VN() + ", ngày nghỉ)"
}
