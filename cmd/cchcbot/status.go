package main

import (
	"context"
	"fmt"
	"io"

	"cchcbot"
)

// StatusCommand prints where every unit stands for a period.
type StatusCommand struct {
	Stdout io.Writer
}

// Run prints the status, from this process or from the running bot.
func (c *StatusCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	return runStaff(ctx, "status", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *StatusCommand) Usage() {
	fmt.Fprint(c.Stdout, `Usage: cchcbot status [-config FILE] [PERIOD]

Prints, for one period, every unit with its state, when it submitted, how
many days late, how many versions, and the reminders sent and acknowledged.

PERIOD is a month of the monthly report (02/2024, 2/2024 or 2024-02), a
year of a yearly or one-off report (2024), or a full period id
(bao-cao-thang/2024-02, as "cchcbot calendar" shows). Without it: the open
period nearest its deadline, else the latest one already due.

Works with the bot stopped or running.

Options:
`+configUsage+envUsage)
}

// statusHandler prints where every unit stands for a period.
func statusHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("status")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("usage: cchcbot status [PERIOD]")
	}
	query := ""
	if len(pos) == 1 {
		query = pos[0]
	}
	cal := env.Config().Calendar()
	p, err := cal.ResolvePeriod(query, env.Clock.Now())
	if err != nil {
		return usageError("%s", cchcbot.ErrorMessage(err))
	}
	ps, err := loadStatus(ctx, env, p)
	if err != nil {
		return err
	}
	c := ps.Counts()
	fmt.Fprintf(stdout, "%s [%s]\n", p.Label, p.ID)
	if p.HasWindow() {
		fmt.Fprintf(stdout, "Số liệu: %s. ", p.WindowVN())
	}
	fmt.Fprintf(stdout, "Hạn nộp: %s %s.\n", p.Due.WeekdayVN(), p.Due.VN())
	fmt.Fprintf(stdout, "Đã nộp %d/%d (đúng hạn %d, trễ hạn %d), chưa nộp %d, bị trả lại %d, không liên lạc được %d.\n\n",
		c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable)
	tw := newTable(stdout)
	fmt.Fprintln(tw, "Đơn vị\tNhóm\tTrạng thái\tNộp lúc\tTrễ (ngày)\tPhiên bản\tNhắc đã gửi/đã nhận")
	for _, u := range ps.Units {
		state := u.State.Label()
		if u.Latest != nil && u.Latest.State == cchcbot.StateAccepted {
			state += ", đã tiếp nhận"
		}
		if u.Unreachable() {
			state += " (không liên lạc được)"
		} else if u.Members == 0 {
			state += " (chưa có thành viên)"
		}
		at, late, version := "", "", ""
		if s := u.Latest; s != nil {
			at = s.SubmittedAt.In(cal.Location).Format("02/01/2006 15:04")
			late = fmt.Sprint(s.DaysLate)
			version = fmt.Sprint(s.Version)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\n", u.Unit.Name, u.Unit.Group.Label(), state, at, late, version, u.RemindSent, u.RemindAcked)
	}
	return tw.Flush()
}

// loadStatus gathers the stored facts of a period.
func loadStatus(ctx context.Context, env *Env, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	k, _ := env.Config().Calendar().Kind(p.KindID)
	units, err := env.DB.Units(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	latest, err := env.DB.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	members, err := env.DB.MemberCounts(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	counts, err := env.DB.ReminderCounts(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	return cchcbot.ComputeStatusCounts(k, p, units, latest, members, counts), nil
}
