package config_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"cchcbot/config"
)

func TestUnknownKeys(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"top level", "remiders:\n  time: \"08:00\"\n" + base,
			`config.yaml:1: khóa "remiders" không hợp lệ (có phải ý là "reminders"?)`},
		{"top level, capitalised", strings.Replace(base, "units:", "Units:", 1),
			`config.yaml:1: khóa "Units" không hợp lệ (có phải ý là "units"?)`},
		{"in telegram", noChannel + "telegram:\n  bot_usename: cchc_bot\n",
			`config.yaml:12: khóa "bot_usename" không hợp lệ (có phải ý là "bot_username"?)`},
		{"in a unit", strings.Replace(base, "    name:", "    nam:", 1),
			`config.yaml:3: khóa "nam" không hợp lệ (có phải ý là "name"?)`},
		{"in a flow mapping", strings.Replace(base, "{ monthly: 12 }", "{ monthy: 12 }", 1),
			`config.yaml:9: khóa "monthy" không hợp lệ (có phải ý là "monthly"?)`},
		{"in a report", strings.Replace(base, "    groups:", "    group:", 1),
			`config.yaml:11: khóa "group" không hợp lệ (có phải ý là "groups"?)`},
		{"in a window", strings.Replace(base, "to_day: 12", "today: 12", 1),
			`config.yaml:10: khóa "today" không hợp lệ (có phải ý là "to_day"?)`},
		{"in a holiday, three levels down", base + "calendar:\n  holidays:\n    - { dat: 2024-01-01, name: x }\n",
			`config.yaml:14: khóa "dat" không hợp lệ (có phải ý là "date"?)`},
		{"in quiet hours", base + "reminders:\n  quiet_hours:\n    form: \"21:00\"\n    to: \"07:00\"\n",
			`config.yaml:14: khóa "form" không hợp lệ (có phải ý là "from"?)`},
		{"no close key", base + "colour: blue\n",
			`config.yaml:12: khóa "colour" không hợp lệ (các khóa dùng được ở đây: admins, authority, backup, calendar, data_dir, groups, log, metrics, office, outbound, reminders, reports, telegram, timezone, units, web, workflow, zalo)`},
		{"every one reported", "remiders: {}\n" + base + "log:\n  levle: info\n",
			"config.yaml:1: khóa \"remiders\" không hợp lệ (có phải ý là \"reminders\"?)\nconfig.yaml:14: khóa \"levle\" không hợp lệ (có phải ý là \"level\"?)"},
		{"in a merged mapping", `units:
  - &u { code: a, name: b, group: xa-thi-tran, head: x }
  - { <<: *u, code: c }
`, `config.yaml:2: khóa "head" không hợp lệ (có phải ý là "head_title"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseError(t, tc.yaml).Error(); got != tc.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestUnknownKeyInExample misspells a key of the real file: the message
// names the file, the line and the key, as staff will see it.
func TestUnknownKeyInExample(t *testing.T) {
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	line := 0
	for i, l := range lines {
		if l == "reminders:" {
			lines[i], line = "remiders:", i+1
		}
	}
	if line == 0 {
		t.Fatal("the example has no reminders: line")
	}
	_, err = config.Parse([]byte(strings.Join(lines, "\n")), "config.example.yaml")
	want := "config.example.yaml:" + itoa(line) + `: khóa "remiders" không hợp lệ (có phải ý là "reminders"?)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

func TestTokenRefused(t *testing.T) {
	const secret = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	for _, tc := range []struct {
		name, yaml string
		line       int
	}{
		{"under telegram", "telegram:\n  bot_username: cchc_bot\n  token: \"" + secret + "\"\n" + noChannel, 3},
		{"at the top", "token: " + secret + "\n" + base, 1},
		{"bot_token", noChannel + "telegram:\n  bot_token: " + secret + "\n", 12},
		{"in the wrong key", noChannel + "telegram:\n  bot_username: \"" + secret + "\"\n", 12},
		{"in a list", base + "admins:\n  - { telegram_id: 1, name: \"" + secret + "\" }\n", 13},
		{"empty token key", "telegram:\n  token:\n" + noChannel, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseError(t, tc.yaml)
			if len(e.Problems) != 1 || !hasProblem(e, tc.line, config.TokenEnv) {
				t.Errorf("error =\n%v\nwant one problem, at line %d, pointing at %s", e, tc.line, config.TokenEnv)
			}
			if msg := e.Error(); strings.Contains(msg, secret[:12]) || strings.Contains(msg, secret[len(secret)-12:]) {
				t.Errorf("the error repeats the token:\n%s", msg)
			}
		})
	}
}

func TestTypeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		line       int
		want       string
	}{
		{"word for a number", base + "reminders:\n  overdue_max: many\n", 13, `reminders.overdue_max: "many" không phải số nguyên`},
		{"fraction for a day", strings.Replace(base, "monthly: 12", "monthly: 12.5", 1), 9, `reports.schedule.monthly: "12.5" không phải số nguyên`},
		{"quoted number", base + "admins:\n  - { telegram_id: \"abc\", name: x }\n", 13, `admins.telegram_id: "abc" không phải số nguyên`},
		{"yes for a bool", strings.Replace(base, "    groups:", "    requires_file: có\n    groups:", 1), 11, `reports.requires_file: "có" phải là true hoặc false`},
		{"text for a rate", base + "outbound:\n  global_per_second: fast\n", 13, `outbound.global_per_second: "fast" không phải số`},
		{"scalar for a section", noChannel + "telegram: cchc_bot\n", 11, `telegram: cần các khóa con`},
		{"list for a section", base + "log: [text]\n", 12, `log: cần các khóa con`},
		{"scalar for a list", base + "reminders:\n  days_before: 7\n", 13, `reminders.days_before: cần một danh sách`},
		{"mapping for a list", "units:\n  code: a\n" + base[strings.Index(base, "reports:"):], 2, `units: cần một danh sách`},
		{"scalar for a list item", base + "admins: [5]\n", 12, `admins, mục 1: cần các khóa con`},
		{"list for a scalar", base + "office: [a, b]\n", 12, `office: cần một giá trị đơn`},
		{"mapping key", base + "calendar:\n  ? [a]\n  : b\n", 13, `calendar: tên khóa phải là chữ`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if e := parseError(t, tc.yaml); !hasProblem(e, tc.line, tc.want) {
				t.Errorf("error =\n%v\nwant line %d: %s", e, tc.line, tc.want)
			}
		})
	}
}

func TestFileShape(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		line       int
		want       string
	}{
		{"empty", "", 0, "tệp cấu hình trống"},
		{"only comments", "# office: x\n", 0, "tệp cấu hình trống"},
		{"a list", "- a\n- b\n", 1, "tệp cấu hình phải gồm các dòng"},
		{"a word", "hello\n", 1, "tệp cấu hình phải gồm các dòng"},
		{"two documents", base + "---\noffice: x\n", 12, "một tài liệu YAML"},
		{"duplicate key", base + "units: []\n", 12, `khóa "units" bị lặp lại (đã có ở dòng 1)`},
		{"duplicate nested key", base + "log:\n  level: info\n  level: debug\n", 14, `khóa "level" bị lặp lại (đã có ở dòng 13)`},
		{"syntax: tab indent", base + "log:\n\tlevel: info\n", 13, "lỗi cú pháp YAML"},
		{"syntax: unclosed flow", strings.Replace(base, "groups: [xa-thi-tran]", "groups: [xa-thi-tran", 1), 11, "lỗi cú pháp YAML: danh sách trong ngoặc vuông"}, // the line of the "[", not libyaml's
		{"unknown tag", base + "office: !vault x\n", 12, "office: giá trị có nhãn !vault"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if e := parseError(t, tc.yaml); !hasProblem(e, tc.line, tc.want) {
				t.Errorf("error =\n%v\nwant line %d: %s", e, tc.line, tc.want)
			}
		})
	}
}

// TestAliasBomb checks that aliases do not make checking cost explode:
// each unit below merges ten copies of the one before, 10^9 mappings if
// expanded naively. It must end (with an error), not hang.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("units:\n  - &m0 { code: a, name: b, group: xa-thi-tran }\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("  - &m" + itoa(i) + " { <<: [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*m" + itoa(i-1))
		}
		b.WriteString("] }\n")
	}
	_, err := config.Parse([]byte(b.String()+base[len("units:\n  - code: xa-chau-loc\n    name: \"UBND xã Châu Lộc\"\n    group: xa-thi-tran\n"):]), "config.yaml")
	var e *config.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a config error", err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
