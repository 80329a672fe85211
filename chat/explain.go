package chat

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cchcbot"
)

// Late explanations ("giải trình"): after the confirm press of a late
// report (judged against the unit's extension) the member is asked why,
// before anything is recorded; the reason goes with the submission
// (Submission.Explanation). Options.ExplainLate says whether the reason is
// required, optional (a "Bỏ qua" button) or never asked. /giaitrinh lets a
// unit explain without a report.

// stageExplain is a draft waiting for the reason it is late.
const stageExplain = "explain"

// explainPick is the first field of ActionExplain on a /giaitrinh period
// button; the draft's "Bỏ qua" has the draft's nonce alone.
const explainPick = "ky"

// lateReason is the reason given for a draft's late report, kept until
// the report is recorded: a failed download must not ask again.
type lateReason struct {
	Nonce   string
	Text    string
	Skipped bool
	At      time.Time
}

func (r *lateReason) stamp() time.Time { return r.At }

func lateReasonKey(u cchcbot.UserID) string { return "chat/ly-do-tre/" + string(u) }

// lateReasonTTL matches a draft's life: the reason lasts as long as the
// draft it belongs to (its nonce ties them).
const lateReasonTTL = 30 * 24 * time.Hour

// lateExplanation returns the reason of a late draft, or asks for it and
// reports asked: nothing is recorded until it comes (or is skipped).
func (s *Service) lateExplanation(ctx context.Context, w who, d cchcbot.Draft, up cchcbot.Period, now time.Time) (text string, asked bool, err error) {
	mode := s.opts.ExplainLate
	if mode == cchcbot.ExplainOff || up.DaysLate(now) == 0 {
		return "", false, nil
	}
	var r lateReason
	ok, err := s.loadFlow(ctx, lateReasonKey(w.user), lateReasonTTL, &r)
	if err != nil {
		return "", false, err
	}
	if ok && r.Nonce == d.Nonce && (r.Text != "" || r.Skipped && mode != cchcbot.ExplainRequired) {
		return r.Text, false, nil
	}
	d.Stage = stageExplain
	if err := s.saveDraft(ctx, d); err != nil {
		return "", false, err
	}
	return "", true, s.askLateReason(ctx, w, d, up, now)
}

func (s *Service) askLateReason(ctx context.Context, w who, d cchcbot.Draft, up cchcbot.Period, now time.Time) error {
	text := fmt.Sprintf("%s của %s được nộp TRỄ %d ngày so với hạn %s", up.Label, w.unit.Name, up.DaysLate(now), up.Due.VN())
	if up.Extended() {
		text += " (hạn đã gia hạn)"
	}
	text += fmt.Sprintf(".\nXin nêu ngắn gọn lý do nộp trễ (tối đa %d ký tự); lý do được gửi kèm báo cáo tới %s.", maxReason, s.opts.Office)
	cancel := cchcbot.Button{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}
	row := []cchcbot.Button{cancel}
	if s.opts.ExplainLate == cchcbot.ExplainRequired {
		text += " Báo cáo chỉ được ghi nhận sau khi có lý do."
	} else {
		text += " Nếu không muốn nêu lý do, bấm \"Bỏ qua\" để nộp ngay."
		row = []cchcbot.Button{{Text: "⏭ Bỏ qua, nộp không kèm lý do", Data: s.sign(w.user, cchcbot.ActionExplain, d.Nonce)}, cancel}
	}
	return s.reply(ctx, w.user, text, row)
}

// lateReasonText takes the reason a late draft waits for and submits.
func (s *Service) lateReasonText(ctx context.Context, w who, text string) (bool, error) {
	d, ok, err := s.loadDraft(ctx, w)
	if !ok || err != nil || d.Stage != stageExplain {
		return false, err
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > maxReason {
		return true, s.reply(ctx, w.user, fmt.Sprintf("Lý do nộp trễ cần từ 1 đến %d ký tự. Xin nhập lại, hoặc gõ /huy để hủy hồ sơ.", maxReason))
	}
	return true, s.submitLate(ctx, w, d, lateReason{Nonce: d.Nonce, Text: text, At: s.now()}, func(string) error { return nil })
}

// skipLateReason is the "Bỏ qua" of an optional late reason.
func (s *Service) skipLateReason(ctx context.Context, w who, nonce string, answer func(string) error) error {
	d, ok, err := s.loadDraft(ctx, w)
	if err != nil {
		return err
	}
	if !ok || d.Nonce != nonce || d.Stage != stageExplain || s.opts.ExplainLate == cchcbot.ExplainRequired {
		return answer(staleButton)
	}
	return s.submitLate(ctx, w, d, lateReason{Nonce: d.Nonce, Skipped: true, At: s.now()}, answer)
}

// submitLate keeps the reason, then confirms the draft as its press did.
func (s *Service) submitLate(ctx context.Context, w who, d cchcbot.Draft, r lateReason, answer func(string) error) error {
	if err := s.saveFlow(ctx, lateReasonKey(w.user), &r); err != nil {
		return err
	}
	d.Stage = stageConfirm
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	return s.confirm(ctx, w, d, answer)
}

// forgetLateReason drops a late reason once its report is recorded.
func (s *Service) forgetLateReason(ctx context.Context, user cchcbot.UserID) {
	if err := s.dropFlow(ctx, lateReasonKey(user)); err != nil {
		s.opts.Logger.Warn("dropping a late reason failed", "user", string(user), "err", err)
	}
}

// explanationFlow is a member's /giaitrinh waiting for its text.
type explanationFlow struct {
	PeriodID string
	At       time.Time
}

func (f *explanationFlow) stamp() time.Time { return f.At }

func explanationKey(u cchcbot.UserID) string { return "chat/giaitrinh/" + string(u) }

// explainCmd is /giaitrinh [kỳ] [nội dung]: a unit's explanation without
// a report.
func (s *Service) explainCmd(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) > 0 {
		p, err := s.resolvePeriodArg(cmd.Args[0])
		if err != nil {
			return s.reply(ctx, w.user, "Không tìm thấy kỳ báo cáo đã ghi. Cú pháp: /giaitrinh [kỳ] [nội dung giải trình], ví dụ: /giaitrinh 02/2024 Cán bộ phụ trách nghỉ ốm, đơn vị sẽ nộp trước ngày 20/02/2024.")
		}
		if text := strings.TrimSpace(strings.TrimPrefix(cmd.Arg, cmd.Args[0])); text != "" {
			if k, _ := s.calendar().Kind(p.KindID); !k.Owes(w.unit) {
				return s.reply(ctx, w.user, fmt.Sprintf("%s không phải nộp %s.", w.unit.Name, p.Label))
			}
			return s.addExplanation(ctx, w, p, text)
		}
		return s.startExplanation(ctx, w, p)
	}
	periods, err := s.owedPeriods(ctx, w)
	if err != nil {
		return err
	}
	switch len(periods) {
	case 0:
		return s.reply(ctx, w.user, "Hiện "+w.unit.Name+" không có báo cáo nào đang nhận bài mà chưa nộp, nên không có gì cần giải trình. Nếu cần giải trình cho một kỳ cụ thể, xin gõ /giaitrinh <kỳ>, ví dụ: /giaitrinh 02/2024.")
	case 1:
		return s.startExplanation(ctx, w, periods[0])
	}
	var rows [][]cchcbot.Button
	for _, p := range periods {
		rows = append(rows, []cchcbot.Button{{Text: "Giải trình: " + p.Label + " – hạn " + p.Due.VN(), Data: s.sign(w.user, cchcbot.ActionExplain, explainPick, p.ID)}})
	}
	return s.reply(ctx, w.user, "GIẢI TRÌNH VIỆC CHƯA NỘP BÁO CÁO – "+w.unit.Name+"\nXin chọn báo cáo cần giải trình:", rows...)
}

