package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cchcbot"
)

// Draft stages: what the conversation waits for next.
const (
	stagePick    = "pick"    // files in, waiting for the period
	stageFile    = "file"    // period chosen (from a reminder), waiting for files
	stageDocNo   = "docno"   // waiting for the document number, or "Bỏ qua"
	stageNote    = "note"    // a kind without file: waiting for a note, or "Bỏ qua"
	stageConfirm = "confirm" // waiting for "Xác nhận nộp"
)

// maxNote bounds the note of a kind without file.
const maxNote = 1000

// newNonce ties the buttons of one draft to it: a button of a draft that
// was sent, cancelled or replaced is refused.
func newNonce() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Service) newDraft(w who, stage string) cchcbot.Draft {
	now := s.now()
	return cchcbot.Draft{User: w.user, UnitCode: w.unit.Code, Stage: stage, Nonce: newNonce(), CreatedAt: now, UpdatedAt: now}
}

// loadDraft returns the member's draft, if any. A draft left from a unit
// they no longer belong to is dropped.
func (s *Service) loadDraft(ctx context.Context, w who) (cchcbot.Draft, bool, error) {
	d, err := s.opts.Store.Draft(ctx, w.user)
	switch {
	case cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND:
		return cchcbot.Draft{}, false, nil
	case err != nil:
		return cchcbot.Draft{}, false, err
	case w.member == nil || d.UnitCode != w.unit.Code:
		return cchcbot.Draft{}, false, s.opts.Store.DeleteDraft(ctx, w.user)
	}
	return d, true, nil
}

func (s *Service) saveDraft(ctx context.Context, d cchcbot.Draft) error {
	d.UpdatedAt = s.now()
	return s.opts.Store.SaveDraft(ctx, d)
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
	now := s.now()
	today := cchcbot.DateOf(now)
	msg := "Hiện không có kỳ báo cáo nào của " + w.unit.Name + " đang nhận bài nên tệp chưa được ghi nhận."
	for _, p := range cal.Periods(today, today.AddDays(400)) {
		if k, _ := cal.Kind(p.KindID); k.Owes(w.unit) && k.RequiresFile && now.Before(p.Opens) {
			msg += fmt.Sprintf(" Kỳ tiếp theo: %s, nhận bài từ %s, hạn nộp %s; bot sẽ nhắc khi đến kỳ.", p.Label, cchcbot.DateOf(p.Opens).VN(), dueVN(p))
			break
		}
	}
	return s.reply(ctx, w.user, msg)
}

// addFiles takes the files a member sent into their draft, starting one if
// needed. Type and declared size are checked before anything is fetched.
func (s *Service) addFiles(ctx context.Context, w who, in cchcbot.Incoming) error {
	d, ok, err := s.loadDraft(ctx, w)
	if err != nil {
		return err
	}
	if ok && d.Stage == stagePick && len(d.Files) == 0 {
		ok = false // a /hoanthanh choice left open: files start a report instead
	}
	if ok && d.Stage == stageNote {
		return s.reply(ctx, w.user, fmt.Sprintf("Hồ sơ đang soạn là xác nhận hoàn thành %s, không kèm tệp. Xin ghi nội dung hoặc bấm \"Bỏ qua\" để tiếp tục; nếu muốn nộp báo cáo bằng tệp, xin gõ /huy rồi gửi lại tệp.", s.periodLabel(d.PeriodID)))
	}
	var files []cchcbot.File
	for i, f := range in.Files {
		name, allowed := fileName(f, len(d.Files)+i+1)
		if !allowed {
			return s.reply(ctx, w.user, fmt.Sprintf("Tệp \"%s\" không đúng định dạng nên chưa được nhận. Bot nhận báo cáo dạng %s. Xin gửi lại tệp đúng định dạng.", name, allowedList))
		}
		if f.Size > s.opts.MaxFileSize {
			return s.reply(ctx, w.user, fmt.Sprintf("Tệp \"%s\" (%s) vượt quá giới hạn %s cho mỗi tệp nên chưa được nhận. Xin nén tệp (ZIP), giảm độ phân giải bản quét hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", name, cchcbot.FormatSize(f.Size), cchcbot.FormatSize(s.opts.MaxFileSize)))
		}
		if slices.ContainsFunc(d.Files, func(x cchcbot.File) bool { return x.ChannelFileID == f.ChannelFileID }) {
			continue // the same message delivered twice, or the same file sent again
		}
		files = append(files, cchcbot.File{ChannelFileID: f.ChannelFileID, Name: name, MIME: f.MIME, Size: f.Size})
	}
	if !ok {
		if len(s.openPeriods(w, true)) == 0 {
			return s.noOpenPeriod(ctx, w)
		}
		d = s.newDraft(w, stagePick)
	}
	if len(d.Files)+len(files) > maxDraftFiles {
		return s.reply(ctx, w.user, fmt.Sprintf("Mỗi lần nộp nhận tối đa %d tệp; hồ sơ đang có %d tệp. Xin nén các tệp còn lại thành một tệp ZIP rồi gửi lại.", maxDraftFiles, len(d.Files)))
	}
	d.Files = append(d.Files, files...)
	if d.Stage == stageFile {
		d.Stage = stageDocNo
		if d.DocNumber != "" {
			d.Stage = stageConfirm // files sent again after a failed fetch
		}
	}
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	if d.Stage == stagePick {
		return s.askPeriod(ctx, w, d)
	}
	return s.prompt(ctx, w, d)
}

