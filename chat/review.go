package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cchcbot"
)

// view is /xem <unit> [period]: the latest version's files, sent back by
// the network's own file ids, or from disk when the network forgot them.
func (s *Service) view(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.reply(ctx, w.user, "Cú pháp: /xem <đơn vị> [kỳ], ví dụ: /xem chau loc 02/2024")
	}
	now := s.now()
	query, periodArg := cmd.Arg, ""
	if n := len(cmd.Args); n > 1 {
		if _, err := s.calendar().ResolvePeriod(cmd.Args[n-1], now); err == nil {
			periodArg = cmd.Args[n-1]
			query = strings.Join(cmd.Args[:n-1], " ")
		}
	}
	u, ok, err := s.lookupUnit(ctx, w, query)
	if !ok || err != nil {
		return err
	}
	p, err := s.calendar().ResolvePeriod(periodArg, now)
	if err != nil {
		return err
	}
	sub, err := s.latest(ctx, p.ID, u.Code)
	if err != nil {
		return err
	}
	if sub == nil {
		return s.reply(ctx, w.user, fmt.Sprintf("%s chưa nộp %s (hạn %s).", u.Name, p.Label, dueVN(p)))
	}
	loc := s.calendar().Location
	if len(sub.Files) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s – %s: đã xác nhận hoàn thành lúc %s (biên nhận %s), không kèm tệp.\nNội dung: %s\nTrạng thái: %s",
			u.Name, p.Label, timeVN(sub.SubmittedAt, loc), sub.ReceiptNo(), or(sub.Note, "(không ghi)"), stateLine(sub)), s.reviewButtons(w, sub))
	}
	docs := make([]*cchcbot.Outgoing, len(sub.Files))
	for i, f := range sub.Files {
		caption := fmt.Sprintf("%s – %s, phiên bản %d, tệp %d/%d (biên nhận %s)", u.Name, p.Label, sub.Version, i+1, len(sub.Files), sub.ReceiptNo())
		docs[i] = &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: w.user, Text: caption, Priority: cchcbot.PriorityInteractive,
			Document: &cchcbot.OutFile{SHA256: f.SHA256, ChannelFileID: f.ChannelFileID, Name: f.Name, Size: f.Size}}
	}
	text := fmt.Sprintf("%s – %s: phiên bản %d, nộp lúc %s (%s), biên nhận %s.\nTrạng thái: %s",
		u.Name, p.Label, sub.Version, timeVN(sub.SubmittedAt, loc), lateVN(sub), sub.ReceiptNo(), stateLine(sub))
	if sub.DocNumber != "" {
		text += "\nVăn bản số: " + docRef(sub.DocNumber, sub.DocDate)
	}
	// The files and the text that follows them are queued together.
	return s.opts.Store.Queue(ctx, append(docs, replyTo(w.user, text, s.reviewButtons(w, sub)))...)
}

func (s *Service) reviewButtons(w who, sub *cchcbot.Submission) []cchcbot.Button {
	id := strconv.FormatUint(sub.ID, 10)
	return []cchcbot.Button{{Text: "✅ Tiếp nhận", Data: s.sign(w.user, cchcbot.ActionAccept, id)}, {Text: "↩️ Trả lại", Data: s.sign(w.user, cchcbot.ActionReturn, id)}}
}

// receiptID accepts "CCHC-2024-000123", "000123" or "123".
func receiptID(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		s = s[i+1:]
	}
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil && id > 0
}

// accept is /tiepnhan <receipt>.
func (s *Service) accept(ctx context.Context, w who, cmd Command) error {
	id, ok := receiptID(cmd.Arg)
	if !ok {
		return s.reply(ctx, w.user, "Cú pháp: /tiepnhan <số biên nhận>, ví dụ: /tiepnhan CCHC-2024-000123")
	}
	return s.review(ctx, w, id, cchcbot.StateAccepted, "")
}

