package cchcbot

import (
	"context"
	"io"
	"time"
)

// UnitService keeps the units and the people who speak for them.
type UnitService interface {
	// SyncUnits makes the stored units match the config: new ones are
	// added, changed ones updated, missing ones retired (never deleted).
	SyncUnits(ctx context.Context, units []Unit, now time.Time) (SyncResult, error)
	Units(ctx context.Context) ([]Unit, error) // every unit, retired ones too
	Unit(ctx context.Context, code string) (Unit, error)

	Member(ctx context.Context, user UserID) (Member, error)
	Members(ctx context.Context, unitCode string) ([]Member, error) // "" means all
	RemoveMember(ctx context.Context, user UserID, by string, now time.Time) error
	// SetReachable records whether messages to the member get through.
	SetReachable(ctx context.Context, user UserID, reachable bool, reason string, now time.Time) error

	// SyncAdmins makes the config's admins match; admins added by invite stay.
	SyncAdmins(ctx context.Context, admins []Admin, now time.Time) error
	Admin(ctx context.Context, user UserID) (Admin, error)
	Admins(ctx context.Context) ([]Admin, error)
}

// SyncResult says what SyncUnits changed, by unit code.
type SyncResult struct {
	Added, Updated, Retired, Revived []string
}

// InviteService creates and redeems invite codes.
type InviteService interface {
	CreateInvite(ctx context.Context, inv Invite) error
	// RedeemInvite consumes the invite with the given hash for user and, in
	// the same transaction, makes them a member of its unit or an admin. A
	// wrong code is ENOTFOUND, a used one ECONFLICT, an expired one EEXPIRED.
	RedeemInvite(ctx context.Context, hash string, m Member, now time.Time) (Invite, error)
}

// SubmissionService keeps every version of every report.
type SubmissionService interface {
	// CreateSubmission records s, whose files must already be stored. It
	// assigns s.ID and s.Version and writes the audit entry.
	CreateSubmission(ctx context.Context, s *Submission) error
	Submission(ctx context.Context, id uint64) (*Submission, error)
	// Submissions returns every version for (period, unit), oldest first.
	Submissions(ctx context.Context, periodID, unitCode string) ([]*Submission, error)
	// LatestSubmissions returns each unit's latest version for a period.
	LatestSubmissions(ctx context.Context, periodID string) (map[string]*Submission, error)
	// UnitSubmissions returns every version of one unit, all periods.
	UnitSubmissions(ctx context.Context, unitCode string) ([]*Submission, error)
	// ReviewSubmission accepts or returns the latest version of a
	// submission's (period, unit); reviewing an older version is ECONFLICT.
	// The messages out returns (the unit's members told) are queued in the
	// same commit; out may be nil.
	ReviewSubmission(ctx context.Context, id uint64, state SubmissionState, reason string, by UserID, now time.Time, out func(*Submission) []*Outgoing) (*Submission, error)
}

// ReminderLog records each reminder message so that none is sent twice.
type ReminderLog interface {
	// QueueReminders records each rs[i] as "sending" and queues msgs[i],
	// which delivers it, in one commit; a record whose identity is already
	// in the log is skipped with its message. It returns how many were
	// queued. The outcome is recorded when the message leaves the outbox.
	QueueReminders(ctx context.Context, rs []Reminder, msgs []*Outgoing) (int, error)
	Reminders(ctx context.Context, periodID string) ([]Reminder, error)
	// AckReminder records that the member pressed "Đã nhận".
	AckReminder(ctx context.Context, periodID, unitCode, step string, member UserID, now time.Time) error
}

// FileStore keeps report files on disk under their sha256.
type FileStore interface {
	// PutFile streams r to a temp file while hashing it, fsyncs, renames it
	// to its content address and returns the hash and size. At most limit
	// bytes are read; a longer stream is ETOOLARGE and leaves nothing.
	PutFile(ctx context.Context, r io.Reader, limit int64) (sha256 string, size int64, err error)
	OpenFile(sha256 string) (io.ReadCloser, error)
	HasFile(sha256 string) bool
}

// Draft is a submission being put together in chat: the period chosen and
// the files sent so far, kept in the store so a restart loses nothing.
type Draft struct {
	User      UserID
	UnitCode  string
	PeriodID  string
	Files     []File // ChannelFileID, Name, MIME, Size; no hash until fetched
	Note      string
	DocNumber string
	DocDate   Date
	Stage     string // where the conversation stands, owned by the bot
	Nonce     string // ties buttons to this draft: a stale button is refused
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DraftService keeps one draft per user.
type DraftService interface {
	SaveDraft(ctx context.Context, d Draft) error
	Draft(ctx context.Context, user UserID) (Draft, error) // ENOTFOUND if none
	DeleteDraft(ctx context.Context, user UserID) error
}

// AuditLog is append-only.
type AuditLog interface {
	Audit(ctx context.Context, e AuditEntry) error
	AuditEntries(ctx context.Context, afterSeq uint64, limit int) ([]AuditEntry, error)
}
