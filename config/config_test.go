package config_test

import (
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/config"
)

func TestExampleConfig(t *testing.T) {
	c, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	groups := map[cchcbot.UnitGroup]int{}
	for _, u := range c.UnitList() {
		groups[u.Group]++
	}
	if groups[cchcbot.GroupCommune] != 21 || groups[cchcbot.GroupDepartment] == 0 || groups[cchcbot.GroupServiceUnit] == 0 {
		t.Errorf("units per group = %v, want 21 communes and some departments and service units", groups)
	}
	cal := c.Calendar()
	if len(cal.Kinds) != 2 || cal.Location.String() != "Asia/Ho_Chi_Minh" || !cal.ShiftDeadlines {
		t.Fatalf("calendar = %+v", cal)
	}
	for id, due := range map[string]string{
		"ke-hoach-khac-phuc/2024": "2024-01-31",
		"bao-cao-thang/2024-02":   "2024-02-15", // Tết 08–14/02/2024
		"bao-cao-thang/2024-05":   "2024-05-13",
		"bao-cao-thang/2024-10":   "2024-10-14",
		"bao-cao-thang/2025-02":   "2025-02-12",
	} {
		p, err := cal.Period(id)
		if err != nil || p.Due.String() != due {
			t.Errorf("%s: due %s (%v), want %s", id, p.Due, err, due)
		}
	}
	if !cal.Work.IsWorkingDay(cchcbot.D(2024, 5, 4)) {
		t.Error("make-up Saturday 04/05/2024 is not a working day")
	}
	for _, d := range []cchcbot.Date{cchcbot.D(2024, 2, 8), cchcbot.D(2024, 2, 14), cchcbot.D(2025, 1, 25), cchcbot.D(2025, 2, 2)} {
		if cal.Work.IsWorkingDay(d) {
			t.Errorf("%s should be a Tết holiday", d.VN())
		}
	}
	if c.Telegram.MaxFileSize != 20<<20 || c.Reminders.AdminNotify != "each" || len(c.AdminList()) != 1 {
		t.Errorf("telegram/reminders/admins = %+v %+v %+v", c.Telegram, c.Reminders, c.AdminList())
	}
	if got := c.InviteLink("abc"); got != "https://t.me/cchc_quyhop_bot?start=abc" {
		t.Errorf("InviteLink = %s", got)
	}
}

const minimal = `
units:
  - { code: xa-chau-loc, name: "UBND xã Châu Lộc", group: xa-thi-tran, head_title: "Chủ tịch UBND xã" }
reports:
  - id: bao-cao-thang
    title: "Báo cáo CCHC"
    schedule: { monthly: 12 }
    window: { from_day: 12, to_day: 12 }
    groups: [xa-thi-tran]
`

