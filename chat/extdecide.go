package chat

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cchcbot"
)

// An admin decides a unit's request for more time with the buttons of
// its "ĐƠN XIN GIA HẠN" notice: "Đồng ý" grants the date asked; "Rút
// ngắn" and "Không đồng ý" ask for a date or a reason in the next message
// (pendingDecision). The decision and the unit's notices are one commit;
// a second admin pressing later hears it was decided already.

// decisionTTL is how long the bot waits for the date or reason of a
// decision.
const decisionTTL = 30 * time.Minute

// pendingDecision is an admin's decision waiting for its date or reason.
type pendingDecision struct {
	ExtID   uint64
	Verdict string // cchcbot.ExtVerdictShorten or ExtVerdictRefuse
	At      time.Time
}

func (d *pendingDecision) stamp() time.Time { return d.At }

func decisionKey(admin cchcbot.UserID) string { return "chat/giahan-xet/" + string(admin) }

// decisionPress acts on an admin's press of a decision button.
func (s *Service) decisionPress(ctx context.Context, w who, id uint64, verdict string, answer func(string) error) error {
	e, err := s.opts.Store.Extension(ctx, id)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return answer(staleButton)
	} else if err != nil {
		return err
	}
	if s.ownExtension(ctx, w, e) {
		s.opts.Logger.Warn("refused an extension decision by its requester", "user", string(w.user), "extension", id)
		return answer("Đồng chí là người đề nghị gia hạn nên không thể tự xét đơn này; xin đề nghị cán bộ quản trị khác xét.")
	}
	if e.State != cchcbot.ExtensionRequested {
		answer("Đơn này đã được xét.")
		return s.reply(ctx, w.user, s.decidedAlready(e))
	}
	switch verdict {
	case cchcbot.ExtVerdictApprove:
		answer("")
		return s.decide(ctx, w, e, cchcbot.ExtensionApproved, e.Proposed, "")
	case cchcbot.ExtVerdictShorten, cchcbot.ExtVerdictRefuse:
		answer("")
		if err := s.dropFlow(ctx, returnKey(w.user)); err != nil { // this question is the latest
			return err
		}
		if err := s.saveFlow(ctx, decisionKey(w.user), &pendingDecision{ExtID: id, Verdict: verdict, At: s.now()}); err != nil {
			return err
		}
		return s.reply(ctx, w.user, s.decisionQuestion(ctx, e, verdict))
	}
	return answer(staleButton)
}

// ownExtension reports whether w asked for e: nobody decides their own
// request, on any of their accounts (a Telegram and a Zalo account linked
// as one person).
func (s *Service) ownExtension(ctx context.Context, w who, e *cchcbot.Extension) bool {
	if e.RequestedBy == w.user {
		return true
	}
	self := w.user
	if w.member != nil {
		self = w.member.PersonKey()
	}
	asker := e.RequestedBy
	if m, err := s.opts.Store.Member(ctx, e.RequestedBy); err == nil {
		asker = m.PersonKey()
	}
	return asker == self
}

func (s *Service) decisionQuestion(ctx context.Context, e *cchcbot.Extension, verdict string) string {
	unit := e.UnitCode
	if u, err := s.opts.Store.Unit(ctx, e.UnitCode); err == nil {
		unit = u.Name
	}
	p := s.extPeriod(e)
	if verdict == cchcbot.ExtVerdictShorten {
		return fmt.Sprintf("Rút ngắn gia hạn %s của %s (đơn số %d, đề nghị đến %s).\nXin nhập ngày gia hạn theo dạng dd/mm/yyyy: sau hạn nộp %s và trước %s; có thể ghi thêm ghi chú sau ngày. Ví dụ: %s Hoàn thành sớm để kịp tổng hợp. Gõ /huy để thôi.",
			p.Label, unit, e.ID, e.Proposed.VN(), p.Due.VN(), e.Proposed.VN(), p.Due.AddDays(max(1, p.Due.DaysUntil(e.Proposed)/2)).VN())
	}
	return fmt.Sprintf("Không đồng ý gia hạn %s của %s (đơn số %d, đề nghị đến %s).\nXin nhập lý do trong tin nhắn tiếp theo; lý do sẽ được gửi tới đơn vị. Gõ /huy để thôi.",
		p.Label, unit, e.ID, e.Proposed.VN())
}

// extPeriod is e's period as the calendar has it, or a stand-in naming it.
func (s *Service) extPeriod(e *cchcbot.Extension) cchcbot.Period {
	p, err := s.calendar().Period(e.PeriodID)
	if err != nil {
		return cchcbot.Period{ID: e.PeriodID, Label: e.PeriodID}
	}
	return p
}

