package config_test

import (
	"os"
	"strings"
	"testing"

	"cchcbot/config"
)

// zaloOnly is noChannel with a zalo section: 11 zalo, 12 app_id, 13
// oa_id; tests append its other keys from line 14.
const zaloOnly = noChannel + `zalo:
  app_id: "1234567890123456789"
  oa_id: "9876543210987654321"
`

func TestChannels(t *testing.T) {
	for _, tc := range []struct {
		name           string
		yaml           string
		telegram, zalo bool
	}{
		{"telegram only", base, true, false},
		{"telegram section empty", noChannel + "telegram:\n", true, false},
		{"zalo only", zaloOnly, false, true},
		{"both", base + "zalo:\n  app_id: \"1\"\n  oa_id: \"2\"\n", true, true},
		{"both, merged in", "<<: { telegram: {}, zalo: { app_id: \"1\", oa_id: \"2\" } }\n" + noChannel, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.yaml)
			if c.HasTelegram() != tc.telegram || c.HasZalo() != tc.zalo {
				t.Errorf("HasTelegram %v, HasZalo %v; want %v, %v", c.HasTelegram(), c.HasZalo(), tc.telegram, tc.zalo)
			}
			if !tc.telegram && c.Telegram != (config.Telegram{}) {
				t.Errorf("Telegram without a telegram section = %+v, want zero", c.Telegram)
			}
			if !tc.zalo && (c.Zalo != (config.Zalo{}) || c.ZaloOALink() != "") {
				t.Errorf("Zalo without a zalo section = %+v, link %q; want zero", c.Zalo, c.ZaloOALink())
			}
		})
	}
}

func TestNoChannel(t *testing.T) {
	const want = "config.yaml:1: chưa khai báo kênh trò chuyện nào: cần mục telegram: (bot Telegram, mã bot trong biến môi trường TELEGRAM_BOT_TOKEN) hoặc mục zalo: (Official Account Zalo), hoặc cả hai"
	if got := parseError(t, noChannel).Error(); got != want {
		t.Errorf("error =\n%s\nwant\n%s", got, want)
	}
	// Reported with the other faults of the rules, in one pass.
	e := parseError(t, noChannel+"log:\n  level: loud\n")
	if len(e.Problems) != 2 || !hasProblem(e, 1, "chưa khai báo kênh trò chuyện nào") || !hasProblem(e, 12, "log.level") {
		t.Errorf("problems = %+v, want the channel and log.level", e.Problems)
	}
}

func TestZaloDefaults(t *testing.T) {
	c := mustParse(t, zaloOnly)
	want := config.Zalo{
		AppID: "1234567890123456789", OAID: "9876543210987654321",
		APIBase: "https://openapi.zalo.me", OAuthBase: "https://oauth.zaloapp.com",
		WebhookListen: "127.0.0.1:8081", WebhookPath: "/zalo/webhook",
		ProactiveMonthlyQuota: 1000, MaxFileSize: 20 << 20,
	}
	if c.Zalo != want {
		t.Errorf("zalo defaults =\n%+v\nwant\n%+v", c.Zalo, want)
	}
	if got := c.ZaloOALink(); got != "https://zalo.me/9876543210987654321" {
		t.Errorf("ZaloOALink = %s", got)
	}
	if len(c.Placeholders()) != 0 {
		t.Errorf("placeholders = %v, want none", c.Placeholders())
	}
}