// askPeriod asks which period the files are for, even when only one is
// open: the member must see what they submit for.
func (s *Service) askPeriod(ctx context.Context, w who, d cchcbot.Draft) error {
	periods := s.openPeriods(w, len(d.Files) > 0)
	if len(periods) == 0 {
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		return s.noOpenPeriod(ctx, w)
	}
	var rows [][]cchcbot.Button
	for _, p := range periods {
		rows = append(rows, []cchcbot.Button{{Text: p.Label + " – hạn " + p.Due.VN(), Data: s.sign(w.user, cchcbot.ActionPickPeriod, d.Nonce, p.ID)}})
	}
	rows = append(rows, []cchcbot.Button{{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}})
	var b strings.Builder
	if len(d.Files) > 0 {
		fmt.Fprintf(&b, "Đã nhận %d tệp của %s:\n", len(d.Files), w.unit.Name)
		writeFiles(&b, d.Files)
		b.WriteString("\nBáo cáo này nộp cho kỳ nào? (kỳ có hạn gần nhất xếp trước)")
	} else {
		b.WriteString("Xác nhận hoàn thành cho nhiệm vụ nào?")
	}
	return s.reply(ctx, w.user, b.String(), rows...)
}

func writeFiles(b *strings.Builder, files []cchcbot.File) {
	for i, f := range files {
		fmt.Fprintf(b, "Tệp %d: %s (%s)\n", i+1, f.Name, cchcbot.FormatSize(f.Size))
	}
}

// prompt shows the draft and asks for what its stage waits for.
func (s *Service) prompt(ctx context.Context, w who, d cchcbot.Draft) error {
	cancel := cchcbot.Button{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}
	skip := cchcbot.Button{Text: "Bỏ qua", Data: s.sign(w.user, cchcbot.ActionSkip, d.Nonce)}
	summary, err := s.draftSummary(ctx, w, d)
	if err != nil {
		return err
	}
	switch d.Stage {
	case stageFile:
		return s.reply(ctx, w.user, summary+"\nXin gửi tệp báo cáo ("+allowedList+") vào cuộc trò chuyện này.", []cchcbot.Button{cancel})
	case stageDocNo:
		return s.reply(ctx, w.user, summary+"\nXin nhập số hiệu và ngày ký của văn bản (không bắt buộc), ví dụ: 123/BC-UBND ngày 10/02/2024, hoặc bấm \"Bỏ qua\". Có thể gửi thêm tệp (phụ lục) trước khi nhập.",
			[]cchcbot.Button{skip, cancel})
	case stageNote:
		return s.reply(ctx, w.user, summary+"\nXin ghi ngắn gọn kết quả thực hiện (không bắt buộc), hoặc bấm \"Bỏ qua\".", []cchcbot.Button{skip, cancel})
	}
	label := "✅ Xác nhận nộp"
	if len(d.Files) == 0 {
		label = "✅ Đã hoàn thành"
	}
	return s.reply(ctx, w.user, summary+"\nXin kiểm tra lại và bấm \""+label+"\" để nộp, hoặc \"❌ Hủy\".",
		[]cchcbot.Button{{Text: label, Data: s.sign(w.user, cchcbot.ActionConfirm, d.Nonce)}, cancel})
}

// draftSummary is what the member is about to submit.
func (s *Service) draftSummary(ctx context.Context, w who, d cchcbot.Draft) (string, error) {
	p, err := s.calendar().Period(d.PeriodID)
	if err != nil {
		return "", err
	}
	if p, err = s.unitPeriod(ctx, p, w.unit.Code); err != nil { // the unit's deadline
		return "", err
	}
	var b strings.Builder
	b.WriteString("HỒ SƠ ĐANG SOẠN (chưa nộp)\n")
	b.WriteString(reportHeader(w.unit, p, s.now()))
	writeFiles(&b, d.Files)
	if d.DocNumber != "" {
		fmt.Fprintf(&b, "Văn bản số: %s\n", docRef(d.DocNumber, d.DocDate))
	}
	if d.Note != "" {
		fmt.Fprintf(&b, "Nội dung: %s\n", d.Note)
	}
	versions, err := s.opts.Store.Submissions(ctx, p.ID, w.unit.Code)
	if err != nil {
		return "", err
	}
	if n := len(versions); n > 0 {
		last := versions[n-1]
		fmt.Fprintf(&b, "Đơn vị đã nộp kỳ này %d lần (lần gần nhất %s, %s). Lần nộp này sẽ là phiên bản %d.\n",
			n, timeVN(last.SubmittedAt, s.calendar().Location), strings.ToLower(last.State.Label()), n+1)
	}
	return b.String(), nil
}

