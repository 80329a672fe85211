package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"cchcbot"
)

// Defaults applied where the file is silent.
const (
	DefaultAPIEndpoint  = "https://api.telegram.org/bot%s/%s"
	DefaultFileEndpoint = "https://api.telegram.org/file/bot%s/%s"
	DefaultPollTimeout  = 50 * time.Second
	DefaultMaxFileSize  = 20 << 20 // the cloud Bot API's getFile limit
	DefaultOpenDays     = 20
	DefaultLateDays     = 90
)

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

// reportIDPattern is shorter than unit codes because period ids travel in
// button data, which Telegram caps at 64 bytes.
var reportIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,23}$`)

// validator collects every problem of a file, each with its line, so staff
// fix them in one pass.
type validator struct {
	name string
	root *yaml.Node
	errs []string
}

func (v *validator) errorf(path []any, format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf("%s:%d: %s", v.name, v.line(path...), fmt.Sprintf(format, args...)))
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(v.errs, "\n"))
}

// line returns the line of the node at path (keys and list indexes), or of
// the nearest ancestor that exists.
func (v *validator) line(path ...any) int {
	n := v.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						line = n.Content[i].Line
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
				line = next.Line
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return line
}

func (v *validator) build(r *raw) *Config {
	c := &Config{
		Office:   or(r.Office, "Phòng Nội vụ"),
		District: r.District,
		Timezone: or(r.Timezone, cchcbot.DefaultTimezone),
		DataDir:  or(r.DataDir, "./data"),
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.errorf([]any{"timezone"}, "múi giờ %q không tồn tại", c.Timezone)
		loc = time.UTC
	}
	c.loc = loc
	v.telegram(c, r)
	v.admins(c, r)
	v.units(c, r)
	v.reminders(c, r)
	v.calendar(c, r)
	v.reports(c, r)
	c.Outbound = Outbound{GlobalPerSecond: orF(r.Outbound.GlobalPerSecond, 30), PerChatPerSecond: orF(r.Outbound.PerChatPerSecond, 1), MaxRetries: orP(r.Outbound.MaxRetries, 5)}
	if c.Outbound.GlobalPerSecond < 0 || c.Outbound.PerChatPerSecond < 0 || c.Outbound.MaxRetries < 0 {
		v.errorf([]any{"outbound"}, "các giá trị outbound phải không âm")
	}
	c.Log = Log{Format: or(r.Log.Format, "text"), Level: or(r.Log.Level, "info")}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		v.errorf([]any{"log", "format"}, "log.format phải là text hoặc json, không phải %q", c.Log.Format)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		v.errorf([]any{"log", "level"}, "log.level phải là debug, info, warn hoặc error, không phải %q", c.Log.Level)
	}
	c.cal = &cchcbot.Calendar{
		Location: loc, Work: c.WorkDays.Work, Reminders: c.Reminders.Policy,
		ShiftDeadlines: c.WorkDays.ShiftDeadlines,
	}
	for _, k := range c.Reports {
		c.cal.Kinds = append(c.cal.Kinds, k.Kind)
	}
	return c
}

func (v *validator) telegram(c *Config, r *raw) {
	t := r.Telegram
	c.Telegram = Telegram{
		APIEndpoint:  or(t.APIEndpoint, DefaultAPIEndpoint),
		FileEndpoint: or(t.FileEndpoint, DefaultFileEndpoint),
		BotUsername:  strings.TrimPrefix(t.BotUsername, "@"),
		PollTimeout:  DefaultPollTimeout,
		MaxFileSize:  DefaultMaxFileSize,
	}
	for key, ep := range map[string]string{"api_endpoint": c.Telegram.APIEndpoint, "file_endpoint": c.Telegram.FileEndpoint} {
		u, err := url.Parse(strings.ReplaceAll(ep, "%s", "x"))
		if strings.Count(ep, "%s") != 2 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf([]any{"telegram", key}, "telegram.%s phải là địa chỉ http(s) chứa đúng hai %%s (mã bot và tên phương thức/tệp), ví dụ %q", key, DefaultAPIEndpoint)
		}
	}
	if t.PollTimeout != "" {
		d, err := time.ParseDuration(t.PollTimeout)
		if err != nil || d < time.Second || d > 10*time.Minute {
			v.errorf([]any{"telegram", "poll_timeout"}, "telegram.poll_timeout %q không hợp lệ (ví dụ 50s, từ 1s đến 10m)", t.PollTimeout)
		} else {
			c.Telegram.PollTimeout = d
		}
	}
	if t.MaxFileSize != "" {
		n, err := parseSize(t.MaxFileSize)
		if err != nil || n <= 0 {
			v.errorf([]any{"telegram", "max_file_size"}, "telegram.max_file_size %q không hợp lệ (ví dụ 20MB)", t.MaxFileSize)
		} else {
			c.Telegram.MaxFileSize = n
		}
	}
	if c.Telegram.BotUsername != "" && !regexp.MustCompile(`^[A-Za-z0-9_]{5,32}$`).MatchString(c.Telegram.BotUsername) {
		v.errorf([]any{"telegram", "bot_username"}, "telegram.bot_username %q không hợp lệ", t.BotUsername)
	}
}

func (v *validator) admins(c *Config, r *raw) {
	seen := map[int64]bool{}
	for i, a := range r.Admins {
		if a.TelegramID <= 0 {
			v.errorf([]any{"admins", i}, "admins[%d]: telegram_id phải là số dương (mã người dùng Telegram)", i)
		} else if seen[a.TelegramID] {
			v.errorf([]any{"admins", i}, "admins[%d]: telegram_id %d bị trùng", i, a.TelegramID)
		}
		seen[a.TelegramID] = true
		c.Admins = append(c.Admins, AdminEntry{TelegramID: a.TelegramID, Name: strings.TrimSpace(a.Name)})
	}
}

func (v *validator) units(c *Config, r *raw) {
	seen := map[string]bool{}
	for i, u := range r.Units {
		p := []any{"units", i}
		switch {
		case !codePattern.MatchString(u.Code):
			v.errorf(append(p, "code"), "units[%d]: code %q không hợp lệ (chữ thường không dấu, số và dấu '-')", i, u.Code)
		case seen[u.Code]:
			v.errorf(append(p, "code"), "units[%d]: code %q bị trùng", i, u.Code)
		}
		seen[u.Code] = true
		if strings.TrimSpace(u.Name) == "" {
			v.errorf(p, "units[%d]: thiếu name", i)
		}
		if !cchcbot.UnitGroup(u.Group).Valid() {
			v.errorf(append(p, "group"), "units[%d]: group %q không hợp lệ (phong-ban, su-nghiep hoặc xa-thi-tran)", i, u.Group)
		}
		c.Units = append(c.Units, UnitEntry{Code: u.Code, Name: strings.TrimSpace(u.Name), Group: u.Group, HeadTitle: strings.TrimSpace(u.HeadTitle)})
	}
}

func (v *validator) reminders(c *Config, r *raw) {
	rr := r.Reminders
	pol := cchcbot.ReminderPolicy{
		TimeOfDay:    v.tod([]any{"reminders", "time"}, rr.Time, cchcbot.TimeOfDay{Hour: 8}),
		DaysBefore:   rr.DaysBefore,
		OverdueEvery: orP(rr.OverdueEvery, 2),
		OverdueMax:   orP(rr.OverdueMax, 3),
		DigestTime:   v.tod([]any{"reminders", "digest_time"}, rr.DigestTime, cchcbot.TimeOfDay{Hour: 7, Minute: 30}),
	}
	if pol.DaysBefore == nil {
		pol.DaysBefore = []int{7, 3, 1, 0}
	}
	seen := map[int]bool{}
	for _, d := range pol.DaysBefore {
		if d < 0 || d > 60 || seen[d] {
			v.errorf([]any{"reminders", "days_before"}, "reminders.days_before: %d không hợp lệ (từ 0 đến 60, không trùng)", d)
		}
		seen[d] = true
	}
	if pol.OverdueEvery < 0 || pol.OverdueMax < 0 || (pol.OverdueMax > 0 && pol.OverdueEvery == 0) {
		v.errorf([]any{"reminders", "overdue_every_days"}, "reminders: overdue_every_days phải dương khi overdue_max > 0")
	}
	if q := rr.QuietHours; q != nil {
		pol.QuietFrom = v.tod([]any{"reminders", "quiet_hours", "from"}, q.From, cchcbot.TimeOfDay{})
		pol.QuietTo = v.tod([]any{"reminders", "quiet_hours", "to"}, q.To, cchcbot.TimeOfDay{})
	}
	probe := cchcbot.Calendar{Location: time.UTC, Reminders: pol}
	for key, tod := range map[string]cchcbot.TimeOfDay{"time": pol.TimeOfDay, "digest_time": pol.DigestTime} {
		if probe.InQuietHours(time.Date(2024, 1, 1, tod.Hour, tod.Minute, 0, 0, time.UTC)) {
			v.errorf([]any{"reminders", key}, "reminders.%s %s nằm trong giờ yên lặng", key, tod)
		}
	}
	c.Reminders = Reminders{Policy: pol, AdminNotify: or(rr.AdminNotify, "each")}
	if !slices.Contains([]string{"each", "digest", "off"}, c.Reminders.AdminNotify) {
		v.errorf([]any{"reminders", "admin_notify"}, "reminders.admin_notify phải là each, digest hoặc off")
	}
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

func (v *validator) calendar(c *Config, r *raw) {
	rc := r.Calendar
	w := cchcbot.WorkCalendar{Weekends: map[time.Weekday]bool{}, Holidays: map[cchcbot.Date]string{}, WorkingDays: map[cchcbot.Date]string{}}
	names := rc.Weekends
	if names == nil {
		names = []string{"saturday", "sunday"}
	}
	for _, n := range names {
		d, ok := weekdays[strings.ToLower(n)]
		if !ok {
			v.errorf([]any{"calendar", "weekends"}, "calendar.weekends: %q không phải tên ngày (monday ... sunday)", n)
		}
		w.Weekends[d] = true
	}
	v.days([]any{"calendar", "holidays"}, rc.Holidays, w.Holidays)
	v.days([]any{"calendar", "working_days"}, rc.WorkingDays, w.WorkingDays)
	c.WorkDays = CalendarEntry{Work: w, ShiftDeadlines: rc.ShiftDeadlines == nil || *rc.ShiftDeadlines}
}

func (v *validator) days(path []any, list []rawDayList, into map[cchcbot.Date]string) {
	for i, e := range list {
		p := append(slices.Clone(path), i)
		from, to := e.Date, e.Date
		if e.Date == "" {
			from, to = e.From, e.To
		} else if e.From != "" || e.To != "" {
			v.errorf(p, "dùng date hoặc from/to, không dùng cả hai")
			continue
		}
		a, err1 := cchcbot.ParseDate(from)
		b, err2 := cchcbot.ParseDate(to)
		if err1 != nil || err2 != nil {
			v.errorf(p, "ngày không hợp lệ (cần YYYY-MM-DD): date=%q from=%q to=%q", e.Date, e.From, e.To)
			continue
		}
		if b.Before(a) || a.DaysUntil(b) > 366 {
			v.errorf(p, "khoảng ngày %s – %s không hợp lệ", a.VN(), b.VN())
			continue
		}
		for d := a; !d.After(b); d = d.AddDays(1) {
			into[d] = strings.TrimSpace(e.Name)
		}
	}
}

func (v *validator) reports(c *Config, r *raw) {
	seen := map[string]bool{}
	maxBefore := slices.Max(append([]int{0}, c.Reminders.Policy.DaysBefore...))
	for i, rr := range r.Reports {
		p := []any{"reports", i}
		k := cchcbot.ReportKind{ID: rr.ID, Title: strings.TrimSpace(rr.Title), RequiresFile: rr.RequiresFile == nil || *rr.RequiresFile,
			OpenDays: orP(rr.OpenDays, DefaultOpenDays), LateDays: orP(rr.LateDays, DefaultLateDays)}
		switch {
		case !reportIDPattern.MatchString(rr.ID):
			v.errorf(append(p, "id"), "reports[%d]: id %q không hợp lệ (chữ thường không dấu, số, '-', tối đa 24 ký tự)", i, rr.ID)
		case seen[rr.ID]:
			v.errorf(append(p, "id"), "reports[%d]: id %q bị trùng", i, rr.ID)
		}
		seen[rr.ID] = true
		if k.Title == "" {
			v.errorf(p, "reports[%d]: thiếu title", i)
		}
		s, forms := rr.Schedule, 0
		if s.Once != "" {
			forms++
			d, err := cchcbot.ParseDate(s.Once)
			if err != nil {
				v.errorf(append(p, "schedule", "once"), "reports[%d]: schedule.once %q không hợp lệ (YYYY-MM-DD)", i, s.Once)
			}
			k.Schedule = cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: d}
		}
		if s.Yearly != "" {
			forms++
			t, err := time.Parse("02/01", s.Yearly)
			if err != nil {
				v.errorf(append(p, "schedule", "yearly"), "reports[%d]: schedule.yearly %q không hợp lệ (DD/MM)", i, s.Yearly)
			}
			k.Schedule = cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: t.Month(), Day: t.Day()}
		}
		if s.Monthly != 0 {
			forms++
			if s.Monthly < 1 || s.Monthly > 31 {
				v.errorf(append(p, "schedule", "monthly"), "reports[%d]: schedule.monthly phải từ 1 đến 31", i)
			}
			k.Schedule = cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: s.Monthly}
		}
		if forms != 1 {
			v.errorf(append(p, "schedule"), "reports[%d]: schedule cần đúng một trong once, yearly, monthly", i)
		}
		if w := rr.Window; w != nil {
			if k.Schedule.Kind != cchcbot.ScheduleMonthly {
				v.errorf(append(p, "window"), "reports[%d]: window chỉ dùng cho báo cáo hằng tháng", i)
			}
			if w.FromDay < 1 || w.FromDay > 31 || w.ToDay < 1 || w.ToDay > 31 {
				v.errorf(append(p, "window"), "reports[%d]: window.from_day và to_day phải từ 1 đến 31", i)
			}
			k.Window = cchcbot.Window{FromDay: w.FromDay, ToDay: w.ToDay}
		}
		if len(rr.Groups) == 0 {
			v.errorf(p, "reports[%d]: thiếu groups (đơn vị nào phải nộp)", i)
		}
		for _, g := range rr.Groups {
			if !cchcbot.UnitGroup(g).Valid() {
				v.errorf(append(p, "groups"), "reports[%d]: group %q không hợp lệ", i, g)
			}
			k.Groups = append(k.Groups, cchcbot.UnitGroup(g))
		}
		for key, val := range map[string]string{"start": rr.Start, "end": rr.End} {
			if val == "" {
				continue
			}
			d, err := cchcbot.ParseDate(val)
			if err != nil {
				v.errorf(append(p, key), "reports[%d]: %s %q không hợp lệ (YYYY-MM-DD)", i, key, val)
			}
			if key == "start" {
				k.Start = d
			} else {
				k.End = d
			}
		}
		if k.OpenDays < maxBefore {
			v.errorf(append(p, "open_days"), "reports[%d]: open_days (%d) phải ít nhất bằng ngày nhắc sớm nhất (%d)", i, k.OpenDays, maxBefore)
		}
		if k.LateDays < 0 {
			v.errorf(append(p, "late_days"), "reports[%d]: late_days không được âm", i)
		}
		c.Reports = append(c.Reports, ReportEntry{Kind: k})
	}
	if len(r.Reports) == 0 {
		v.errorf([]any{"reports"}, "chưa khai báo loại báo cáo nào (reports)")
	}
}

func (v *validator) tod(path []any, s string, def cchcbot.TimeOfDay) cchcbot.TimeOfDay {
	if s == "" {
		return def
	}
	t, err := cchcbot.ParseTimeOfDay(s)
	if err != nil {
		v.errorf(path, "giờ %q không hợp lệ (HH:MM)", s)
		return def
	}
	return t
}

func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

func orF(f, def float64) float64 {
	if f == 0 {
		return def
	}
	return f
}

func orP(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
