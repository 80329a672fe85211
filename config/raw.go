package config

// The raw* types mirror the file. Their yaml tags are the whole vocabulary
// of the file: checkFile rejects any other key. Pointers mark settings
// whose zero value is meaningful, so that a default applies only when the
// key is absent.

import "gopkg.in/yaml.v3"

type raw struct {
	Office    string       `yaml:"office"`
	Authority string       `yaml:"authority"`
	Timezone  string       `yaml:"timezone"`
	DataDir   string       `yaml:"data_dir"`
	Telegram  rawTelegram  `yaml:"telegram"`
	Zalo      rawZalo      `yaml:"zalo"`
	Admins    []rawAdmin   `yaml:"admins"`
	Units     []rawUnit    `yaml:"units"`
	Groups    rawGroups    `yaml:"groups"`
	Reports   []rawReport  `yaml:"reports"`
	Reminders rawReminders `yaml:"reminders"`
	Calendar  rawCalendar  `yaml:"calendar"`
	Outbound  rawOutbound  `yaml:"outbound"`
	Log       rawLog       `yaml:"log"`
	Metrics   rawMetrics   `yaml:"metrics"`
	Backup    rawBackup    `yaml:"backup"`
	Web       rawWeb       `yaml:"web"`
	Workflow  rawWorkflow  `yaml:"workflow"`
}

type rawTelegram struct {
	APIEndpoint  string `yaml:"api_endpoint"`
	FileEndpoint string `yaml:"file_endpoint"`
	BotUsername  string `yaml:"bot_username"`
	PollTimeout  string `yaml:"poll_timeout"`
	MaxFileSize  string `yaml:"max_file_size"`
}

type rawZalo struct {
	AppID                 string  `yaml:"app_id"`
	OAID                  string  `yaml:"oa_id"`
	APIBase               string  `yaml:"api_base"`
	OAuthBase             string  `yaml:"oauth_base"`
	WebhookListen         *string `yaml:"webhook_listen"` // a pointer: "" turns the webhook server off
	WebhookPath           string  `yaml:"webhook_path"`
	ProactiveMonthlyQuota *int    `yaml:"proactive_monthly_quota"` // a pointer: 0 allows no proactive message
	MaxFileSize           string  `yaml:"max_file_size"`
}

type rawAdmin struct {
	TelegramID int64  `yaml:"telegram_id"`
	Name       string `yaml:"name"`
}

type rawUnit struct {
	Code      string `yaml:"code"`
	Name      string `yaml:"name"`
	Group     string `yaml:"group"`
	HeadTitle string `yaml:"head_title"`
}

// rawGroups renames the unit groups' headings: one key per group id of
// cchcbot.UnitGroups (TestGroupsEveryGroup keeps them in step).
// Pointers, so that an empty label (phong-ban: "") is refused rather than
// taken as absent.
type rawGroups struct {
	Department  *string `yaml:"phong-ban"`
	ServiceUnit *string `yaml:"su-nghiep"`
	Commune     *string `yaml:"xa-thi-tran"`
}

type rawReport struct {
	ID           string         `yaml:"id"`
	Title        string         `yaml:"title"`
	Schedule     rawSchedule    `yaml:"schedule"`
	Window       yaml.Node      `yaml:"window"` // nd09 or rawWindow
	RequiresFile *bool          `yaml:"requires_file"`
	Groups       []string       `yaml:"groups"`
	Start        string         `yaml:"start"`
	End          string         `yaml:"end"`
	OpenDays     *int           `yaml:"open_days"`
	LateDays     *int           `yaml:"late_days"`
	Escalation   *rawEscalation `yaml:"escalation"`
}

type rawSchedule struct {
	Once    string `yaml:"once"`
	Yearly  string `yaml:"yearly"`
	Monthly *int   `yaml:"monthly"` // a pointer, so that "monthly: 0" is refused rather than taken as absent
	// A day ("quarterly: 20") or the long form below: values of two
	// forms stay nodes, which the validator checks (reports.go).
	// (A yaml.Node, not a pointer: yaml.v3 fills only the former.)
	Quarterly  yaml.Node `yaml:"quarterly"`   // or rawQuarterly
	HalfYearly yaml.Node `yaml:"half_yearly"` // or rawHalfYearly
	NineMonths yaml.Node `yaml:"nine_months"` // or rawNineMonths
}

// The long forms of a quarterly, half-yearly and nine-month schedule: the
// due day, in which month (last: the period's last month; next: the month
// after it), and which quarters or halves are due.
type rawQuarterly struct {
	Day      *int   `yaml:"day"`
	Month    string `yaml:"month"`
	Quarters []int  `yaml:"quarters"`
}

type rawHalfYearly struct {
	Day    *int   `yaml:"day"`
	Month  string `yaml:"month"`
	Halves []int  `yaml:"halves"`
}

type rawNineMonths struct {
	Day   *int   `yaml:"day"`
	Month string `yaml:"month"`
}

// rawWindow is the long form of a report's window; "window: nd09" is the
// short one, so rawReport.Window stays a node.
type rawWindow struct {
	FromDay int    `yaml:"from_day"`
	ToDay   int    `yaml:"to_day"`
	From    string `yaml:"from"` // "15/12"
	To      string `yaml:"to"`   // "14/06"
}

type rawReminders struct {
	Time         string    `yaml:"time"`
	DaysBefore   []int     `yaml:"days_before"`
	OverdueEvery *int      `yaml:"overdue_every_days"`
	OverdueMax   *int      `yaml:"overdue_max"`
	DigestTime   string    `yaml:"digest_time"`
	QuietHours   *rawQuiet `yaml:"quiet_hours"`
	AdminNotify  string    `yaml:"admin_notify"`
	KeepLogYears *int      `yaml:"keep_log_years"` // a pointer: 0 keeps every row
}

type rawQuiet struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

type rawCalendar struct {
	Weekends       []string     `yaml:"weekends"`
	ShiftDeadlines *bool        `yaml:"shift_deadlines"`
	Holidays       []rawDayList `yaml:"holidays"`
	WorkingDays    []rawDayList `yaml:"working_days"`
}

type rawDayList struct {
	Date string `yaml:"date"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Name string `yaml:"name"`
}

type rawOutbound struct {
	GlobalPerSecond  *float64 `yaml:"global_per_second"`
	PerChatPerSecond *float64 `yaml:"per_chat_per_second"`
	MaxRetries       *int     `yaml:"max_retries"`
}

type rawBackup struct {
	Time string `yaml:"time"`
	Keep *int   `yaml:"keep"` // a pointer: "keep: 0" turns the daily backup off
	Dir  string `yaml:"dir"`
}

type rawMetrics struct {
	Listen string `yaml:"listen"` // empty or absent: no metrics server
}

type rawWeb struct {
	Listen         string   `yaml:"listen"`
	BaseURL        string   `yaml:"base_url"`
	TrustedProxies []string `yaml:"trusted_proxies"` // nil when absent: the default applies
}

type rawLog struct {
	Format string `yaml:"format"`
	Level  string `yaml:"level"`
}
