package config_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// exampleWith returns the example file with the line that is exactly old
// replaced by new (which may span lines), and the 1-based number of that
// line. It fails the test if the example has no such line.
func exampleWith(t *testing.T, old, new string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if l == old {
			lines[i] = new
			return strings.Join(lines, "\n"), i + 1
		}
	}
	t.Fatalf("the example has no line %q", old)
	return "", 0
}

// TestSyntaxErrorLines breaks files in the ways staff do and checks that
// the error names the line to fix, the one with the fault, where yaml.v3
// names the start of the enclosing block or the line above.
func TestSyntaxErrorLines(t *testing.T) {
	type tc struct {
		name string
		yaml string
		line int
		want string // part of the explanation
	}
	cases := []tc{
		// base's lines: 1 units, 2-4 the unit, 5 telegram, 6 reports, 7-11 the report.
		{"tab indents a key", base + "log:\n\tlevel: info\n", 13, "ký tự Tab"},
		{"tab inside a section", base + "reminders:\n  time: \"08:00\"\n\tdigest_time: \"07:30\"\n", 14, "ký tự Tab"},
		{"key indented less than its siblings", base + "log:\n    level: info\n  format: text\n", 14, "thụt lề không đúng"},
		{"key indented more than its siblings", base + "log:\n  level: info\n    format: text\n", 14, "dấu hai chấm \":\" đặt ở chỗ không được phép"},
		{"unit key out of line", strings.Replace(base, "    group: xa-thi-tran", "   group: xa-thi-tran", 1), 4, "danh sách thụt lề không đúng"},
		{"colon inside a value", base + "office: Phòng Nội vụ: huyện Quỳ Hợp\n", 12, "ngoặc kép"},
		{"key without colon", base + "log\n  level: info\n", 12, "thiếu dấu hai chấm"},
		{"unclosed [", strings.Replace(base, "groups: [xa-thi-tran]", "groups: [xa-thi-tran", 1), 11, "chưa được đóng bằng \"]\""},
		{"unclosed {", strings.Replace(base, "{ monthly: 12 }", "{ monthly: 12", 1), 9, "chưa được đóng bằng \"}\""},
		{"unclosed quote at the end", strings.Replace(base, `title: "Báo cáo CCHC"`, `title: "Báo cáo CCHC`, 1), 8, "ngoặc kép \" hoặc ngoặc đơn ' mở ở dòng này chưa được đóng"},
		{"unclosed quote closed by a later one", strings.Replace(base, `name: "UBND xã Châu Lộc"`, `name: "UBND xã Châu Lộc`, 1), 3, "mở ở dòng này chưa được đóng (lỗi lộ ra ở dòng 8)"},
		{"list item on the key's line", base + "log: - text\n", 12, "đứng đầu một dòng riêng"},
		{"backslash in double quotes", base + "data_dir: \"C:\\data\"\n", 12, "đường dẫn Windows"},
		{"value starting with @", noChannel + "telegram:\n  bot_username: @cchc_bot\n", 12, "không được đứng đầu một giá trị"},
		{"alias to nothing", base + "office: *van-phong\n", 12, "dấu * tham chiếu"},
		{"saved as Windows-1258", base + "office: \"Ph\xf2ng N\xe9i v\xf5\"\n", 12, "UTF-8"},
		{"on the first line", "office: Phòng Nội vụ: huyện\n" + base, 1, "dấu hai chấm \":\" đặt ở chỗ không được phép"},
		{"unknown to the explanations", base + "office: !a!b x\n", 12, "chi tiết bằng tiếng Anh từ thư viện đọc YAML: found undefined tag handle"},
		{"CRLF and byte order mark", "\ufeff" + strings.ReplaceAll(base+"log:\n    level: info\n  format: text\n", "\n", "\r\n"), 14, "thụt lề không đúng"},
		{"after a valid multi-line { }", base + "reminders:\n  quiet_hours: {\n    from: \"21:00\",\n    to: \"07:00\" }\n  time: \"08:00\"\n\tdigest_time: \"07:30\"\n", 17, "ký tự Tab"},
		{"in the second document", base + "---\nlog:\n\tlevel: info\n", 14, "ký tự Tab"},
	}
	// The example file, broken at a known line: yaml.v3 reported these
	// between one and eighty lines too early.
	for _, e := range []struct{ name, old, new, want string }{
		{"example: tab in reminders", "  overdue_max: 3", "\toverdue_max: 3", "ký tự Tab"},
		{"example: unit out of line", `  - { code: xa-ha-son, name: "UBND xã Hạ Sơn", group: xa-thi-tran, head_title: "Chủ tịch UBND xã" }`,
			` - { code: xa-ha-son, name: "UBND xã Hạ Sơn", group: xa-thi-tran, head_title: "Chủ tịch UBND xã" }`, "thụt lề không đúng"},
		{"example: extra brace in a holiday", `    - { date: 2025-04-07, name: "Giỗ Tổ Hùng Vương" }`, `    - { date: 2025-04-07, name: "Giỗ Tổ Hùng Vương" }}`, "dấu ngoặc thừa"},
		{"example: key out of line in reminders", `  admin_notify: each`, ` admin_notify: each`, "thụt lề không đúng"},
		{"example: missing colon", `  admin_notify: each`, `  admin_notify each`, "thiếu dấu hai chấm"},
		{"example: unclosed quote", `  time: "08:00"`, `  time: "08:00`, "mở ở dòng này chưa được đóng (lỗi lộ ra ở dòng %d)"},
	} {
		yaml, line := exampleWith(t, e.old, e.new)
		if strings.Contains(e.want, "%d") {
			// The quote left open shows at the next quote, on the
			// digest_time line nine lines on: the example's own layout,
			// so a comment added above it moves both.
			e.want = fmt.Sprintf(e.want, line+9)
		}
		cases = append(cases, tc{e.name, yaml, line, e.want})
	}
	// A province's file: the fault deep in a long list.
	var long strings.Builder
	long.WriteString("units:\n")
	for i := range 3000 {
		long.WriteString("  - code: u" + strconv.Itoa(i) + "\n    name: x\n    group: xa-thi-tran\n")
	}
	long.WriteString("  - code: z\n    name: x\n   group: xa-thi-tran\n")
	cases = append(cases, tc{"deep in a long file", long.String(), 1 + 3*3000 + 3, "danh sách thụt lề không đúng"})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := parseError(t, c.yaml)
			if len(e.Problems) != 1 {
				t.Fatalf("problems = %v, want one", e)
			}
			prefix := "config.yaml:" + strconv.Itoa(c.line) + ": lỗi cú pháp YAML: "
			if got := e.Error(); !strings.HasPrefix(got, prefix) || !strings.Contains(got, c.want) {
				t.Errorf("error =\n%s\nwant it to start %q and contain %q", got, prefix, c.want)
			}
			if strings.Contains(c.want, "tiếng Anh") {
				return
			}
			// A known problem is explained in Vietnamese only.
			for _, english := range []string{"found", "did not", "could not", "expected", "mapping", "yaml:"} {
				if strings.Contains(e.Problems[0].Message, english) {
					t.Errorf("error %q contains the English %q", e, english)
				}
			}
		})
	}
}

// TestValueTypeLines checks that a value whose explicit tag fits but whose
// text does not is reported at its own line, in Vietnamese.
func TestValueTypeLines(t *testing.T) {
	checkRules(t, []rule{
		{"!!int on a word", base + "reminders:\n  overdue_max: !!int abc\n", 13, `reminders.overdue_max: "abc" không phải số nguyên`},
		{"!!int too large", base + "admins:\n  - telegram_id: !!int 99999999999999999999\n", 13, `admins.telegram_id: "99999999999999999999" không phải số nguyên`},
		{"!!float on a word", base + "outbound:\n  global_per_second: !!float fast\n", 13, `outbound.global_per_second: "fast" không phải số`},
	})
}