// returnCmd is /tralai <receipt> <reason>; without a reason it asks for one.
func (s *Service) returnCmd(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.reply(ctx, w.user, "Cú pháp: /tralai <số biên nhận> <lý do>, ví dụ: /tralai CCHC-2024-000123 Thiếu phụ lục số liệu")
	}
	id, ok := receiptID(cmd.Args[0])
	if !ok {
		return s.reply(ctx, w.user, "Số biên nhận không hợp lệ. Ví dụ: /tralai CCHC-2024-000123 Thiếu phụ lục số liệu")
	}
	reason := strings.TrimSpace(strings.TrimPrefix(cmd.Arg, cmd.Args[0]))
	if reason == "" {
		return s.askReturnReason(ctx, w, id)
	}
	if utf8.RuneCountInString(reason) > maxNote {
		return s.reply(ctx, w.user, fmt.Sprintf("Lý do quá dài (tối đa %d ký tự).", maxNote))
	}
	return s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

// returnTTL is how long the bot waits for the reason of a return: a text
// sent an hour later is about something else.
const returnTTL = 30 * time.Minute

func returnKey(admin cchcbot.UserID) string { return "chat/return/" + string(admin) }

// askReturnReason makes the admin's next text the reason for returning id.
func (s *Service) askReturnReason(ctx context.Context, w who, id uint64) error {
	sub, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return err
	}
	u, err := s.opts.Store.Unit(ctx, sub.UnitCode)
	if err != nil {
		return err
	}
	val := strconv.FormatUint(id, 10) + " " + strconv.FormatInt(s.now().Unix(), 10)
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), []byte(val)); err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Trả lại %s của %s (biên nhận %s).\nXin nhập lý do trả lại trong tin nhắn tiếp theo; lý do sẽ được gửi tới đơn vị. Gõ /huy để thôi.",
		s.periodLabel(sub.PeriodID), u.Name, sub.ReceiptNo()))
}

// pendingReturn returns the submission whose return reason the admin was
// asked for, if the question is still fresh.
func (s *Service) pendingReturn(ctx context.Context, w who) (uint64, bool, error) {
	v, err := s.opts.Store.GetState(ctx, returnKey(w.user))
	if err != nil || len(v) == 0 {
		return 0, false, err
	}
	idStr, atStr, _ := strings.Cut(string(v), " ")
	id, err1 := strconv.ParseUint(idStr, 10, 64)
	at, err2 := strconv.ParseInt(atStr, 10, 64)
	if err1 != nil || err2 != nil || s.now().Sub(time.Unix(at, 0)) > returnTTL {
		return 0, false, s.opts.Store.PutState(ctx, returnKey(w.user), nil)
	}
	return id, true, nil
}

// returnReason takes an admin's text as the reason asked for, if one was.
func (s *Service) returnReason(ctx context.Context, w who, text string) (bool, error) {
	id, ok, err := s.pendingReturn(ctx, w)
	if !ok || err != nil {
		return false, err
	}
	reason := strings.TrimSpace(text)
	if reason == "" || utf8.RuneCountInString(reason) > maxNote {
		return true, s.reply(ctx, w.user, fmt.Sprintf("Lý do cần từ 1 đến %d ký tự. Xin nhập lại, hoặc gõ /huy để thôi.", maxNote))
	}
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), nil); err != nil {
		return true, err
	}
	return true, s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