// startExplanation asks for the text of an explanation for p.
func (s *Service) startExplanation(ctx context.Context, w who, p cchcbot.Period) error {
	if k, _ := s.calendar().Kind(p.KindID); !k.Owes(w.unit) {
		return s.reply(ctx, w.user, fmt.Sprintf("%s không phải nộp %s.", w.unit.Name, p.Label))
	}
	up, err := s.unitPeriod(ctx, p, w.unit.Code)
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.saveFlow(ctx, explanationKey(w.user), &explanationFlow{PeriodID: p.ID, At: now}); err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("GIẢI TRÌNH: %s\nHạn nộp: %s – %s.\nXin nêu ngắn gọn lý do chưa nộp được báo cáo và thời gian dự kiến hoàn thành (tối đa %d ký tự); nội dung sẽ được gửi tới %s. Gõ /huy để thôi.",
		up.Label, dueVN(up), cchcbot.DaysLeftVN(up.DaysLeft(now)), maxReason, s.opts.Office))
}

// explanationText takes the text /giaitrinh waits for.
func (s *Service) explanationText(ctx context.Context, w who, text string) (bool, error) {
	var f explanationFlow
	ok, err := s.loadFlow(ctx, explanationKey(w.user), extensionTTL, &f)
	if !ok || err != nil {
		return false, err
	}
	if newer, err := s.draftNewer(ctx, w, f.At); newer || err != nil {
		return false, err
	}
	p, err := s.calendar().Period(f.PeriodID)
	if err != nil {
		return true, s.opts.Store.PutState(ctx, explanationKey(w.user), nil)
	}
	return true, s.addExplanation(ctx, w, p, text)
}

// addExplanation records a unit's explanation and tells the admins, in
// one commit.
func (s *Service) addExplanation(ctx context.Context, w who, p cchcbot.Period, text string) error {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > maxReason {
		return s.reply(ctx, w.user, fmt.Sprintf("Nội dung giải trình cần từ 1 đến %d ký tự. Xin nhập lại, hoặc gõ /huy để thôi.", maxReason))
	}
	up, err := s.unitPeriod(ctx, p, w.unit.Code)
	if err != nil {
		return err
	}
	admins, err := s.opts.Store.Admins(ctx)
	if err != nil {
		return err
	}
	done, err := s.unitDone(ctx, p, w.unit.Code)
	if err != nil {
		return err
	}
	stillOwed := fmt.Sprintf(" Đơn vị vẫn cần nộp báo cáo khi hoàn thành (hạn %s).", up.Due.VN())
	if done {
		stillOwed = ""
	}
	now := s.now()
	x := &cchcbot.Explanation{PeriodID: p.ID, UnitCode: w.unit.Code, Text: text, By: w.user, ByName: w.name, At: now}
	err = s.opts.Store.AddExplanation(ctx, x, func(x *cchcbot.Explanation) []*cchcbot.Outgoing {
		notice := fmt.Sprintf("GIẢI TRÌNH CỦA ĐƠN VỊ: %s – %s\n", w.unit.Name, p.Label) + reportHeader(w.unit, up, now) +
			fmt.Sprintf("Nội dung giải trình: %s\nNgười gửi: %s, lúc %s.", text, or(w.name, w.user.Local()), timeVN(now, s.calendar().Location))
		out := adminNotices(admins, notice, nil)
		return append(out, replyTo(w.user, fmt.Sprintf("Đã gửi giải trình về %s tới %s.%s", p.Label, s.opts.Office, stillOwed)))
	})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("explanation added", "unit", w.unit.Code, "period", p.ID)
	return s.dropFlow(ctx, explanationKey(w.user))
}
