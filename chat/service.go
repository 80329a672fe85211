// Package chat is the bot's conversation logic: onboarding, report
// submission with confirmation and receipt, members' and phòng Nội vụ's
// commands. It speaks to people through cchcbot.Channel and never knows
// which chat network carries the words, so a Zalo adapter can reuse it.
package chat

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"cchcbot"
)

// Store is what the conversation needs of the store: the root service
// interfaces' methods it calls, and the few extras the bbolt store offers.
type Store interface {
	// Units and the people who speak for them.
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	Unit(ctx context.Context, code string) (cchcbot.Unit, error)
	Member(ctx context.Context, user cchcbot.UserID) (cchcbot.Member, error)
	Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error)
	MemberCounts(ctx context.Context) (map[string]cchcbot.MemberCount, error)
	RemoveMember(ctx context.Context, user cchcbot.UserID, by string, now time.Time) error
	SetReachable(ctx context.Context, user cchcbot.UserID, reachable bool, reason string, now time.Time) error
	// MarkUnreachable marks a reachable member unreachable and queues
	// out(member) in one commit; it reports false, and queues nothing, when
	// the member was already marked or is not a member.
	MarkUnreachable(ctx context.Context, user cchcbot.UserID, reason string, now time.Time, out func(cchcbot.Member) []*cchcbot.Outgoing) (bool, error)
	Admin(ctx context.Context, user cchcbot.UserID) (cchcbot.Admin, error)
	Admins(ctx context.Context) ([]cchcbot.Admin, error)

	// Invites.
	CreateInvite(ctx context.Context, inv cchcbot.Invite) error
	RedeemInvite(ctx context.Context, hash string, m cchcbot.Member, now time.Time) (cchcbot.Invite, error)
	Invites(ctx context.Context) ([]cchcbot.Invite, error)

	// Submissions and their files.
	// RecordSubmission records s, deletes its submitter's draft and
	// queues out(s) in one commit; a Key already recorded makes *s that
	// submission and queues nothing (created false).
	RecordSubmission(ctx context.Context, s *cchcbot.Submission, out func(*cchcbot.Submission) []*cchcbot.Outgoing) (created bool, err error)
	Submission(ctx context.Context, id uint64) (*cchcbot.Submission, error)
	Submissions(ctx context.Context, periodID, unitCode string) ([]*cchcbot.Submission, error)
	LatestSubmissions(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error)
	SubmissionsForPeriod(ctx context.Context, periodID string) ([]*cchcbot.Submission, error)
	UnitSubmissions(ctx context.Context, unitCode string) ([]*cchcbot.Submission, error)
	ReviewSubmission(ctx context.Context, id uint64, state cchcbot.SubmissionState, reason string, by cchcbot.UserID, now time.Time, out func(*cchcbot.Submission) []*cchcbot.Outgoing) (*cchcbot.Submission, error)
	PutFile(ctx context.Context, r io.Reader, limit int64) (sha256 string, size int64, err error)
	OpenFile(sha256 string) (io.ReadCloser, error)

	// Drafts: one per person.
	SaveDraft(ctx context.Context, d cchcbot.Draft) error
	Draft(ctx context.Context, user cchcbot.UserID) (cchcbot.Draft, error)
	DeleteDraft(ctx context.Context, user cchcbot.UserID) error

	// The reminder log, for acknowledgements and histories.
	Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error)
	ReminderCounts(ctx context.Context, periodID string) (map[string]cchcbot.ReminderCount, error)
	// QuotaRefused names, by unit, the networks whose quota kept a
	// reminder of the period from the unit.
	QuotaRefused(ctx context.Context, periodID string) (map[string][]string, error)
	// ReminderCountFor is one unit's tally of a period's reminders,
	// which outlives the rows of a period rolled up.
	ReminderCountFor(ctx context.Context, periodID, unitCode string) (cchcbot.ReminderCount, error)
	AckReminder(ctx context.Context, periodID, unitCode, step string, member cchcbot.UserID, now time.Time) error

	// Queue puts messages in the outbox: the sender delivers them once
	// they are committed, whatever happens to the network meanwhile.
	Queue(ctx context.Context, msgs ...*cchcbot.Outgoing) error

	// Small conversation state that must survive a restart.
	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, val []byte) error

	// The office's workflow (issue 14): ad-hoc requests, extensions,
	// exemptions, explanations and absences. Each write is one commit with
	// its audit entry and the messages out returns.
	CreateRequest(ctx context.Context, r *cchcbot.Request, out func(*cchcbot.Request) []*cchcbot.Outgoing) error
	Request(ctx context.Context, id string) (cchcbot.Request, error)
	Requests(ctx context.Context) ([]cchcbot.Request, error)
	UpdateRequest(ctx context.Context, id string, by cchcbot.UserID, now time.Time, fn func(*cchcbot.Request) error, out func(*cchcbot.Request) []*cchcbot.Outgoing) (cchcbot.Request, error)
	CreateExtension(ctx context.Context, e *cchcbot.Extension, out func(*cchcbot.Extension) []*cchcbot.Outgoing) error
	Extension(ctx context.Context, id uint64) (*cchcbot.Extension, error)
	Extensions(ctx context.Context, periodID string) ([]*cchcbot.Extension, error)
	DecideExtension(ctx context.Context, id uint64, state cchcbot.ExtensionState, until cchcbot.Date, note string, by cchcbot.UserID, byName string, now time.Time, out func(*cchcbot.Extension) []*cchcbot.Outgoing) (e *cchcbot.Extension, changed bool, err error)
	CountExtensions(ctx context.Context, unitCode string, year int) (int, error)
	SetExemption(ctx context.Context, x cchcbot.Exemption, out func() []*cchcbot.Outgoing) (created bool, err error)
	RemoveExemption(ctx context.Context, periodID, unitCode string, by cchcbot.UserID, now time.Time) error
	AddExplanation(ctx context.Context, x *cchcbot.Explanation, out func(*cchcbot.Explanation) []*cchcbot.Outgoing) error
	AddAbsence(ctx context.Context, a *cchcbot.Absence) error
	RemoveAbsence(ctx context.Context, id uint64, by cchcbot.UserID, now time.Time) error
	Absences(ctx context.Context, unitCode string) ([]cchcbot.Absence, error)
	// Adjustments are all of one period's decisions, read at once.
	Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error)
	// PeriodStatus is the standing of every unit owing p, with the
	// period's decisions applied.
	PeriodStatus(ctx context.Context, k cchcbot.ReportKind, p cchcbot.Period) (cchcbot.PeriodStatus, error)
}