// Review accepts or returns (with a reason) a submission on behalf of the
// admin by, and tells every member of the unit, naming the report, the
// deadline and who answers for it: the decision and the members' notices
// are one commit. The chat's buttons and commands and the web dashboard
// all review through it, so a unit hears the same words whichever way the
// admin decided. A person who is not an admin is EUNAUTHORIZED.
func (s *Service) Review(ctx context.Context, by cchcbot.UserID, id uint64, state cchcbot.SubmissionState, reason string) (cchcbot.ReviewResult, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxNote {
		return cchcbot.ReviewResult{}, cchcbot.Errorf(cchcbot.EINVALID, "Lý do quá dài (tối đa %d ký tự).", maxNote)
	}
	if _, err := s.opts.Store.Admin(ctx, by); cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return cchcbot.ReviewResult{}, cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Chỉ cán bộ quản trị mới tiếp nhận hoặc trả lại được báo cáo.")
	} else if err != nil {
		return cchcbot.ReviewResult{}, err
	}
	before, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return cchcbot.ReviewResult{}, err
	}
	u, err := s.opts.Store.Unit(ctx, before.UnitCode)
	if err != nil {
		return cchcbot.ReviewResult{}, err
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return cchcbot.ReviewResult{}, err
	}
	p, err := s.calendar().Period(before.PeriodID)
	if err != nil {
		p = cchcbot.Period{ID: before.PeriodID, Label: before.PeriodID}
	}
	now := s.now()
	res := cchcbot.ReviewResult{Unit: u, Period: p}
	sub, err := s.opts.Store.ReviewSubmission(ctx, id, state, reason, by, now, func(sub *cchcbot.Submission) []*cchcbot.Outgoing {
		// Called in the commit that reviews: a press repeated, or two
		// admins pressing together, find the decision already made and
		// tell the unit nothing more.
		res.Changed = true
		text := s.reviewNotice(u, p, sub, state, reason, now)
		out := make([]*cchcbot.Outgoing, 0, len(members))
		for _, m := range members {
			out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: m.User, Text: text, Priority: cchcbot.PriorityInteractive})
		}
		res.Notified = len(out)
		return out
	})
	if err != nil {
		return cchcbot.ReviewResult{}, err
	}
	res.Submission = sub
	if res.Changed {
		s.opts.Logger.Info("submission reviewed", "receipt", sub.ReceiptNo(), "state", string(state), "by", string(by))
	} else {
		res.Notified = 0
	}
	return res, nil
}

// review is Review from chat: the admin is answered in chat.
func (s *Service) review(ctx context.Context, w who, id uint64, state cchcbot.SubmissionState, reason string) error {
	res, err := s.Review(ctx, w.user, id, state, reason)
	if err != nil {
		return err
	}
	sub, u := res.Submission, res.Unit
	if !res.Changed {
		return s.reply(ctx, w.user, fmt.Sprintf("Báo cáo %s đã ở trạng thái \"%s\"; không có gì thay đổi.", sub.ReceiptNo(), sub.State.Label()))
	}
	verb := "tiếp nhận"
	if state == cchcbot.StateReturned {
		verb = "trả lại"
	}
	msg := fmt.Sprintf("Đã %s báo cáo %s của %s. Đã gửi thông báo tới %d thành viên của đơn vị.", verb, sub.ReceiptNo(), u.Name, res.Notified)
	if res.Notified == 0 {
		msg = fmt.Sprintf("Đã %s báo cáo %s của %s. Đơn vị chưa có thành viên nhận tin: dùng /moi %s để mời.", verb, sub.ReceiptNo(), u.Name, u.Code)
	}
	return s.reply(ctx, w.user, msg)
}

// reviewNotice is what the unit's members are told of a decision.
func (s *Service) reviewNotice(u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission, state cchcbot.SubmissionState, reason string, now time.Time) string {
	loc := s.calendar().Location
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi: %s – %s.\n\n", headTitle(u), u.Name)
	if state == cchcbot.StateAccepted {
		fmt.Fprintf(&b, "%s đã TIẾP NHẬN %s của %s (biên nhận %s, phiên bản %d, nộp lúc %s, %s).\nCảm ơn đơn vị.",
			s.opts.Office, p.Label, u.Name, sub.ReceiptNo(), sub.Version, timeVN(sub.SubmittedAt, loc), lateVN(sub))
		return b.String()
	}
	fmt.Fprintf(&b, "%s TRẢ LẠI %s của %s (biên nhận %s, phiên bản %d).\nLý do: %s\n", s.opts.Office, p.Label, u.Name, sub.ReceiptNo(), sub.Version, reason)
	if !p.Deadline.IsZero() && p.OnTime(now) {
		fmt.Fprintf(&b, "Đề nghị %s chỉ đạo chỉnh sửa và nộp phiên bản mới trước hạn %s.", headTitle(u), dueVN(p))
	} else {
		fmt.Fprintf(&b, "Hạn nộp %s đã qua; đề nghị %s chỉ đạo chỉnh sửa và nộp phiên bản mới trong thời gian sớm nhất.", p.Due.VN(), headTitle(u))
	}
	b.WriteString(" Gửi tệp vào cuộc trò chuyện này để nộp lại.")
	return b.String()
}
