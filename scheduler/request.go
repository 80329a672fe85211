package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// request returns the stored ad-hoc request behind kind k, nil for a
// configured kind, or for a request the store does not hold (the calendar
// was built from an older list): its reminders then read like any other.
func (s *Scheduler) request(ctx context.Context, k cchcbot.ReportKind) (*cchcbot.Request, error) {
	if !k.AdHoc && !cchcbot.IsRequestKind(k.ID) {
		return nil, nil
	}
	r, err := s.Store.Request(ctx, k.ID)
	switch {
	case cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &r, nil
}

// announces reports whether step st of p is the one that tells the units
// of an ad-hoc request: the first step of its plan, made when the request
// was (or when its due date changed), which Calendar.Plan puts at
// PlanFrom. An extended unit's plan restarting at the decision is no
// announcement: the unit knows the request, and was told of its new date.
func announces(p cchcbot.Period, st cchcbot.Step) bool {
	return p.AdHoc && !p.Extended() && !p.PlanFrom.IsZero() && st.At.Equal(p.PlanFrom) &&
		!strings.HasPrefix(st.Name, ManualStepPrefix)
}

// reminderFor is the text of step st to unit u: the announcement of an
// ad-hoc request, or a reminder.
func (s *Scheduler) reminderFor(cal *cchcbot.Calendar, f *facts, u cchcbot.Unit, p cchcbot.Period, st cchcbot.Step, latest *cchcbot.Submission, req *cchcbot.Request, now time.Time, extend bool) string {
	if req != nil && announces(p, st) {
		return requestText(s.Office, u, p, *req, addressees(*req, cal.GroupLabels, f), now)
	}
	return reminderText(s.Office, u, p, st, latest, now, extend)
}

// addressees names who owes a request, as its announcement says it: the
// groups under the office's headings, then the single units.
func addressees(r cchcbot.Request, labels cchcbot.GroupLabels, f *facts) string {
	var names []string
	for _, g := range r.Groups {
		names = append(names, labels.Of(g))
	}
	for _, code := range r.Units {
		if u, ok := f.byCode[code]; ok {
			names = append(names, u.Name)
		} else {
			names = append(names, code)
		}
	}
	return strings.Join(names, "; ")
}

// changedDue reports whether the request's due date was changed since it
// was made: its plan starts at the change, not at the creation.
func changedDue(r cchcbot.Request) bool {
	return r.UpdatedAt.After(r.CreatedAt) && r.PlannedFrom.After(r.CreatedAt)
}

// requestText announces an ad-hoc request to one unit in the voice of
// the office's letters: who asks, what, of whom, by when and in what
// form; or, after a change of due date, the new date.
func requestText(office string, u cchcbot.Unit, p cchcbot.Period, r cchcbot.Request, owedBy string, now time.Time) string {
	var b strings.Builder
	head := u.HeadTitle
	if head == "" {
		head = "Thủ trưởng đơn vị"
	}
	fmt.Fprintf(&b, "Kính gửi: %s – %s.\n\n", head, u.Name)
	changed := changedDue(r)
	if changed {
		fmt.Fprintf(&b, "ĐIỀU CHỈNH HẠN NỘP BÁO CÁO ĐỘT XUẤT: %s\n", r.Title)
		fmt.Fprintf(&b, "%s thông báo: hạn nộp báo cáo “%s” đã được điều chỉnh. Hạn nộp mới là ngày %s; đề nghị đơn vị thực hiện theo hạn mới.\n", office, r.Title, p.Due.VN())
	} else {
		fmt.Fprintf(&b, "YÊU CẦU BÁO CÁO ĐỘT XUẤT: %s\n", r.Title)
		fmt.Fprintf(&b, "%s đề nghị các cơ quan, đơn vị được nêu dưới đây thực hiện và gửi báo cáo “%s”.\n", office, r.Title)
	}
	if owedBy != "" {
		fmt.Fprintf(&b, "– Đơn vị thực hiện: %s.\n", owedBy)
	}
	writeDeadline(&b, p, now)
	if p.RequiresFile {
		b.WriteString("– Hình thức: gửi tệp báo cáo (PDF, Word, Excel hoặc ảnh chụp văn bản).\n")
	} else {
		b.WriteString("– Hình thức: xác nhận đã hoàn thành, không cần gửi tệp.\n")
	}
	if r.Instruction != nil {
		fmt.Fprintf(&b, "– Văn bản hướng dẫn: tệp “%s” được gửi kèm.\n", r.Instruction.Name)
	}
	fmt.Fprintf(&b, "\nĐề nghị đồng chí %s chỉ đạo thực hiện và gửi báo cáo đúng hạn.\n\n", head)
	if p.RequiresFile {
		b.WriteString("Cách nộp: gửi tệp báo cáo vào cuộc trò chuyện này, hoặc bấm \"📎 Nộp báo cáo\".\n")
	} else {
		b.WriteString("Cách nộp: bấm \"📎 Nộp báo cáo\" để xác nhận đã hoàn thành.\n")
	}
	b.WriteString("Bấm \"✅ Đã nhận\" để báo đã nhận được thông báo. Đơn vị sẽ tiếp tục được nhắc việc cho đến khi gửi báo cáo.\n")
	fmt.Fprintf(&b, "\nTrân trọng,\n%s", office)
	return b.String()
}

// instruction is the message that carries a request's instruction
// document to member m, with their first reminder of the request. It is a
// message of its own, queued just before the reminder: a document's
// caption is short (Telegram: 1,024 characters) and carries no buttons,
// and the reminder needs both.
func (s *Scheduler) instruction(r cchcbot.Request, p cchcbot.Period, m cchcbot.Member) *cchcbot.Outgoing {
	f := r.Instruction
	doc := &cchcbot.OutFile{SHA256: f.SHA256, Name: f.Name, Size: f.Size}
	if m.User.Channel() == cchcbot.ChannelTelegram {
		// The file id is Telegram's; another network gets the upload.
		doc.ChannelFileID = f.ChannelFileID
	}
	return &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: m.User, Priority: cchcbot.PriorityBulk, Document: doc,
		Text: fmt.Sprintf("Văn bản hướng dẫn kèm theo yêu cầu báo cáo “%s” (hạn nộp ngày %s) của %s.", r.Title, p.Due.VN(), s.Office)}
}

// queueInstructions queues each instruction document once per person and
// period, whatever happens to the reminders around it: a crash before the
// reminder is queued leaves the document sent and the reminder to the
// next sweep, which does not send the document again.
func (s *Scheduler) queueInstructions(ctx context.Context, periodID string, docs []*cchcbot.Outgoing, f *facts) error {
	for _, d := range docs {
		if _, err := s.Store.QueueOnce(ctx, "scheduler/instruction/"+periodID+"/"+string(f.personOf(d.To)), d); err != nil {
			return err
		}
	}
	return nil
}
