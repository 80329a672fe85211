package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
)

const example = "../config.example.yaml"

// baseUnits and baseReports are the two halves of base. base is the smallest
// valid file; its lines are counted by the tests: 1 units, 2-4 the unit,
// 5 telegram, 6 reports, 7-11 the report, and the next line is 12, where
// tests append what they need (report keys included: the report is last).
const (
	baseUnits = `units:
  - code: xa-chau-loc
    name: "UBND xã Châu Lộc"
    group: xa-thi-tran
`
	baseReports = `reports:
  - id: bao-cao-thang
    title: "Báo cáo CCHC"
    schedule: { monthly: 12 }
    window: { from_day: 12, to_day: 12 }
    groups: [xa-thi-tran]
`
	base = baseUnits + "telegram: {}\n" + baseReports
	// noChannel is base without its chat network, ten lines long: tests
	// that write their own telegram or zalo section append it to this.
	noChannel = baseUnits + baseReports
)

func mustParse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(yaml), "config.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// parseError parses yaml, which must be refused, and returns the problems.
func parseError(t *testing.T, yaml string) *config.Error {
	t.Helper()
	_, err := config.Parse([]byte(yaml), "config.yaml")
	var e *config.Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse accepted the file or failed oddly: %v\n%s", err, yaml)
	}
	return e
}

// hasProblem reports whether e holds a problem at line whose message
// contains want.
func hasProblem(e *config.Error, line int, want string) bool {
	return slices.ContainsFunc(e.Problems, func(p config.Problem) bool {
		return p.Line == line && strings.Contains(p.Message, want)
	})
}

func loadExample(t *testing.T) *config.Config {
	t.Helper()
	c, err := config.Load(example)
	if err != nil {
		t.Fatalf("the example config does not load:\n%v", err)
	}
	return c
}

func TestExample(t *testing.T) {
	c := loadExample(t)
	groups := map[cchcbot.UnitGroup]int{}
	for _, u := range c.UnitList() {
		groups[u.Group]++
	}
	want := map[cchcbot.UnitGroup]int{cchcbot.GroupDepartment: 13, cchcbot.GroupServiceUnit: 4, cchcbot.GroupCommune: 21}
	if len(groups) != len(want) || groups[cchcbot.GroupDepartment] != 13 || groups[cchcbot.GroupServiceUnit] != 4 || groups[cchcbot.GroupCommune] != 21 {
		t.Errorf("units per group = %v, want %v", groups, want)
	}
	if c.Office != "Phòng Nội vụ huyện Quỳ Hợp" || c.Authority != "Ủy ban nhân dân huyện Quỳ Hợp" || c.Location().String() != "Asia/Ho_Chi_Minh" || c.DataDir != "./data" {
		t.Errorf("office, authority, zone, data dir = %q %q %s %q", c.Office, c.Authority, c.Location(), c.DataDir)
	}
	if tg := c.Telegram; tg.APIEndpoint != config.DefaultAPIEndpoint || tg.FileEndpoint != config.DefaultFileEndpoint ||
		tg.BotUsername != "cchc_quyhop_bot" || tg.PollTimeout != 50*time.Second || tg.MaxFileSize != 20<<20 {
		t.Errorf("telegram = %+v", tg)
	}
	if c.Reminders.KeepLogYears != 2 {
		t.Errorf("the example's keep_log_years = %d, want 2", c.Reminders.KeepLogYears)
	}
	if c.Reminders.AdminNotify != config.NotifyEach || c.Outbound != (config.Outbound{GlobalPerSecond: 30, PerChatPerSecond: 1, MaxRetries: 5}) ||
		c.Log != (config.Log{Format: "text", Level: "info"}) {
		t.Errorf("admin_notify, outbound, log = %q %+v %+v", c.Reminders.AdminNotify, c.Outbound, c.Log)
	}
	if got := c.InviteLink("abc"); got != "https://t.me/cchc_quyhop_bot?start=abc" {
		t.Errorf("InviteLink = %s", got)
	}
}