// decidedAlready says who decided e, and how.
func (s *Service) decidedAlready(e *cchcbot.Extension) string {
	p := s.extPeriod(e)
	text := fmt.Sprintf("Đơn xin gia hạn số %d (%s) đã được xét: %s", e.ID, p.Label, strings.ToLower(e.State.Label()))
	if e.Approved() {
		text += " đến " + e.Until.VN()
	}
	if e.DecidedByName != "" || e.DecidedBy != "" {
		text += fmt.Sprintf(", do %s xét lúc %s", or(e.DecidedByName, e.DecidedBy.Local()), timeVN(e.DecidedAt, s.calendar().Location))
	}
	return text + ". Không có gì thay đổi."
}

// decisionText takes the date or reason an admin's decision waits for.
func (s *Service) decisionText(ctx context.Context, w who, text string) (bool, error) {
	var d pendingDecision
	ok, err := s.loadFlow(ctx, decisionKey(w.user), decisionTTL, &d)
	if !ok || err != nil {
		return false, err
	}
	e, err := s.opts.Store.Extension(ctx, d.ExtID)
	if err != nil {
		return true, err
	}
	if e.State != cchcbot.ExtensionRequested {
		if err := s.opts.Store.PutState(ctx, decisionKey(w.user), nil); err != nil {
			return true, err
		}
		return true, s.reply(ctx, w.user, s.decidedAlready(e))
	}
	text = strings.TrimSpace(text)
	if d.Verdict == cchcbot.ExtVerdictRefuse {
		if n := utf8.RuneCountInString(text); n == 0 || n > maxReason {
			return true, s.reply(ctx, w.user, fmt.Sprintf("Lý do cần từ 1 đến %d ký tự. Xin nhập lại, hoặc gõ /huy để thôi.", maxReason))
		}
		if err := s.opts.Store.PutState(ctx, decisionKey(w.user), nil); err != nil {
			return true, err
		}
		return true, s.decide(ctx, w, e, cchcbot.ExtensionRefused, cchcbot.Date{}, text)
	}
	first, note, _ := strings.Cut(text, " ")
	until, err := parseDate(first)
	if err != nil {
		return true, s.reply(ctx, w.user, cchcbot.ErrorMessage(err)+" Gõ /huy để thôi.")
	}
	p := s.extPeriod(e)
	if !until.After(p.Due) || !until.Before(e.Proposed) {
		return true, s.reply(ctx, w.user, fmt.Sprintf("Ngày rút ngắn phải sau hạn nộp %s và trước ngày đơn vị đề nghị %s. Xin nhập lại, hoặc gõ /huy để thôi.", p.Due.VN(), e.Proposed.VN()))
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxReason {
		return true, s.reply(ctx, w.user, fmt.Sprintf("Ghi chú quá dài (tối đa %d ký tự). Xin nhập lại.", maxReason))
	}
	if err := s.opts.Store.PutState(ctx, decisionKey(w.user), nil); err != nil {
		return true, err
	}
	return true, s.decide(ctx, w, e, cchcbot.ExtensionApproved, until, note)
}

// decide records an admin's decision and tells the unit's members and the
// admin, in one commit; a decision made meanwhile by another admin is
// said instead.
func (s *Service) decide(ctx context.Context, w who, e *cchcbot.Extension, state cchcbot.ExtensionState, until cchcbot.Date, note string) error {
	u, err := s.opts.Store.Unit(ctx, e.UnitCode)
	if err != nil {
		return err
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	p := s.extPeriod(e)
	got, changed, err := s.opts.Store.DecideExtension(ctx, e.ID, state, until, note, w.user, w.name, s.now(), func(e *cchcbot.Extension) []*cchcbot.Outgoing {
		verb := "Đã ĐỒNG Ý gia hạn"
		if !e.Approved() {
			verb = "Đã KHÔNG ĐỒNG Ý gia hạn"
		}
		text := fmt.Sprintf("%s %s cho %s (đơn số %d)", verb, p.Label, u.Name, e.ID)
		if e.Approved() {
			text += " đến " + e.Until.VN()
		}
		return append(memberNotices(members, s.extensionNotice(u, p, e)), replyTo(w.user, text+". "+toldVN(u, len(members))))
	})
	if err != nil {
		return err
	}
	if !changed {
		return s.reply(ctx, w.user, s.decidedAlready(got))
	}
	s.opts.Logger.Info("extension decided", "extension", e.ID, "state", string(state), "by", string(w.user))
	return nil
}
