package config_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
)

// edit returns base with old replaced by new, failing the test if base
// has no old: a case that edits nothing would test nothing.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

type rule struct {
	name string
	yaml string
	line int
	want string
}

func checkRules(t *testing.T, rules []rule) {
	t.Helper()
	for _, tc := range rules {
		t.Run(tc.name, func(t *testing.T) {
			if e := parseError(t, tc.yaml); !hasProblem(e, tc.line, tc.want) {
				t.Errorf("error =\n%v\nwant line %d: %s", e, tc.line, tc.want)
			}
		})
	}
}

func TestValidateTop(t *testing.T) {
	checkRules(t, []rule{
		{"unknown zone", "timezone: Mars/Olympus\n" + base, 1, `timezone: múi giờ "Mars/Olympus" không tồn tại`},
		{"server's zone", "timezone: Local\n" + base, 1, `timezone: không dùng "Local"`},
		{"log format", base + "log:\n  format: xml\n", 13, `log.format phải là text hoặc json, không phải "xml"`},
		{"log level", base + "log:\n  level: verbose\n", 13, `log.level phải là debug, info, warn hoặc error`},
	})
}

func TestValidateUnits(t *testing.T) {
	reportsOnly := base[strings.Index(base, "reports:"):]
	checkRules(t, []rule{
		{"empty code", edit(t, "code: xa-chau-loc", `code: ""`), 2, `units: đơn vị "UBND xã Châu Lộc" thiếu code`},
		{"code with diacritics", edit(t, "code: xa-chau-loc", "code: Xã-Châu-Lộc"), 2, `units: code "Xã-Châu-Lộc" không hợp lệ`},
		{"code with a space", edit(t, "code: xa-chau-loc", "code: xa chau loc"), 2, `code "xa chau loc" không hợp lệ`},
		{"code starting with -", edit(t, "code: xa-chau-loc", "code: -xa"), 2, `code "-xa" không hợp lệ`},
		{"code too long", edit(t, "code: xa-chau-loc", "code: "+strings.Repeat("a", 42)), 2, `không hợp lệ`},
		{"duplicate code", edit(t, "telegram: {}", "  - { code: xa-chau-loc, name: \"x\", group: xa-thi-tran }\ntelegram: {}"), 5, `units: code "xa-chau-loc" bị trùng với đơn vị ở dòng 2`},
		{"no name", edit(t, "    name: \"UBND xã Châu Lộc\"\n", ""), 2, `units: đơn vị "xa-chau-loc" thiếu name`},
		{"unknown group", edit(t, "group: xa-thi-tran", "group: xa"), 4, `units: group "xa" của đơn vị "xa-chau-loc" không hợp lệ: dùng phong-ban, su-nghiep hoặc xa-thi-tran`},
		{"no group", edit(t, "    group: xa-thi-tran\n", ""), 2, `group "" của đơn vị "xa-chau-loc" không hợp lệ`},
		{"no units", "units: []\n" + reportsOnly, 1, "units: chưa khai báo đơn vị nào"},
		{"units left out", reportsOnly, 1, "units: chưa khai báo đơn vị nào"},
	})
}

