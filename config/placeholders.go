package config

import (
	"strconv"
	"strings"
)

// The placeholders of config.example.yaml and config.province.example.yaml,
// the entries they mark "PLACEHOLDER": a copy of an example holds them
// until staff put in their own. They are valid values, so validation passes them; Placeholders lists
// them so that `cchcbot check` can warn and `cchcbot run` can refuse
// rather than send the digest to a stranger's account or invite units to
// another bot. Keep them in step with the examples: TestPlaceholdersExample
// and TestPlaceholdersProvinceExample load them and expect each one
// reported.
const (
	// PlaceholderAdminID is admins[0].telegram_id in both examples.
	PlaceholderAdminID = 100000001
	// PlaceholderAdminName is admins[0].name in config.example.yaml.
	PlaceholderAdminName = "Cán bộ phòng Nội vụ (thay bằng người thật)"
	// PlaceholderProvinceAdminName is admins[0].name in
	// config.province.example.yaml.
	PlaceholderProvinceAdminName = "Cán bộ Sở Nội vụ (thay bằng người thật)"
	// PlaceholderBotUsername is telegram.bot_username in config.example.yaml.
	PlaceholderBotUsername = "cchc_quyhop_bot"
	// PlaceholderProvinceBotUsername is telegram.bot_username in
	// config.province.example.yaml.
	PlaceholderProvinceBotUsername = "cchc_nghean_bot"
	// PlaceholderZaloID is zalo.app_id and zalo.oa_id in the example's
	// zalo section (commented out): Zalo issues no id of zeros, so any
	// such id is reported, whatever its length.
	PlaceholderZaloID = "0000000000000000000"
)

// Placeholders returns a Vietnamese sentence for each placeholder value of
// the example configurations the configuration still holds, in file order, each
// prefixed with "file:line: " as validation errors are. It is empty once
// every placeholder has been replaced.
func (c *Config) Placeholders() []string {
	out := make([]string, 0, len(c.placeholders))
	for _, p := range c.placeholders {
		s := p.Message
		if c.file != "" {
			prefix := c.file
			if p.Line > 0 {
				prefix += ":" + strconv.Itoa(p.Line)
			}
			s = prefix + ": " + s
		}
		out = append(out, s)
	}
	return out
}

// placeholderBots maps each example's bot username, in lower case, to its
// file: the sentence names the file the copy came from.
var placeholderBots = map[string]string{
	PlaceholderBotUsername:         "config.example.yaml",
	PlaceholderProvinceBotUsername: "config.province.example.yaml",
}

// placeholders records the placeholders c holds, at their lines.
func (v *validator) placeholders(c *Config) {
	// Each placeholder is named at once, the id and the name of the same
	// entry too: one round of edits clears them all.
	for i, a := range c.Admins {
		if a.TelegramID == PlaceholderAdminID {
			c.placeholders = append(c.placeholders, Problem{
				Line: v.line("admins", i, "telegram_id"),
				Message: "admins: telegram_id " + strconv.Itoa(PlaceholderAdminID) + " là mã mẫu của các tệp cấu hình mẫu, không phải mã số Telegram của cán bộ: " +
					"hãy thay bằng mã số thật (bot cho biết mã này khi cán bộ gửi /start), nếu không bản tin và thông báo sẽ được gửi đến một tài khoản không rõ",
			})
		}
		if a.Name == PlaceholderAdminName || a.Name == PlaceholderProvinceAdminName {
			c.placeholders = append(c.placeholders, Problem{
				Line:    v.line("admins", i, "name"),
				Message: "admins: tên " + strconv.Quote(a.Name) + " là tên mẫu của các tệp cấu hình mẫu: hãy ghi họ tên cán bộ",
			})
		}
	}
	if example, ok := placeholderBots[strings.ToLower(c.Telegram.BotUsername)]; ok {
		c.placeholders = append(c.placeholders, Problem{
			Line: v.line("telegram", "bot_username"),
			Message: "telegram.bot_username " + quote(c.Telegram.BotUsername) + " là tên bot mẫu của " + example + ": " +
				"hãy ghi tên bot đã đăng ký với @BotFather (không có @), nếu không đường dẫn mời sẽ mở một bot khác",
		})
	}
	if c.hasZalo {
		for _, e := range []struct{ key, value, what string }{
			{"app_id", c.Zalo.AppID, "mã ứng dụng tại developers.zalo.me"},
			{"oa_id", c.Zalo.OAID, "mã Official Account của cơ quan"},
		} {
			if e.value != "" && strings.Trim(e.value, "0") == "" {
				c.placeholders = append(c.placeholders, Problem{
					Line:    v.line("zalo", e.key),
					Message: "zalo." + e.key + " " + quote(e.value) + " là mã mẫu của config.example.yaml: hãy ghi " + e.what + ", nếu không bot không kết nối được với Zalo",
				})
			}
		}
	}
	sortProblems(c.placeholders)
}