// The communes and the town, as the district lists them.
var communes = []string{
	"UBND thị trấn Quỳ Hợp", "UBND xã Bắc Sơn", "UBND xã Châu Cường", "UBND xã Châu Đình", "UBND xã Châu Hồng",
	"UBND xã Châu Lộc", "UBND xã Châu Lý", "UBND xã Châu Quang", "UBND xã Châu Thái", "UBND xã Châu Thành",
	"UBND xã Châu Tiến", "UBND xã Đồng Hợp", "UBND xã Hạ Sơn", "UBND xã Liên Hợp", "UBND xã Minh Hợp",
	"UBND xã Nam Sơn", "UBND xã Nghĩa Xuân", "UBND xã Tam Hợp", "UBND xã Thọ Hợp", "UBND xã Văn Lợi", "UBND xã Yên Hợp",
}

func TestExampleUnits(t *testing.T) {
	units := loadExample(t).UnitList()
	var names []string
	for i, u := range units {
		if u.Order != i+1 {
			t.Errorf("%s: Order %d, want its position %d", u.Code, u.Order, i+1)
		}
		if u.HeadTitle == "" || u.Name == "" {
			t.Errorf("%s: name %q, head title %q", u.Code, u.Name, u.HeadTitle)
		}
		if u.Group == cchcbot.GroupCommune {
			names = append(names, u.Name)
			wantTitle := "Chủ tịch UBND xã"
			if strings.Contains(u.Name, "thị trấn") {
				wantTitle = "Chủ tịch UBND thị trấn"
			}
			if u.HeadTitle != wantTitle {
				t.Errorf("%s: head title %q, want %q", u.Code, u.HeadTitle, wantTitle)
			}
		}
	}
	if !slices.Equal(names, communes) {
		t.Errorf("communes =\n%q\nwant\n%q", names, communes)
	}
	i := slices.IndexFunc(units, func(u cchcbot.Unit) bool { return u.Code == "tt-quy-hop" })
	if i < 0 || units[i].Name != "UBND thị trấn Quỳ Hợp" {
		t.Error("the town has no unit coded tt-quy-hop")
	}
}

func TestExampleAdmins(t *testing.T) {
	admins := loadExample(t).AdminList()
	if len(admins) != 1 || admins[0].User != cchcbot.TelegramUser(100000001) || !admins[0].FromConfig || admins[0].Name == "" {
		t.Errorf("admins = %+v, want the one placeholder from the config", admins)
	}
}

func TestExampleReports(t *testing.T) {
	cal := loadExample(t).Calendar()
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	want := []cchcbot.ReportKind{
		{ID: "ke-hoach-khac-phuc", Title: "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023",
			Schedule:     cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 1, 31)},
			RequiresFile: true, Groups: all, OpenDays: 30, LateDays: 90},
		{ID: "bao-cao-thang", Title: "Báo cáo CCHC",
			Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, Window: cchcbot.Window{FromDay: 12, ToDay: 12},
			RequiresFile: true, Groups: all, Start: cchcbot.D(2024, 1, 1), OpenDays: 20, LateDays: 90},
	}
	if len(cal.Kinds) != len(want) {
		t.Fatalf("%d kinds, want %d", len(cal.Kinds), len(want))
	}
	for i, k := range cal.Kinds {
		w := want[i]
		if k.ID != w.ID || k.Title != w.Title || k.Schedule != w.Schedule || k.Window != w.Window || k.RequiresFile != w.RequiresFile ||
			!slices.Equal(k.Groups, w.Groups) || k.Start != w.Start || k.End != w.End || k.OpenDays != w.OpenDays || k.LateDays != w.LateDays {
			t.Errorf("kind %d =\n%+v\nwant\n%+v", i, k, w)
		}
	}
	for id, due := range map[string]string{
		"ke-hoach-khac-phuc/2024": "2024-01-31",
		"bao-cao-thang/2024-01":   "2024-01-12",
		"bao-cao-thang/2024-02":   "2024-02-15", // Tết 08–14/02/2024
		"bao-cao-thang/2024-05":   "2024-05-13", // Sunday
		"bao-cao-thang/2024-10":   "2024-10-14", // Saturday
		"bao-cao-thang/2025-02":   "2025-02-12",
	} {
		p, err := cal.Period(id)
		if err != nil || p.Due.String() != due {
			t.Errorf("%s: due %s (%v), want %s", id, p.Due, err, due)
		}
	}
	if p, _ := cal.Period("bao-cao-thang/2024-02"); p.WindowVN() != "12/01/2024 – 12/02/2024" {
		t.Errorf("window of 02/2024 = %s", p.WindowVN())
	}
	if _, err := cal.Period("bao-cao-thang/2023-12"); err == nil {
		t.Error("a monthly period before start 2024-01-01 exists")
	}
}