func TestValidateReports(t *testing.T) {
	other := "  - { id: bao-cao-thang, title: x, schedule: { once: 2024-01-31 }, groups: [phong-ban] }\n"
	checkRules(t, []rule{
		{"no id", edit(t, "  - id: bao-cao-thang\n    title:", "  - title:"), 7, `reports: báo cáo "Báo cáo CCHC" thiếu id`},
		{"bad id", edit(t, "id: bao-cao-thang", "id: Bao_Cao"), 7, `reports: id "Bao_Cao" không hợp lệ`},
		{"id too long for buttons", edit(t, "id: bao-cao-thang", "id: "+strings.Repeat("a", 25)), 7, "tối đa 24 ký tự"},
		{"duplicate id", base + other, 12, `reports: id "bao-cao-thang" bị trùng với báo cáo ở dòng 7`},
		{"no title", edit(t, "    title: \"Báo cáo CCHC\"\n", ""), 7, `reports: báo cáo "bao-cao-thang" thiếu title`},
		{"no schedule", edit(t, "    schedule: { monthly: 12 }\n    window: { from_day: 12, to_day: 12 }\n", ""), 7, "schedule cần đúng một trong once, yearly, monthly, quarterly, half_yearly, nine_months (đang có 0)"},
		{"empty schedule", edit(t, "{ monthly: 12 }", "{}"), 9, "schedule cần đúng một trong once, yearly, monthly, quarterly, half_yearly, nine_months (đang có 0)"},
		{"two schedules", edit(t, "{ monthly: 12 }", "{ monthly: 12, once: 2024-01-31 }"), 9, "(đang có 2)"},
		{"monthly 0", edit(t, "{ monthly: 12 }", "{ monthly: 0 }"), 9, "schedule.monthly phải từ 1 đến 31 (ngày đến hạn trong tháng), không phải 0"},
		{"monthly 32", edit(t, "{ monthly: 12 }", "{ monthly: 32 }"), 9, "schedule.monthly phải từ 1 đến 31"},
		{"yearly month 13", edit(t, "{ monthly: 12 }", `{ yearly: "31/13" }`), 9, `schedule.yearly "31/13" không hợp lệ`},
		{"yearly 30/02", edit(t, "{ monthly: 12 }", `{ yearly: "30/02" }`), 9, `schedule.yearly "30/02" không hợp lệ`},
		{"yearly in words", edit(t, "{ monthly: 12 }", `{ yearly: "31 tháng 1" }`), 9, `schedule.yearly "31 tháng 1" không hợp lệ`},
		{"once not a date", edit(t, "{ monthly: 12 }", "{ once: 2024-02-30 }"), 9, `schedule.once "2024-02-30" không hợp lệ`},
		{"once 31/02/yyyy", edit(t, "{ monthly: 12 }", "{ once: 31/02/2024 }"), 9, `schedule.once "31/02/2024" không hợp lệ, cần một ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd`},
		{"once yyyy/mm/dd", edit(t, "{ monthly: 12 }", "{ once: 2024/01/31 }"), 9, `schedule.once "2024/01/31" không hợp lệ`},
		{"once two-digit year", edit(t, "{ monthly: 12 }", "{ once: 31/01/24 }"), 9, `schedule.once "31/01/24" không hợp lệ`},
		{"window on a one-off report", edit(t, "{ monthly: 12 }", "{ once: 2024-01-31 }"), 10, "window không dùng cho báo cáo một lần"},
		{"window day 0", edit(t, "from_day: 12", "from_day: 0"), 10, "window.from_day và window.to_day phải từ 1 đến 31"},
		{"window day 32", edit(t, "to_day: 12", "to_day: 32"), 10, "window.from_day và window.to_day phải từ 1 đến 31"},
		{"window half given", edit(t, "{ from_day: 12, to_day: 12 }", "{ from_day: 12 }"), 10, "window.from_day và window.to_day phải từ 1 đến 31"},
		{"no groups", edit(t, "groups: [xa-thi-tran]", "groups: []"), 11, `reports: báo cáo "bao-cao-thang" thiếu groups`},
		{"groups left out", edit(t, "    groups: [xa-thi-tran]\n", ""), 7, "thiếu groups"},
		{"unknown group", edit(t, "groups: [xa-thi-tran]", "groups: [xa-thi-tran, phong]"), 11, `group "phong" không hợp lệ`},
		{"repeated group", edit(t, "groups: [xa-thi-tran]", "groups: [xa-thi-tran, xa-thi-tran]"), 11, `group "xa-thi-tran" bị lặp lại`},
		{"bad start", base + "    start: 2024-13-01\n", 12, `start "2024-13-01" không hợp lệ, cần một ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd`},
		{"bad end dd/mm/yyyy", base + "    end: 31/04/2024\n", 12, `end "31/04/2024" không hợp lệ`},
		{"end before start, both forms", base + "    start: 01/06/2024\n    end: 2024-01-01\n", 13, "end (01/01/2024) phải sau start (01/06/2024)"},
		{"end before start", base + "    start: 2024-06-01\n    end: 2024-01-01\n", 13, "end (01/01/2024) phải sau start (01/06/2024)"},
		{"open_days below the first reminder", base + "    open_days: 5\n", 12, "open_days (5) phải từ 7"},
		{"default open_days below days_before", base + "reminders:\n  days_before: [30, 1]\n", 7, "open_days (20) phải từ 30"},
		{"open_days over a year", base + "    open_days: 400\n", 12, "open_days (400) phải từ 7"},
		{"late_days negative", base + "    late_days: -1\n", 12, "late_days phải từ 0 đến 366"},
		{"no reports", base[:strings.Index(base, "reports:")], 1, "reports: chưa khai báo loại báo cáo nào"},
	})
}

