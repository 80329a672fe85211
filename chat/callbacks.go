package chat

import (
	"context"
	"strconv"

	"cchcbot"
)

const staleButton = "Nút bấm này không còn hiệu lực."

// handleCallback verifies a button press before anything else: a forged,
// altered or stale press is answered and changes nothing.
func (s *Service) handleCallback(ctx context.Context, w who, in cchcbot.Incoming) error {
	cb := in.Callback
	action, f, err := s.opts.Signer.Verify(in.User, cb.Data)
	if err != nil {
		s.opts.Logger.Warn("refused a button press", "user", string(in.User))
		return s.opts.Channel.AnswerCallback(ctx, cb.ID, staleButton)
	}
	if !w.admin && w.member == nil {
		return s.unknownUser(ctx, in)
	}
	answer := func(text string) error { return s.opts.Channel.AnswerCallback(ctx, cb.ID, text) }
	need := func(n int) bool { return len(f) == n }
	switch {
	case action == cchcbot.ActionAck && need(2) && w.member != nil:
		err := s.opts.Store.AckReminder(ctx, f[0], w.unit.Code, f[1], w.user, s.now())
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
			return answer(staleButton)
		} else if err != nil {
			return err
		}
		if err := answer("Đã ghi nhận. Cảm ơn đồng chí."); err != nil {
			return err
		}
		// Keep "Nộp báo cáo" under the reminder; the acknowledgement is done.
		return s.opts.Channel.Edit(ctx, cb.Message, s.ackedText(ctx, f[0]), [][]cchcbot.Button{{{Text: "📎 Nộp báo cáo", Data: s.sign(w.user, cchcbot.ActionSubmit, f[0])}}})
	case action == cchcbot.ActionSubmit && need(1) && w.member != nil:
		answer("")
		p, err := s.calendar().Period(f[0])
		if err != nil {
			return answer(staleButton)
		}
		if k, _ := s.calendar().Kind(p.KindID); !k.Owes(w.unit) {
			return s.reply(ctx, w.user, staleButton)
		}
		return s.startDraft(ctx, w, p)
	case (action == cchcbot.ActionPickPeriod && need(2) || (action == cchcbot.ActionConfirm || action == cchcbot.ActionCancel || action == cchcbot.ActionSkip) && need(1)) && w.member != nil:
		d, err := s.opts.Store.Draft(ctx, w.user)
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND || err == nil && d.Nonce != f[0] {
			return answer(staleButton) // the draft was sent, cancelled or replaced
		} else if err != nil {
			return err
		}
		answer("")
		return s.draftButton(ctx, w, d, action, f)
	case (action == cchcbot.ActionAccept || action == cchcbot.ActionReturn) && need(1) && w.admin:
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return answer(staleButton)
		}
		answer("")
		if action == cchcbot.ActionAccept {
			return s.review(ctx, w, id, cchcbot.StateAccepted, "")
		}
		return s.askReturnReason(ctx, w, id)
	case action == cchcbot.ActionStatus && need(2) && w.admin:
		page, _ := strconv.Atoi(f[1])
		p, err := s.calendar().Period(f[0])
		if err != nil {
			return answer(staleButton)
		}
		answer("")
		text, buttons, err := s.statusPage(ctx, w, p, page)
		if err != nil {
			return err
		}
		return s.opts.Channel.Edit(ctx, cb.Message, text, buttons)
	case action == cchcbot.ActionRemindNow && need(1) && w.admin:
		answer("")
		return s.remindNow(ctx, w, f[0])
	}
	return answer(staleButton)
}

func (s *Service) ackedText(ctx context.Context, periodID string) string {
	label := periodID
	if p, err := s.calendar().Period(periodID); err == nil {
		label = p.Label
	}
	return "✅ Đã xác nhận nhận được lời nhắc: " + label + ". Lời nhắc sẽ dừng khi đơn vị nộp báo cáo."
}

func (s *Service) draftButton(ctx context.Context, w who, d cchcbot.Draft, action string, f []string) error {
	switch action {
	case cchcbot.ActionCancel:
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		return s.reply(ctx, w.user, "Đã hủy. Chưa có báo cáo nào được nộp.")
	case cchcbot.ActionPickPeriod:
		if d.Stage != stagePick {
			return s.reply(ctx, w.user, staleButton)
		}
		p, err := s.calendar().Period(f[1])
		k, _ := s.calendar().Kind(p.KindID)
		if err != nil || !p.IsOpen(s.now()) || !k.Owes(w.unit) {
			return s.reply(ctx, w.user, staleButton+" Kỳ báo cáo này không còn nhận bài.")
		}
		d.PeriodID, d.Stage = p.ID, stageDocNo
		if !p.RequiresFile {
			d.Stage = stageNote
		}
	case cchcbot.ActionSkip:
		if d.Stage != stageDocNo && d.Stage != stageNote {
			return s.reply(ctx, w.user, staleButton)
		}
		d.Stage = stageConfirm
	case cchcbot.ActionConfirm:
		if d.Stage != stageConfirm {
			return s.reply(ctx, w.user, staleButton)
		}
		return s.confirm(ctx, w, d)
	}
	d.UpdatedAt = s.now()
	if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}
