package config

import (
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
	DefaultOffice       = "Phòng Nội vụ"
	DefaultDataDir      = "./data"
	DefaultAPIEndpoint  = "https://api.telegram.org/bot%s/%s"
	DefaultFileEndpoint = "https://api.telegram.org/file/bot%s/%s"
	DefaultPollTimeout  = 50 * time.Second
	DefaultMaxFileSize  = 20 << 20 // the cloud Bot API's getFile limit
	DefaultOpenDays     = 20
	DefaultLateDays     = 90
)

// codePattern is the shape of unit codes: they appear in invite commands
// and file names, so plain ASCII.
var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

// reportIDPattern is codePattern, shorter: period ids ("<id>/2024-02")
// travel in button data, which Telegram caps at 64 bytes together with the
// action, the step name and the signature.
var reportIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,23}$`)

var botUsernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{4,31}$`)

// validator turns the raw file into a Config, recording every rule broken
// with the line of the key at fault.
type validator struct {
	ps   *problems
	root *yaml.Node
}

// errorf records a problem at the key or list item that path names (keys
// and list indexes from the top), or at its nearest ancestor present in the
// file when the key was left out.
func (v *validator) errorf(path []any, format string, args ...any) {
	v.ps.addf(v.line(path...), format, args...)
}

// line returns the line of the node at path.
func (v *validator) line(path ...any) int {
	n := v.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		n = resolve(n)
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n != nil && n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						line, next = n.Content[i].Line, n.Content[i+1]
					}
				}
			}
		case int:
			if n != nil && n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
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

// at returns path extended by more, leaving path itself untouched.
func at(path []any, more ...any) []any {
	return append(slices.Clip(path), more...)
}

func (v *validator) build(r *raw) *Config {
	c := &Config{
		Office:    or(r.Office, DefaultOffice),
		Authority: strings.TrimSpace(r.Authority),
		Timezone:  or(r.Timezone, cchcbot.DefaultTimezone),
		DataDir:   or(r.DataDir, DefaultDataDir),
	}
	v.location(c)
	v.channels(c, r)
	v.admins(c, r.Admins)
	v.units(c, r.Units)
	v.groups(c, r.Groups)
	v.reminders(c, r.Reminders)
	v.calendar(c, r.Calendar)
	v.reports(c, r.Reports)
	v.workflow(c, r.Workflow)
	v.outbound(c, r.Outbound)
	v.log(c, r.Log)
	v.metrics(c, r.Metrics)
	v.backup(c, r.Backup)
	v.web(c, r.Web)
	return c
}

func (v *validator) location(c *Config) {
	loc, err := time.LoadLocation(c.Timezone)
	switch {
	case c.Timezone == "Local":
		// The server's zone is an accident of its set-up, not the district's.
		v.errorf([]any{"timezone"}, "timezone: không dùng \"Local\"; hãy ghi rõ múi giờ, thường là %s", cchcbot.DefaultTimezone)
	case err != nil:
		v.errorf([]any{"timezone"}, "timezone: múi giờ %s không tồn tại (thường là %s)", quote(c.Timezone), cchcbot.DefaultTimezone)
	}
	if err != nil || c.Timezone == "Local" {
		loc = time.UTC // keep validating the rest
	}
	c.loc = loc
}

// channels validates the sections of the chat networks the file
// configures, and requires one at least.
func (v *validator) channels(c *Config, r *raw) {
	c.hasTelegram, c.hasZalo = v.present("telegram"), v.present("zalo")
	if c.hasTelegram {
		v.telegram(c, r.Telegram)
	}
	if c.hasZalo {
		v.zalo(c, r.Zalo)
	}
	if !c.hasTelegram && !c.hasZalo {
		v.errorf(nil, "chưa khai báo kênh trò chuyện nào: cần mục telegram: (bot Telegram, mã bot trong biến môi trường %s) hoặc mục zalo: (Official Account Zalo), hoặc cả hai", TokenEnv)
	}
}

// present reports whether the file has key at its top level, written
// there or merged in by "<<", whatever its value.
func (v *validator) present(key string) bool {
	n := v.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return hasKey(resolve(n), key, map[*yaml.Node]bool{})
}