func TestValidateReminders(t *testing.T) {
	r := base + "reminders:\n" // keys start on line 13
	checkRules(t, []rule{
		{"time not HH:MM", r + "  time: 8h\n", 13, `reminders.time: giờ "8h" không hợp lệ`},
		{"time 25:00", r + "  time: \"25:00\"\n", 13, `reminders.time: giờ "25:00" không hợp lệ`},
		{"digest time", r + "  digest_time: sáng\n", 13, `reminders.digest_time: giờ "sáng" không hợp lệ`},
		{"time in overnight quiet hours", r + "  time: \"22:00\"\n  quiet_hours: { from: \"21:00\", to: \"07:00\" }\n", 13, "reminders.time 22:00 nằm trong giờ yên lặng (quiet_hours 21:00–07:00)"},
		{"time in midday quiet hours", r + "  time: \"12:30\"\n  quiet_hours: { from: \"12:00\", to: \"13:00\" }\n", 13, "reminders.time 12:30 nằm trong giờ yên lặng"},
		{"default time in quiet hours", r + "  quiet_hours: { from: \"07:00\", to: \"09:00\" }\n", 12, "reminders.time 08:00 nằm trong giờ yên lặng"},
		{"digest in quiet hours", r + "  digest_time: \"06:00\"\n  quiet_hours: { from: \"21:00\", to: \"07:00\" }\n", 13, "reminders.digest_time 06:00 nằm trong giờ yên lặng"},
		{"quiet hours without to", r + "  quiet_hours: { from: \"21:00\" }\n", 13, "reminders.quiet_hours cần cả from và to"},
		{"quiet hours equal", r + "  quiet_hours: { from: \"21:00\", to: \"21:00\" }\n", 13, "from và to trùng nhau"},
		{"quiet hours bad time", r + "  quiet_hours:\n    from: 9pm\n    to: \"07:00\"\n", 14, `reminders.quiet_hours.from: giờ "9pm" không hợp lệ`},
		{"negative days_before, its own line", r + "  days_before:\n    - 7\n    - -1\n", 15, "reminders.days_before: -1 không hợp lệ"},
		{"days_before over 60", r + "  days_before: [61]\n", 13, "reminders.days_before: 61 không hợp lệ"},
		{"days_before repeated", r + "  days_before: [7, 3, 7]\n", 13, "reminders.days_before: 7 bị lặp lại"},
		{"overdue every 0 days", r + "  overdue_every_days: 0\n", 13, "reminders.overdue_every_days phải lớn hơn 0 khi overdue_max lớn hơn 0"},
		{"overdue every -1 days", r + "  overdue_every_days: -1\n", 13, "reminders.overdue_every_days phải từ 1 đến 30"},
		{"overdue_max negative", r + "  overdue_max: -1\n", 13, "reminders.overdue_max phải từ 0 đến 30"},
		{"overdue_max huge", r + "  overdue_max: 31\n", 13, "reminders.overdue_max phải từ 0 đến 30"},
		{"keep_log_years negative", r + "  keep_log_years: -1\n", 13, "reminders.keep_log_years phải từ 0 (giữ mọi dòng nhật ký nhắc việc) đến 50"},
		{"keep_log_years huge", r + "  keep_log_years: 2024\n", 13, "reminders.keep_log_years phải từ 0 (giữ mọi dòng nhật ký nhắc việc) đến 50"},
		{"keep_log_years not a number", r + "  keep_log_years: 2y\n", 13, "keep_log_years"},
		{"admin_notify", r + "  admin_notify: all\n", 13, `reminders.admin_notify phải là each (báo từng báo cáo), digest (gộp vào bản tin sáng) hoặc off, không phải "all"`},
	})
}

