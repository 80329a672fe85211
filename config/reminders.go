package config

import (
	"slices"
	"strings"
	"time"

	"cchcbot"
)

// The reminder policy applied where the file is silent.
var (
	DefaultReminderTime = cchcbot.TimeOfDay{Hour: 8}
	DefaultDigestTime   = cchcbot.TimeOfDay{Hour: 7, Minute: 30}
	defaultDaysBefore   = []int{7, 3, 1, 0}
)

// DefaultKeepLogYears is reminders.keep_log_years where the file is
// silent: two years of rows cover this year's and last year's questions
// ("was our unit reminded?"); older years keep their tallies.
const DefaultKeepLogYears = 2

// The bounds below reject values that are surely typos (a reminder 700
// days ahead) rather than express policy.
const (
	maxDaysBefore    = 60
	maxOverdue       = 30
	maxHolidaySpan   = 31 // days in one holiday entry; the longest break, Tết, is 9
	maxKeepLogYears  = 50
	defaultHoliday   = "Ngày nghỉ lễ"
	defaultMakeupDay = "Ngày làm việc bù"
)

func (v *validator) reminders(c *Config, rr rawReminders) {
	p := []any{"reminders"}
	pol := cchcbot.ReminderPolicy{
		TimeOfDay:    v.timeOfDay(at(p, "time"), "reminders.time", rr.Time, DefaultReminderTime),
		DaysBefore:   slices.Clone(rr.DaysBefore),
		OverdueEvery: orP(rr.OverdueEvery, 2),
		OverdueMax:   orP(rr.OverdueMax, 3),
		DigestTime:   v.timeOfDay(at(p, "digest_time"), "reminders.digest_time", rr.DigestTime, DefaultDigestTime),
	}
	if rr.DaysBefore == nil {
		pol.DaysBefore = slices.Clone(defaultDaysBefore)
	}
	for i, d := range pol.DaysBefore {
		switch {
		case d < 0 || d > maxDaysBefore:
			v.errorf(at(p, "days_before", i), "reminders.days_before: %d không hợp lệ: cần số ngày từ 0 (ngày đến hạn) đến %d", d, maxDaysBefore)
		case slices.Contains(pol.DaysBefore[:i], d):
			v.errorf(at(p, "days_before", i), "reminders.days_before: %d bị lặp lại", d)
		}
	}
	if pol.OverdueEvery < 0 || pol.OverdueEvery > maxOverdue {
		v.errorf(at(p, "overdue_every_days"), "reminders.overdue_every_days phải từ 1 đến %d (số ngày giữa hai lần nhắc quá hạn)", maxOverdue)
	} else if pol.OverdueEvery == 0 && pol.OverdueMax > 0 {
		v.errorf(at(p, "overdue_every_days"), "reminders.overdue_every_days phải lớn hơn 0 khi overdue_max lớn hơn 0 (đặt overdue_max: 0 để không nhắc quá hạn)")
	}
	if pol.OverdueMax < 0 || pol.OverdueMax > maxOverdue {
		v.errorf(at(p, "overdue_max"), "reminders.overdue_max phải từ 0 đến %d", maxOverdue)
	}
	if q := rr.QuietHours; q != nil {
		qp := at(p, "quiet_hours")
		if strings.TrimSpace(q.From) == "" || strings.TrimSpace(q.To) == "" {
			v.errorf(qp, "reminders.quiet_hours cần cả from và to, ví dụ { from: \"21:00\", to: \"07:00\" }")
		} else {
			pol.QuietFrom = v.timeOfDay(at(qp, "from"), "reminders.quiet_hours.from", q.From, cchcbot.TimeOfDay{})
			pol.QuietTo = v.timeOfDay(at(qp, "to"), "reminders.quiet_hours.to", q.To, cchcbot.TimeOfDay{})
			if pol.QuietFrom == pol.QuietTo {
				v.errorf(qp, "reminders.quiet_hours: from và to trùng nhau; bỏ quiet_hours nếu không cần giờ yên lặng")
			}
		}
	}
	// A reminder time inside the quiet hours would always be deferred to
	// the end of them: surely not what staff meant.
	probe := cchcbot.Calendar{Location: time.UTC, Reminders: pol}
	for _, e := range []struct {
		key string
		tod cchcbot.TimeOfDay
	}{{"time", pol.TimeOfDay}, {"digest_time", pol.DigestTime}} {
		if probe.InQuietHours(time.Date(2024, 1, 1, e.tod.Hour, e.tod.Minute, 0, 0, time.UTC)) {
			v.errorf(at(p, e.key), "reminders.%s %s nằm trong giờ yên lặng (quiet_hours %s–%s)", e.key, e.tod, pol.QuietFrom, pol.QuietTo)
		}
	}
	c.Reminders = Reminders{Policy: pol, AdminNotify: or(rr.AdminNotify, NotifyEach), KeepLogYears: orP(rr.KeepLogYears, DefaultKeepLogYears)}
	if k := c.Reminders.KeepLogYears; k < 0 || k > maxKeepLogYears {
		v.errorf(at(p, "keep_log_years"), "reminders.keep_log_years phải từ 0 (giữ mọi dòng nhật ký nhắc việc) đến %d (số năm giữ từng tin nhắc sau khi kỳ báo cáo kết thúc), không phải %d", maxKeepLogYears, k)
	}
	if !slices.Contains([]string{NotifyEach, NotifyDigest, NotifyOff}, c.Reminders.AdminNotify) {
		v.errorf(at(p, "admin_notify"), "reminders.admin_notify phải là each (báo từng báo cáo), digest (gộp vào bản tin sáng) hoặc off, không phải %s", quote(c.Reminders.AdminNotify))
	}
}

