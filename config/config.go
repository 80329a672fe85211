// Package config loads cchcbot's YAML configuration strictly: an unknown or
// misspelt key is an error that names the key and its line, because staff
// edit the file by hand once a year and a silently ignored "holiday:" would
// move real deadlines.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must exist on a bare server

	"gopkg.in/yaml.v3"

	"cchcbot"
)

// TokenEnv is the environment variable that holds the bot token. The token
// is never read from the file, so the file can be shared and versioned.
const TokenEnv = "TELEGRAM_BOT_TOKEN"

// Config is a loaded, validated configuration.
type Config struct {
	Office    string
	District  string
	Timezone  string
	DataDir   string
	Telegram  Telegram
	Admins    []AdminEntry
	Units     []UnitEntry
	Reports   []ReportEntry
	Reminders Reminders
	WorkDays  CalendarEntry
	Outbound  Outbound
	Log       Log

	loc *time.Location
	cal *cchcbot.Calendar
}

// Telegram holds the Bot API settings.
type Telegram struct {
	APIEndpoint  string        // tgbotapi's ".../bot%s/%s" form
	FileEndpoint string        // ".../file/bot%s/%s": downloads are built from it
	BotUsername  string        // for invite links
	PollTimeout  time.Duration // long-poll wait
	MaxFileSize  int64         // bytes; the cloud Bot API serves at most 20 MB
}

// AdminEntry is a phòng Nội vụ staff member named in the file.
type AdminEntry struct {
	TelegramID int64
	Name       string
}

// UnitEntry is a unit as written in the file.
type UnitEntry struct {
	Code, Name, Group, HeadTitle string
}

// ReportEntry is a report kind as written in the file.
type ReportEntry struct {
	Kind cchcbot.ReportKind
}

// Reminders holds the reminder policy and admin notification setting.
type Reminders struct {
	Policy      cchcbot.ReminderPolicy
	AdminNotify string // each | digest | off
}

// CalendarEntry holds the working-day calendar.
type CalendarEntry struct {
	Work           cchcbot.WorkCalendar
	ShiftDeadlines bool
}

// Outbound holds the pacing of messages to Telegram.
type Outbound struct {
	GlobalPerSecond  float64
	PerChatPerSecond float64
	MaxRetries       int
}

// Log holds logging settings.
type Log struct {
	Format string // text | json
	Level  string // debug | info | warn | error
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("không tìm thấy tệp cấu hình %s (hãy sao chép config.example.yaml thành config.yaml, hoặc chỉ định -config config.example.yaml)", path)
		}
		return nil, fmt.Errorf("đọc tệp cấu hình: %w", err)
	}
	return Parse(data, filepath.Base(path))
}

// Parse validates a configuration; name prefixes every error ("config.yaml:12: ...").
func Parse(data []byte, name string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", name, cleanYAMLError(err))
	}
	if err := checkKeys(&root, name); err != nil {
		return nil, err
	}
	var r raw
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil && !errors.Is(err, errEOF()) {
		return nil, fmt.Errorf("%s: %s", name, cleanYAMLError(err))
	}
	v := validator{name: name, root: &root}
	c := v.build(&r)
	if err := v.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Location returns the configured time zone.
func (c *Config) Location() *time.Location { return c.loc }

// Calendar returns the reporting calendar derived from the file.
func (c *Config) Calendar() *cchcbot.Calendar { return c.cal }

// UnitList returns the units in file order, Order set to their position.
func (c *Config) UnitList() []cchcbot.Unit {
	out := make([]cchcbot.Unit, len(c.Units))
	for i, u := range c.Units {
		out[i] = cchcbot.Unit{Code: u.Code, Name: u.Name, Group: cchcbot.UnitGroup(u.Group), HeadTitle: u.HeadTitle, Order: i + 1}
	}
	return out
}

// AdminList returns the admins named in the file.
func (c *Config) AdminList() []cchcbot.Admin {
	out := make([]cchcbot.Admin, len(c.Admins))
	for i, a := range c.Admins {
		out[i] = cchcbot.Admin{User: cchcbot.TelegramUser(a.TelegramID), Name: a.Name, FromConfig: true}
	}
	return out
}

// InviteLink returns the link that opens the bot with code as /start's
// argument.
func (c *Config) InviteLink(code string) string {
	return "https://t.me/" + c.Telegram.BotUsername + "?start=" + code
}

// TokenFrom returns the bot token from the environment through getenv. The
// error names the variable and never holds a value.
func TokenFrom(getenv func(string) string) (string, error) {
	tok := strings.TrimSpace(getenv(TokenEnv))
	if tok == "" {
		return "", fmt.Errorf("thiếu mã bot: hãy đặt biến môi trường %s (mã do @BotFather cấp)", TokenEnv)
	}
	return tok, nil
}