func hasKey(n *yaml.Node, key string, done map[*yaml.Node]bool) bool {
	if n == nil || done[n] {
		return false
	}
	done[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch k := resolve(n.Content[i]); {
			case k == nil:
			case k.ShortTag() == "!!merge":
				if hasKey(resolve(n.Content[i+1]), key, done) {
					return true
				}
			case k.Value == key:
				return true
			}
		}
	case yaml.SequenceNode: // the mappings a merge key lists
		for _, e := range n.Content {
			if hasKey(resolve(e), key, done) {
				return true
			}
		}
	}
	return false
}

func (v *validator) telegram(c *Config, t rawTelegram) {
	p := []any{"telegram"}
	c.Telegram = Telegram{
		APIEndpoint:  or(t.APIEndpoint, DefaultAPIEndpoint),
		FileEndpoint: or(t.FileEndpoint, DefaultFileEndpoint),
		BotUsername:  strings.TrimPrefix(strings.TrimSpace(t.BotUsername), "@"),
		PollTimeout:  DefaultPollTimeout,
		MaxFileSize:  DefaultMaxFileSize,
	}
	for _, e := range []struct{ key, value, example string }{
		{"api_endpoint", c.Telegram.APIEndpoint, DefaultAPIEndpoint},
		{"file_endpoint", c.Telegram.FileEndpoint, DefaultFileEndpoint},
	} {
		if !validEndpoint(e.value) {
			v.errorf(at(p, e.key), "telegram.%s: cần địa chỉ bắt đầu bằng http:// hoặc https:// và chứa đúng hai %%s (mã bot, rồi tên phương thức hoặc đường dẫn tệp), ví dụ %q", e.key, e.example)
		}
	}
	if t.PollTimeout != "" {
		d, err := time.ParseDuration(strings.TrimSpace(t.PollTimeout))
		if err != nil || d < time.Second || d > 10*time.Minute || d%time.Second != 0 {
			v.errorf(at(p, "poll_timeout"), "telegram.poll_timeout: %s không hợp lệ: cần số giây nguyên từ 1s đến 10m, ví dụ 50s", quote(t.PollTimeout))
		} else {
			c.Telegram.PollTimeout = d
		}
	}
	c.Telegram.MaxFileSize = v.fileSize(at(p, "max_file_size"), "telegram.max_file_size", t.MaxFileSize, DefaultMaxFileSize)
	if u := c.Telegram.BotUsername; u != "" && (!botUsernamePattern.MatchString(u) || !strings.HasSuffix(strings.ToLower(u), "bot")) {
		v.errorf(at(p, "bot_username"), "telegram.bot_username: %s không phải tên bot Telegram (5–32 ký tự chữ, số, dấu _, kết thúc bằng \"bot\"; không có @)", quote(t.BotUsername))
	}
}