func TestValidateCalendar(t *testing.T) {
	c := base + "calendar:\n" // keys start on line 13
	h := c + "  holidays:\n"  // entries start on line 14
	checkRules(t, []rule{
		{"weekend name", c + "  weekends: [saturday, caturday]\n", 13, `calendar.weekends: "caturday" không phải tên ngày trong tuần`},
		{"weekend in Vietnamese", c + "  weekends:\n    - saturday\n    - chủ nhật\n", 15, `"chủ nhật" không phải tên ngày`},
		{"every day a weekend", c + "  weekends: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]\n", 13, "không thể nghỉ cả bảy ngày"},
		{"range backwards", h + "    - { from: 2024-02-14, to: 2024-02-08, name: Tết }\n", 14, "calendar.holidays: khoảng ngày 14/02/2024 – 08/02/2024 không hợp lệ: from phải trước hoặc bằng to"},
		{"no such date", h + "    - { date: 2024-02-30, name: x }\n", 14, `calendar.holidays: ngày "2024-02-30" không hợp lệ`},
		{"dd/mm/yyyy not a date", h + "    - { date: 30/02/2024, name: x }\n", 14, `ngày "30/02/2024" không hợp lệ, cần dạng dd/mm/yyyy hoặc yyyy-mm-dd`},
		{"mm/dd/yyyy", h + "    - { date: 09/13/2024, name: x }\n", 14, `ngày "09/13/2024" không hợp lệ`},
		{"range backwards, dd/mm/yyyy", h + "    - { from: 14/02/2024, to: 08/02/2024, name: Tết }\n", 14, "khoảng ngày 14/02/2024 – 08/02/2024 không hợp lệ"},
		{"same date in both forms", h + "    - { date: 2024-09-02, name: a }\n    - { date: 02/09/2024, name: b }\n", 15, "ngày 02/09/2024 đã được khai báo ở dòng 14"},
		{"bad to", h + "    - { from: 2024-02-08, to: 2024-02-31 }\n", 14, `ngày "2024-02-31" không hợp lệ`},
		{"date and range", h + "    - { date: 2024-01-01, from: 2024-01-01, to: 2024-01-02 }\n", 14, "không dùng cả hai"},
		{"from without to", h + "    - { from: 2024-01-01, name: x }\n", 14, "cần date, hoặc cả from và to"},
		{"neither", h + "    - { name: x }\n", 14, "cần date, hoặc cả from và to (ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd"},
		{"range over a month", h + "    - { from: 2024-02-08, to: 2024-12-14, name: Tết }\n", 14, "dài hơn 31 ngày"},
		{"date listed twice", h + "    - { date: 2024-01-01, name: a }\n    - { from: 2023-12-30, to: 2024-01-01, name: b }\n", 15, "calendar.holidays: ngày 01/01/2024 đã được khai báo ở dòng 14"},
		{"make-up day listed twice", c + "  working_days:\n    - { date: 2024-05-04 }\n    - { date: 2024-05-04 }\n", 15, "calendar.working_days: ngày 04/05/2024 đã được khai báo ở dòng 14"},
		{"make-up day on a holiday", h + "    - { date: 2024-05-04, name: a }\n  working_days:\n    - { date: 2024-05-04, name: b }\n", 16, "calendar.working_days: ngày 04/05/2024 vừa là ngày làm bù vừa là ngày nghỉ (dòng 14)"},
		{"make-up day bad", c + "  working_days:\n    - { date: 2024-5-4 }\n", 14, `calendar.working_days: ngày "2024-5-4" không hợp lệ`},
	})
}

