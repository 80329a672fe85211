package cchcbot

import (
	"time"
)

// ExtensionState is where a request for more time stands.
type ExtensionState string

// The states of an extension.
const (
	ExtensionRequested ExtensionState = "requested" // asked by the unit, not decided
	ExtensionApproved  ExtensionState = "approved"  // granted, possibly shorter than asked
	ExtensionRefused   ExtensionState = "refused"
	ExtensionWithdrawn ExtensionState = "withdrawn" // an admin took a grant back
)

// Label returns the state in Vietnamese.
func (s ExtensionState) Label() string {
	switch s {
	case ExtensionRequested:
		return "Đang chờ xét"
	case ExtensionApproved:
		return "Đã đồng ý"
	case ExtensionRefused:
		return "Không đồng ý"
	case ExtensionWithdrawn:
		return "Đã thu hồi"
	}
	return string(s)
}

// Extension is a unit's extension ("gia hạn") of one period's deadline:
// asked in chat with /giahan and decided by an admin, or granted by an
// admin unasked. Only an approved one moves the unit's deadline.
type Extension struct {
	ID       uint64 // global sequence, assigned by the store
	PeriodID string
	UnitCode string
	State    ExtensionState

	Proposed Date   // the date the unit asked for; zero when granted unasked
	Until    Date   // the date granted; zero until approved
	Reason   string // the unit's reason
	Note     string // the admin's note: why shorter, why refused

	RequestedBy     UserID
	RequestedByName string
	RequestedAt     time.Time
	DecidedBy       UserID
	DecidedByName   string
	DecidedAt       time.Time
}

// Approved reports whether the extension moves the deadline.
func (e *Extension) Approved() bool {
	return e != nil && e.State == ExtensionApproved && !e.Until.IsZero()
}

// LabelVN says the extension for a status line: "gia hạn đến 20/03/2024",
// "xin gia hạn đến 20/03/2024 (chờ xét)"; "" when it does not count.
func (e *Extension) LabelVN() string {
	switch {
	case e == nil:
		return ""
	case e.Approved():
		return "gia hạn đến " + e.Until.VN()
	case e.State == ExtensionRequested:
		return "xin gia hạn đến " + e.Proposed.VN() + " (chờ xét)"
	}
	return ""
}

// Extend returns p as it stands for a unit granted until, decided at:
// the due day and deadline move to until, the late window follows, and
// the unit's reminder plan restarts from at. p is unchanged when until is
// not after its due day.
func (p Period) Extend(until Date, at time.Time) Period {
	if !until.After(p.Due) {
		return p
	}
	loc := p.Deadline.Location()
	late := p.Closes.Sub(p.Deadline)
	q := p
	q.OriginalDue = p.Due
	q.Due, q.NominalDue = until, until
	q.Deadline = until.AddDays(1).In(loc).Add(-time.Nanosecond)
	q.Closes = q.Deadline.Add(late)
	if at.After(q.PlanFrom) {
		q.PlanFrom = at
	}
	return q
}

// ForUnit returns p as it stands for one unit: extended when an approved
// extension says so.
func (p Period) ForUnit(e *Extension) Period {
	if !e.Approved() || e.PeriodID != p.ID {
		return p
	}
	return p.Extend(e.Until, e.DecidedAt)
}
