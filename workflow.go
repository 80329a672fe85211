package cchcbot

import (
	"time"
)

// Exemption excuses a unit from one period ("miễn nộp"): a merged
// commune, a unit not yet set up. An exempt unit is not reminded and does
// not count as missing.
type Exemption struct {
	PeriodID string
	UnitCode string
	Reason   string
	By       UserID // or "cli"
	ByName   string
	At       time.Time
}

// ExplainMode says whether a late submission asks for a reason before its
// receipt.
type ExplainMode string

// The modes of late explanations.
const (
	ExplainRequired ExplainMode = "required" // no receipt without a reason
	ExplainOptional ExplainMode = "optional" // asked, with a button to skip
	ExplainOff      ExplainMode = "off"      // never asked
)

// Explanation is a unit's account of why a report is late ("giải trình"):
// given with a late submission, or alone by a unit that cannot submit.
type Explanation struct {
	ID           uint64 // global sequence, assigned by the store
	PeriodID     string
	UnitCode     string
	SubmissionID uint64 // 0 when given without a report
	Text         string
	By           UserID
	ByName       string
	At           time.Time
}

// Absence is a member away from a date to a date inclusive ("vắng mặt"):
// reminders falling in it go to the unit's other members.
type Absence struct {
	ID       uint64 // global sequence, assigned by the store
	Member   UserID
	UnitCode string
	From, To Date
	Reason   string
	By       UserID // the member, or the admin who marked it
	ByName   string
	At       time.Time
}

// Covers reports whether the member is away on d.
func (a Absence) Covers(d Date) bool { return !d.Before(a.From) && !d.After(a.To) }

// EscalationLevel is a rung of the escalation ladder.
type EscalationLevel string

// The rungs, in order.
const (
	// EscalateHead tells the unit's head, when only deputies or focal
	// officers were reminded.
	EscalateHead EscalationLevel = "head"
	// EscalateLeaders tells the configured leaders, in the formal "đôn đốc"
	// tone, naming each unit still late.
	EscalateLeaders EscalationLevel = "leaders"
)

// Label returns the rung in Vietnamese.
func (l EscalationLevel) Label() string {
	switch l {
	case EscalateHead:
		return "Báo cáo thủ trưởng đơn vị"
	case EscalateLeaders:
		return "Báo cáo lãnh đạo"
	}
	return string(l)
}

// Leader is a person the ladder's last rung tells: the chairman's office,
// a vice-chairman in charge of CCHC.
type Leader struct {
	User  UserID
	Name  string
	Title string // "Phó Chủ tịch UBND huyện"
}

// EscalationPolicy is a report kind's ladder: how many days after the
// last overdue reminder each rung comes. A zero day count turns its rung
// off.
type EscalationPolicy struct {
	HeadAfterDays    int
	LeadersAfterDays int
	Leaders          []Leader
}

// IsZero reports whether the kind has no ladder.
func (e EscalationPolicy) IsZero() bool {
	return e.HeadAfterDays == 0 && (e.LeadersAfterDays == 0 || len(e.Leaders) == 0)
}

// Escalation is the record of one unit taken up one rung for one period:
// (period, unit, level) is its identity and it happens at most once.
type Escalation struct {
	PeriodID string
	UnitCode string
	Level    EscalationLevel
	At       time.Time
	DaysLate int
	// To is who was told: the head's account, or the leaders' names.
	To []string
}

// Adjustments are the decisions on one period beyond the submissions
// themselves, by unit code: what /status, the digest and the exports show
// beside each unit's state.
type Adjustments struct {
	// Extensions holds each unit's latest approved extension, or when none
	// was approved its latest in any state: a second request, pending or
	// refused, never hides the deadline a grant moved.
	Extensions   map[string]*Extension
	Exemptions   map[string]*Exemption
	Explanations map[string][]Explanation // oldest first
	Escalations  map[string][]Escalation  // in ladder order
}