func TestZaloValues(t *testing.T) {
	c := mustParse(t, noChannel+`zalo:
  app_id: 4318158839203958113
  oa_id: 0123
  api_base: "http://127.0.0.1:9000/zalo//"
  oauth_base: https://oauth.example.vn
  webhook_listen: " [::1]:9001 "
  webhook_path: /hooks/zalo-oa_v2.0~x
  proactive_monthly_quota: 0
  max_file_size: 5MB
`)
	want := config.Zalo{
		AppID: "4318158839203958113", OAID: "0123", // unquoted, yet kept digit for digit
		APIBase: "http://127.0.0.1:9000/zalo", OAuthBase: "https://oauth.example.vn",
		WebhookListen: "[::1]:9001", WebhookPath: "/hooks/zalo-oa_v2.0~x",
		ProactiveMonthlyQuota: 0, MaxFileSize: 5 << 20,
	}
	if c.Zalo != want {
		t.Errorf("zalo =\n%+v\nwant\n%+v", c.Zalo, want)
	}
	// "" turns the webhook server off; a null key takes the default.
	if c := mustParse(t, zaloOnly+"  webhook_listen: \"\"\n"); c.Zalo.WebhookListen != "" {
		t.Errorf("webhook_listen \"\" = %q, want off", c.Zalo.WebhookListen)
	}
	if c := mustParse(t, zaloOnly+"  webhook_listen:\n"); c.Zalo.WebhookListen != config.DefaultZaloWebhookListen {
		t.Errorf("webhook_listen null = %q, want the default", c.Zalo.WebhookListen)
	}
}

