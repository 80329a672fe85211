package cchcbot

import (
	"fmt"
	"time"
)

// SubmissionState is where a submission stands with phòng Nội vụ.
type SubmissionState string

// The states of a submission.
const (
	StateSubmitted SubmissionState = "submitted" // received, not yet reviewed
	StateAccepted  SubmissionState = "accepted"  // Nội vụ took it
	StateReturned  SubmissionState = "returned"  // sent back: a new version is owed
)

// Label returns the state in Vietnamese.
func (s SubmissionState) Label() string {
	switch s {
	case StateSubmitted:
		return "Đã nộp"
	case StateAccepted:
		return "Đã tiếp nhận"
	case StateReturned:
		return "Bị trả lại"
	}
	return string(s)
}

// File is one file of a submission. Its bytes live on disk under their
// sha256, never under the name the sender gave.
type File struct {
	SHA256 string
	Size   int64
	Name   string // the sender's name for it, cleaned for display
	MIME   string
	// ChannelFileID lets the chat network send the same file again
	// without an upload (Telegram's file_id).
	ChannelFileID string
}

// Submission is one version of a unit's report for a period. A new
// submission for the same period is a new version; none is ever replaced.
type Submission struct {
	ID       uint64 // global sequence, the source of the receipt number
	PeriodID string
	UnitCode string
	Version  int // 1, 2, ... per (period, unit)

	Files     []File
	Note      string // for kinds without a file: what was done
	DocNumber string // số hiệu văn bản, optional
	DocDate   Date   // ngày ký, optional

	SubmittedBy   UserID
	SubmitterName string
	SubmittedAt   time.Time
	DaysLate      int // 0 when on time, judged against the unit's own deadline (an extension)
	// Explanation is the unit's reason for a late report, given before the
	// receipt; "" when none was asked or given.
	Explanation string

	// Key, when set, makes recording the submission idempotent: a second
	// CreateSubmission with the same key returns the first version instead
	// of making another. The chat uses the draft's nonce, so a confirm
	// delivered again after a crash finds the version it made.
	Key string

	State      SubmissionState
	Reason     string // why it was returned
	ReviewedBy UserID
	ReviewedAt time.Time
}

// Late reports whether the submission missed the deadline.
func (s *Submission) Late() bool { return s.DaysLate > 0 }

// ReceiptNo is the number printed on the member's receipt:
// "CCHC-2024-000123", the year of submission and the sequence.
func (s *Submission) ReceiptNo() string {
	return fmt.Sprintf("CCHC-%04d-%06d", s.SubmittedAt.Year(), s.ID)
}

// UnitState is where a unit stands for one period, as /status shows it.
type UnitState string

// The states of a unit for a period.
const (
	UnitMissing  UnitState = "missing"  // nothing submitted
	UnitOnTime   UnitState = "on_time"  // latest version on time, not returned
	UnitLate     UnitState = "late"     // latest version late, not returned
	UnitReturned UnitState = "returned" // latest version returned
	UnitNotOwed  UnitState = "not_owed" // the kind does not apply to the unit
	UnitExempt   UnitState = "exempt"   // excused from the period by an admin
)

// Label returns the state in Vietnamese.
func (s UnitState) Label() string {
	switch s {
	case UnitMissing:
		return "Chưa nộp"
	case UnitOnTime:
		return "Đã nộp đúng hạn"
	case UnitLate:
		return "Nộp trễ hạn"
	case UnitReturned:
		return "Bị trả lại"
	case UnitNotOwed:
		return "Không phải nộp"
	case UnitExempt:
		return "Được miễn nộp"
	}
	return string(s)
}

// StateOf returns a unit's state for a period given its latest version
// (nil when there is none).
func StateOf(latest *Submission) UnitState {
	switch {
	case latest == nil:
		return UnitMissing
	case latest.State == StateReturned:
		return UnitReturned
	case latest.Late():
		return UnitLate
	}
	return UnitOnTime
}

// Done reports whether the unit owes nothing more for the period: reminders
// stop for it.
func (s UnitState) Done() bool {
	return s == UnitOnTime || s == UnitLate || s == UnitNotOwed || s == UnitExempt
}
