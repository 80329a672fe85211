package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"cchcbot"
)

// requestsShown is how many requests /yeucau lists, newest first.
const requestsShown = 10

// requestList lists the latest requests with their standing.
func (s *Service) requestList(ctx context.Context) (string, error) {
	rs, err := s.opts.Store.Requests(ctx)
	if err != nil {
		return "", err
	}
	if len(rs) == 0 {
		return "Chưa có yêu cầu báo cáo đột xuất nào.", nil
	}
	var b strings.Builder
	b.WriteString("CÁC YÊU CẦU BÁO CÁO ĐỘT XUẤT")
	if len(rs) > requestsShown {
		fmt.Fprintf(&b, " (%d yêu cầu gần nhất trên tổng số %d)", requestsShown, len(rs))
	}
	b.WriteString("\n")
	loc := s.calendar().Location
	for i := len(rs) - 1; i >= 0 && i >= len(rs)-requestsShown; i-- {
		r := rs[i]
		fmt.Fprintf(&b, "• %s: %s – hạn %s", r.ID, r.Title, r.Due.VN())
		switch p, err := s.calendar().Period(r.PeriodID()); {
		case r.Cancelled():
			fmt.Fprintf(&b, " – ĐÃ HỦY ngày %s (lý do: %s)", cchcbot.DateOf(r.CancelledAt.In(loc)).VN(), r.CancelReason)
		case err == nil:
			ps, err := s.periodStatus(ctx, p)
			if err != nil {
				return "", err
			}
			c := ps.Counts()
			fmt.Fprintf(&b, " – đã nộp %d/%d đơn vị", c.Submitted(), c.Owed)
		}
		if r.Instruction != nil {
			fmt.Fprintf(&b, " – kèm văn bản %s", r.Instruction.Name)
		}
		b.WriteString("\n")
	}
	b.WriteString("Xem chi tiết: /status <mã yêu cầu>; đổi hạn: /yeucau doihan <mã> <dd/mm/yyyy>; hủy: /yeucau huy <mã> <lý do>.")
	return b.String(), nil
}

// requestIDArg reads a request's code as typed: "dot-xuat-3",
// "dot-xuat-3/2024" or "3".
func requestIDArg(arg string) string {
	a := strings.ToLower(strings.TrimSpace(arg))
	a, _, _ = strings.Cut(a, "/")
	if isNumber(a) {
		return cchcbot.RequestPrefix + a
	}
	return a
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// findRequest returns the request a code names, or says there is none.
func (s *Service) findRequest(ctx context.Context, arg string) (cchcbot.Request, error) {
	return FindRequest(ctx, s.opts.Store, arg)
}

// cancelRequest is /yeucau huy <mã> <lý do>: the request is withdrawn and
// the members of every unit that owes it (and is not exempt) are told, in
// the same commit.
func (s *Service) cancelRequest(ctx context.Context, w who, args []string) error {
	if len(args) < 2 {
		return s.reply(ctx, w.user, "Cú pháp: /yeucau huy <mã yêu cầu> <lý do>, ví dụ: /yeucau huy dot-xuat-3 Đã có văn bản thay thế. Gõ /yeucau để xem mã các yêu cầu.")
	}
	r, err := s.findRequest(ctx, args[0])
	if err != nil {
		return err
	}
	reason := strings.Join(args[1:], " ")
	if utf8.RuneCountInString(reason) > maxNote {
		return s.reply(ctx, w.user, fmt.Sprintf("Lý do quá dài (tối đa %d ký tự). Xin ghi ngắn gọn hơn.", maxNote))
	}
	if r.Cancelled() {
		return s.reply(ctx, w.user, fmt.Sprintf("Yêu cầu %s đã được hủy ngày %s; không có gì thay đổi.", r.ID, cchcbot.DateOf(r.CancelledAt.In(s.calendar().Location)).VN()))
	}
	_, err = CancelRequest(ctx, s.opts.Store, s.opts.Office, r, reason, w.user, s.now(), func(r *cchcbot.Request, told int) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{replyTo(w.user, fmt.Sprintf("Đã hủy yêu cầu %s \"%s\". Đã gửi thông báo tới thành viên của %d đơn vị.", r.ID, r.Title, told))}
	})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("request cancelled", "request", r.ID, "by", string(w.user))
	return s.requestsChanged(ctx)
}

