package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"cchcbot"
)

// Draft stages.
const (
	stagePick    = "pick"    // files in, waiting for the period
	stageFile    = "file"    // period chosen from a reminder, waiting for files
	stageDocNo   = "docno"   // waiting for the document number, or "Bỏ qua"
	stageNote    = "note"    // a kind without file: waiting for a note, or "Bỏ qua"
	stageConfirm = "confirm" // waiting for "Xác nhận nộp"
)

func newNonce() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// openPeriods returns the periods the member's unit may submit for now,
// nearest deadline first; withFile filters on the kind's need of a file.
func (s *Service) openPeriods(w who, withFile bool) []cchcbot.Period {
	cal := s.calendar()
	var out []cchcbot.Period
	for _, p := range cal.OpenPeriods(s.now()) {
		k, _ := cal.Kind(p.KindID)
		if k.Owes(w.unit) && k.RequiresFile == withFile {
			out = append(out, p)
		}
	}
	return out
}

func (s *Service) noOpenPeriod(ctx context.Context, w who) error {
	cal := s.calendar()
	today := cchcbot.DateOf(s.now())
	msg := "Hiện không có kỳ báo cáo nào đang nhận bài của đơn vị."
	for _, p := range cal.Periods(today, today.AddDays(400)) {
		if k, _ := cal.Kind(p.KindID); k.Owes(w.unit) {
			msg += fmt.Sprintf(" Kỳ tiếp theo: %s, hạn %s; bot sẽ nhắc khi đến kỳ.", p.Label, p.Due.VN())
			break
		}
	}
	return s.reply(ctx, w.user, msg)
}

// addFiles takes the files a member sent into their draft.
func (s *Service) addFiles(ctx context.Context, w who, in cchcbot.Incoming) error {
	var files []cchcbot.File
	for _, f := range in.Files {
		name := cleanName(f.Name)
		if !allowedExt[extOf(name)] {
			return s.reply(ctx, w.user, fmt.Sprintf("Tệp \"%s\" không đúng định dạng. Bot nhận báo cáo dạng %s. Xin gửi lại tệp đúng định dạng.", name, allowedList))
		}
		if f.Size > s.opts.MaxFileSize {
			return s.reply(ctx, w.user, fmt.Sprintf("Tệp \"%s\" (%s) vượt quá giới hạn %d MB mà Telegram cho phép bot tải về. Xin nén tệp (ZIP) hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", name, sizeVN(f.Size), s.opts.MaxFileSize>>20))
		}
		files = append(files, cchcbot.File{ChannelFileID: f.ChannelFileID, Name: name, MIME: f.MIME, Size: f.Size})
	}
	d, err := s.opts.Store.Draft(ctx, w.user)
	switch {
	case cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND:
		d = cchcbot.Draft{User: w.user, UnitCode: w.unit.Code, Stage: stagePick, Nonce: newNonce(), CreatedAt: s.now()}
	case err != nil:
		return err
	}
	if len(d.Files)+len(files) > maxDraftFiles {
		return s.reply(ctx, w.user, fmt.Sprintf("Mỗi lần nộp nhận tối đa %d tệp. Xin nén các tệp thành một tệp ZIP rồi gửi lại.", maxDraftFiles))
	}
	d.Files = append(d.Files, files...)
	d.UpdatedAt = s.now()
	if d.Stage == stageFile {
		d.Stage = stageDocNo
	}
	if d.Stage == stagePick {
		periods := s.openPeriods(w, true)
		if len(periods) == 0 {
			return s.noOpenPeriod(ctx, w)
		}
		if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
			return err
		}
		var rows [][]cchcbot.Button
		for _, p := range periods {
			rows = append(rows, []cchcbot.Button{{Text: fmt.Sprintf("%s – hạn %s", p.Label, p.Due.VN()), Data: s.sign(w.user, cchcbot.ActionPickPeriod, d.Nonce, p.ID)}})
		}
		rows = append(rows, []cchcbot.Button{{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}})
		return s.reply(ctx, w.user, fmt.Sprintf("Đã nhận %d tệp. Báo cáo này nộp cho kỳ nào?", len(d.Files)), rows...)
	}
	if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// prompt asks for what the draft's stage waits for.