// Reminders is the scheduler as admins drive it from chat.
type Reminders interface {
	// RemindNow reminds every unit still owing the period, now; it returns
	// how many units were reached. key names the admin's request: the same
	// key again (a press delivered twice, after a crash mid fan-out) sends
	// nothing already sent.
	RemindNow(ctx context.Context, periodID string, by cchcbot.UserID, key string) (int, error)
	// Pending returns how many units RemindNow would reach.
	Pending(ctx context.Context, periodID string) (int, error)
	// Upcoming lists the next planned reminder steps.
	Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error)
}

// Options configure a Service.
type Options struct {
	Store    Store
	Calendar *cchcbot.Calendar // swapped later with SetCalendar
	// Channel answers button presses, fetches the files people send and
	// sends exported files, which are made for the moment and not kept.
	// Every message is queued in the Store instead.
	Channel cchcbot.Channel
	Clock   cchcbot.Clock
	Signer  cchcbot.CallbackSigner
	// Reminders may be nil: /nhacnho and /lichnhac then say so.
	Reminders Reminders
	// AdminNotify is "each" (every new submission), "digest" (the
	// scheduler's morning digest only) or "off". Default "each".
	AdminNotify string
	// MaxFileSize bounds one file of a report. Default 20 MB.
	MaxFileSize int64
	// InviteLink turns an invite code into the link that opens the bot
	// with it on Telegram (https://t.me/<bot>?start=<code>); nil when
	// Telegram is not configured.
	InviteLink func(code string) string
	// ZaloOALink is the office's Zalo Official Account
	// (https://zalo.me/<oa_id>), where a person follows the OA and sends
	// the invite code as a message; "" when Zalo is not configured.
	ZaloOALink string
	// InviteTTL is how long an invite stays valid. Default 7 days.
	InviteTTL time.Duration
	// Office signs messages: "Phòng Nội vụ huyện Quỳ Hợp".
	Office string
	// TempDir holds exports while they are sent. Default os.TempDir().
	TempDir string
	// WebLogin makes a one-time link that signs the admin in to the web
	// dashboard, and says until when it works; nil when the dashboard is
	// off, and /web then says so.
	WebLogin func(ctx context.Context, admin cchcbot.UserID) (link string, expires time.Time, err error)
	// RequestsChanged is called after an ad-hoc request is created,
	// cancelled or has its due date changed (this Service's own calendar
	// is updated already), so that cmd rebuilds the scheduler's calendar
	// with the stored requests. May be nil.
	RequestsChanged func(ctx context.Context) error
	// ExtensionLimit bounds the approved extensions a unit may ask for in
	// one calendar year with /giahan; 0 means no limit. Admins' grants
	// are not bounded.
	ExtensionLimit int
	// ExplainLate says whether a late report asks for its reason before
	// the receipt. Default cchcbot.ExplainOptional.
	ExplainLate cchcbot.ExplainMode
	Logger      *slog.Logger
}