func TestValidateTelegram(t *testing.T) {
	tg := noChannel + "telegram:\n" // keys start on line 12
	checkRules(t, []rule{
		{"api endpoint one %s", tg + "  api_endpoint: \"http://localhost:8081/bot%s\"\n", 12, "telegram.api_endpoint: cần địa chỉ bắt đầu bằng http:// hoặc https:// và chứa đúng hai %s"},
		{"api endpoint three %s", tg + "  api_endpoint: \"https://x/bot%s/%s/%s\"\n", 12, "telegram.api_endpoint"},
		{"api endpoint other verb", tg + "  api_endpoint: \"https://x/bot%s/%s?n=%d\"\n", 12, "telegram.api_endpoint"},
		{"api endpoint no host", tg + "  api_endpoint: \"https:///bot%s/%s\"\n", 12, "telegram.api_endpoint"},
		{"api endpoint no scheme", tg + "  api_endpoint: \"api.telegram.org/bot%s/%s\"\n", 12, "telegram.api_endpoint"},
		{"file endpoint ftp", tg + "  file_endpoint: \"ftp://x/file/bot%s/%s\"\n", 12, `telegram.file_endpoint: cần địa chỉ bắt đầu bằng http:// hoặc https:// và chứa đúng hai %s (mã bot, rồi tên phương thức hoặc đường dẫn tệp), ví dụ "https://api.telegram.org/file/bot%s/%s"`},
		{"poll timeout without unit", tg + "  poll_timeout: \"50\"\n", 12, `telegram.poll_timeout: "50" không hợp lệ`},
		{"poll timeout an hour", tg + "  poll_timeout: 1h\n", 12, `telegram.poll_timeout: "1h" không hợp lệ`},
		{"poll timeout fraction", tg + "  poll_timeout: 1500ms\n", 12, `telegram.poll_timeout: "1500ms" không hợp lệ`},
		{"file size in words", tg + "  max_file_size: 20 megabytes\n", 12, `telegram.max_file_size: "20 megabytes" không hợp lệ`},
		{"file size zero", tg + "  max_file_size: 0MB\n", 12, `telegram.max_file_size: "0MB" không hợp lệ`},
		{"file size overflow", tg + "  max_file_size: 99999999999GB\n", 12, `telegram.max_file_size`},
		{"bot username with spaces", tg + "  bot_username: cchc quy hop bot\n", 12, `telegram.bot_username: "cchc quy hop bot" không phải tên bot Telegram`},
		{"bot username not a bot", tg + "  bot_username: cchc_quyhop\n", 12, `telegram.bot_username: "cchc_quyhop" không phải tên bot`},
		{"bot username too short", tg + "  bot_username: abot\n", 12, `telegram.bot_username: "abot"`},
	})
}

func TestValidateAdminsOutbound(t *testing.T) {
	a := base + "admins:\n" // entries start on line 13
	o := base + "outbound:\n"
	checkRules(t, []rule{
		{"admin id 0", a + "  - { telegram_id: 0, name: x }\n", 13, "admins: telegram_id phải là số dương"},
		{"admin id negative", a + "  - { telegram_id: -5, name: x }\n", 13, "admins: telegram_id phải là số dương"},
		{"admin id left out", a + "  - name: x\n", 13, "admins: telegram_id phải là số dương"},
		{"admin twice", a + "  - { telegram_id: 5, name: x }\n  - { telegram_id: 5, name: y }\n", 14, "admins: telegram_id 5 bị trùng với dòng 13"},
		{"global rate 0", o + "  global_per_second: 0\n", 13, "outbound.global_per_second phải lớn hơn 0"},
		{"global rate not a number", o + "  global_per_second: .nan\n", 13, "outbound.global_per_second phải lớn hơn 0 và không quá 1000"},
		{"global rate infinite", o + "  global_per_second: .inf\n", 13, "outbound.global_per_second phải lớn hơn 0 và không quá 1000"},
		{"per chat over global", o + "  global_per_second: 5\n  per_chat_per_second: 10\n", 14, "outbound.per_chat_per_second phải lớn hơn 0 và không vượt global_per_second"},
		{"per chat 0", o + "  per_chat_per_second: 0\n", 13, "outbound.per_chat_per_second phải lớn hơn 0"},
		{"retries negative", o + "  max_retries: -1\n", 13, "outbound.max_retries phải từ 0 đến 100"},
	})
}

// TestEveryProblemAtOnce checks that staff see all their mistakes in one
// run, each on its own line, in file order of the checks.
func TestEveryProblemAtOnce(t *testing.T) {
	e := parseError(t, "timezone: Mars/Olympus\n"+edit(t, "group: xa-thi-tran", "group: xa")+"log:\n  level: loud\n")
	if len(e.Problems) != 3 || !hasProblem(e, 1, "timezone") || !hasProblem(e, 5, "group") || !hasProblem(e, 14, "log.level") {
		t.Errorf("problems = %+v, want timezone, group and log.level", e.Problems)
	}
	if n := strings.Count(e.Error(), "\n"); n != 2 {
		t.Errorf("Error() has %d line breaks, want one problem a line:\n%s", n, e)
	}
}