func (s *Service) prompt(ctx context.Context, w who, d cchcbot.Draft) error {
	cancel := cchcbot.Button{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}
	summary, err := s.draftSummary(w, d)
	if err != nil {
		return err
	}
	switch d.Stage {
	case stageFile:
		return s.reply(ctx, w.user, summary+"\nXin gửi tệp báo cáo ("+allowedList+") vào cuộc trò chuyện này.", []cchcbot.Button{cancel})
	case stageDocNo:
		return s.reply(ctx, w.user, summary+"\nXin nhập số hiệu và ngày ký của văn bản, ví dụ: 123/BC-UBND ngày 10/02/2024. Có thể gửi thêm tệp (phụ lục) trước khi nhập.",
			[]cchcbot.Button{{Text: "Bỏ qua", Data: s.sign(w.user, cchcbot.ActionSkip, d.Nonce)}, cancel})
	case stageNote:
		return s.reply(ctx, w.user, summary+"\nXin ghi ngắn gọn kết quả thực hiện (không bắt buộc), hoặc bấm \"Bỏ qua\".",
			[]cchcbot.Button{{Text: "Bỏ qua", Data: s.sign(w.user, cchcbot.ActionSkip, d.Nonce)}, cancel})
	default:
		label := "✅ Xác nhận nộp"
		if len(d.Files) == 0 {
			label = "✅ Đã hoàn thành"
		}
		return s.reply(ctx, w.user, summary+"\nXin kiểm tra lại và bấm xác nhận.",
			[]cchcbot.Button{{Text: label, Data: s.sign(w.user, cchcbot.ActionConfirm, d.Nonce)}, cancel})
	}
}

