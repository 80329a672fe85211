package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"cchcbot"
)

// checkCommand validates the config and prints what it says.
func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	path, rest, cfg, clk, err := setup(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("check takes no arguments, got %q", rest)
	}
	cal := cfg.Calendar()
	fmt.Fprintf(stdout, "Cấu hình %s hợp lệ.\n%s – %s, múi giờ %s, dữ liệu tại %s\n\n", path, cfg.Office, cfg.District, cfg.Timezone, cfg.DataDir)

	units := cfg.UnitList()
	fmt.Fprintf(stdout, "Đơn vị: %d\n", len(units))
	for _, g := range cchcbot.UnitGroups {
		n := 0
		for _, u := range units {
			if u.Group == g {
				n++
			}
		}
		fmt.Fprintf(stdout, "  %-24s %d\n", g.Label(), n)
	}
	fmt.Fprintf(stdout, "Cán bộ quản trị (phòng Nội vụ): %d\n\n", len(cfg.AdminList()))

	fmt.Fprintln(stdout, "Loại báo cáo:")
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	for _, k := range cal.Kinds {
		var groups []string
		for _, g := range k.Groups {
			groups = append(groups, g.Label())
		}
		file := "nộp tệp"
		if !k.RequiresFile {
			file = "xác nhận hoàn thành"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", k.ID, k.Title, scheduleVN(k), file, strings.Join(groups, "; "))
	}
	tw.Flush()

	now := clk.Now().In(cal.Location)
	today := cchcbot.DateOf(now)
	next := cal.Periods(today, today.AddDays(400))
	fmt.Fprintln(stdout, "\nHạn sắp tới:")
	if len(next) == 0 {
		fmt.Fprintln(stdout, "  (không có kỳ báo cáo nào trong 12 tháng tới)")
	}
	for i, p := range next {
		if i == 3 {
			break
		}
		fmt.Fprintf(stdout, "  %s: %s %s%s\n", p.Label, p.Due.WeekdayVN(), p.Due.VN(), shiftNote(cal, p))
	}
	return nil
}

func scheduleVN(k cchcbot.ReportKind) string {
	switch s := k.Schedule; s.Kind {
	case cchcbot.ScheduleOnce:
		return "hạn " + s.Date.VN()
	case cchcbot.ScheduleYearly:
		return fmt.Sprintf("hạn ngày %02d/%02d hằng năm", s.Day, s.Month)
	default:
		w := ""
		if !k.Window.IsZero() {
			w = fmt.Sprintf(" (số liệu từ ngày %d tháng trước đến ngày %d)", k.Window.FromDay, k.Window.ToDay)
		}
		return fmt.Sprintf("hạn ngày %d hằng tháng%s", s.Day, w)
	}
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
