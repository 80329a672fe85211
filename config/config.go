// Package config loads cchcbot's YAML configuration strictly: an unknown or
// misspelt key is an error that names the key and its line, because staff
// edit the file by hand once a year and a silently ignored "holiday:" would
// move real deadlines.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must exist on a bare server

	"gopkg.in/yaml.v3"

	"cchcbot"
)

// MaxFileBytes bounds the configuration file: a district's is a few
// kilobytes, a province's 10,000 units about 1.3 MB; a larger file is a
// mistake (a database or a log passed as -config), not a configuration.
const MaxFileBytes = 8 << 20

// Config is a loaded, validated configuration: the settings as written,
// with defaults applied, and converters to the root package's types.
type Config struct {
	Office    string // the office that runs the bot, in message and export titles
	Authority string // the body the office belongs to (cơ quan chủ quản), above its name in a heading
	Timezone  string
	DataDir   string   // relative to the working directory unless absolute
	Telegram  Telegram // zero unless HasTelegram
	Zalo      Zalo     // zero unless HasZalo
	Admins    []AdminEntry
	Units     []UnitEntry         // in file order
	Groups    cchcbot.GroupLabels // the headings the file renames, nil if none
	Reports   []cchcbot.ReportKind
	Reminders Reminders
	WorkDays  CalendarEntry
	Outbound  Outbound
	Log       Log
	Metrics   Metrics
	Backup    Backup
	Web       Web // zero (off) unless the file has a web section
	Workflow  Workflow

	// hasTelegram and hasZalo record which chat networks the file
	// configures: those whose section it has, even empty.
	hasTelegram, hasZalo bool

	loc          *time.Location
	file         string    // the name Parse was given, for Placeholders
	placeholders []Problem // see Placeholders
}

// Telegram holds the Bot API settings: the telegram section, which
// configures the Telegram bot, every key of it having a default.
type Telegram struct {
	APIEndpoint  string        // tgbotapi's ".../bot%s/%s" form: token, method
	FileEndpoint string        // ".../file/bot%s/%s": token, file path
	BotUsername  string        // for invite links, without "@"
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

// Reminders holds the reminder policy, the admin notification setting and
// how long the reminder log keeps its per-message rows.
type Reminders struct {
	Policy      cchcbot.ReminderPolicy
	AdminNotify string // each | digest | off
	// KeepLogYears is how many years after a period closes the log keeps
	// one row per reminder message; then the rows are folded into the
	// per-unit tally of sent and acknowledged, which /status and the
	// exports read. 0 keeps every row.
	KeepLogYears int
}

// The values of reminders.admin_notify.
const (
	NotifyEach   = "each"   // a message to the admins for every submission
	NotifyDigest = "digest" // listed in the morning digest only
	NotifyOff    = "off"
)

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

// Load reads and validates the file at path. Errors name the file and line.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("không tìm thấy tệp cấu hình %s (hãy sao chép config.example.yaml thành config.yaml, hoặc chỉ định -config config.example.yaml)", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("không có quyền đọc tệp cấu hình %s: người dùng chạy bot cần quyền đọc tệp này", path)
	case err != nil:
		// The system's own words (in English) follow: they are all
		// that is known.
		return nil, fmt.Errorf("không mở được tệp cấu hình %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s là một thư mục, không phải tệp cấu hình: hãy chỉ định tệp, ví dụ -config %s", path, filepath.Join(path, "config.yaml"))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("không đọc được tệp cấu hình %s: %w", path, err)
	} else if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("tệp cấu hình %s lớn hơn %d KB: đây không phải tệp cấu hình", path, MaxFileBytes>>10)
	}
	return Parse(data, filepath.Base(path))
}

// Parse validates a configuration; name prefixes every error line
// ("config.yaml:12: ..."). On failure the error is an *Error listing every
// problem found at the stage that failed: YAML syntax, then keys and value
// types, then the rules.
func Parse(data []byte, name string) (*Config, error) {
	var ps problems
	root := parseYAML(data, &ps)
	if root == nil {
		return nil, ps.err(name)
	}
	if checkFile(root, &ps); len(ps.list) > 0 {
		return nil, ps.err(name)
	}
	var r raw
	if err := root.Decode(&r); err != nil {
		// checkFile should have caught it.
		ps.list = decodeProblems(err)
		return nil, ps.err(name)
	}
	v := validator{ps: &ps, root: root}
	c := v.build(&r)
	if err := ps.err(name); err != nil {
		return nil, err
	}
	c.file = name
	v.placeholders(c)
	return c, nil
}

// parseYAML returns the single document of data, or nil after recording
// why there is none.
func parseYAML(data []byte, ps *problems) *yaml.Node {
	root, next, err := decodeDocs(data)
	switch {
	case err != nil:
		ps.list = append(ps.list, syntaxProblem(data, err))
		return nil
	case root == nil:
		ps.addf(0, "tệp cấu hình trống")
		return nil
	case next != nil:
		ps.addf(next.Line, "tệp chỉ được có một tài liệu YAML: hãy bỏ dòng \"---\" và phần phía sau")
		return nil
	}
	return root
}

// Location returns the configured time zone.
func (c *Config) Location() *time.Location { return c.loc }

// Calendar returns the reporting calendar the file describes. Each call
// returns a fresh copy, so that a caller cannot change another's calendar.
func (c *Config) Calendar() *cchcbot.Calendar {
	kinds := make([]cchcbot.ReportKind, len(c.Reports))
	for i, k := range c.Reports {
		k.Groups = slices.Clone(k.Groups)
		kinds[i] = k
	}
	pol := c.Reminders.Policy
	pol.DaysBefore = slices.Clone(pol.DaysBefore)
	w := c.WorkDays.Work
	return &cchcbot.Calendar{
		Location: c.loc,
		Work: cchcbot.WorkCalendar{
			Weekends:    maps.Clone(w.Weekends),
			Holidays:    maps.Clone(w.Holidays),
			WorkingDays: maps.Clone(w.WorkingDays),
		},
		Kinds:          kinds,
		Reminders:      pol,
		ShiftDeadlines: c.WorkDays.ShiftDeadlines,
		GroupLabels:    maps.Clone(c.Groups),
	}
}

// UnitList returns the units in file order, Order set to their 1-based
// position: the office's own order, kept in every status list.
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

// HasTelegram reports whether the file configures the Telegram bot: it
// has a telegram section, even an empty one ("telegram: {}" takes every
// default). Only then is the bot token needed.
func (c *Config) HasTelegram() bool { return c.hasTelegram }

// HasZalo reports whether the file configures the Zalo Official Account:
// it has a zalo section.
func (c *Config) HasZalo() bool { return c.hasZalo }

// InviteLink returns the link that opens the Telegram bot with code as
// /start's argument. It is meaningful only when HasTelegram.
func (c *Config) InviteLink(code string) string {
	return "https://t.me/" + c.Telegram.BotUsername + "?start=" + code
}