// Service handles what people say to the bot. Handle may be called from
// several goroutines, one per chat.
type Service struct {
	opts Options

	calMu sync.RWMutex
	cal   *cchcbot.Calendar

	limiter *attemptLimiter

	// commands and uploads slow down one person's flood (userlimit.go).
	commands, uploads *userLimiter
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 20 << 20
	}
	if opts.InviteTTL <= 0 {
		opts.InviteTTL = 7 * 24 * time.Hour
	}
	if opts.AdminNotify == "" {
		opts.AdminNotify = "each"
	}
	if opts.ExplainLate == "" {
		opts.ExplainLate = cchcbot.ExplainOptional
	}
	if opts.Office == "" {
		opts.Office = "Phòng Nội vụ"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.InviteLink == nil && opts.ZaloOALink == "" {
		opts.InviteLink = func(code string) string { return "/start " + code }
	}
	return &Service{opts: opts, cal: opts.Calendar, limiter: newAttemptLimiter(maxBadCodes, badCodeWindow, badCodePenalty),
		commands: newUserLimiter(commandLimit), uploads: newUserLimiter(uploadLimit)}
}

// SetCalendar swaps the calendar after a config reload.
func (s *Service) SetCalendar(cal *cchcbot.Calendar) {
	s.calMu.Lock()
	s.cal = cal
	s.calMu.Unlock()
}

func (s *Service) calendar() *cchcbot.Calendar {
	s.calMu.RLock()
	defer s.calMu.RUnlock()
	return s.cal
}

func (s *Service) now() time.Time { return s.opts.Clock.Now().In(s.calendar().Location) }

// who is what a person is to the bot: a stranger, a member of a unit, an
// admin, or both.
type who struct {
	user   cchcbot.UserID
	name   string
	admin  bool
	member *cchcbot.Member
	unit   cchcbot.Unit
}

func (w who) known() bool { return w.admin || w.member != nil }

func (s *Service) identify(ctx context.Context, in cchcbot.Incoming) (who, error) {
	w := who{user: in.User, name: in.Name}
	if _, err := s.opts.Store.Admin(ctx, in.User); err == nil {
		w.admin = true
	} else if cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		return w, err
	}
	m, err := s.opts.Store.Member(ctx, in.User)
	switch {
	case err == nil:
		u, err := s.opts.Store.Unit(ctx, m.UnitCode)
		if err != nil && cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
			return w, err
		}
		// A member of a retired unit is a stranger until invited anew.
		if err == nil && !u.Retired {
			w.member, w.unit = &m, u
			if w.name == "" {
				w.name = m.Name
			}
		}
	case cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND:
		return w, err
	}
	return w, nil
}

// Handle handles one event. Errors a person caused are answered in
// Vietnamese and return nil; faults of ours come back as errors after the
// person has been told to try again. The adapter may deliver an event
// twice: every step that records something checks the draft's nonce or
// the stored state first, so a repeat changes nothing.
func (s *Service) Handle(ctx context.Context, in cchcbot.Incoming) error {
	w, err := s.identify(ctx, in)
	if err != nil {
		if in.Callback != nil {
			s.opts.Channel.AnswerCallback(ctx, in.Callback.ID, "")
		}
		s.fail(ctx, in, err)
		return err
	}
	if s.throttled(ctx, w, in) {
		return nil
	}
	if w.member != nil && w.member.Unreachable {
		// They write to us, so messages get through again.
		if err := s.opts.Store.SetReachable(ctx, in.User, true, "", s.now()); err != nil {
			s.opts.Logger.Warn("clearing the unreachable flag failed", "user", string(in.User), "err", err)
		}
	}
	if in.Callback != nil {
		err = s.handleCallback(ctx, w, in)
	} else {
		err = s.handleMessage(ctx, w, in)
	}
	switch cchcbot.ErrorCode(err) {
	case "":
		return nil
	case cchcbot.EINTERNAL:
		s.fail(ctx, in, err)
		return err
	}
	// A domain error is an answer for the person.
	s.answer(ctx, in.User, cchcbot.ErrorMessage(err))
	return nil
}