// draftText takes the document number or the note a draft waits for.
func (s *Service) draftText(ctx context.Context, w who, d cchcbot.Draft, text string) error {
	text = strings.TrimSpace(text)
	switch d.Stage {
	case stageDocNo:
		number, date, err := parseDocRef(text)
		if err != nil {
			return err
		}
		if date.After(cchcbot.DateOf(s.now())) {
			return s.reply(ctx, w.user, "Ngày ký "+date.VN()+" chưa đến. Xin kiểm tra lại và nhập lại, ví dụ: 123/BC-UBND ngày 10/02/2024.")
		}
		d.DocNumber, d.DocDate = number, date
	case stageNote:
		if utf8.RuneCountInString(text) > maxNote {
			return s.reply(ctx, w.user, fmt.Sprintf("Nội dung quá dài (tối đa %d ký tự). Xin ghi ngắn gọn hơn.", maxNote))
		}
		d.Note = text
	case stagePick:
		return s.reply(ctx, w.user, "Xin chọn kỳ báo cáo bằng các nút ở tin nhắn trên, hoặc gõ /huy để hủy.")
	case stageFile:
		return s.reply(ctx, w.user, "Xin gửi tệp báo cáo ("+allowedList+"), hoặc gõ /huy để hủy.")
	default:
		return s.reply(ctx, w.user, "Hồ sơ đang chờ xác nhận. Xin bấm nút xác nhận ở tin nhắn trên để nộp, hoặc gõ /huy để hủy.")
	}
	d.Stage = stageConfirm
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// startDraft begins a submission for a known period: the reminder's "Nộp
// báo cáo" button, /hoanthanh. Files already sent without a period are
// kept for it.
func (s *Service) startDraft(ctx context.Context, w who, p cchcbot.Period) error {
	if !p.IsOpen(s.now()) {
		return s.reply(ctx, w.user, s.closedText(p))
	}
	d, ok, err := s.loadDraft(ctx, w)
	if err != nil {
		return err
	}
	switch {
	case ok && d.PeriodID == p.ID:
		// Pressed twice, or files already on their way: the same draft.
	case ok && d.Stage == stagePick && len(d.Files) > 0 && p.RequiresFile:
		d.PeriodID, d.Stage = p.ID, stageDocNo
	default:
		d = s.newDraft(w, stageFile)
		d.PeriodID = p.ID
		if !p.RequiresFile {
			d.Stage = stageNote
		}
	}
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// pickPeriod records the period chosen for a draft.
func (s *Service) pickPeriod(ctx context.Context, w who, d cchcbot.Draft, periodID string) error {
	p, err := s.calendar().Period(periodID)
	k, _ := s.calendar().Kind(p.KindID)
	if err != nil || !p.IsOpen(s.now()) || !k.Owes(w.unit) || p.RequiresFile != (len(d.Files) > 0) {
		return s.reply(ctx, w.user, "Kỳ báo cáo này không còn nhận bài. Xin chọn kỳ khác ở tin nhắn trên, hoặc gõ /huy để hủy.")
	}
	d.PeriodID, d.Stage = p.ID, stageDocNo
	if !p.RequiresFile {
		d.Stage = stageNote
	}
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	return s.prompt(ctx, w, d)
}

// complete is /hoanthanh: confirm a task that needs no file.
func (s *Service) complete(ctx context.Context, w who, cmd Command) error {
	if d, ok, err := s.loadDraft(ctx, w); err != nil {
		return err
	} else if ok && len(d.Files) > 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("Đang có hồ sơ %d tệp chưa nộp. Xin xác nhận nộp hồ sơ đó, hoặc gõ /huy để hủy rồi gõ lại /hoanthanh.", len(d.Files)))
	}
	periods := s.openPeriods(w, false)
	switch len(periods) {
	case 0:
		return s.reply(ctx, w.user, "Hiện không có nhiệm vụ nào của "+w.unit.Name+" cần xác nhận hoàn thành. Với báo cáo cần tệp, xin gửi tệp vào cuộc trò chuyện này.")
	case 1:
		return s.startDraft(ctx, w, periods[0])
	}
	d := s.newDraft(w, stagePick)
	if err := s.saveDraft(ctx, d); err != nil {
		return err
	}
	return s.askPeriod(ctx, w, d)
}

func (s *Service) closedText(p cchcbot.Period) string {
	loc := s.calendar().Location
	if s.now().Before(p.Opens) {
		return fmt.Sprintf("%s chưa đến thời gian nhận báo cáo (nhận từ ngày %s, hạn nộp %s).", p.Label, cchcbot.DateOf(p.Opens.In(loc)).VN(), dueVN(p))
	}
	return fmt.Sprintf("%s đã hết thời gian nhận báo cáo (hạn nộp %s, nhận muộn đến hết ngày %s). Xin liên hệ %s.",
		p.Label, dueVN(p), cchcbot.DateOf(p.Closes.In(loc).Add(-1)).VN(), s.opts.Office)
}

// periodLabel names a period for people even when the config no longer
// has it.
func (s *Service) periodLabel(id string) string {
	if p, err := s.calendar().Period(id); err == nil {
		return p.Label
	}
	return id
}