// validEndpoint reports whether s is an http(s) URL template with exactly
// two %s and no other verb, as tgbotapi fills it with fmt.Sprintf.
func validEndpoint(s string) bool {
	if strings.Count(s, "%s") != 2 || strings.Count(s, "%") != 2 {
		return false
	}
	u, err := url.Parse(strings.ReplaceAll(s, "%s", "x"))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// fileSize returns the size written at path (key names it in messages),
// def when none is written.
func (v *validator) fileSize(path []any, key, s string, def int64) int64 {
	if s == "" {
		return def
	}
	n, err := parseSize(s)
	if err != nil || n <= 0 || n > 2<<30 {
		v.errorf(path, "%s: %s không hợp lệ: cần một dung lượng như 20MB (tối đa 2GB)", key, quote(s))
		return def
	}
	return n
}

func (v *validator) admins(c *Config, list []rawAdmin) {
	if len(list) > 0 && !c.hasTelegram {
		// An admin named here is a Telegram account: without the bot,
		// the digest and the notices to them could never be delivered.
		v.errorf([]any{"admins"}, "admins: cán bộ khai báo ở đây được nhận diện bằng telegram_id nên cần có mục telegram:; khi chỉ dùng Zalo, hãy bỏ mục admins và thêm cán bộ quản trị bằng lời mời quản trị (cchcbot invite --admin)")
	}
	first := map[int64]int{}
	for i, a := range list {
		p := []any{"admins", i}
		switch line, dup := first[a.TelegramID]; {
		case a.TelegramID <= 0:
			v.errorf(at(p, "telegram_id"), "admins: telegram_id phải là số dương: mã số Telegram của cán bộ (bot cho biết mã này khi họ gửi /start)")
		case dup:
			v.errorf(at(p, "telegram_id"), "admins: telegram_id %d bị trùng với dòng %d", a.TelegramID, line)
		default:
			first[a.TelegramID] = v.line(at(p, "telegram_id")...)
		}
		c.Admins = append(c.Admins, AdminEntry{TelegramID: a.TelegramID, Name: strings.TrimSpace(a.Name)})
	}
}

func (v *validator) units(c *Config, list []rawUnit) {
	first := map[string]int{}
	for i, u := range list {
		p := []any{"units", i}
		u.Code, u.Name = strings.TrimSpace(u.Code), strings.TrimSpace(u.Name)
		switch line, dup := first[u.Code]; {
		case u.Code == "":
			v.errorf(p, "units: đơn vị %s thiếu code", quote(u.Name))
		case !codePattern.MatchString(u.Code):
			v.errorf(at(p, "code"), "units: code %s không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu \"-\", tối đa 41 ký tự (ví dụ xa-chau-loc)", quote(u.Code))
		case dup:
			v.errorf(at(p, "code"), "units: code %s bị trùng với đơn vị ở dòng %d", quote(u.Code), line)
		default:
			first[u.Code] = v.line(at(p, "code")...)
		}
		if u.Name == "" {
			v.errorf(p, "units: đơn vị %s thiếu name (tên đầy đủ, ví dụ \"UBND xã Châu Lộc\")", quote(u.Code))
		}
		if !cchcbot.UnitGroup(u.Group).Valid() {
			v.errorf(at(p, "group"), "units: group %s của đơn vị %s không hợp lệ: dùng %s", quote(u.Group), quote(u.Code), groupNames())
		}
		c.Units = append(c.Units, UnitEntry{Code: u.Code, Name: u.Name, Group: u.Group, HeadTitle: strings.TrimSpace(u.HeadTitle)})
	}
	if len(list) == 0 {
		v.errorf([]any{"units"}, "units: chưa khai báo đơn vị nào")
	}
}

func (v *validator) outbound(c *Config, o rawOutbound) {
	p := []any{"outbound"}
	c.Outbound = Outbound{GlobalPerSecond: 30, PerChatPerSecond: 1, MaxRetries: 5}
	if o.GlobalPerSecond != nil {
		c.Outbound.GlobalPerSecond = *o.GlobalPerSecond
		if g := *o.GlobalPerSecond; !(g > 0 && g <= 1000) { // NaN fails too
			v.errorf(at(p, "global_per_second"), "outbound.global_per_second phải lớn hơn 0 và không quá 1000 (Telegram cho khoảng 30 tin/giây)")
		}
	}
	if o.PerChatPerSecond != nil {
		c.Outbound.PerChatPerSecond = *o.PerChatPerSecond
		if pc := *o.PerChatPerSecond; !(pc > 0 && pc <= c.Outbound.GlobalPerSecond) {
			v.errorf(at(p, "per_chat_per_second"), "outbound.per_chat_per_second phải lớn hơn 0 và không vượt global_per_second (Telegram cho khoảng 1 tin/giây mỗi người)")
		}
	}
	if o.MaxRetries != nil {
		c.Outbound.MaxRetries = *o.MaxRetries
		if *o.MaxRetries < 0 || *o.MaxRetries > 100 {
			v.errorf(at(p, "max_retries"), "outbound.max_retries phải từ 0 đến 100")
		}
	}
}

func (v *validator) log(c *Config, l rawLog) {
	c.Log = Log{Format: or(l.Format, "text"), Level: or(l.Level, "info")}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		v.errorf([]any{"log", "format"}, "log.format phải là text hoặc json, không phải %s", quote(c.Log.Format))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		v.errorf([]any{"log", "level"}, "log.level phải là debug, info, warn hoặc error, không phải %s", quote(c.Log.Level))
	}
}

func groupNames() string {
	var s []string
	for _, g := range cchcbot.UnitGroups {
		s = append(s, string(g))
	}
	return strings.Join(s[:len(s)-1], ", ") + " hoặc " + s[len(s)-1]
}

// parseSize parses a size such as "20MB", "512KB" or "1048576".
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
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("dung lượng %q không hợp lệ", s)
	}
	return n * mult, nil
}

func or(s, def string) string {
	if s = strings.TrimSpace(s); s == "" {
		return def
	}
	return s
}

func orP(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