func (v *validator) timeOfDay(path []any, key, s string, def cchcbot.TimeOfDay) cchcbot.TimeOfDay {
	if strings.TrimSpace(s) == "" {
		return def
	}
	t, err := cchcbot.ParseTimeOfDay(strings.TrimSpace(s))
	if err != nil {
		v.errorf(path, "%s: giờ %s không hợp lệ, cần dạng HH:MM trong ngoặc kép, ví dụ \"08:00\"", key, quote(s))
		return def
	}
	return t
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

func (v *validator) calendar(c *Config, rc rawCalendar) {
	p := []any{"calendar"}
	w := cchcbot.WorkCalendar{Weekends: map[time.Weekday]bool{}, Holidays: map[cchcbot.Date]string{}, WorkingDays: map[cchcbot.Date]string{}}
	names := rc.Weekends
	if names == nil {
		names = []string{"saturday", "sunday"}
	}
	for i, n := range names {
		d, ok := weekdays[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			v.errorf(at(p, "weekends", i), "calendar.weekends: %s không phải tên ngày trong tuần (monday, tuesday, ..., sunday)", quote(n))
			continue
		}
		w.Weekends[d] = true
	}
	if len(w.Weekends) == 7 {
		v.errorf(at(p, "weekends"), "calendar.weekends: không thể nghỉ cả bảy ngày trong tuần")
	}
	holidays := v.days(at(p, "holidays"), "calendar.holidays", rc.Holidays, w.Holidays, defaultHoliday)
	makeup := v.days(at(p, "working_days"), "calendar.working_days", rc.WorkingDays, w.WorkingDays, defaultMakeupDay)
	for d, line := range makeup {
		if hl, ok := holidays[d]; ok {
			v.ps.addf(line, "calendar.working_days: ngày %s vừa là ngày làm bù vừa là ngày nghỉ (dòng %d)", d.VN(), hl)
		}
	}
	c.WorkDays = CalendarEntry{Work: w, ShiftDeadlines: rc.ShiftDeadlines == nil || *rc.ShiftDeadlines}
}

// days expands the entries of list into named dates and returns the line
// that declared each date. A date declared twice is refused: it is most
// often a block copied from last year with one year left unchanged.
func (v *validator) days(path []any, key string, list []rawDayList, into map[cchcbot.Date]string, defName string) map[cchcbot.Date]int {
	lines := map[cchcbot.Date]int{}
	for i, e := range list {
		ep := at(path, i)
		line := v.line(ep...)
		date, from, to := strings.TrimSpace(e.Date), strings.TrimSpace(e.From), strings.TrimSpace(e.To)
		switch {
		case date != "" && (from != "" || to != ""):
			v.errorf(ep, "%s: dùng date (một ngày) hoặc from và to (một khoảng ngày), không dùng cả hai", key)
			continue
		case date != "":
			from, to = date, date
		case from == "" || to == "":
			v.errorf(ep, "%s: cần date, hoặc cả from và to (ngày dạng %s)", key, dateForms)
			continue
		}
		a, ok1 := parseDate(from)
		b, ok2 := parseDate(to)
		if !ok1 || !ok2 {
			bad := from
			if ok1 {
				bad = to
			}
			v.errorf(ep, "%s: ngày %s không hợp lệ, cần dạng %s", key, quote(bad), dateForms)
			continue
		}
		if b.Before(a) {
			v.errorf(ep, "%s: khoảng ngày %s – %s không hợp lệ: from phải trước hoặc bằng to", key, a.VN(), b.VN())
			continue
		}
		if a.DaysUntil(b) >= maxHolidaySpan {
			v.errorf(ep, "%s: khoảng ngày %s – %s dài hơn %d ngày: kiểm tra lại năm và tháng", key, a.VN(), b.VN(), maxHolidaySpan)
			continue
		}
		name := or(e.Name, defName)
		for d := a; !d.After(b); d = d.AddDays(1) {
			if first, dup := lines[d]; dup {
				v.errorf(ep, "%s: ngày %s đã được khai báo ở dòng %d", key, d.VN(), first)
				break
			}
			lines[d] = line
			into[d] = name
		}
	}
	return lines
}
