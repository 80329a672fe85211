package cchcbot

import (
	"fmt"
	"strings"
	"time"
)

// StepKind says where a reminder step stands relative to the deadline.
type StepKind string

// The kinds of reminder steps.
const (
	StepBefore  StepKind = "before"  // N days before the due day
	StepDueDay  StepKind = "due"     // the morning of the due day
	StepOverdue StepKind = "overdue" // after the deadline, firmer
)

// Step is one planned reminder of a period: "before-7", "due", "overdue-2".
type Step struct {
	Name string
	Kind StepKind
	// N is the days before the due day for StepBefore, the repeat number
	// (1, 2, ...) for StepOverdue, 0 for StepDueDay.
	N int
	// Nominal is when the rule puts the step; At is where it lands after
	// moving off non-working days.
	Nominal time.Time
	At      time.Time
}

// BeforeStepName and the like give steps stable names: the reminder log is
// keyed by them, so they must not change between versions.
func BeforeStepName(days int) string { return fmt.Sprintf("before-%d", days) }
func OverdueStepName(n int) string   { return fmt.Sprintf("overdue-%d", n) }

const DueStepName = "due"

// ReminderState is where one reminder message stands in the log.
type ReminderState string

// The states of a reminder message. "sending" is written in the same
// commit that puts the message in the outbox, and the outcome in the same
// commit that takes it out, so the log and the outbox never disagree.
const (
	ReminderSending ReminderState = "sending" // queued in the outbox
	ReminderSent    ReminderState = "sent"
	ReminderFailed  ReminderState = "failed"  // refused for good: the member is unreachable
	ReminderSkipped ReminderState = "skipped" // superseded by a later step after downtime
	ReminderExpired ReminderState = "expired" // its next step came before the network took it
)

// Reminder is the log record of one reminder to one member: (period, unit,
// step, member) is its identity and it is sent at most once.
type Reminder struct {
	PeriodID string
	UnitCode string
	Step     string
	Member   UserID

	State     ReminderState
	PlannedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time
	Error     string // why it failed, for staff
	MessageID string // the network's id of the sent message
	AckedAt   time.Time
}

// Acked reports whether the member pressed "Đã nhận" on it.
func (r *Reminder) Acked() bool { return !r.AckedAt.IsZero() }

// Invite is a single-use code that binds the person who presents it to a
// unit, or makes them an admin. Only the code's hash is stored.
type Invite struct {
	Hash      string
	UnitCode  string // empty for an admin invite
	Admin     bool
	AdminName string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	UsedBy    UserID
	// LinkTo, when set, is a member's own account: the invite links the
	// account that redeems it (on another network) to the same person.
	LinkTo UserID
	// Head makes the member who redeems it the unit's head (Member.Head).
	Head bool
}

// Used reports whether the invite was consumed.
func (i *Invite) Used() bool { return !i.UsedAt.IsZero() }

// AuditEntry is one line of the append-only audit log: who did what to
// which thing, and when.
type AuditEntry struct {
	Seq     uint64
	At      time.Time
	Actor   string // a UserID, "cli" or "system"
	Action  string // "submit", "accept", "return", "invite", "join", ...
	Subject string // the period, unit or member concerned
	Detail  string
}

// UpcomingReminder is a step the scheduler will send, for /lichnhac and
// `cchcbot calendar`: the period, the step and how many units it would
// reach if it ran now.
type UpcomingReminder struct {
	Period Period
	Step   Step
	Units  int
}

// Label names the step for people: "Trước hạn 7 ngày", "Ngày hạn",
// "Quá hạn lần 2".
func (s Step) Label() string {
	if s.Issued() {
		return "Thông báo yêu cầu"
	}
	switch s.Kind {
	case StepBefore:
		return fmt.Sprintf("Trước hạn %d ngày", s.N)
	case StepDueDay:
		return "Ngày hạn"
	case StepOverdue:
		return fmt.Sprintf("Quá hạn lần %d", s.N)
	}
	return s.Name
}

// Issued reports whether s is the first step of an ad-hoc request's plan,
// which tells the units of the request (or of its new due date).
func (s Step) Issued() bool { return strings.HasSuffix(s.Name, "-"+IssuedStepName) }