func TestExampleCalendar(t *testing.T) {
	cal := loadExample(t).Calendar()
	w := cal.Work
	if !cal.ShiftDeadlines || len(w.Weekends) != 2 || !w.Weekends[time.Saturday] || !w.Weekends[time.Sunday] {
		t.Errorf("shift %v, weekends %v", cal.ShiftDeadlines, w.Weekends)
	}
	holidays := []struct {
		from, to cchcbot.Date
		name     string
	}{
		{cchcbot.D(2024, 1, 1), cchcbot.D(2024, 1, 1), "Tết Dương lịch"},
		{cchcbot.D(2024, 2, 8), cchcbot.D(2024, 2, 14), "Tết Nguyên đán Giáp Thìn"},
		{cchcbot.D(2024, 4, 18), cchcbot.D(2024, 4, 18), "Giỗ Tổ Hùng Vương"},
		{cchcbot.D(2024, 4, 27), cchcbot.D(2024, 5, 1), "Ngày Chiến thắng và Quốc tế Lao động"},
		{cchcbot.D(2024, 8, 31), cchcbot.D(2024, 9, 3), "Quốc khánh"},
		{cchcbot.D(2025, 1, 1), cchcbot.D(2025, 1, 1), "Tết Dương lịch"},
		{cchcbot.D(2025, 1, 25), cchcbot.D(2025, 2, 2), "Tết Nguyên đán Ất Tỵ"},
		{cchcbot.D(2025, 4, 7), cchcbot.D(2025, 4, 7), "Giỗ Tổ Hùng Vương"},
		{cchcbot.D(2025, 4, 30), cchcbot.D(2025, 5, 2), "Ngày Chiến thắng và Quốc tế Lao động"},
		{cchcbot.D(2025, 9, 1), cchcbot.D(2025, 9, 2), "Quốc khánh"},
		{cchcbot.D(2026, 1, 1), cchcbot.D(2026, 1, 1), "Tết Dương lịch"},
		{cchcbot.D(2026, 2, 14), cchcbot.D(2026, 2, 22), "Tết Nguyên đán Bính Ngọ"},
		{cchcbot.D(2026, 4, 27), cchcbot.D(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)"},
		{cchcbot.D(2026, 4, 30), cchcbot.D(2026, 5, 1), "Ngày Chiến thắng và Quốc tế Lao động"},
		{cchcbot.D(2026, 9, 1), cchcbot.D(2026, 9, 2), "Quốc khánh"},
	}
	n := 0
	for _, h := range holidays {
		for d := h.from; !d.After(h.to); d = d.AddDays(1) {
			n++
			if name, ok := w.HolidayName(d); !ok || name != h.name {
				t.Errorf("%s: holiday %q (%v), want %q", d.VN(), name, ok, h.name)
			}
			if cal.Work.IsWorkingDay(d) {
				t.Errorf("%s is a working day", d.VN())
			}
		}
	}
	if len(w.Holidays) != n {
		t.Errorf("%d holiday dates, want %d: every range expanded, nothing else", len(w.Holidays), n)
	}
	for _, d := range []cchcbot.Date{cchcbot.D(2024, 5, 4), cchcbot.D(2025, 4, 26)} {
		if _, ok := w.WorkingDays[d]; !ok || d.Weekday() != time.Saturday || !w.IsWorkingDay(d) {
			t.Errorf("make-up Saturday %s: listed %v, working %v", d.VN(), ok, w.IsWorkingDay(d))
		}
	}
	if len(w.WorkingDays) != 2 {
		t.Errorf("working days = %v, want the two make-up Saturdays", w.WorkingDays)
	}
	r := cal.Reminders
	if r.TimeOfDay.String() != "08:00" || !slices.Equal(r.DaysBefore, []int{7, 3, 1, 0}) || r.OverdueEvery != 2 || r.OverdueMax != 3 ||
		r.DigestTime.String() != "07:30" || r.QuietFrom.String() != "21:00" || r.QuietTo.String() != "07:00" {
		t.Errorf("reminder policy = %+v", r)
	}
}

func TestCalendarIsACopy(t *testing.T) {
	c := loadExample(t)
	a := c.Calendar()
	a.Work.Holidays[cchcbot.D(2024, 3, 1)] = "x"
	a.Work.Weekends[time.Monday] = true
	a.Kinds[0].Groups[0] = "x"
	a.Reminders.DaysBefore[0] = 99
	b := c.Calendar()
	if _, ok := b.Work.Holidays[cchcbot.D(2024, 3, 1)]; ok || b.Work.Weekends[time.Monday] || b.Kinds[0].Groups[0] == "x" || b.Reminders.DaysBefore[0] == 99 {
		t.Error("a change to one Calendar() reached the next")
	}
}

func TestDefaults(t *testing.T) {
	c := mustParse(t, base)
	pol := c.Calendar().Reminders
	if pol.TimeOfDay.String() != "08:00" || !slices.Equal(pol.DaysBefore, []int{7, 3, 1, 0}) || pol.OverdueEvery != 2 || pol.OverdueMax != 3 ||
		pol.DigestTime.String() != "07:30" || pol.QuietFrom != pol.QuietTo {
		t.Errorf("reminder defaults = %+v", pol)
	}
	if c.Office != config.DefaultOffice || c.DataDir != "./data" || c.Timezone != "Asia/Ho_Chi_Minh" || c.Location().String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("defaults = %q %q %q", c.Office, c.DataDir, c.Timezone)
	}
	if c.Telegram != (config.Telegram{APIEndpoint: config.DefaultAPIEndpoint, FileEndpoint: config.DefaultFileEndpoint, PollTimeout: 50 * time.Second, MaxFileSize: 20 << 20}) {
		t.Errorf("telegram defaults = %+v", c.Telegram)
	}
	if c.Outbound != (config.Outbound{GlobalPerSecond: 30, PerChatPerSecond: 1, MaxRetries: 5}) || c.Log != (config.Log{Format: "text", Level: "info"}) || c.Reminders.AdminNotify != "each" {
		t.Errorf("outbound, log, admin_notify = %+v %+v %q", c.Outbound, c.Log, c.Reminders.AdminNotify)
	}
	if c.Reminders.KeepLogYears != config.DefaultKeepLogYears || config.DefaultKeepLogYears != 2 {
		t.Errorf("keep_log_years = %d, want the default 2 years", c.Reminders.KeepLogYears)
	}
	k := c.Calendar().Kinds[0]
	if !k.RequiresFile || k.OpenDays != 20 || k.LateDays != 90 || !k.Start.IsZero() {
		t.Errorf("kind defaults = %+v", k)
	}
	cal := c.Calendar()
	if w := cal.Work.Weekends; len(w) != 2 || !w[time.Saturday] || !w[time.Sunday] || !cal.ShiftDeadlines {
		t.Errorf("weekends %v, shift %v: want Saturday and Sunday, shifting", w, cal.ShiftDeadlines)
	}
	if len(c.Admins) != 0 || len(cal.Work.Holidays) != 0 {
		t.Errorf("admins %v, holidays %v: want none", c.Admins, cal.Work.Holidays)
	}
}