func TestValidateZalo(t *testing.T) {
	z := zaloOnly // zalo at 11; the next key at 14
	checkRules(t, []rule{
		{"zalo section empty", noChannel + "zalo:\n", 11, "zalo.app_id: thiếu mã ứng dụng (App ID) tại developers.zalo.me, một dãy chữ số"},
		{"no oa_id", noChannel + "zalo:\n  app_id: \"1\"\n", 11, "zalo.oa_id: thiếu mã Official Account (OA ID) trong trang quản lý OA, một dãy chữ số"},
		{"app_id with letters", strings.Replace(z, `"1234567890123456789"`, "abc123", 1), 12, "zalo.app_id: giá trị không hợp lệ: cần mã ứng dụng (App ID) tại developers.zalo.me, chỉ gồm chữ số (giá trị không được hiển thị)"},
		{"oa_id negative", strings.Replace(z, `"9876543210987654321"`, "-5", 1), 13, "zalo.oa_id: giá trị không hợp lệ"},
		{"oa_id too long", strings.Replace(z, `"9876543210987654321"`, strings.Repeat("1", 33), 1), 13, "zalo.oa_id: giá trị không hợp lệ"},
		{"oa_id a float", strings.Replace(z, `"9876543210987654321"`, "1.5e3", 1), 13, "zalo.oa_id: giá trị không hợp lệ"},
		{"api_base ftp", z + "  api_base: ftp://openapi.zalo.me\n", 14, `zalo.api_base: "ftp://openapi.zalo.me" không hợp lệ: cần địa chỉ bắt đầu bằng http:// hoặc https://, không có ? hay #, ví dụ https://openapi.zalo.me`},
		{"api_base without scheme", z + "  api_base: openapi.zalo.me\n", 14, `zalo.api_base: "openapi.zalo.me" không hợp lệ`},
		{"api_base with a query", z + "  api_base: \"https://openapi.zalo.me/?x=1\"\n", 14, `zalo.api_base: "https://openapi.zalo.me/?x=1" không hợp lệ`},
		{"api_base with a user", z + "  api_base: \"https://u:p@openapi.zalo.me\"\n", 14, `zalo.api_base`},
		{"oauth_base no host", z + "  oauth_base: \"https://\"\n", 14, `zalo.oauth_base: "https://" không hợp lệ: cần địa chỉ bắt đầu bằng http:// hoặc https://, không có ? hay #, ví dụ https://oauth.zaloapp.com`},
		{"webhook on every interface", z + "  webhook_listen: \":8081\"\n", 14, `zalo.webhook_listen: ":8081" không phải địa chỉ loopback: Zalo chỉ gửi sự kiện đến một địa chỉ HTTPS công khai`},
		{"webhook on a LAN address", z + "  webhook_listen: \"192.168.1.10:8081\"\n", 14, `zalo.webhook_listen: "192.168.1.10:8081" không phải địa chỉ loopback`},
		{"webhook without port", z + "  webhook_listen: \"127.0.0.1\"\n", 14, `zalo.webhook_listen: "127.0.0.1" không hợp lệ: cần dạng địa_chỉ:cổng, ví dụ 127.0.0.1:8081 (để trống để tắt)`},
		{"webhook port 0", z + "  webhook_listen: \"127.0.0.1:0\"\n", 14, `zalo.webhook_listen: cổng "0" không hợp lệ: cần số từ 1 đến 65535, ví dụ 127.0.0.1:8081`},
		{"path without slash", z + "  webhook_path: zalo/webhook\n", 14, `zalo.webhook_path: "zalo/webhook" không hợp lệ: cần một đường dẫn bắt đầu bằng "/", chỉ gồm chữ cái không dấu, chữ số và các dấu / - _ . ~, ví dụ /zalo/webhook`},
		{"path with a space", z + "  webhook_path: /zalo webhook\n", 14, `zalo.webhook_path: "/zalo webhook" không hợp lệ`},
		{"path with a query", z + "  webhook_path: \"/zalo?k=1\"\n", 14, `zalo.webhook_path: "/zalo?k=1" không hợp lệ`},
		{"path with diacritics", z + "  webhook_path: /nhận\n", 14, `zalo.webhook_path: "/nhận" không hợp lệ`},
		{"path with //", z + "  webhook_path: //zalo\n", 14, `zalo.webhook_path: "//zalo" không hợp lệ`},
		{"negative quota", z + "  proactive_monthly_quota: -1\n", 14, "zalo.proactive_monthly_quota phải từ 0 trở lên: số tin nhắn chủ động (ngoài 48 giờ sau tin nhắn cuối của người dùng) được gửi mỗi tháng; 0 là không gửi tin chủ động"},
		{"quota in words", z + "  proactive_monthly_quota: many\n", 14, `zalo.proactive_monthly_quota: "many" không phải số nguyên`},
		{"file size zero", z + "  max_file_size: 0MB\n", 14, `zalo.max_file_size: "0MB" không hợp lệ: cần một dung lượng như 20MB (tối đa 2GB)`},
		{"file size in words", z + "  max_file_size: lots\n", 14, `zalo.max_file_size: "lots" không hợp lệ`},
		{"misspelt key", z + "  webhok_path: /x\n", 14, `khóa "webhok_path" không hợp lệ (có phải ý là "webhook_path"?)`},
		{"scalar for the section", noChannel + "zalo: yes\n", 11, "zalo: cần các khóa con"},
		{"admins without telegram", z + "admins:\n  - { telegram_id: 5, name: x }\n", 14, "admins: cán bộ khai báo ở đây được nhận diện bằng telegram_id nên cần có mục telegram:; khi chỉ dùng Zalo, hãy bỏ mục admins và thêm cán bộ quản trị bằng lời mời quản trị (cchcbot invite --admin)"},
	})
}

