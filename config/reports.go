package config

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

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
		case cchcbot.IsRequestKind(rr.ID):
			v.errorf(at(p, "id"), "reports: id %s không được bắt đầu bằng %s: tiền tố này dành cho các yêu cầu báo cáo đột xuất tạo bằng /yeucau", quote(rr.ID), quote(cchcbot.RequestPrefix))
		case dup:
			v.errorf(at(p, "id"), "reports: id %s bị trùng với báo cáo ở dòng %d", quote(rr.ID), line)
		default:
			first[rr.ID] = v.line(at(p, "id")...)
		}
		if k.Title == "" {
			v.errorf(p, "reports: %s thiếu title (tên báo cáo hiển thị cho đơn vị)", what)
		}
		k.Schedule = v.schedule(at(p, "schedule"), what, rr.Schedule)
		k.Window = v.window(at(p, "window"), what, k.Schedule, present(&rr.Window))
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
		k.Escalation = v.escalation(c, p, what, rr.Escalation)
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
	for _, f := range periodicForms {
		if n := present(f.node(&s)); n != nil {
			forms++
			out = v.periodic(what, f, n)
		}
	}
	if forms != 1 {
		v.errorf(path, "reports: %s: schedule cần đúng một trong once, yearly, monthly, quarterly, half_yearly, nine_months (đang có %d)", what, forms)
	}
	return out
}

// periodicForm is one of the schedules whose periods are parts of a year
// and whose value is a day or a mapping.
type periodicForm struct {
	key   string // in the file
	kind  cchcbot.ScheduleKind
	node  func(*rawSchedule) *yaml.Node
	long  reflect.Type // the mapping's vocabulary
	parts string       // the key listing parts; "" when the kind has none
	count int          // how many parts a year has
	unit  string       // a part, in Vietnamese
	month string       // the months a "month: last" deadline falls in
}

var periodicForms = []periodicForm{
	{"quarterly", cchcbot.ScheduleQuarterly, func(s *rawSchedule) *yaml.Node { return &s.Quarterly },
		reflect.TypeOf(rawQuarterly{}), "quarters", 4, "quý", "tháng cuối quý"},
	{"half_yearly", cchcbot.ScheduleHalfYearly, func(s *rawSchedule) *yaml.Node { return &s.HalfYearly },
		reflect.TypeOf(rawHalfYearly{}), "halves", 2, "nửa năm", "tháng 6 và tháng 12"},
	{"nine_months", cchcbot.ScheduleNineMonths, func(s *rawSchedule) *yaml.Node { return &s.NineMonths },
		reflect.TypeOf(rawNineMonths{}), "", 0, "", "tháng 9"},
}

