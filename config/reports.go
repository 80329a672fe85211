package config

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// maxOpenLateDays bounds open_days and late_days: a year either way.
const maxOpenLateDays = 366

var dayMonth = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})$`)

func (v *validator) reports(c *Config, list []rawReport) {
	maxBefore := 0 // of the valid days_before: a bad one is reported once, there
	for _, d := range c.Reminders.Policy.DaysBefore {
		if d <= maxDaysBefore {
			maxBefore = max(maxBefore, d)
		}
	}
	first := map[string]int{}
	for i, rr := range list {
		p := []any{"reports", i}
		rr.ID = strings.TrimSpace(rr.ID)
		k := cchcbot.ReportKind{
			ID:           rr.ID,
			Title:        strings.TrimSpace(rr.Title),
			RequiresFile: rr.RequiresFile == nil || *rr.RequiresFile,
			OpenDays:     orP(rr.OpenDays, DefaultOpenDays),
			LateDays:     orP(rr.LateDays, DefaultLateDays),
		}
		// what names the report in messages: its id, or its title when
		// the id is the fault
		what := "báo cáo " + quote(rr.ID)
		switch line, dup := first[rr.ID]; {
		case rr.ID == "":
			what = "báo cáo " + quote(k.Title)
			v.errorf(p, "reports: %s thiếu id (ví dụ bao-cao-thang)", what)
		case !reportIDPattern.MatchString(rr.ID):
			v.errorf(at(p, "id"), "reports: id %s không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu \"-\", tối đa 24 ký tự", quote(rr.ID))
		case dup:
			v.errorf(at(p, "id"), "reports: id %s bị trùng với báo cáo ở dòng %d", quote(rr.ID), line)
		default:
			first[rr.ID] = v.line(at(p, "id")...)
		}
		if k.Title == "" {
			v.errorf(p, "reports: %s thiếu title (tên báo cáo hiển thị cho đơn vị)", what)
		}
		k.Schedule = v.schedule(at(p, "schedule"), what, rr.Schedule)
		if w := rr.Window; w != nil {
			if k.Schedule.Kind != cchcbot.ScheduleMonthly {
				v.errorf(at(p, "window"), "reports: %s: window chỉ dùng cho báo cáo hằng tháng (schedule: { monthly: ... })", what)
			}
			if w.FromDay < 1 || w.FromDay > 31 || w.ToDay < 1 || w.ToDay > 31 {
				v.errorf(at(p, "window"), "reports: %s: window.from_day và window.to_day phải từ 1 đến 31", what)
			}
			k.Window = cchcbot.Window{FromDay: w.FromDay, ToDay: w.ToDay}
		}
		if len(rr.Groups) == 0 {
			v.errorf(at(p, "groups"), "reports: %s thiếu groups (nhóm đơn vị phải nộp: %s)", what, groupNames())
		}
		for j, g := range rr.Groups {
			switch g := cchcbot.UnitGroup(strings.TrimSpace(g)); {
			case !g.Valid():
				v.errorf(at(p, "groups", j), "reports: %s: group %s không hợp lệ: dùng %s", what, quote(string(g)), groupNames())
			case slices.Contains(k.Groups, g):
				v.errorf(at(p, "groups", j), "reports: %s: group %s bị lặp lại", what, quote(string(g)))
			default:
				k.Groups = append(k.Groups, g)
			}
		}
		k.Start = v.date(at(p, "start"), what, "start", rr.Start)
		k.End = v.date(at(p, "end"), what, "end", rr.End)
		if !k.Start.IsZero() && !k.End.IsZero() && k.End.Before(k.Start) {
			v.errorf(at(p, "end"), "reports: %s: end (%s) phải sau start (%s)", what, k.End.VN(), k.Start.VN())
		}
		if k.OpenDays < maxBefore || k.OpenDays > maxOpenLateDays {
			// Units are invited to submit by the first reminder: the
			// period must already take submissions then.
			v.errorf(at(p, "open_days"), "reports: %s: open_days (%d) phải từ %d (ngày nhắc sớm nhất trong reminders.days_before) đến %d", what, k.OpenDays, maxBefore, maxOpenLateDays)
		}
		if k.LateDays < 0 || k.LateDays > maxOpenLateDays {
			v.errorf(at(p, "late_days"), "reports: %s: late_days phải từ 0 đến %d", what, maxOpenLateDays)
		}
		c.Reports = append(c.Reports, k)
	}
	if len(list) == 0 {
		v.errorf([]any{"reports"}, "reports: chưa khai báo loại báo cáo nào")
	}
}

// schedule reads the one form of s that is set.
func (v *validator) schedule(path []any, what string, s rawSchedule) cchcbot.Schedule {
	var out cchcbot.Schedule
	forms := 0
	if s.Once != "" {
		forms++
		d, ok := parseDate(s.Once)
		if !ok {
			v.errorf(at(path, "once"), "reports: %s: schedule.once %s không hợp lệ, cần một ngày dạng %s", what, quote(s.Once), dateForms)
		}
		out = cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: d}
	}
	if s.Yearly != "" {
		forms++
		m, d, ok := parseDayMonth(strings.TrimSpace(s.Yearly))
		if !ok {
			v.errorf(at(path, "yearly"), "reports: %s: schedule.yearly %s không hợp lệ, cần ngày/tháng dạng \"DD/MM\" trong ngoặc kép, ví dụ \"31/01\"", what, quote(s.Yearly))
		}
		out = cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: m, Day: d}
	}
	if s.Monthly != nil {
		forms++
		if *s.Monthly < 1 || *s.Monthly > 31 {
			v.errorf(at(path, "monthly"), "reports: %s: schedule.monthly phải từ 1 đến 31 (ngày đến hạn trong tháng), không phải %d", what, *s.Monthly)
		}
		out = cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: *s.Monthly}
	}
	if forms != 1 {
		v.errorf(path, "reports: %s: schedule cần đúng một trong once, yearly, monthly (đang có %d)", what, forms)
	}
	return out
}

// parseDayMonth parses "DD/MM". 29/02 is allowed: the deadline falls on
// 28/02 in other years.
func parseDayMonth(s string) (time.Month, int, bool) {
	sm := dayMonth.FindStringSubmatch(s)
	if sm == nil {
		return 0, 0, false
	}
	d, _ := strconv.Atoi(sm[1])
	m, _ := strconv.Atoi(sm[2])
	if m < 1 || m > 12 || d < 1 || d > time.Date(2024, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, false
	}
	return time.Month(m), d, true
}

func (v *validator) date(path []any, what, key, s string) cchcbot.Date {
	if strings.TrimSpace(s) == "" {
		return cchcbot.Date{}
	}
	d, ok := parseDate(s)
	if !ok {
		v.errorf(path, "reports: %s: %s %s không hợp lệ, cần một ngày dạng %s", what, key, quote(s), dateForms)
	}
	return d
}
