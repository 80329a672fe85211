package chat

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"cchcbot"
)

// view is /xem <unit> [period]: the latest version's files, sent back by
// the network's own file ids.
func (s *Service) view(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) == 0 {
		return s.reply(ctx, w.user, "Cú pháp: /xem <đơn vị> [kỳ], ví dụ: /xem chau loc 02/2024")
	}
	query, periodArg := cmd.Arg, ""
	if n := len(cmd.Args); n > 1 {
		if _, err := s.calendar().ResolvePeriod(cmd.Args[n-1], s.now()); err == nil {
			periodArg = cmd.Args[n-1]
			query = strings.Join(cmd.Args[:n-1], " ")
		}
	}
	u, ok, err := s.lookupUnit(ctx, w, query)
	if !ok || err != nil {
		return err
	}
	p, err := s.calendar().ResolvePeriod(periodArg, s.now())
	if err != nil {
		return err
	}
	versions, err := s.opts.Store.Submissions(ctx, p.ID, u.Code)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s chưa nộp %s.", u.Name, p.Label))
	}
	sub := versions[len(versions)-1]
	if len(sub.Files) == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s – %s: đã xác nhận hoàn thành lúc %s, không kèm tệp. Nội dung: %s", u.Name, p.Label, sub.SubmittedAt.In(s.calendar().Location).Format("15:04 02/01/2006"), sub.Note))
	}
	for i, f := range sub.Files {
		caption := fmt.Sprintf("%s – %s, phiên bản %d, tệp %d/%d (biên nhận %s)", u.Name, p.Label, sub.Version, i+1, len(sub.Files), sub.ReceiptNo())
		sha := f.SHA256
		doc := cchcbot.OutDocument{To: w.user, ChannelFileID: f.ChannelFileID, Name: f.Name, Caption: caption, Priority: cchcbot.PriorityInteractive,
			Open: func() (io.ReadCloser, error) { return s.opts.Store.OpenFile(sha) }}
		if _, err := s.opts.Channel.SendDocument(ctx, doc); err != nil {
			// The network may have forgotten its id: upload from disk.
			doc.ChannelFileID = ""
			if _, err := s.opts.Channel.SendDocument(ctx, doc); err != nil {
				return err
			}
		}
	}
	id := strconv.FormatUint(sub.ID, 10)
	return s.reply(ctx, w.user, fmt.Sprintf("Trạng thái: %s", stateLine(sub)),
		[]cchcbot.Button{{Text: "✅ Tiếp nhận", Data: s.sign(w.user, cchcbot.ActionAccept, id)}, {Text: "↩️ Trả lại", Data: s.sign(w.user, cchcbot.ActionReturn, id)}})
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

func (s *Service) accept(ctx context.Context, w who, cmd Command) error {
	id, ok := receiptID(cmd.Arg)
	if !ok {
		return s.reply(ctx, w.user, "Cú pháp: /tiepnhan <số biên nhận>, ví dụ: /tiepnhan CCHC-2024-000123")
	}
	return s.review(ctx, w, id, cchcbot.StateAccepted, "")
}

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
	return s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

func returnKey(admin cchcbot.UserID) string { return "chat/return/" + string(admin) }

func (s *Service) askReturnReason(ctx context.Context, w who, id uint64) error {
	sub, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return err
	}
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), []byte(strconv.FormatUint(id, 10))); err != nil {
		return err
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Xin nhập lý do trả lại báo cáo %s (tin nhắn tiếp theo sẽ được gửi cho đơn vị), hoặc gõ /huy để thôi.", sub.ReceiptNo()))
}

// returnReason takes an admin's next text as the reason asked for.
func (s *Service) returnReason(ctx context.Context, w who, text string) (bool, error) {
	v, err := s.opts.Store.GetState(ctx, returnKey(w.user))
	if err != nil || len(v) == 0 {
		return false, err
	}
	id, _ := strconv.ParseUint(string(v), 10, 64)
	reason := strings.TrimSpace(text)
	if reason == "" || len([]rune(reason)) > 1000 {
		return true, s.reply(ctx, w.user, "Lý do không hợp lệ (cần từ 1 đến 1.000 ký tự). Xin nhập lại, hoặc gõ /huy để thôi.")
	}
	if err := s.opts.Store.PutState(ctx, returnKey(w.user), nil); err != nil {
		return true, err
	}
	return true, s.review(ctx, w, id, cchcbot.StateReturned, reason)
}

// review accepts or returns a submission and tells the unit.
func (s *Service) review(ctx context.Context, w who, id uint64, state cchcbot.SubmissionState, reason string) error {
	before, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		return err
	}
	sub, err := s.opts.Store.ReviewSubmission(ctx, id, state, reason, w.user, s.now())
	if err != nil {
		return err
	}
	u, err := s.opts.Store.Unit(ctx, sub.UnitCode)
	if err != nil {
		return err
	}
	p, err := s.calendar().Period(sub.PeriodID)
	if err != nil {
		return err
	}
	if before.State == sub.State && before.Reason == sub.Reason {
		return s.reply(ctx, w.user, fmt.Sprintf("Báo cáo %s đã ở trạng thái \"%s\".", sub.ReceiptNo(), sub.State.Label()))
	}
	var note string
	if state == cchcbot.StateAccepted {
		note = fmt.Sprintf("Phòng Nội vụ đã TIẾP NHẬN %s của %s (biên nhận %s). Cảm ơn đơn vị.", p.Label, u.Name, sub.ReceiptNo())
	} else {
		deadline := "đề nghị đơn vị gửi lại trước hạn " + p.Due.VN()
		if !p.OnTime(s.now()) {
			deadline = "đề nghị đơn vị khẩn trương gửi lại"
		}
		note = fmt.Sprintf("Phòng Nội vụ TRẢ LẠI %s của %s (biên nhận %s).\nLý do: %s\nĐơn vị cần chỉnh sửa và nộp phiên bản mới; %s. Gửi tệp vào cuộc trò chuyện này để nộp lại.", p.Label, u.Name, sub.ReceiptNo(), reason, deadline)
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		return err
	}
	told := 0
	for _, m := range members {
		if _, err := s.opts.Channel.Send(ctx, cchcbot.OutMessage{To: m.User, Text: note, Priority: cchcbot.PriorityInteractive}); err == nil {
			told++
		}
	}
	verb := "tiếp nhận"
	if state == cchcbot.StateReturned {
		verb = "trả lại"
	}
	return s.reply(ctx, w.user, fmt.Sprintf("Đã %s báo cáo %s của %s. Đã thông báo tới %d/%d thành viên của đơn vị.",
		verb, sub.ReceiptNo(), u.Name, told, len(members)))
}
