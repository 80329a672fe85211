package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

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
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot status [-config TỆP] [KỲ] [ĐƠN_VỊ]

In, cho một kỳ báo cáo, mọi đơn vị với trạng thái, thời điểm nộp, trễ hạn
bao nhiêu ngày (với đơn vị chưa nộp khi đã qua hạn: đã quá hạn bao nhiêu
ngày), số phiên bản, số lần nhắc đã gửi và đã được xác nhận.

KỲ là một tháng của báo cáo hằng tháng (02/2024, 2/2024 hoặc 2024-02), một
năm của báo cáo hằng năm hoặc một lần (2024), hoặc mã kỳ đầy đủ
(bao-cao-thang/2024-02, như "cchcbot calendar" in ra). Không ghi KỲ: kỳ
đang mở gần hạn nhất, nếu không có thì kỳ gần nhất đã đến hạn.

ĐƠN_VỊ chỉ in dòng của một đơn vị: mã đơn vị (không phân biệt chữ hoa, chữ
thường) hoặc tên, có dấu hay không dấu, ví dụ: cchcbot status 02/2024 chau loc

Lệnh chạy được khi bot đã dừng hay đang chạy.

Tùy chọn:
`+configUsage+envUsage)
}

// statusHandler prints where every unit stands for a period.
func statusHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	pos, err := parseInterspersed(newFlagSet("status"), args)
	if err != nil {
		return err
	}
	cal, err := env.Calendar(ctx)
	if err != nil {
		return err
	}
	now := env.Clock.Now()
	p, unitQuery, err := statusQuery(cal, pos, now)
	if err != nil {
		return err
	}
	var only *cchcbot.Unit
	if unitQuery != "" {
		u, err := lookupUnit(ctx, env, unitQuery)
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND && len(pos) == 1 {
			return usageError("Không tìm thấy kỳ báo cáo hay đơn vị %q. Kỳ ghi dạng 02/2024 hoặc mã kỳ như bao-cao-thang/2024-02; đơn vị ghi mã hoặc tên, ví dụ: chau loc.", unitQuery)
		} else if err != nil {
			return err
		}
		only = &u
	}
	ps, err := loadStatus(ctx, env, cal, p)
	if err != nil {
		return cchcbot.FileErrorf(err, "Không đọc được tình hình nộp %s", p.Label)
	}
	units := ps.Units
	if only != nil {
		units = nil
		for _, u := range ps.Units {
			if u.Unit.Code == only.Code {
				units = append(units, u)
			}
		}
		if len(units) == 0 {
			return usageError("%s không thuộc diện nộp %s.", only.Name, p.Label)
		}
	}
	c := ps.Counts()
	fmt.Fprintf(stdout, "%s [%s]\n", p.Label, p.ID)
	if p.HasWindow() {
		fmt.Fprintf(stdout, "Số liệu: %s. ", p.WindowVN())
	}
	fmt.Fprintf(stdout, "Hạn nộp: %s %s (%s).\n", p.Due.WeekdayVN(), p.Due.VN(), cchcbot.DaysLeftVN(p.DaysLeft(now)))
	fmt.Fprintf(stdout, "Đã nộp %d/%d (đúng hạn %d, trễ hạn %d), chưa nộp %d, bị trả lại %d, không liên lạc được %d",
		c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable)
	if c.Extended > 0 {
		fmt.Fprintf(stdout, ", được gia hạn %d", c.Extended)
	}
	if c.Exempt > 0 {
		fmt.Fprintf(stdout, ", được miễn nộp %d (không tính vào số phải nộp)", c.Exempt)
	}
	fmt.Fprint(stdout, ".\n\n")
	tw := newTable(stdout)
	fmt.Fprintln(tw, "Đơn vị\tNhóm\tTrạng thái\tNộp lúc\tTrễ hạn\tPhiên bản\tNhắc đã gửi/đã nhận")
	for _, u := range units {
		state := u.State.Label()
		if u.Latest != nil && u.Latest.State == cchcbot.StateAccepted {
			state += ", đã tiếp nhận"
		}
		if note := decisionNote(u, cal.Location); note != "" {
			state += " (" + note + ")"
		}
		if u.Unreachable() {
			state += " (không liên lạc được)"
		} else if u.Members == 0 {
			state += " (chưa có thành viên)"
		}
		at, version := "", ""
		if s := u.Latest; s != nil {
			at = s.SubmittedAt.In(cal.Location).Format("02/01/2006 15:04")
			version = fmt.Sprint(s.Version)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\n", u.Unit.Name, cal.GroupLabels.Of(u.Unit.Group), state, at, lateness(p.ForUnit(u.Extension), u, now), version, u.RemindSent, u.RemindAcked)
	}
	return tw.Flush()
}

// statusQuery reads status's arguments: a period and a unit, in either
// order, each optional; a unit's name may take several words. Whatever
// is not a period names a unit.
func statusQuery(cal *cchcbot.Calendar, pos []string, now time.Time) (cchcbot.Period, string, error) {
	if len(pos) == 0 {
		p, err := cal.ResolvePeriod("", now)
		if err != nil {
			return cchcbot.Period{}, "", usageError("%s", cchcbot.ErrorMessage(err))
		}
		return p, "", nil
	}
	if p, err := cal.ResolvePeriod(pos[0], now); err == nil {
		return p, strings.Join(pos[1:], " "), nil
	}
	if len(pos) > 1 {
		if p, err := cal.ResolvePeriod(pos[len(pos)-1], now); err == nil {
			return p, strings.Join(pos[:len(pos)-1], " "), nil
		}
	}
	p, err := cal.ResolvePeriod("", now)
	if err != nil {
		return cchcbot.Period{}, "", usageError("%s", cchcbot.ErrorMessage(err))
	}
	return p, strings.Join(pos, " "), nil
}

// lateness fills the "Trễ hạn" column in the chat's words: for a standing
// submission, how late it came; for a unit that still owes the period
// (nothing sent, or sent back) once the deadline has passed, how many
// days it is overdue so far, as /status says it.
func lateness(p cchcbot.Period, u cchcbot.UnitStatus, now time.Time) string {
	switch {
	case u.State.Done() && u.Latest != nil && u.Latest.Late():
		return fmt.Sprintf("trễ %d ngày", u.Latest.DaysLate)
	case u.State.Done() && u.Latest != nil:
		return "đúng hạn"
	case !u.State.Done() && p.DaysLeft(now) < 0:
		return cchcbot.DaysLeftVN(p.DaysLeft(now))
	}
	return ""
}

// loadStatus gathers the stored facts of a period.
func loadStatus(ctx context.Context, env *Env, cal *cchcbot.Calendar, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	k, _ := cal.Kind(p.KindID)
	return env.DB.PeriodStatus(ctx, k, p)
}

// decisionNote says what the office decided about a unit for the period:
// its extension, exemption, explanation and escalations.
func decisionNote(u cchcbot.UnitStatus, loc *time.Location) string {
	var notes []string
	if s := u.Extension.LabelVN(); s != "" {
		notes = append(notes, s)
	}
	if x := u.Exemption; x != nil {
		notes = append(notes, "lý do miễn: "+x.Reason)
	}
	if n := len(u.Explanations); n > 0 {
		notes = append(notes, "đã giải trình: "+u.Explanations[n-1].Text)
	}
	for _, e := range u.Escalations {
		notes = append(notes, fmt.Sprintf("%s ngày %s", e.Level.Label(), e.At.In(loc).Format("02/01/2006")))
	}
	return strings.Join(notes, "; ")
}