// changeRequestDue is /yeucau doihan <mã> <dd/mm/yyyy>. The due date
// keeps its year: the request's period id is keyed by it. The units hear
// of the new date from the fresh plan's first step, which the scheduler
// sends at once.
func (s *Service) changeRequestDue(ctx context.Context, w who, args []string) error {
	if len(args) != 2 {
		return s.reply(ctx, w.user, "Cú pháp: /yeucau doihan <mã yêu cầu> <dd/mm/yyyy>, ví dụ: /yeucau doihan dot-xuat-3 25/03/2024. Gõ /yeucau để xem mã các yêu cầu.")
	}
	r, err := s.findRequest(ctx, args[0])
	if err != nil {
		return err
	}
	due, err := parseDate(args[1])
	if err != nil {
		return err
	}
	_, err = ChangeRequestDue(ctx, s.opts.Store, r, due, w.user, s.now(), func(r *cchcbot.Request, old cchcbot.Date) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{replyTo(w.user, fmt.Sprintf("Đã đổi hạn nộp yêu cầu %s \"%s\" từ %s sang %s %s. Các đơn vị chưa nộp được thông báo hạn mới ngay qua lời nhắc, và được nhắc lại theo hạn mới.",
			r.ID, r.Title, old.VN(), due.WeekdayVN(), due.VN()))}
	})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("request due changed", "request", r.ID, "by", string(w.user))
	return s.requestsChanged(ctx)
}

// createRequest stores the request f describes. A press delivered again
// after the request was stored, but before the flow was dropped, finds the
// request it made instead of making a second.
func (s *Service) createRequest(ctx context.Context, w who, f requestFlow, answer func(string) error) error {
	now := s.now()
	answer("")
	if f.Due.Before(cchcbot.DateOf(now)) {
		f.Stage = reqDue
		if err := s.saveRequestFlow(ctx, w, f); err != nil {
			return err
		}
		return s.requestPrompt(ctx, w, f, fmt.Sprintf("Hạn nộp %s đã qua trong lúc chờ xác nhận. Xin nhập hạn nộp mới.\n\n", f.Due.VN()))
	}
	rs, err := s.opts.Store.Requests(ctx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.CreatedBy == w.user && r.Title == f.Title && r.Due == f.Due && !r.CreatedAt.Before(f.Started) {
			if err := s.opts.Store.PutState(ctx, requestKey(w.user), nil); err != nil {
				return err
			}
			return s.reply(ctx, w.user, fmt.Sprintf("Yêu cầu \"%s\" đã được tạo với mã %s.", r.Title, r.ID))
		}
	}
	r := &cchcbot.Request{Title: f.Title, Due: f.Due, Groups: f.Groups, Units: f.Units, RequiresFile: f.RequiresFile, Instruction: f.Instruction,
		CreatedBy: w.user, CreatedByName: w.name, CreatedAt: now, UpdatedAt: now, PlannedFrom: now}
	summary := s.requestDetails(ctx, f)
	err = s.opts.Store.CreateRequest(ctx, r, func(r *cchcbot.Request) []*cchcbot.Outgoing {
		return []*cchcbot.Outgoing{replyTo(w.user, fmt.Sprintf("ĐÃ TẠO YÊU CẦU BÁO CÁO ĐỘT XUẤT, mã %s.\n%sCác đơn vị được thông báo ngay và được nhắc theo lịch cho đến hạn nộp. Theo dõi bằng /status %s; đổi hạn: /yeucau doihan %s <dd/mm/yyyy>; hủy: /yeucau huy %s <lý do>.",
			r.ID, summary, r.ID, r.ID, r.ID))}
	})
	if err != nil {
		return err
	}
	s.opts.Logger.Info("request created", "request", r.ID, "by", string(w.user))
	if err := s.opts.Store.PutState(ctx, requestKey(w.user), nil); err != nil {
		return err
	}
	return s.requestsChanged(ctx)
}

// requestsChanged puts the stored requests into this Service's calendar at
// once, then has the rest of the bot (the scheduler's calendar) do the
// same. The change is stored already: a failure here is logged, and the
// next reload catches up.
func (s *Service) requestsChanged(ctx context.Context) error {
	rs, err := s.opts.Store.Requests(ctx)
	if err != nil {
		return err
	}
	s.calMu.Lock()
	s.cal = s.cal.WithRequests(rs)
	s.calMu.Unlock()
	if s.opts.RequestsChanged != nil {
		if err := s.opts.RequestsChanged(ctx); err != nil {
			s.opts.Logger.Error("reloading the calendars after a request change failed", "err", err)
		}
	}
	return nil
}

// permanentFileError reports whether a file will never be taken as it
// is: its content is not what its name says, it is too large, or the
// network no longer has it. Any other failure may pass on a retry.
func permanentFileError(err error) bool {
	var m *contentMismatch
	switch {
	case errors.As(err, &m):
		return true
	}
	switch cchcbot.ErrorCode(err) {
	case cchcbot.ETOOLARGE, cchcbot.ENOTFOUND, cchcbot.EINVALID:
		return true
	}
	return false
}

// fileProblem says why a file was refused, and what to do.
func fileProblem(err error) string {
	var m *contentMismatch
	if errors.As(err, &m) {
		return m.message()
	}
	return cchcbot.ErrorMessage(err) + " Xin gửi tệp khác."
}
