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

// Store is what the conversation needs of the store.
type Store interface {
	cchcbot.UnitService
	cchcbot.InviteService
	cchcbot.SubmissionService
	cchcbot.DraftService
	cchcbot.FileStore
	Reminders(ctx context.Context, periodID string) ([]cchcbot.Reminder, error)
	RemindersFor(ctx context.Context, periodID, unitCode string) ([]cchcbot.Reminder, error)
	AckReminder(ctx context.Context, periodID, unitCode, step string, member cchcbot.UserID, now time.Time) error
	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, val []byte) error
}

// Reminders is the scheduler as admins drive it from chat.
type Reminders interface {
	RemindNow(ctx context.Context, periodID string, by cchcbot.UserID) (int, error)
	Pending(ctx context.Context, periodID string) (int, error)
	Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error)
}

// Options configure a Service.
type Options struct {
	Store     Store
	Calendar  *cchcbot.Calendar
	Channel   cchcbot.Channel
	Clock     cchcbot.Clock
	Signer    cchcbot.CallbackSigner
	Reminders Reminders // may be nil: /nhacnho and /lichnhac then say so
	// AdminNotify is "each" (every new submission), "digest" or "off".
	AdminNotify string
	MaxFileSize int64
	// InviteLink turns a code into the link that opens the bot with it.
	InviteLink func(code string) string
	InviteTTL  time.Duration
	Office     string
	Logger     *slog.Logger
}

// Service handles what people say to the bot.
type Service struct {
	opts Options

	calMu sync.RWMutex
	cal   *cchcbot.Calendar

	limiter *attemptLimiter
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
	if opts.Office == "" {
		opts.Office = "Phòng Nội vụ"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.InviteLink == nil {
		opts.InviteLink = func(code string) string { return code }
	}
	return &Service{opts: opts, cal: opts.Calendar, limiter: newAttemptLimiter(5, 15*time.Minute)}
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

// who is what a person is to the bot.
type who struct {
	user   cchcbot.UserID
	name   string
	admin  bool
	member *cchcbot.Member
	unit   cchcbot.Unit
}

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
		if err != nil {
			return w, err
		}
		if !u.Retired {
			w.member, w.unit = &m, u
		}
	case cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND:
		return w, err
	}
	return w, nil
}

// Handle handles one event. Errors a person caused are answered in
// Vietnamese and return nil; only faults of ours come back as errors,
// after the person has been told to try again.
func (s *Service) Handle(ctx context.Context, in cchcbot.Incoming) error {
	w, err := s.identify(ctx, in)
	if err != nil {
		s.fail(ctx, in, err)
		return err
	}
	if w.member != nil && w.member.Unreachable {
		// They write to us, so messages get through again.
		s.opts.Store.SetReachable(ctx, in.User, true, "", s.now())
	}
	if in.Callback != nil {
		err = s.handleCallback(ctx, w, in)
	} else {
		err = s.handleMessage(ctx, w, in)
	}
	if err != nil && cchcbot.ErrorCode(err) != cchcbot.EINTERNAL {
		// A domain error is an answer for the person.
		return s.reply(ctx, in.User, cchcbot.ErrorMessage(err))
	}
	if err != nil {
		s.fail(ctx, in, err)
	}
	return err
}

func (s *Service) fail(ctx context.Context, in cchcbot.Incoming, err error) {
	s.opts.Logger.Error("handling a message failed", "user", string(in.User), "err", err)
	msg := "Hệ thống gặp lỗi khi xử lý yêu cầu. Xin vui lòng thử lại sau ít phút; nếu vẫn lỗi, xin báo phòng Nội vụ."
	if in.Callback != nil {
		s.opts.Channel.AnswerCallback(ctx, in.Callback.ID, "")
	}
	s.reply(ctx, in.User, msg)
}

func (s *Service) handleMessage(ctx context.Context, w who, in cchcbot.Incoming) error {
	cmd := ParseCommand(in.Text)
	if cmd.Name == "start" {
		return s.start(ctx, w, in, cmd.Arg)
	}
	if !w.admin && w.member == nil {
		return s.unknownUser(ctx, in)
	}
	if len(in.Files) > 0 {
		if w.member == nil {
			return s.reply(ctx, in.User, "Tài khoản cán bộ quản trị không gắn với đơn vị nào nên không nộp báo cáo được. Nếu cần nộp thay đơn vị, xin dùng tài khoản đã được mời vào đơn vị đó.")
		}
		return s.addFiles(ctx, w, in)
	}
	if cmd.Name == "" {
		return s.text(ctx, w, in)
	}
	if h := memberCommand(cmd.Name); h != nil {
		if w.member == nil && cmd.Name != "huongdan" && cmd.Name != "huy" {
			return s.reply(ctx, in.User, "Lệnh này dành cho thành viên các đơn vị. Gõ /huongdan để xem các lệnh của cán bộ phòng Nội vụ.")
		}
		return h(s, ctx, w, cmd)
	}
	if h := adminCommand(cmd.Name); h != nil {
		if !w.admin {
			return s.reply(ctx, in.User, "Lệnh này chỉ dành cho cán bộ phòng Nội vụ. Gõ /huongdan để xem các lệnh của đơn vị.")
		}
		return h(s, ctx, w, cmd)
	}
	return s.reply(ctx, in.User, "Không có lệnh /"+cmd.Name+". Gõ /huongdan để xem các lệnh.")
}

// reply answers a person who is waiting: it goes before bulk reminders.
func (s *Service) reply(ctx context.Context, to cchcbot.UserID, text string, buttons ...[]cchcbot.Button) error {
	_, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: to, Text: text, Buttons: buttons, Priority: cchcbot.PriorityInteractive})
	return err
}

// sign signs button data for one person; the fields are ours, so a
// failure is a fault.
func (s *Service) sign(to cchcbot.UserID, action string, fields ...string) string {
	data, err := s.opts.Signer.Sign(to, action, fields...)
	if err != nil {
		s.opts.Logger.Error("button data too long", "action", action, "err", err)
	}
	return data
}