// periodic reads a quarterly, half-yearly or nine-month schedule: a day
// ("quarterly: 20", due in the period's last month) or the long form
// ("quarterly: { day: 5, month: next, quarters: [1, 3] }").
func (v *validator) periodic(what string, f periodicForm, n *yaml.Node) cchcbot.Schedule {
	out := cchcbot.Schedule{Kind: f.kind}
	name := "schedule." + f.key
	if n.Kind == yaml.ScalarNode {
		if err := n.Decode(&out.Day); err != nil || n.ShortTag() != "!!int" || out.Day < 1 || out.Day > 31 {
			v.ps.addf(n.Line, "reports: %s: %s cần ngày đến hạn từ 1 đến 31 (ví dụ %s: 20, hạn ngày 20 %s) hoặc { day: 20, month: next } (hạn vào tháng sau kỳ), không phải %s",
				what, name, f.key, f.month, quote(n.Value))
		}
		return out
	}
	var r struct {
		Day      *int   `yaml:"day"`
		Month    string `yaml:"month"`
		Quarters []int  `yaml:"quarters"`
		Halves   []int  `yaml:"halves"`
	}
	if !v.decodeNode(n, f.long, &r, "reports."+name) {
		return out
	}
	switch dayLine, _ := keyOf(n, "day"); {
	case r.Day == nil:
		v.ps.addf(n.Line, "reports: %s: %s thiếu day (ngày đến hạn, ví dụ day: 20)", what, name)
	case *r.Day < 1 || *r.Day > 31:
		v.ps.addf(dayLine, "reports: %s: %s.day phải từ 1 đến 31 (ngày đến hạn), không phải %d", what, name, *r.Day)
	default:
		out.Day = *r.Day
	}
	switch line, _ := keyOf(n, "month"); strings.TrimSpace(r.Month) {
	case "", "last":
	case "next":
		out.MonthsAfter = 1
	default:
		v.ps.addf(line, "reports: %s: %s.month phải là last (hạn trong %s) hoặc next (hạn trong tháng sau kỳ), không phải %s", what, name, f.month, quote(r.Month))
	}
	if f.parts == "" {
		return out
	}
	parts := append(r.Quarters, r.Halves...) // the checker let through only f's
	line, list := keyOf(n, f.parts)
	if list != nil && len(parts) == 0 {
		v.ps.addf(line, "reports: %s: %s.%s trống: hãy bỏ khóa này nếu mọi kỳ đều phải nộp", what, name, f.parts)
	}
	var seen []int
	for i, p := range parts {
		itemLine := line
		if list != nil && i < len(list.Content) {
			itemLine = list.Content[i].Line
		}
		switch {
		case p < 1 || p > f.count:
			v.ps.addf(itemLine, "reports: %s: %s.%s: %d không phải số thứ tự của %s (từ 1 đến %d)", what, name, f.parts, p, f.unit, f.count)
		case slices.Contains(seen, p):
			v.ps.addf(itemLine, "reports: %s: %s.%s: %d bị lặp lại", what, name, f.parts, p)
		default:
			seen = append(seen, p)
		}
	}
	if len(seen) < f.count { // all of them is the same as none listed
		out.Parts = cchcbot.PartsOf(seen...)
	}
	return out
}

// window reads a report's data window: "nd09", { from_day, to_day } (from
// a day of the month before the period to a day of its last month), or,
// for kinds longer than a month, { from: "DD/MM", to: "DD/MM" } written
// for the year's first period.
func (v *validator) window(path []any, what string, s cchcbot.Schedule, n *yaml.Node) cchcbot.Window {
	if n == nil {
		return cchcbot.Window{}
	}
	if s.Kind == cchcbot.ScheduleOnce {
		v.errorf(path, "reports: %s: window không dùng cho báo cáo một lần (schedule: once): thời gian chốt số liệu chỉ áp dụng cho báo cáo định kỳ", what)
		return cchcbot.Window{}
	}
	if n.Kind == yaml.ScalarNode {
		if strings.EqualFold(strings.TrimSpace(n.Value), "nd09") {
			return cchcbot.WindowND09 // Nghị định 09/2019/NĐ-CP, Điều 12: see its doc for the source
		}
		v.ps.addf(n.Line, "reports: %s: window %s không hợp lệ: dùng nd09 (thời gian chốt số liệu theo Nghị định 09/2019/NĐ-CP) hoặc { from_day: 15, to_day: 14 }", what, quote(n.Value))
		return cchcbot.Window{}
	}
	var r rawWindow
	if !v.decodeNode(n, reflect.TypeOf(r), &r, "reports.window") {
		return cchcbot.Window{}
	}
	byDate := r.From != "" || r.To != ""
	switch {
	case byDate && (r.FromDay != 0 || r.ToDay != 0):
		v.ps.addf(n.Line, "reports: %s: window dùng hoặc from_day, to_day hoặc from, to, không dùng cả hai", what)
	case byDate && s.Kind == cchcbot.ScheduleMonthly:
		v.ps.addf(n.Line, "reports: %s: window của báo cáo hằng tháng dùng { from_day, to_day } (ngày của tháng trước và ngày của tháng đến hạn), không dùng from, to", what)
	case byDate:
		return v.windowByDate(what, s, n, r)
	case r.FromDay < 1 || r.FromDay > 31 || r.ToDay < 1 || r.ToDay > 31:
		v.errorf(path, "reports: %s: window.from_day và window.to_day phải từ 1 đến 31", what)
	default:
		return cchcbot.Window{FromDay: r.FromDay, ToDay: r.ToDay}
	}
	return cchcbot.Window{}
}

