package config

import (
	"strings"

	"cchcbot"
)

// Workflow holds the rules of the office's workflow beyond deadlines: the
// workflow section.
type Workflow struct {
	// ExplainLate says whether a late submission asks for a reason before
	// its receipt (default optional).
	ExplainLate cchcbot.ExplainMode
	// ExtensionLimit bounds the extensions a unit is granted in a calendar
	// year (default 2; 0 means no limit).
	ExtensionLimit int
}

// Defaults of the workflow section.
const (
	DefaultExplainLate    = cchcbot.ExplainOptional
	DefaultExtensionLimit = 2
	maxExtensionLimit     = 100
	// maxEscalationDays bounds the days after the last overdue reminder
	// before a rung: a rung a season late tells nobody anything.
	maxEscalationDays = 60
	maxLeaders        = 50
)

type rawWorkflow struct {
	LateExplanation string `yaml:"late_explanation"`
	ExtensionLimit  *int   `yaml:"extension_limit"` // a pointer: 0 means no limit
}

// rawEscalation is a report's escalation ladder.
type rawEscalation struct {
	HeadAfterDays    int         `yaml:"head_after_days"`
	LeadersAfterDays int         `yaml:"leaders_after_days"`
	Leaders          []rawLeader `yaml:"leaders"`
}

// rawLeader is a person the ladder's last rung tells, on one network.
type rawLeader struct {
	TelegramID int64  `yaml:"telegram_id"`
	ZaloID     string `yaml:"zalo_id"`
	Name       string `yaml:"name"`
	Title      string `yaml:"title"`
}

func (v *validator) workflow(c *Config, r rawWorkflow) {
	p := []any{"workflow"}
	c.Workflow = Workflow{ExplainLate: DefaultExplainLate, ExtensionLimit: orP(r.ExtensionLimit, DefaultExtensionLimit)}
	switch m := cchcbot.ExplainMode(strings.TrimSpace(r.LateExplanation)); m {
	case "":
	case cchcbot.ExplainRequired, cchcbot.ExplainOptional, cchcbot.ExplainOff:
		c.Workflow.ExplainLate = m
	default:
		v.errorf(at(p, "late_explanation"), "workflow: late_explanation %s không hợp lệ: dùng required (bắt buộc giải trình), optional (hỏi, được bỏ qua) hoặc off (không hỏi)", quote(string(m)))
	}
	if n := c.Workflow.ExtensionLimit; n < 0 || n > maxExtensionLimit {
		v.errorf(at(p, "extension_limit"), "workflow: extension_limit phải từ 0 (không giới hạn) đến %d lần gia hạn mỗi đơn vị mỗi năm", maxExtensionLimit)
	}
}

// escalation reads a report's ladder; nil gives none.
func (v *validator) escalation(c *Config, p []any, what string, r *rawEscalation) cchcbot.EscalationPolicy {
	if r == nil {
		return cchcbot.EscalationPolicy{}
	}
	p = at(p, "escalation")
	e := cchcbot.EscalationPolicy{HeadAfterDays: r.HeadAfterDays, LeadersAfterDays: r.LeadersAfterDays}
	for _, f := range []struct {
		key string
		n   int
	}{{"head_after_days", r.HeadAfterDays}, {"leaders_after_days", r.LeadersAfterDays}} {
		if key, n := f.key, f.n; n < 0 || n > maxEscalationDays {
			v.errorf(at(p, key), "reports: %s: escalation.%s phải từ 0 (không dùng bậc này) đến %d ngày sau lần nhắc quá hạn cuối cùng", what, key, maxEscalationDays)
		}
	}
	if r.HeadAfterDays > 0 && r.LeadersAfterDays > 0 && r.LeadersAfterDays < r.HeadAfterDays {
		v.errorf(at(p, "leaders_after_days"), "reports: %s: escalation.leaders_after_days (%d) không được sớm hơn head_after_days (%d): báo cáo lãnh đạo sau khi đã báo thủ trưởng đơn vị", what, r.LeadersAfterDays, r.HeadAfterDays)
	}
	switch {
	case r.LeadersAfterDays > 0 && len(r.Leaders) == 0:
		v.errorf(p, "reports: %s: escalation có leaders_after_days nhưng thiếu leaders (danh sách lãnh đạo nhận thông báo đôn đốc)", what)
	case r.LeadersAfterDays == 0 && len(r.Leaders) > 0:
		v.errorf(at(p, "leaders"), "reports: %s: escalation có leaders nhưng thiếu leaders_after_days (số ngày sau lần nhắc quá hạn cuối cùng)", what)
	case len(r.Leaders) > maxLeaders:
		v.errorf(at(p, "leaders"), "reports: %s: escalation.leaders có tối đa %d người", what, maxLeaders)
	}
	seen := map[cchcbot.UserID]bool{}
	for i, l := range r.Leaders {
		lp := at(p, "leaders", i)
		var user cchcbot.UserID
		switch zalo := strings.TrimSpace(l.ZaloID); {
		case l.TelegramID != 0 && zalo != "":
			v.errorf(lp, "reports: %s: mỗi lãnh đạo trong escalation.leaders chỉ ghi một trong hai: telegram_id hoặc zalo_id", what)
			continue
		case l.TelegramID > 0:
			if !c.hasTelegram {
				v.errorf(at(lp, "telegram_id"), "reports: %s: lãnh đạo có telegram_id nhưng tệp cấu hình không có mục telegram:", what)
			}
			user = cchcbot.TelegramUser(l.TelegramID)
		case l.TelegramID < 0:
			v.errorf(at(lp, "telegram_id"), "reports: %s: telegram_id của lãnh đạo phải là số dương", what)
			continue
		case zalo != "":
			if !isDigitString(zalo) {
				v.errorf(at(lp, "zalo_id"), "reports: %s: zalo_id của lãnh đạo chỉ gồm chữ số (mã người dùng của Official Account)", what)
				continue
			}
			if !c.hasZalo {
				v.errorf(at(lp, "zalo_id"), "reports: %s: lãnh đạo có zalo_id nhưng tệp cấu hình không có mục zalo:", what)
			}
			user = cchcbot.ZaloUser(zalo)
		default:
			v.errorf(lp, "reports: %s: lãnh đạo trong escalation.leaders thiếu telegram_id hoặc zalo_id", what)
			continue
		}
		if seen[user] {
			v.errorf(lp, "reports: %s: lãnh đạo bị lặp lại trong escalation.leaders", what)
			continue
		}
		seen[user] = true
		name := strings.TrimSpace(l.Name)
		if name == "" {
			v.errorf(lp, "reports: %s: lãnh đạo trong escalation.leaders thiếu name (họ tên hoặc chức danh để ghi trong thông báo)", what)
		}
		e.Leaders = append(e.Leaders, cchcbot.Leader{User: user, Name: name, Title: strings.TrimSpace(l.Title)})
	}
	return e
}

func isDigitString(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