func (s *Service) fail(ctx context.Context, in cchcbot.Incoming, err error) {
	s.opts.Logger.Error("handling a message failed", "user", string(in.User), "err", err)
	s.answer(ctx, in.User, msgInternal)
}

// answer tells a person what went wrong. When the store cannot even queue
// the answer (the disk is full, the file is gone) it is sent directly, so
// that the person still hears that nothing was recorded.
func (s *Service) answer(ctx context.Context, to cchcbot.UserID, text string) {
	if err := s.reply(ctx, to, text); err != nil {
		s.opts.Logger.Error("queueing an answer failed; sending it directly", "user", string(to), "err", err)
		if _, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: to, Text: text, Priority: cchcbot.PriorityInteractive}); err != nil {
			s.opts.Logger.Error("sending an answer directly failed", "user", string(to), "err", err)
		}
	}
}

func (s *Service) handleMessage(ctx context.Context, w who, in cchcbot.Incoming) error {
	cmd := ParseCommand(in.Text)
	if cmd.Name == "start" {
		return s.start(ctx, w, in, cmd.Arg)
	}
	if code, ok := bareInviteCode(in.Text); ok && len(in.Files) == 0 {
		// Zalo has no deep link: a person sends the code as a message.
		return s.start(ctx, w, in, code)
	}
	if !w.known() {
		return s.unknownUser(ctx, in)
	}
	if len(in.Files) > 0 {
		if handled, err := s.workflowFiles(ctx, w, in); handled || err != nil {
			return err
		}
		if w.member == nil {
			return s.reply(ctx, in.User, msgAdminNoUnit)
		}
		return s.addFiles(ctx, w, in)
	}
	if cmd.Name == "" {
		return s.text(ctx, w, in)
	}
	if h := memberCommand(cmd.Name); h != nil {
		if w.member == nil && cmd.Name != "huongdan" && cmd.Name != "help" && cmd.Name != "huy" && !forAdminsToo(cmd.Name) {
			return s.reply(ctx, in.User, "Lệnh này dành cho thành viên các đơn vị. Gõ /huongdan để xem các lệnh của cán bộ quản trị.")
		}
		return h(s, ctx, w, cmd)
	}
	if h := adminCommand(cmd.Name); h != nil {
		if !w.admin {
			return s.reply(ctx, in.User, msgAdminOnly)
		}
		return h(s, ctx, w, cmd)
	}
	return s.reply(ctx, in.User, "Không có lệnh /"+cmd.Name+". Gõ /huongdan để xem các lệnh.")
}

// reply answers a person who is waiting: it goes before bulk reminders.
// It returns once the answer is in the outbox, not when it is delivered.
func (s *Service) reply(ctx context.Context, to cchcbot.UserID, text string, buttons ...[]cchcbot.Button) error {
	return s.opts.Store.Queue(ctx, replyTo(to, text, buttons...))
}

// edit replaces a message the person pressed a button on, through the
// outbox like any reply.
func (s *Service) edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons ...[]cchcbot.Button) error {
	m := replyTo(ref.To, text, buttons...)
	m.EditID = ref.ID
	return s.opts.Store.Queue(ctx, m)
}

// replyTo is a reply to a person, not yet queued.
func replyTo(to cchcbot.UserID, text string, buttons ...[]cchcbot.Button) *cchcbot.Outgoing {
	return &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: to, Text: text, Buttons: buttons, Priority: cchcbot.PriorityInteractive}
}

// sign signs button data for one person. The fields are ours and short, so
// a failure is a fault of ours; it is logged and the button goes out dead
// (refused when pressed) rather than failing the whole reply.
func (s *Service) sign(to cchcbot.UserID, action string, fields ...string) string {
	data, err := s.opts.Signer.Sign(to, action, fields...)
	if err != nil {
		s.opts.Logger.Error("button data too long", "action", action, "err", err)
	}
	return data
}
