package config_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot/config"
)

// TestPlaceholdersExample loads the example itself: every value it marks
// PLACEHOLDER must be reported, at its line, until staff replace it.
func TestPlaceholdersExample(t *testing.T) {
	_, userLine := exampleWith(t, "  bot_username: cchc_quyhop_bot", "  bot_username: cchc_quyhop_bot")
	_, idLine := exampleWith(t, "  - telegram_id: 100000001", "  - telegram_id: 100000001")
	_, nameLine := exampleWith(t, `    name: "`+config.PlaceholderAdminName+`"`, `    name: "`+config.PlaceholderAdminName+`"`)
	got := loadExample(t).Placeholders()
	want := []string{
		"config.example.yaml:" + itoa(userLine) + `: telegram.bot_username "cchc_quyhop_bot" là tên bot mẫu của config.example.yaml: hãy ghi tên bot đã đăng ký với @BotFather (không có @), nếu không đường dẫn mời sẽ mở một bot khác`,
		"config.example.yaml:" + itoa(idLine) + ": admins: telegram_id 100000001 là mã mẫu của các tệp cấu hình mẫu, không phải mã số Telegram của cán bộ: hãy thay bằng mã số thật (bot cho biết mã này khi cán bộ gửi /start), nếu không bản tin và thông báo sẽ được gửi đến một tài khoản không rõ",
		// The name too, at once: one round of edits clears them all.
		"config.example.yaml:" + itoa(nameLine) + `: admins: tên "` + config.PlaceholderAdminName + `" là tên mẫu của các tệp cấu hình mẫu: hãy ghi họ tên cán bộ`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Placeholders() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlaceholders(t *testing.T) {
	filled := noChannel + `telegram:
  bot_username: ubnd_quyhop_cchc_bot
admins:
  - { telegram_id: 123456789, name: "Nguyễn Thị Hoa" }
`
	for _, tc := range []struct {
		name string
		yaml string
		want []string // each a part of one sentence, in order
	}{
		{"filled in", filled, nil},
		{"no admins, no bot name", base, nil},
		{"bot name in other case, with @", strings.Replace(filled, "ubnd_quyhop_cchc_bot", "\"@CCHC_QuyHop_Bot\"", 1),
			[]string{`config.yaml:12: telegram.bot_username "CCHC_QuyHop_Bot" là tên bot mẫu`}},
		{"placeholder admin second", strings.Replace(filled, "name: \"Nguyễn Thị Hoa\" }", "name: \"Nguyễn Thị Hoa\" }\n  - { telegram_id: 100000001, name: x }", 1),
			[]string{"config.yaml:15: admins: telegram_id 100000001 là mã mẫu"}},
		{"real id, example's name", strings.Replace(filled, "Nguyễn Thị Hoa", config.PlaceholderAdminName, 1),
			[]string{`config.yaml:14: admins: tên "Cán bộ phòng Nội vụ (thay bằng người thật)" là tên mẫu`}},
		{"every one, in file order", "admins:\n  - telegram_id: 100000001\n    name: x\ntelegram:\n  bot_username: cchc_quyhop_bot\n" + noChannel,
			[]string{"config.yaml:2: admins: telegram_id 100000001", "config.yaml:5: telegram.bot_username"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustParse(t, tc.yaml).Placeholders()
			if len(got) != len(tc.want) {
				t.Fatalf("Placeholders() =\n%s\nwant %d", strings.Join(got, "\n"), len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("Placeholders()[%d] = %s\nwant it to start %s", i, got[i], w)
				}
			}
		})
	}
}
