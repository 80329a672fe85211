package chat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"cchcbot"
)

// RequestStore is what the operations on ad-hoc requests need of the
// store. They are shared by /yeucau in chat and by `cchcbot request` on
// the command line, so a request made, changed or cancelled either way
// tells the units the same thing.
type RequestStore interface {
	Units(ctx context.Context) ([]cchcbot.Unit, error)
	Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error)
	Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error)
	Request(ctx context.Context, id string) (cchcbot.Request, error)
	UpdateRequest(ctx context.Context, id string, by cchcbot.UserID, now time.Time, fn func(*cchcbot.Request) error, out func(*cchcbot.Request) []*cchcbot.Outgoing) (cchcbot.Request, error)
}

// FindRequest returns the request a code names, as typed: "dot-xuat-3",
// "dot-xuat-3/2024" or "3"; or says in Vietnamese there is none.
func FindRequest(ctx context.Context, st RequestStore, arg string) (cchcbot.Request, error) {
	id := requestIDArg(arg)
	r, err := st.Request(ctx, id)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND || !cchcbot.IsRequestKind(id) {
		return r, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có yêu cầu báo cáo đột xuất mã \"%s\". Gõ /yeucau (hoặc cchcbot request) để xem danh sách và mã các yêu cầu.", arg)
	}
	return r, err
}

// CheckRequestTitle refuses a title too short or too long to name a report.
func CheckRequestTitle(title string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(title)); n < 5 || n > maxTitle {
		return cchcbot.Errorf(cchcbot.EINVALID, "Tên báo cáo cần từ 5 đến %d ký tự.", maxTitle)
	}
	return nil
}

// CheckRequestDue refuses a due date in the past or too far ahead.
func CheckRequestDue(due, today cchcbot.Date) error {
	switch {
	case due.Before(today):
		return cchcbot.Errorf(cchcbot.EINVALID, "Ngày %s đã qua. Hạn nộp phải từ hôm nay (%s) trở đi.", due.VN(), today.VN())
	case today.DaysUntil(due) > maxRequestDays:
		return cchcbot.Errorf(cchcbot.EINVALID, "Hạn nộp %s quá xa (quá %d ngày kể từ hôm nay). Xin nhập hạn gần hơn.", due.VN(), maxRequestDays)
	}
	return nil
}

// CancelRequest withdraws the request r by by at now: in one commit the
// request is marked cancelled and the members of every unit that owes it
// (and is not exempt) are told, with confirm's messages to whoever
// cancelled (confirm may be nil). It returns how many units were told.
func CancelRequest(ctx context.Context, st RequestStore, office string, r cchcbot.Request, reason string, by cchcbot.UserID, now time.Time,
	confirm func(r *cchcbot.Request, told int) []*cchcbot.Outgoing) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return 0, cchcbot.Errorf(cchcbot.EINVALID, "Xin ghi lý do hủy yêu cầu: các đơn vị được thông báo lý do.")
	case utf8.RuneCountInString(reason) > maxNote:
		return 0, cchcbot.Errorf(cchcbot.EINVALID, "Lý do quá dài (tối đa %d ký tự). Xin ghi ngắn gọn hơn.", maxNote)
	}
	units, err := st.Units(ctx)
	if err != nil {
		return 0, err
	}
	adj, err := st.Adjustments(ctx, r.PeriodID())
	if err != nil {
		return 0, err
	}
	k := r.Kind()
	var notices []*cchcbot.Outgoing
	told := 0
	for _, u := range units {
		if !k.Owes(u) || adj.Exemptions[u.Code] != nil {
			continue
		}
		members, err := st.Members(ctx, u.Code)
		if err != nil {
			return 0, err
		}
		text := greeting(u) + fmt.Sprintf("%s thông báo: HỦY yêu cầu báo cáo \"%s\" (mã %s, hạn nộp %s).\nLý do: %s\nĐơn vị không phải gửi báo cáo này; các lời nhắc về yêu cầu này sẽ dừng.",
			office, r.Title, r.ID, r.Due.VN(), reason)
		for _, m := range memberNotices(members, text) {
			m.Priority = cchcbot.PriorityBulk
			notices = append(notices, m)
		}
		if len(members) > 0 {
			told++
		}
	}
	_, err = st.UpdateRequest(ctx, r.ID, by, now, func(r *cchcbot.Request) error {
		if r.Cancelled() {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Yêu cầu %s đã được hủy; không có gì thay đổi.", r.ID)
		}
		r.CancelledAt, r.CancelledBy, r.CancelReason, r.UpdatedAt = now, by, reason, now
		return nil
	}, func(r *cchcbot.Request) []*cchcbot.Outgoing {
		if confirm != nil {
			return append(notices, confirm(r, told)...)
		}
		return notices
	})
	return told, err
}

// ChangeRequestDue moves the request r's due date to due, keeping its
// year (its period id is keyed by it). The units hear of the new date
// from the new plan's first step, which the scheduler sends at once. It
// returns the due date before the change.
func ChangeRequestDue(ctx context.Context, st RequestStore, r cchcbot.Request, due cchcbot.Date, by cchcbot.UserID, now time.Time,
	confirm func(r *cchcbot.Request, old cchcbot.Date) []*cchcbot.Outgoing) (cchcbot.Date, error) {
	today := cchcbot.DateOf(now)
	old := r.Due
	_, err := st.UpdateRequest(ctx, r.ID, by, now, func(r *cchcbot.Request) error {
		switch {
		case r.Cancelled():
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Yêu cầu %s đã được hủy nên không đổi hạn được. Nếu cần, xin tạo yêu cầu mới.", r.ID)
		case due == r.Due:
			return cchcbot.Errorf(cchcbot.EINVALID, "Hạn nộp của yêu cầu %s đã là %s; không có gì thay đổi.", r.ID, due.VN())
		case due.Before(today):
			return cchcbot.Errorf(cchcbot.EINVALID, "Ngày %s đã qua. Hạn nộp mới phải từ hôm nay (%s) trở đi.", due.VN(), today.VN())
		case due.Year != r.Due.Year:
			return cchcbot.Errorf(cchcbot.EINVALID, "Hạn nộp mới phải trong năm %d như hạn cũ (mã kỳ báo cáo gắn với năm). Nếu cần hạn sang năm khác, xin hủy yêu cầu %s và tạo yêu cầu mới.", r.Due.Year, r.ID)
		}
		old = r.Due
		r.Due, r.PlannedFrom, r.UpdatedAt = due, now, now
		return nil
	}, func(r *cchcbot.Request) []*cchcbot.Outgoing {
		if confirm != nil {
			return confirm(r, old)
		}
		return nil
	})
	return old, err
}

// CheckInstruction checks an instruction document for a request by its
// name and content, as /yeucau does: PDF or Word (DOC, DOCX, ODT) only.
// It returns a reader that gives the whole of r again.
func CheckInstruction(name string, r io.Reader) (io.Reader, error) {
	if !instructionExt[extOf(name)] {
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Tệp \"%s\" không phải PDF hoặc Word (DOC, DOCX, ODT) nên không dùng làm văn bản hướng dẫn được.", name)
	}
	checked, err := sniff(name, r)
	var mismatch *contentMismatch
	if errors.As(err, &mismatch) {
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "%s", mismatch.message())
	}
	return checked, err
}