// TestExplicitZeros checks that a zero written in the file is kept, not
// replaced by the default.
func TestExplicitZeros(t *testing.T) {
	c := mustParse(t, strings.Replace(base, "groups: [xa-thi-tran]", "groups: [xa-thi-tran]\n    requires_file: false\n    late_days: 0", 1)+`reminders:
  days_before: []
  overdue_max: 0
  overdue_every_days: 0
calendar:
  weekends: []
  shift_deadlines: false
outbound:
  max_retries: 0
`)
	cal := c.Calendar()
	k := cal.Kinds[0]
	if k.RequiresFile || k.LateDays != 0 || len(cal.Reminders.DaysBefore) != 0 || cal.Reminders.OverdueMax != 0 ||
		len(cal.Work.Weekends) != 0 || cal.ShiftDeadlines || c.Outbound.MaxRetries != 0 {
		t.Errorf("explicit zeros lost: kind %+v, calendar %+v, outbound %+v", k, cal, c.Outbound)
	}
}

func TestParseForms(t *testing.T) {
	for _, tc := range []struct{ name, yaml string }{
		{"byte order mark", "\ufeff" + base},
		{"CRLF line ends", strings.ReplaceAll(base, "\n", "\r\n")},
		{"block style schedule", strings.Replace(base, "{ monthly: 12 }", "\n      monthly: 12", 1)},
		{"yearly", strings.Replace(strings.Replace(base, "{ monthly: 12 }", `{ yearly: "29/02" }`, 1), "    window: { from_day: 12, to_day: 12 }\n", "", 1)},
		{"anchors and merge keys", `telegram: {}
units:
  - &xa { code: xa-chau-loc, name: "UBND xã Châu Lộc", group: xa-thi-tran, head_title: "Chủ tịch UBND xã" }
  - { <<: *xa, code: xa-chau-ly, name: "UBND xã Châu Lý" }
reports:
  - id: bao-cao-thang
    title: "Báo cáo CCHC"
    schedule: { monthly: 12 }
    groups: &all [phong-ban, su-nghiep, xa-thi-tran]
  - id: ke-hoach
    title: "Kế hoạch"
    schedule: { once: 2024-01-31 }
    groups: *all
`},
		{"null sections", noChannel + "telegram:\nreminders: ~\nadmins:\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.yaml)
			if len(c.UnitList()) == 0 || len(c.Calendar().Kinds) == 0 {
				t.Errorf("units %v, kinds %v", c.UnitList(), c.Calendar().Kinds)
			}
		})
	}
	c := mustParse(t, strings.Replace(strings.Replace(base, "{ monthly: 12 }", `{ yearly: "29/02" }`, 1), "    window: { from_day: 12, to_day: 12 }\n", "", 1))
	if p, err := c.Calendar().Period("bao-cao-thang/2025"); err != nil || p.Due != cchcbot.D(2025, 2, 28) {
		t.Errorf("yearly 29/02 in 2025: %+v %v, want due 28/02/2025", p.Due, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := config.Load(filepath.Join(dir, "none.yaml")); err == nil || !strings.Contains(err.Error(), "none.yaml") || !strings.Contains(err.Error(), "config.example.yaml") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(base+"remiders: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(bad); err == nil || err.Error() != `bad.yaml:12: khóa "remiders" không hợp lệ (có phải ý là "reminders"?)` {
		t.Errorf("bad file: %v", err)
	}
	if _, err := config.Load(dir); err == nil || !strings.Contains(err.Error(), "là một thư mục, không phải tệp cấu hình") {
		t.Errorf("a directory: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(base+"#"+strings.Repeat("x", config.MaxFileBytes)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(big); err == nil || !strings.Contains(err.Error(), "big.yaml") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestToken(t *testing.T) {
	c := mustParse(t, base)
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if _, err := c.SecretsFrom(getenv); err == nil || !strings.Contains(err.Error(), config.TokenEnv) {
		t.Errorf("secrets without the variable: %v", err)
	}
	env[config.TokenEnv] = "42:test"
	if sec, err := c.SecretsFrom(getenv); sec.TelegramToken != "42:test" || err != nil {
		t.Errorf("TelegramToken = %q, %v", sec.TelegramToken, err)
	}
}