// windowByDate reads { from: "15/12", to: "14/06" }: the window of the
// year's first period (quý I, 6 tháng đầu năm, 9 tháng, the year), which
// later quarters and halves follow three or six months on.
func (v *validator) windowByDate(what string, s cchcbot.Schedule, n *yaml.Node, r rawWindow) cchcbot.Window {
	span, first := 12, "" // months of a period; the year's first period
	switch s.Kind {
	case cchcbot.ScheduleQuarterly:
		span, first = 3, "quý I"
	case cchcbot.ScheduleHalfYearly:
		span, first = 6, "6 tháng đầu năm"
	case cchcbot.ScheduleNineMonths:
		span, first = 9, "9 tháng"
	}
	var days [2]int
	var months [2]time.Month
	ok := true
	for i, e := range []struct{ key, val string }{{"from", r.From}, {"to", r.To}} {
		line, _ := keyOf(n, e.key)
		m, d, good := parseDayMonth(strings.TrimSpace(e.val))
		if !good {
			v.ps.addf(line, "reports: %s: window.%s %s không hợp lệ, cần ngày/tháng dạng \"DD/MM\" trong ngoặc kép, ví dụ from: \"15/12\", to: \"14/06\"", what, e.key, quote(e.val))
			ok = false
		}
		days[i], months[i] = d, m
	}
	if !ok {
		return cchcbot.Window{}
	}
	if first != "" && int(months[1]) != span {
		line, _ := keyOf(n, "to")
		v.ps.addf(line, "reports: %s: window.to phải là một ngày của tháng %d: hãy ghi thời gian chốt số liệu của kỳ %s, các kỳ sau tính tương tự", what, span, first)
		return cchcbot.Window{}
	}
	// How many months before its last month the window starts: 15/12 →
	// 14/06 starts six months back, 15/12 → 14/12 twelve.
	back := (int(months[1]) - int(months[0]) + 12) % 12
	if back == 0 && days[0] > days[1] {
		back = 12
	}
	w := cchcbot.Window{FromDay: days[0], ToDay: days[1], StartShift: span - back}
	if s.Kind == cchcbot.ScheduleYearly && months[1] != time.December {
		w.EndMonth = months[1]
	}
	return w
}

// decodeNode checks n, a value left as a node, against t as checkFile
// checks the rest of the file, and decodes it into out. It reports false
// when n has faults, which are recorded.
func (v *validator) decodeNode(n *yaml.Node, t reflect.Type, out any, path string) bool {
	before := len(v.ps.list)
	c := checker{ps: v.ps, seen: map[visit]bool{}}
	c.check(n, t, path)
	if len(v.ps.list) > before {
		return false
	}
	if err := n.Decode(out); err != nil {
		v.ps.list = append(v.ps.list, decodeProblems(err)...) // checked above: a safety net
		return false
	}
	return true
}

// present returns the value a node field holds, aliases followed, or nil
// when the key is absent or null.
func present(n *yaml.Node) *yaml.Node {
	if n = resolve(n); n == nil || n.Kind == 0 || isNull(n) {
		return nil
	}
	return n
}

// keyOf returns the line of key in the mapping n and its value; when n
// has no such key of its own (it came with "<<"), n's line and nil.
func keyOf(n *yaml.Node, key string) (int, *yaml.Node) {
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line, resolve(n.Content[i+1])
		}
	}
	return n.Line, nil
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