func TestValidValues(t *testing.T) {
	c := mustParse(t, noChannel+`telegram:
  api_endpoint: "http://localhost:8081/bot%s/%s"
  file_endpoint: "http://localhost:8081/file/bot%s/%s"
  bot_username: "@CCHC_QuyHop_Bot"
  poll_timeout: 30s
  max_file_size: 2000MB
reminders:
  time: "7:05"
  quiet_hours: { from: "22:00", to: "06:00" }
  admin_notify: digest
  keep_log_years: 0
outbound:
  global_per_second: 0.5
  per_chat_per_second: 0.5
calendar:
  weekends: [Sunday]
`)
	if tg := c.Telegram; tg.BotUsername != "CCHC_QuyHop_Bot" || tg.PollTimeout != 30*time.Second || tg.MaxFileSize != 2000<<20 || tg.APIEndpoint != "http://localhost:8081/bot%s/%s" {
		t.Errorf("telegram = %+v", tg)
	}
	cal := c.Calendar()
	if cal.Reminders.TimeOfDay.String() != "07:05" || c.Reminders.AdminNotify != config.NotifyDigest || c.Outbound.GlobalPerSecond != 0.5 ||
		len(cal.Work.Weekends) != 1 || !cal.Work.Weekends[time.Sunday] {
		t.Errorf("reminders %+v, notify %q, outbound %+v, weekends %v", cal.Reminders, c.Reminders.AdminNotify, c.Outbound, cal.Work.Weekends)
	}
	if c.Reminders.KeepLogYears != 0 {
		t.Errorf("keep_log_years: 0 read as %d, want 0 (keep every row)", c.Reminders.KeepLogYears)
	}
	if got := c.InviteLink("x"); got != "https://t.me/CCHC_QuyHop_Bot?start=x" {
		t.Errorf("InviteLink = %s", got)
	}
}

// TestDatesInBothForms checks that every date of the file may be written
// dd/mm/yyyy, as the bot prints dates, as well as yyyy-mm-dd, and that both
// give the same calendar.
func TestDatesInBothForms(t *testing.T) {
	const file = `telegram: {}
units:
  - { code: xa-chau-loc, name: "UBND xã Châu Lộc", group: xa-thi-tran }
reports:
  - id: ke-hoach
    title: "Kế hoạch"
    schedule: { once: %s }
    groups: [xa-thi-tran]
  - id: bao-cao-thang
    title: "Báo cáo CCHC"
    schedule: { monthly: 12 }
    groups: [xa-thi-tran]
    start: %s
    end: %s
calendar:
  holidays:
    - { date: %s, name: "Quốc khánh" }
    - { from: %s, to: %s, name: "Tết" }
  working_days:
    - { date: %s, name: "Làm bù" }
`
	iso := []any{"2024-01-31", "2024-01-01", "2025-12-31", "2024-09-02", "2024-02-08", "2024-02-14", "2024-05-04"}
	for _, tc := range []struct {
		name  string
		dates []any
	}{
		{"dd/mm/yyyy", []any{"31/01/2024", "01/01/2024", "31/12/2025", "02/09/2024", "08/02/2024", "14/02/2024", "04/05/2024"}},
		{"d/m/yyyy", []any{"31/1/2024", "1/1/2024", "31/12/2025", "2/9/2024", "8/2/2024", "14/2/2024", "4/5/2024"}},
		{"quoted, mixed", []any{`"31/01/2024"`, "2024-01-01", `"31/12/2025"`, "2024-09-02", "08/02/2024", "2024-02-14", `'04/05/2024'`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := mustParse(t, fmt.Sprintf(file, iso...)).Calendar()
			got := mustParse(t, fmt.Sprintf(file, tc.dates...)).Calendar()
			if got.Kinds[0].Schedule != want.Kinds[0].Schedule || got.Kinds[1].Start != want.Kinds[1].Start || got.Kinds[1].End != want.Kinds[1].End {
				t.Errorf("kinds = %+v\nwant %+v", got.Kinds, want.Kinds)
			}
			if !maps.Equal(got.Work.Holidays, want.Work.Holidays) || !maps.Equal(got.Work.WorkingDays, want.Work.WorkingDays) {
				t.Errorf("holidays %v, working days %v\nwant %v, %v", got.Work.Holidays, got.Work.WorkingDays, want.Work.Holidays, want.Work.WorkingDays)
			}
			if len(got.Work.Holidays) != 8 || got.Kinds[0].Schedule.Date != cchcbot.D(2024, 1, 31) || got.Kinds[1].End != cchcbot.D(2025, 12, 31) {
				t.Errorf("holidays %v, once %v, end %v", got.Work.Holidays, got.Kinds[0].Schedule.Date, got.Kinds[1].End)
			}
		})
	}
}