func TestDefaults(t *testing.T) {
	c, err := config.Parse([]byte(minimal), "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol := c.Calendar().Reminders
	if pol.TimeOfDay.String() != "08:00" || len(pol.DaysBefore) != 4 || pol.OverdueEvery != 2 || pol.OverdueMax != 3 || pol.DigestTime.String() != "07:30" {
		t.Errorf("reminder defaults = %+v", pol)
	}
	if c.DataDir != "./data" || c.Timezone != "Asia/Ho_Chi_Minh" || c.Telegram.APIEndpoint != config.DefaultAPIEndpoint ||
		c.Telegram.PollTimeout.Seconds() != 50 || c.Outbound.GlobalPerSecond != 30 || c.Outbound.PerChatPerSecond != 1 {
		t.Errorf("defaults = %+v", c)
	}
	k := c.Calendar().Kinds[0]
	if !k.RequiresFile || k.OpenDays != 20 || k.LateDays != 90 {
		t.Errorf("kind defaults = %+v", k)
	}
	if !c.Calendar().Work.Weekends[6] || !c.Calendar().Work.Weekends[0] {
		t.Error("weekends default to Saturday and Sunday")
	}
}

func TestUnknownKeys(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"top level", "remiders:\n  time: \"08:00\"\n" + minimal, `config.yaml: 1: unknown key "remiders" (did you mean "reminders"?)`},
		{"nested", "telegram:\n  bot_usename: x\n" + minimal, `config.yaml: 2: unknown key "bot_usename" (did you mean "bot_username"?)`},
		{"in a list", minimal + "calendar:\n  holidays:\n    - { dat: 2024-01-01 }\n", `unknown key "dat" (did you mean "date"?)`},
		{"in a unit", "units:\n  - { code: a, nam: b, group: xa-thi-tran }\n", `config.yaml: 2: unknown key "nam" (did you mean "name"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.yaml), "config.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %s", err, tc.want)
			}
		})
	}
}

func TestTokenNotAllowed(t *testing.T) {
	_, err := config.Parse([]byte("telegram:\n  token: \"123:SECRET\"\n"+minimal), "config.yaml")
	if err == nil || !strings.Contains(err.Error(), "config.yaml:2") || !strings.Contains(err.Error(), config.TokenEnv) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Fatal("the error repeats the token")
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad timezone", "timezone: Mars/Olympus\n" + minimal, "config.yaml:1: múi giờ"},
		{"duplicate unit", strings.Replace(minimal, "reports:", "  - { code: xa-chau-loc, name: x, group: xa-thi-tran }\nreports:", 1), `code "xa-chau-loc" bị trùng`},
		{"bad group", strings.Replace(minimal, "group: xa-thi-tran", "group: xa", 1), `group "xa" không hợp lệ`},
		{"bad code", strings.Replace(minimal, "code: xa-chau-loc", "code: Xã Châu Lộc", 1), "code \"Xã Châu Lộc\" không hợp lệ"},
		{"two schedules", strings.Replace(minimal, "{ monthly: 12 }", "{ monthly: 12, once: 2024-01-31 }", 1), "đúng một trong once, yearly, monthly"},
		{"monthly day", strings.Replace(minimal, "{ monthly: 12 }", "{ monthly: 32 }", 1), "monthly phải từ 1 đến 31"},
		{"yearly", strings.Replace(minimal, "{ monthly: 12 }", `{ yearly: "31/13" }`, 1), "schedule.yearly"},
		{"window on once", strings.Replace(minimal, "{ monthly: 12 }", "{ once: 2024-01-31 }", 1), "window chỉ dùng cho báo cáo hằng tháng"},
		{"no groups", strings.Replace(minimal, "groups: [xa-thi-tran]", "groups: []", 1), "thiếu groups"},
		{"reminder in quiet hours", "reminders:\n  time: \"22:00\"\n  quiet_hours: { from: \"21:00\", to: \"07:00\" }\n" + minimal, "config.yaml:2: reminders.time 22:00 nằm trong giờ yên lặng"},
		{"bad time", "reminders:\n  time: \"8h\"\n" + minimal, "config.yaml:2: giờ \"8h\""},
		{"negative days", "reminders:\n  days_before: [7, -1]\n" + minimal, "-1 không hợp lệ"},
		{"holiday range backwards", minimal + "calendar:\n  holidays:\n    - { from: 2024-02-14, to: 2024-02-08 }\n", "config.yaml:12: khoảng ngày 14/02/2024 – 08/02/2024"},
		{"holiday bad date", minimal + "calendar:\n  holidays:\n    - { date: 2024-02-30 }\n", "ngày không hợp lệ"},
		{"endpoint", "telegram:\n  api_endpoint: \"http://localhost:8081/bot%s\"\n" + minimal, "config.yaml:2: telegram.api_endpoint"},
		{"admin id", "admins:\n  - { telegram_id: 0, name: x }\n" + minimal, "telegram_id phải là số dương"},
		{"open days", strings.Replace(minimal, "groups: [xa-thi-tran]", "groups: [xa-thi-tran]\n    open_days: 3", 1), "open_days (3)"},
		{"long report id", strings.Replace(minimal, "id: bao-cao-thang", "id: bao-cao-thang-rat-dai-qua-muc-cho-phep", 1), "tối đa 24 ký tự"},
		{"weekday", minimal + "calendar:\n  weekends: [saturday, caturday]\n", `"caturday" không phải tên ngày`},
		{"wrong type", "reminders:\n  overdue_max: many\n" + minimal, "config.yaml: 2: cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.yaml), "config.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestTokenFrom(t *testing.T) {
	if _, err := config.TokenFrom(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), config.TokenEnv) {
		t.Errorf("missing token err = %v", err)
	}
	tok, err := config.TokenFrom(func(k string) string {
		if k == config.TokenEnv {
			return " 123:abc \n"
		}
		return ""
	})
	if err != nil || tok != "123:abc" {
		t.Errorf("TokenFrom = %q %v", tok, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("units: [1, 2]\nreports: {a: b}\n"))
	f.Add([]byte("calendar:\n  holidays:\n    - { from: 2024-01-01, to: 2030-01-01 }\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse(data, "fuzz.yaml")
		if err == nil && c.Calendar() == nil {
			t.Fatal("valid config without a calendar")
		}
	})
}
