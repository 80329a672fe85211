package main

import (
	"context"
	"fmt"
	"io"

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
	fmt.Fprint(c.Stdout, `Usage: cchcbot calendar [-config FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

Prints every report period whose deadline falls in the range: its id, its
data window, its deadline (and why it moved, when a weekend or a holiday
pushed it to the next working day) and when each reminder goes out. It
reads the config only: the bot need not be stopped, no token is needed.

Options:
`+configUsage+`  --from DATE     first deadline day (default today)
  --to DATE       last deadline day (default three months after --from)
`+envUsage)
}

// Run prints the calendar.
func (c *CalendarCommand) Run(ctx context.Context, args []string) error {
	stdout := c.Stdout
	_, rest, cfg, clk, err := setup(args)
	if err != nil {
		return err
	}
	fs := newFlagSet("calendar")
	from := fs.String("from", "", "first due date, YYYY-MM-DD (default today)")
	to := fs.String("to", "", "last due date, YYYY-MM-DD (default three months on)")
	if pos, err := parseInterspersed(fs, rest); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError("calendar takes no positional arguments, got %q", pos)
	}
	cal := cfg.Calendar()
	start := cchcbot.DateOf(clk.Now().In(cal.Location))
	if *from != "" {
		if start, err = cchcbot.ParseDate(*from); err != nil {
			return usageError("--from: %s", cchcbot.ErrorMessage(err))
		}
	}
	end := start.AddMonths(3)
	if *to != "" {
		if end, err = cchcbot.ParseDate(*to); err != nil {
			return usageError("--to: %s", cchcbot.ErrorMessage(err))
		}
	}
	if end.Before(start) {
		return usageError("--to %s is before --from %s", end.VN(), start.VN())
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