// TestZaloErrorsExact checks whole messages, file and line included, as
// staff see them.
func TestZaloErrorsExact(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"two faults", noChannel + "zalo:\n  app_id: \"12a\"\n  webhook_path: x\n",
			"config.yaml:11: zalo.oa_id: thiếu mã Official Account (OA ID) trong trang quản lý OA, một dãy chữ số\n" +
				"config.yaml:12: zalo.app_id: giá trị không hợp lệ: cần mã ứng dụng (App ID) tại developers.zalo.me, chỉ gồm chữ số (giá trị không được hiển thị)\n" +
				`config.yaml:13: zalo.webhook_path: "x" không hợp lệ: cần một đường dẫn bắt đầu bằng "/", chỉ gồm chữ cái không dấu, chữ số và các dấu / - _ . ~, ví dụ /zalo/webhook`},
		{"unknown key", zaloOnly + "  oa_di: x\n",
			`config.yaml:14: khóa "oa_di" không hợp lệ (có phải ý là "oa_id"?)`},
		{"unknown key, no close one", zaloOnly + "  colour: blue\n",
			`config.yaml:14: khóa "colour" không hợp lệ (các khóa dùng được ở đây: api_base, app_id, max_file_size, oa_id, oauth_base, proactive_monthly_quota, webhook_listen, webhook_path)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseError(t, tc.yaml).Error(); got != tc.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestZaloSecretsRefusedInFile: the Zalo secrets, like the bot token, are
// read from the environment only; a key for one is refused wherever it
// is, naming its variable, and its value is never repeated.
func TestZaloSecretsRefusedInFile(t *testing.T) {
	const secret = "Zx9secretValue42"
	for _, tc := range []struct {
		name, yaml string
		line       int
		env        string
	}{
		{"app_secret in zalo", zaloOnly + "  app_secret: " + secret + "\n", 14, config.ZaloAppSecretEnv},
		{"secret_key in zalo", zaloOnly + "  secret_key: " + secret + "\n", 14, config.ZaloAppSecretEnv},
		{"oa_secret_key in zalo", zaloOnly + "  oa_secret_key: " + secret + "\n", 14, config.ZaloOASecretKeyEnv},
		{"refresh_token at the top", "refresh_token: " + secret + "\n" + zaloOnly, 1, config.ZaloRefreshTokenEnv},
		{"access_token in telegram", noChannel + "telegram:\n  access_token: " + secret + "\n", 12, config.ZaloRefreshTokenEnv},
		{"capitalised", zaloOnly + "  App_Secret: " + secret + "\n", 14, config.ZaloAppSecretEnv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseError(t, tc.yaml)
			if len(e.Problems) != 1 || !hasProblem(e, tc.line, "không được phép: khóa bí mật của Zalo chỉ đọc từ biến môi trường "+tc.env) {
				t.Errorf("error =\n%v\nwant one problem, at line %d, pointing at %s", e, tc.line, tc.env)
			}
			if strings.Contains(e.Error(), secret) {
				t.Errorf("the error repeats the secret:\n%s", e)
			}
		})
	}
}

// TestZaloIDNotQuoted: a secret pasted into an id key is not repeated by
// the error that refuses it.
func TestZaloIDNotQuoted(t *testing.T) {
	const secret = "Zx9secretValue42"
	e := parseError(t, strings.Replace(zaloOnly, `"1234567890123456789"`, secret, 1))
	if !hasProblem(e, 12, "zalo.app_id") || strings.Contains(e.Error(), secret) || strings.Contains(e.Error(), "secretVal") {
		t.Errorf("error =\n%v\nwant zalo.app_id refused without its value", e)
	}
}

func TestZaloPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"real ids", zaloOnly, nil},
		{"both ids of zeros", noChannel + "zalo:\n  app_id: \"0000000000000000000\"\n  oa_id: \"000\"\n", []string{
			`config.yaml:12: zalo.app_id "0000000000000000000" là mã mẫu của config.example.yaml: hãy ghi mã ứng dụng tại developers.zalo.me, nếu không bot không kết nối được với Zalo`,
			`config.yaml:13: zalo.oa_id "000" là mã mẫu của config.example.yaml: hãy ghi mã Official Account của cơ quan, nếu không bot không kết nối được với Zalo`,
		}},
		{"unquoted zero", noChannel + "zalo:\n  app_id: 0\n  oa_id: \"5\"\n", []string{`config.yaml:12: zalo.app_id "0" là mã mẫu`}},
		{"with Telegram's, in file order", noChannel + "zalo:\n  app_id: \"0000000000000000000\"\n  oa_id: \"1\"\ntelegram:\n  bot_username: cchc_quyhop_bot\n", []string{
			"config.yaml:12: zalo.app_id", "config.yaml:15: telegram.bot_username"}},
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

// exampleZaloOn returns the example with its commented zalo section
// turned on as its comment says (the "# " removed from each of its
// lines), and the line of each of its keys.
func exampleZaloOn(t *testing.T) (string, map[string]int) {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	keys := map[string]int{}
	on := false
	for i, l := range lines {
		if l == "# zalo:" {
			on = true
		}
		if on && strings.HasPrefix(l, "# ") {
			lines[i] = strings.TrimPrefix(l, "# ")
			if k, _, ok := strings.Cut(strings.TrimSpace(lines[i]), ":"); ok && !strings.HasPrefix(k, "#") {
				keys[k] = i + 1
			}
		}
	}
	if !on {
		t.Fatal("the example has no commented \"# zalo:\" section")
	}
	return strings.Join(lines, "\n"), keys
}

// TestExampleZalo: the example's Zalo section, commented out, changes
// nothing; turned on, it configures both channels with the defaults it
// documents, and its placeholder ids are reported.
func TestExampleZalo(t *testing.T) {
	c := loadExample(t)
	if !c.HasTelegram() || c.HasZalo() || c.Zalo != (config.Zalo{}) {
		t.Errorf("example: HasTelegram %v, HasZalo %v, Zalo %+v; want Telegram only", c.HasTelegram(), c.HasZalo(), c.Zalo)
	}

	yaml, keys := exampleZaloOn(t)
	on, err := config.Parse([]byte(yaml), "config.example.yaml")
	if err != nil {
		t.Fatalf("the example with its zalo section on does not load:\n%v", err)
	}
	if !on.HasTelegram() || !on.HasZalo() {
		t.Errorf("HasTelegram %v, HasZalo %v; want both", on.HasTelegram(), on.HasZalo())
	}
	want := config.Zalo{AppID: config.PlaceholderZaloID, OAID: config.PlaceholderZaloID,
		APIBase: config.DefaultZaloAPIBase, OAuthBase: config.DefaultZaloOAuthBase,
		WebhookListen: config.DefaultZaloWebhookListen, WebhookPath: config.DefaultZaloWebhookPath,
		ProactiveMonthlyQuota: config.DefaultZaloProactiveQuota, MaxFileSize: config.DefaultMaxFileSize}
	if on.Zalo != want {
		t.Errorf("example zalo =\n%+v\nwant its documented defaults\n%+v", on.Zalo, want)
	}
	ph := on.Placeholders()
	if len(ph) != 5 || !strings.HasPrefix(ph[3], "config.example.yaml:"+itoa(keys["app_id"])+": zalo.app_id") ||
		!strings.HasPrefix(ph[4], "config.example.yaml:"+itoa(keys["oa_id"])+": zalo.oa_id") {
		t.Errorf("placeholders =\n%s\nwant the three of Telegram and the admin, then app_id (line %d) and oa_id (line %d)", strings.Join(ph, "\n"), keys["app_id"], keys["oa_id"])
	}
	// Everything else is as the example has it.
	if on.Telegram != c.Telegram || len(on.Units) != len(c.Units) || on.Metrics != c.Metrics || on.Backup != c.Backup {
		t.Error("turning the zalo section on changed other settings")
	}
}

// TestTokenWithoutTelegram: a Zalo-only office needs no bot token.
func TestTokenWithoutTelegram(t *testing.T) {
	env := map[string]string{config.ZaloAppSecretEnv: "appsecret1", config.ZaloOASecretKeyEnv: "oakey1"}
	getenv := func(k string) string { return env[k] }
	if sec, err := mustParse(t, zaloOnly).SecretsFrom(getenv); sec.TelegramToken != "" || err != nil {
		t.Errorf("secrets of a Zalo-only config = %q, %v; want no bot token asked for", sec.TelegramToken, err)
	}
	if _, err := mustParse(t, base).SecretsFrom(getenv); err == nil {
		t.Error("secrets of a Telegram config without the variable: no error")
	}
}
