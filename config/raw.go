package config

// The raw* types mirror the file. Their yaml tags are the whole vocabulary
// of the file: checkFile rejects any other key. Pointers mark settings
// whose zero value is meaningful, so that a default applies only when the
// key is absent.

type raw struct {
	Office    string       `yaml:"office"`
	District  string       `yaml:"district"`
	Timezone  string       `yaml:"timezone"`
	DataDir   string       `yaml:"data_dir"`
	Telegram  rawTelegram  `yaml:"telegram"`
	Zalo      rawZalo      `yaml:"zalo"`
	Admins    []rawAdmin   `yaml:"admins"`
	Units     []rawUnit    `yaml:"units"`
	Reports   []rawReport  `yaml:"reports"`
	Reminders rawReminders `yaml:"reminders"`
	Calendar  rawCalendar  `yaml:"calendar"`
	Outbound  rawOutbound  `yaml:"outbound"`
	Log       rawLog       `yaml:"log"`
	Metrics   rawMetrics   `yaml:"metrics"`
	Backup    rawBackup    `yaml:"backup"`
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

type rawReport struct {
	ID           string      `yaml:"id"`
	Title        string      `yaml:"title"`
	Schedule     rawSchedule `yaml:"schedule"`
	Window       *rawWindow  `yaml:"window"`
	RequiresFile *bool       `yaml:"requires_file"`
	Groups       []string    `yaml:"groups"`
	Start        string      `yaml:"start"`
	End          string      `yaml:"end"`
	OpenDays     *int        `yaml:"open_days"`
	LateDays     *int        `yaml:"late_days"`
}

type rawSchedule struct {
	Once    string `yaml:"once"`
	Yearly  string `yaml:"yearly"`
	Monthly *int   `yaml:"monthly"` // a pointer, so that "monthly: 0" is refused rather than taken as absent
}

type rawWindow struct {
	FromDay int `yaml:"from_day"`
	ToDay   int `yaml:"to_day"`
}

type rawReminders struct {
	Time         string    `yaml:"time"`
	DaysBefore   []int     `yaml:"days_before"`
	OverdueEvery *int      `yaml:"overdue_every_days"`
	OverdueMax   *int      `yaml:"overdue_max"`
	DigestTime   string    `yaml:"digest_time"`
	QuietHours   *rawQuiet `yaml:"quiet_hours"`
	AdminNotify  string    `yaml:"admin_notify"`
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

type rawLog struct {
	Format string `yaml:"format"`
	Level  string `yaml:"level"`
}
