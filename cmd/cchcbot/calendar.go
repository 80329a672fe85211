package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// CalendarCommand prints every period in a range with its data window,
// its deadline and the instants of its reminders: what the bot will send,
// with the ad-hoc requests and extensions the store holds.
type CalendarCommand struct {
	Stdout io.Writer
}

// Usage prints the command's help.
func (c *CalendarCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot calendar [-config TỆP] [--from NGÀY] [--to NGÀY]

In mọi kỳ báo cáo có hạn nộp trong khoảng ngày đã cho: mã kỳ, khoảng số
liệu, hạn nộp (và lý do dời hạn, khi cuối tuần hay ngày lễ đẩy hạn sang
ngày làm việc kế tiếp) và thời điểm gửi từng lần nhắc việc, kể cả các
yêu cầu báo cáo đột xuất (/yeucau, cchcbot request) và các đơn vị được gia
hạn. Lệnh chạy được khi bot đã dừng hay đang chạy; không cần mã bot.

NGÀY ghi dạng dd/mm/yyyy (15/02/2024) hoặc yyyy-mm-dd (2024-02-15).

Tùy chọn:
`+configUsage+`  --from NGÀY     ngày hạn nộp đầu tiên (mặc định hôm nay)
  --to NGÀY       ngày hạn nộp cuối cùng (mặc định ba tháng sau --from)
`+envUsage)
}

// Run prints the calendar: with the store's ad-hoc requests and
// extensions when the data directory holds one (through the running bot
// when it holds the store), from the config alone otherwise.
func (c *CalendarCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, store.FileName)); err == nil {
		return runStaff(ctx, "calendar", path, rest, c.Stdout)
	}
	clk, err := clock()
	if err != nil {
		return err
	}
	return printCalendar(ctx, nil, cfg, clk, rest, c.Stdout)
}

// calendarHandler is the calendar with the store's requests and extensions.
func calendarHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	return printCalendar(ctx, env.DB, env.Config(), env.Clock, args, stdout)
}

// printCalendar prints the periods due in the range the arguments give;
// db, when not nil, adds the ad-hoc requests and each unit's extensions.
func printCalendar(ctx context.Context, db *store.DB, cfg *config.Config, clk cchcbot.Clock, args []string, stdout io.Writer) error {
	flags := newFlagSet("calendar")
	from := flags.String("from", "", "")
	to := flags.String("to", "", "")
	if pos, err := parseInterspersed(flags, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError("Lệnh calendar không nhận tham số %q: ngày ghi sau --from và --to, ví dụ: cchcbot calendar --from 01/01/2024 --to 31/12/2024.", strings.Join(pos, " "))
	}
	cal := cfg.Calendar()
	requests := map[string]cchcbot.Request{}
	var extensions map[string][]*cchcbot.Extension
	var units map[string]cchcbot.Unit
	if db != nil {
		rs, err := db.Requests(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			requests[r.ID] = r
		}
		cal = cal.WithRequests(rs)
		all, err := db.Extensions(ctx, "")
		if err != nil {
			return err
		}
		extensions = map[string][]*cchcbot.Extension{}
		for _, e := range all {
			if e.Approved() {
				extensions[e.PeriodID] = append(extensions[e.PeriodID], e)
			}
		}
		us, err := db.Units(ctx)
		if err != nil {
			return err
		}
		units = map[string]cchcbot.Unit{}
		for _, u := range us {
			units[u.Code] = u
		}
	}
	start := cchcbot.DateOf(clk.Now().In(cal.Location))
	var err error
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
		if r, ok := requests[p.KindID]; ok {
			fmt.Fprintf(stdout, "  Yêu cầu:   báo cáo đột xuất, tạo ngày %s bởi %s%s\n",
				r.CreatedAt.In(cal.Location).Format("02/01/2006"), requestAuthor(r), requestState(r, cal.Location))
		}
		if p.HasWindow() {
			fmt.Fprintf(stdout, "  Số liệu:   %s\n", p.WindowVN())
		}
		fmt.Fprintf(stdout, "  Hạn nộp:   %s %s, hết %s%s\n", p.Due.WeekdayVN(), p.Due.VN(), p.Deadline.In(cal.Location).Format("15:04"), shiftNote(cal, p))
		if k, _ := cal.Kind(p.KindID); k.Cancelled {
			continue
		}
		for _, e := range extensions[p.ID] {
			name := e.UnitCode
			if u, ok := units[e.UnitCode]; ok {
				name = u.Name
			}
			fmt.Fprintf(stdout, "  Gia hạn:   %s đến %s %s (quyết định ngày %s)\n", name, e.Until.WeekdayVN(), e.Until.VN(),
				e.DecidedAt.In(cal.Location).Format("02/01/2006"))
		}
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

// requestAuthor names who made a request.
func requestAuthor(r cchcbot.Request) string {
	if r.CreatedByName != "" {
		return r.CreatedByName
	}
	if r.CreatedBy == "cli" {
		return "dòng lệnh (cchcbot request)"
	}
	return string(r.CreatedBy)
}

// requestState says when a request was cancelled or its due date changed.
func requestState(r cchcbot.Request, loc *time.Location) string {
	switch {
	case r.Cancelled():
		return "; ĐÃ HỦY ngày " + r.CancelledAt.In(loc).Format("02/01/2006") + " (" + r.CancelReason + ")"
	case r.PlannedFrom.After(r.CreatedAt):
		return "; hạn nộp đã điều chỉnh ngày " + r.PlannedFrom.In(loc).Format("02/01/2006")
	}
	return ""
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
