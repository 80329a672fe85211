package web

import (
	"context"
	"io"
	"time"

	"cchcbot"
)

// Store is what the dashboard reads, and the few records it writes itself:
// login links, sessions and the audit log. *store.DB implements it.
type Store interface {
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	Unit(ctx context.Context, code string) (cchcbot.Unit, error)
	Admin(ctx context.Context, user cchcbot.UserID) (cchcbot.Admin, error)
	Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error)
	MemberCounts(ctx context.Context) (map[string]cchcbot.MemberCount, error)

	Submission(ctx context.Context, id uint64) (*cchcbot.Submission, error)
	Submissions(ctx context.Context, periodID, unitCode string) ([]*cchcbot.Submission, error)
	SubmissionsForPeriod(ctx context.Context, periodID string) ([]*cchcbot.Submission, error)
	// LatestSubmissionsBrief is LatestSubmissions with only the fields the
	// overview and period pages show: ID, PeriodID, UnitCode, Version,
	// SubmittedAt, DaysLate, State and Reason.
	LatestSubmissionsBrief(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error)
	UnitSubmissions(ctx context.Context, unitCode string) ([]*cchcbot.Submission, error)
	// SubmissionsVersion and UnitsVersion change after every commit that
	// changes submissions or units: what the overview computed from them
	// is kept while they stay the same. SubmissionChanges then says which
	// periods' submissions changed after an audit entry.
	SubmissionsVersion() uint64
	UnitsVersion() uint64
	SubmissionChanges(ctx context.Context, afterSeq uint64, limit int) (periods []string, last uint64, complete bool, err error)

	// Adjustments are a period's decisions beyond its submissions:
	// extensions, exemptions, explanations, escalations.
	Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error)
	ReminderCounts(ctx context.Context, periodID string) (map[string]cchcbot.ReminderCount, error)
	QuotaRefused(ctx context.Context, periodID string) (map[string][]string, error)

	OpenFile(sha256 string) (io.ReadCloser, error)
	Audit(ctx context.Context, e cchcbot.AuditEntry) error

	LoginStore
	WebSession(ctx context.Context, hash string, now time.Time) (cchcbot.WebSession, error)
	StartWebSession(ctx context.Context, loginHash string, s cchcbot.WebSession, now time.Time) (cchcbot.WebSession, error)
	DeleteWebSession(ctx context.Context, hash string) error
}

// LoginStore is what making a login link needs: the admin's record and a
// place for the link's hash. The CLI's web-login uses it without a server.
type LoginStore interface {
	Admin(ctx context.Context, user cchcbot.UserID) (cchcbot.Admin, error)
	CreateWebLogin(ctx context.Context, l cchcbot.WebLogin) error
	WebLogin(ctx context.Context, hash string) (cchcbot.WebLogin, error)
	Audit(ctx context.Context, e cchcbot.AuditEntry) error
}

// Reviewer accepts or returns a submission and tells the unit's members,
// exactly as the chat's buttons do. *chat.Service implements it.
type Reviewer interface {
	Review(ctx context.Context, by cchcbot.UserID, id uint64, state cchcbot.SubmissionState, reason string) (cchcbot.ReviewResult, error)
}

// Reminder pushes reminders at an admin's request. *scheduler.Scheduler
// implements it.
type Reminder interface {
	// RemindNow reminds every unit still owing the period; key names the
	// request, so that the same request again sends nothing twice.
	RemindNow(ctx context.Context, periodID string, by cchcbot.UserID, key string) (int, error)
	// Pending returns how many units RemindNow would reach.
	Pending(ctx context.Context, periodID string) (int, error)
}

// Inviter makes a unit's invite for a new member, with the links of every
// configured network. *chat.Service implements it.
type Inviter interface {
	InviteMember(ctx context.Context, by cchcbot.UserID, unitCode string) (cchcbot.Invitation, error)
}