func (s *Service) draftSummary(w who, d cchcbot.Draft) (string, error) {
	p, err := s.calendar().Period(d.PeriodID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Đơn vị: %s\nBáo cáo: %s\n", w.unit.Name, p.Label)
	if p.HasWindow() {
		fmt.Fprintf(&b, "Số liệu: %s\n", p.WindowVN())
	}
	fmt.Fprintf(&b, "Hạn nộp: %s %s (%s)\n", p.Due.WeekdayVN(), p.Due.VN(), cchcbot.DaysLeftVN(p.DaysLeft(s.now())))
	for i, f := range d.Files {
		fmt.Fprintf(&b, "Tệp %d: %s (%s)\n", i+1, f.Name, sizeVN(f.Size))
	}
	if d.DocNumber != "" {
		fmt.Fprintf(&b, "Văn bản số: %s", d.DocNumber)
		if !d.DocDate.IsZero() {
			fmt.Fprintf(&b, " ngày %s", d.DocDate.VN())
		}
		b.WriteString("\n")
	}
	if d.Note != "" {
		fmt.Fprintf(&b, "Ghi chú: %s\n", d.Note)
	}
	return b.String(), nil
}

var docDate = regexp.MustCompile(`(?i)\s*(?:,|ngày|ngay)?\s*(\d{1,2}/\d{1,2}/\d{4})\s*$`)

// draftText takes the document number or the note a draft waits for.
func (s *Service) draftText(ctx context.Context, w who, d cchcbot.Draft, text string) error {
	text = strings.TrimSpace(text)
	switch d.Stage {
	case stageDocNo:
		if r := []rune(text); len(r) > 200 {
			return s.reply(ctx, w.user, "Số hiệu văn bản quá dài. Xin nhập ngắn gọn, ví dụ: 123/BC-UBND ngày 10/02/2024.")
		}
		number := text
		if m := docDate.FindStringSubmatchIndex(text); m != nil {
			date, err := cchcbot.ParseDMY(text[m[2]:m[3]])
			if err != nil {
				return s.reply(ctx, w.user, "Ngày ký không hợp lệ. Xin nhập theo dạng: 123/BC-UBND ngày 10/02/2024.")
			}
			if date.After(cchcbot.DateOf(s.now())) {
				return s.reply(ctx, w.user, "Ngày ký "+date.VN()+" ở tương lai. Xin kiểm tra lại.")
			}
			d.DocDate = date
			number = strings.TrimSpace(text[:m[0]])
		}
		d.DocNumber = number
	case stageNote:
		if r := []rune(text); len(r) > 1000 {
			return s.reply(ctx, w.user, "Ghi chú quá dài (tối đa 1.000 ký tự).")
		}
		d.Note = text
	case stagePick:
		return s.reply(ctx, w.user, "Xin chọn kỳ báo cáo bằng các nút ở tin nhắn trên, hoặc gõ /huy để hủy.")
	case stageFile:
		return s.reply(ctx, w.user, "Xin gửi tệp báo cáo ("+allowedList+"), hoặc gõ /huy để hủy.")
	default:
		return s.reply(ctx, w.user, "Xin bấm \"✅ Xác nhận nộp\" ở tin nhắn trên để nộp, hoặc gõ /huy để hủy.")
	}
	d.Stage = stageConfirm
	if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// startDraft begins a submission for a known period (the reminder's
// "Nộp báo cáo" button, /hoanthanh).
func (s *Service) startDraft(ctx context.Context, w who, p cchcbot.Period) error {
	if !p.IsOpen(s.now()) {
		return s.reply(ctx, w.user, fmt.Sprintf("Kỳ %s không còn nhận báo cáo.", p.Label))
	}
	d := cchcbot.Draft{User: w.user, UnitCode: w.unit.Code, PeriodID: p.ID, Stage: stageFile, Nonce: newNonce(), CreatedAt: s.now(), UpdatedAt: s.now()}
	if !p.RequiresFile {
		d.Stage = stageNote
	}
	if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// complete is /hoanthanh: confirm a report kind that needs no file.
func (s *Service) complete(ctx context.Context, w who, cmd Command) error {
	periods := s.openPeriods(w, false)
	switch len(periods) {
	case 0:
		return s.reply(ctx, w.user, "Hiện không có nhiệm vụ nào cần xác nhận hoàn thành. Với báo cáo cần tệp, xin gửi tệp vào cuộc trò chuyện này.")
	case 1:
		return s.startDraft(ctx, w, periods[0])
	}
	d := cchcbot.Draft{User: w.user, UnitCode: w.unit.Code, Stage: stagePick, Nonce: newNonce(), CreatedAt: s.now()}
	if err := s.opts.Store.SaveDraft(ctx, d); err != nil {
		return err
	}
	var rows [][]cchcbot.Button
	for _, p := range periods {
		rows = append(rows, []cchcbot.Button{{Text: p.Label, Data: s.sign(w.user, cchcbot.ActionPickPeriod, d.Nonce, p.ID)}})
	}
	return s.reply(ctx, w.user, "Xác nhận hoàn thành cho nhiệm vụ nào?", rows...)
}

// submitKey marks a draft whose submission was recorded, so a confirm
// delivered twice (a crash before the draft was deleted) shows the same
// receipt instead of making a second version.
func submitKey(nonce string) string { return "chat/submitted/" + nonce }

// confirm fetches and stores every file of the draft, then records the
// submission and sends the receipt. A failed fetch records nothing and
// keeps the draft, so the member can press again.
func (s *Service) confirm(ctx context.Context, w who, d cchcbot.Draft) error {
	if v, err := s.opts.Store.GetState(ctx, submitKey(d.Nonce)); err != nil {
		return err
	} else if v != nil {
		s.opts.Store.DeleteDraft(ctx, w.user)
		return s.reply(ctx, w.user, "Báo cáo này đã được nộp (biên nhận "+string(v)+").")
	}
	p, err := s.calendar().Period(d.PeriodID)
	if err != nil {
		return err
	}
	if p.RequiresFile && len(d.Files) == 0 {
		d.Stage = stageFile
		s.opts.Store.SaveDraft(ctx, d)
		return s.prompt(ctx, w, d)
	}
	if len(d.Files) > 0 {
		s.reply(ctx, w.user, fmt.Sprintf("Đang tải %d tệp về hệ thống, xin chờ trong giây lát...", len(d.Files)))
	}
	files := make([]cchcbot.File, len(d.Files))
	for i, f := range d.Files {
		stored, err := s.fetch(ctx, f)
		if err != nil {
			return s.fetchFailed(ctx, w, f, err)
		}
		files[i] = stored
	}
	now := s.now()
	sub := &cchcbot.Submission{
		PeriodID: p.ID, UnitCode: w.unit.Code, Files: files, Note: d.Note, DocNumber: d.DocNumber, DocDate: d.DocDate,
		SubmittedBy: w.user, SubmitterName: w.name, SubmittedAt: now, DaysLate: p.DaysLate(now),
	}
	if err := s.opts.Store.CreateSubmission(ctx, sub); err != nil {
		return err
	}
	s.opts.Store.PutState(ctx, submitKey(d.Nonce), []byte(sub.ReceiptNo()))
	if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
		return err
	}
	s.opts.Logger.Info("submission recorded", "unit", w.unit.Code, "period", p.ID, "receipt", sub.ReceiptNo(), "files", len(files))
	if err := s.reply(ctx, w.user, receipt(s.calendar(), w.unit, p, sub)); err != nil {
		return err
	}
	return s.notifyNewSubmission(ctx, w.unit, p, sub)
}

func (s *Service) fetch(ctx context.Context, f cchcbot.File) (cchcbot.File, error) {
	rc, err := s.opts.Channel.FetchFile(ctx, cchcbot.IncomingFile{ChannelFileID: f.ChannelFileID, Name: f.Name, Size: f.Size})
	if err != nil {
		return f, err
	}
	defer rc.Close()
	sum, size, err := s.opts.Store.PutFile(ctx, rc, s.opts.MaxFileSize)
	if err != nil {
		return f, err
	}
	f.SHA256, f.Size = sum, size
	return f, nil
}

func (s *Service) fetchFailed(ctx context.Context, w who, f cchcbot.File, err error) error {
	var temp *cchcbot.TemporaryError
	switch {
	case cchcbot.ErrorCode(err) == cchcbot.ETOOLARGE:
		s.opts.Store.DeleteDraft(ctx, w.user)
		return s.reply(ctx, w.user, fmt.Sprintf("Tệp \"%s\": %s Hồ sơ đã được hủy; xin gửi lại.", f.Name, cchcbot.ErrorMessage(err)))
	case errors.As(err, &temp) || cchcbot.ErrorCode(err) == cchcbot.EINTERNAL:
		s.opts.Logger.Warn("file fetch failed", "user", string(w.user), "file", f.Name, "err", err)
		return s.reply(ctx, w.user, fmt.Sprintf("Chưa tải được tệp \"%s\" do lỗi đường truyền. Báo cáo CHƯA được nộp. Xin bấm lại \"✅ Xác nhận nộp\" sau ít phút.", f.Name))
	}
	return err
}

func receipt(cal *cchcbot.Calendar, u cchcbot.Unit, p cchcbot.Period, sub *cchcbot.Submission) string {
	var b strings.Builder
	fmt.Fprintf(&b, "BIÊN NHẬN BÁO CÁO\nSố biên nhận: %s\nThời gian nhận: %s\nĐơn vị: %s\nBáo cáo: %s\n",
		sub.ReceiptNo(), sub.SubmittedAt.In(cal.Location).Format("15:04:05 ngày 02/01/2006"), u.Name, p.Label)
	if sub.Version > 1 {
		fmt.Fprintf(&b, "Phiên bản: %d (thay cho các lần nộp trước)\n", sub.Version)
	}
	if sub.DocNumber != "" {
		fmt.Fprintf(&b, "Văn bản số: %s", sub.DocNumber)
		if !sub.DocDate.IsZero() {
			fmt.Fprintf(&b, " ngày %s", sub.DocDate.VN())
		}
		b.WriteString("\n")
	}
	for i, f := range sub.Files {
		fmt.Fprintf(&b, "Tệp %d: %s (%s, mã kiểm tra %s)\n", i+1, f.Name, sizeVN(f.Size), f.SHA256[:12])
	}
	if sub.Note != "" {
		fmt.Fprintf(&b, "Nội dung: %s\n", sub.Note)
	}
	if sub.Late() {
		fmt.Fprintf(&b, "Tình trạng: NỘP TRỄ %d ngày so với hạn %s.\n", sub.DaysLate, p.Due.VN())
	} else {
		fmt.Fprintf(&b, "Tình trạng: nộp đúng hạn (hạn %s).\n", p.Due.VN())
	}
	b.WriteString("Phòng Nội vụ sẽ xem xét và thông báo kết quả tiếp nhận.")
	return b.String()
}
