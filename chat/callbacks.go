package chat

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"cchcbot"
)

// maxAnswer bounds a callback answer: networks show it as a short toast
// (Telegram takes 200 characters).
const maxAnswer = 190

// handleCallback handles a button press. The press is answered exactly
// once, whatever happens; a forged, altered or stale press is refused and
// changes nothing.
func (s *Service) handleCallback(ctx context.Context, w who, in cchcbot.Incoming) error {
	if !w.known() {
		return s.unknownUser(ctx, in)
	}
	cb := in.Callback
	answered := false
	answer := func(text string) error {
		if answered {
			return nil
		}
		answered = true
		if utf8.RuneCountInString(text) > maxAnswer {
			text = string([]rune(text)[:maxAnswer-1]) + "…"
		}
		return s.opts.Channel.AnswerCallback(ctx, cb.ID, text)
	}
	action, f, err := s.opts.Signer.Verify(in.User, cb.Data)
	if err != nil {
		s.opts.Logger.Warn("refused a button press", "user", string(in.User))
		return answer(staleButton)
	}
	err = s.press(ctx, w, cb, action, f, answer)
	if !answered {
		text := ""
		if c := cchcbot.ErrorCode(err); c != "" && c != cchcbot.EINTERNAL {
			text = cchcbot.ErrorMessage(err)
		}
		if aerr := answer(text); aerr != nil {
			s.opts.Logger.Warn("answering a button press failed", "user", string(in.User), "err", aerr)
		}
	}
	return err
}

// press acts on a verified press. Each action is taken only from the kind
// of person it was made for: a member's draft buttons, an admin's review
// and status buttons.
func (s *Service) press(ctx context.Context, w who, cb *cchcbot.CallbackPress, action string, f []string, answer func(string) error) error {
	member, admin := w.member != nil, w.admin
	switch {
	case action == cchcbot.ActionAck && len(f) == 2 && member:
		return s.ack(ctx, w, cb, f[0], f[1], answer)
	case action == cchcbot.ActionSubmit && len(f) == 1 && member:
		p, err := s.calendar().Period(f[0])
		if k, _ := s.calendar().Kind(p.KindID); err != nil || !k.Owes(w.unit) || k.Cancelled {
			return answer(staleButton)
		}
		answer("")
		return s.startDraft(ctx, w, p)
	case action == cchcbot.ActionPickPeriod && len(f) == 2 && member,
		(action == cchcbot.ActionConfirm || action == cchcbot.ActionCancel || action == cchcbot.ActionSkip) && len(f) == 1 && member:
		d, ok, err := s.loadDraft(ctx, w)
		if err != nil {
			return err
		}
		if !ok || d.Nonce != f[0] {
			return answer(staleButton) // the draft was sent, cancelled or replaced
		}
		return s.draftButton(ctx, w, d, action, f, answer)
	case (action == cchcbot.ActionAccept || action == cchcbot.ActionReturn) && len(f) == 1 && admin:
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return answer(staleButton)
		}
		answer("")
		if action == cchcbot.ActionAccept {
			return s.review(ctx, w, id, cchcbot.StateAccepted, "")
		}
		// The reason of a return is the next text: not an extension's.
		if err := s.dropFlow(ctx, decisionKey(w.user)); err != nil {
			return err
		}
		return s.askReturnReason(ctx, w, id)
	case action == cchcbot.ActionStatus && len(f) == 2 && admin:
		p, err := s.calendar().Period(f[0])
		page, perr := strconv.Atoi(f[1])
		if err != nil || perr != nil {
			return answer(staleButton)
		}
		answer("")
		text, buttons, err := s.statusPage(ctx, w, p, page)
		if err != nil {
			return err
		}
		return s.edit(ctx, cb.Message, text, buttons...)
	case action == cchcbot.ActionRemindNow && len(f) == 2 && admin:
		if _, err := s.calendar().Period(f[0]); err != nil {
			// The period left the config since the question was asked:
			// the question must not read as confirmed.
			return answer(staleButton)
		}
		answer("")
		return s.remindNow(ctx, w, f[0], f[1], cb.Message)
	case action == cchcbot.ActionRequest || action == cchcbot.ActionExtend || action == cchcbot.ActionExtDecide || action == cchcbot.ActionExplain:
		return s.workflowPress(ctx, w, cb, action, f, answer)
	}
	return answer(staleButton)
}

// draftButton handles the buttons of a draft whose nonce matched.
func (s *Service) draftButton(ctx context.Context, w who, d cchcbot.Draft, action string, f []string, answer func(string) error) error {
	switch action {
	case cchcbot.ActionCancel:
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		answer("Đã hủy.")
		return s.reply(ctx, w.user, "Đã hủy hồ sơ đang soạn. Chưa có báo cáo nào được nộp.")
	case cchcbot.ActionPickPeriod:
		if d.Stage != stagePick && d.PeriodID == f[1] {
			// Applied already, but the next question may never have gone
			// out (a restart between saving the draft and sending it):
			// ask it again rather than strand the member.
			answer("")
			return s.prompt(ctx, w, d)
		}
		if d.Stage != stagePick {
			return answer(staleButton)
		}
		answer("")
		return s.pickPeriod(ctx, w, d, f[1])
	case cchcbot.ActionSkip:
		if d.Stage == stageConfirm {
			answer("") // applied already: ask the question again, as above
			return s.prompt(ctx, w, d)
		}
		if d.Stage != stageDocNo && d.Stage != stageNote {
			return answer(staleButton)
		}
		answer("")
		d.Stage = stageConfirm
		if err := s.saveDraft(ctx, d); err != nil {
			return err
		}
		return s.prompt(ctx, w, d)
	case cchcbot.ActionConfirm:
		if d.Stage != stageConfirm {
			return answer(staleButton)
		}
		return s.confirm(ctx, w, d, answer)
	}
	return answer(staleButton)
}

// ack records a member's "Đã nhận" on a reminder and rewrites the
// reminder: the acknowledgement shows, "Nộp báo cáo" stays while the unit
// still owes the period.
func (s *Service) ack(ctx context.Context, w who, cb *cchcbot.CallbackPress, periodID, step string, answer func(string) error) error {
	now := s.now()
	err := s.opts.Store.AckReminder(ctx, periodID, w.unit.Code, step, w.user, now)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return answer(staleButton)
	} else if err != nil {
		return err
	}
	answer("Đã ghi nhận. Cảm ơn đồng chí.")
	p, err := s.calendar().Period(periodID)
	if err != nil {
		return s.edit(ctx, cb.Message, "✅ Đã xác nhận nhận được lời nhắc lúc "+timeVN(now, s.calendar().Location)+".")
	}
	text := "NHẮC VIỆC: " + p.Label + "\n" + reportHeader(w.unit, p, now) +
		fmt.Sprintf("\n✅ %s đã xác nhận nhận được lời nhắc lúc %s.", or(w.name, "Thành viên đơn vị"), timeVN(now, s.calendar().Location))
	var buttons [][]cchcbot.Button
	latest, err := s.latest(ctx, p.ID, w.unit.Code)
	if err != nil {
		return err
	}
	if !cchcbot.StateOf(latest).Done() {
		text += " Lời nhắc sẽ tiếp tục cho đến khi đơn vị nộp báo cáo."
		buttons = [][]cchcbot.Button{{{Text: "📎 Nộp báo cáo", Data: s.sign(w.user, cchcbot.ActionSubmit, p.ID)}}}
	}
	return s.edit(ctx, cb.Message, text, buttons...)
}
