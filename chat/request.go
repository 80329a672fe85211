package chat

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// /yeucau walks an admin through an ad-hoc report request ("báo cáo đột
// xuất"): title, due date, who owes it, whether a file is needed, an
// optional instruction document, then a summary to confirm. Where it
// stands is kept in the store (requestFlow), so a restart in the middle
// loses nothing; its buttons carry the flow's nonce, so a button of a
// flow confirmed, cancelled or replaced is refused.

// The steps of /yeucau.
const (
	reqTitle   = "title"
	reqDue     = "due"
	reqWho     = "who"
	reqFile    = "file"
	reqDoc     = "doc"
	reqConfirm = "confirm"
)

// reqSteps orders the steps: a press for a step already passed asks the
// current question again.
var reqSteps = []string{reqTitle, reqDue, reqWho, reqFile, reqDoc, reqConfirm}

// The choices of the /yeucau buttons (ActionRequest's second field);
// a group is "g" and its index in cchcbot.UnitGroups.
const (
	reqAll     = "all"
	reqNext    = "next"
	reqFileYes = "f1"
	reqFileNo  = "f0"
	reqSkipDoc = "skip"
	reqOK      = "ok"
	reqCancel  = "x"
)

// requestTTL is how long an unfinished /yeucau is kept: a text typed the
// next day is about something else.
const requestTTL = 24 * time.Hour

// maxTitle bounds a request's title.
const maxTitle = 300

// maxRequestDays bounds how far ahead a request's due date may be.
const maxRequestDays = 366

// instructionExt are the types an instruction document may have.
var instructionExt = map[string]bool{".pdf": true, ".doc": true, ".docx": true, ".odt": true}

// requestFlow is an unfinished /yeucau.
type requestFlow struct {
	Nonce        string
	Stage        string
	Title        string
	Due          cchcbot.Date
	Groups       []cchcbot.UnitGroup
	Units        []string
	RequiresFile bool
	Instruction  *cchcbot.File
	Started      time.Time
	At           time.Time
}

func (f *requestFlow) stamp() time.Time { return f.At }

func requestKey(admin cchcbot.UserID) string { return "chat/yeucau/" + string(admin) }

func (s *Service) loadRequestFlow(ctx context.Context, w who) (requestFlow, bool, error) {
	var f requestFlow
	ok, err := s.loadFlow(ctx, requestKey(w.user), requestTTL, &f)
	return f, ok, err
}

func (s *Service) saveRequestFlow(ctx context.Context, w who, f requestFlow) error {
	f.At = s.now()
	return s.saveFlow(ctx, requestKey(w.user), &f)
}

// requestCmd is /yeucau: the list of requests and a new one's first
// question; /yeucau huy <mã> <lý do>; /yeucau doihan <mã> <dd/mm/yyyy>.
func (s *Service) requestCmd(ctx context.Context, w who, cmd Command) error {
	if len(cmd.Args) > 0 {
		switch fold(cmd.Args[0]) {
		case "huy":
			return s.cancelRequest(ctx, w, cmd.Args[1:])
		case "doihan":
			return s.changeRequestDue(ctx, w, cmd.Args[1:])
		}
		return s.reply(ctx, w.user, requestSyntax)
	}
	f, ok, err := s.loadRequestFlow(ctx, w)
	if err != nil {
		return err
	}
	if ok {
		return s.requestPrompt(ctx, w, f, "Đồng chí đang tạo dở một yêu cầu báo cáo; xin tiếp tục, hoặc gõ /huy để thôi.\n\n")
	}
	list, err := s.requestList(ctx)
	if err != nil {
		return err
	}
	if err := s.dropFlow(ctx, decisionKey(w.user)); err != nil {
		return err
	}
	now := s.now()
	f = requestFlow{Nonce: newNonce(), Stage: reqTitle, Started: now}
	if err := s.saveRequestFlow(ctx, w, f); err != nil {
		return err
	}
	return s.requestPrompt(ctx, w, f, list+"\n\n")
}

const requestSyntax = "Cú pháp:\n/yeucau – xem các yêu cầu báo cáo đột xuất và tạo yêu cầu mới\n/yeucau huy <mã yêu cầu> <lý do> – hủy một yêu cầu, ví dụ: /yeucau huy dot-xuat-3 Đã có văn bản thay thế\n/yeucau doihan <mã yêu cầu> <dd/mm/yyyy> – đổi hạn nộp, ví dụ: /yeucau doihan dot-xuat-3 25/03/2024"

// requestPrompt asks the question of f's step, after intro.
func (s *Service) requestPrompt(ctx context.Context, w who, f requestFlow, intro string) error {
	text, rows := s.requestQuestion(ctx, w, f)
	return s.reply(ctx, w.user, intro+text, rows...)
}

// requestQuestion is the question of f's step and its buttons.
func (s *Service) requestQuestion(ctx context.Context, w who, f requestFlow) (string, [][]cchcbot.Button) {
	btn := func(text, choice string) cchcbot.Button {
		return cchcbot.Button{Text: text, Data: s.sign(w.user, cchcbot.ActionRequest, f.Nonce, choice)}
	}
	cancel := []cchcbot.Button{btn("❌ Hủy tạo yêu cầu", reqCancel)}
	today := cchcbot.DateOf(s.now())
	switch f.Stage {
	case reqTitle:
		return "TẠO YÊU CẦU BÁO CÁO ĐỘT XUẤT – bước 1/5\nXin nhập tên báo cáo yêu cầu các đơn vị gửi, ví dụ: Báo cáo kết quả kiểm tra công vụ quý I năm " + strconv.Itoa(today.Year) + ".\nGõ /huy để thôi.", [][]cchcbot.Button{cancel}
	case reqDue:
		return fmt.Sprintf("Tên báo cáo: %s\n\nBước 2/5: Xin nhập hạn nộp theo dạng dd/mm/yyyy, ví dụ: %s. Hạn nộp không được trước hôm nay (%s).",
			f.Title, today.AddDays(7).VN(), today.VN()), [][]cchcbot.Button{cancel}
	case reqWho:
		units, _ := s.opts.Store.Units(ctx)
		var rows [][]cchcbot.Button
		for i, g := range cchcbot.UnitGroups {
			n := 0
			for _, u := range units {
				if u.Group == g && !u.Retired {
					n++
				}
			}
			mark := "☐"
			if slices.Contains(f.Groups, g) {
				mark = "☑"
			}
			rows = append(rows, []cchcbot.Button{btn(fmt.Sprintf("%s %s (%d đơn vị)", mark, s.calendar().GroupLabels.Of(g), n), "g"+strconv.Itoa(i))})
		}
		rows = append(rows, []cchcbot.Button{btn("Tất cả các đơn vị", reqAll)})
		if len(f.Groups) > 0 || len(f.Units) > 0 {
			rows = append(rows, []cchcbot.Button{btn("Tiếp tục ▶", reqNext)})
		}
		rows = append(rows, cancel)
		return fmt.Sprintf("Tên báo cáo: %s\nHạn nộp: %s\n\nBước 3/5: Đơn vị nào phải gửi báo cáo? Bấm chọn một hoặc nhiều khối, hoặc gõ tên đơn vị (không cần dấu, cách nhau bằng dấu phẩy), ví dụ: chau loc, dong hop. Chọn xong, bấm \"Tiếp tục ▶\".\nĐã chọn: %s",
			f.Title, f.Due.WeekdayVN()+" "+f.Due.VN(), s.whoVN(ctx, f.Groups, f.Units)), rows
	case reqFile:
		return "Bước 4/5: Đơn vị có phải gửi tệp báo cáo không?", [][]cchcbot.Button{
			{btn("📎 Có – đơn vị gửi tệp báo cáo", reqFileYes)},
			{btn("✅ Không – đơn vị chỉ xác nhận hoàn thành", reqFileNo)}, cancel}
	case reqDoc:
		return "Bước 5/5: Nếu có văn bản chỉ đạo, hướng dẫn (PDF hoặc Word), xin gửi tệp vào cuộc trò chuyện này; văn bản sẽ được gửi kèm lời nhắc đầu tiên tới từng đơn vị. Nếu không có, bấm \"Bỏ qua\".",
			[][]cchcbot.Button{{btn("⏭ Bỏ qua – không kèm văn bản", reqSkipDoc)}, cancel}
	}
	return s.requestSummary(ctx, f) + "\nXin kiểm tra lại và bấm \"✅ Xác nhận tạo yêu cầu\"; các đơn vị sẽ được thông báo ngay.",
		[][]cchcbot.Button{{btn("✅ Xác nhận tạo yêu cầu", reqOK)}, cancel}
}

// requestSummary is what the admin is about to ask of the units.
func (s *Service) requestSummary(ctx context.Context, f requestFlow) string {
	return "YÊU CẦU BÁO CÁO ĐỘT XUẤT (chưa tạo)\n" + s.requestDetails(ctx, f)
}

// requestDetails are the lines of a request's summary.
func (s *Service) requestDetails(ctx context.Context, f requestFlow) string {
	var b strings.Builder
	due := s.calendar().DueOf(f.Due)
	fmt.Fprintf(&b, "Tên báo cáo: %s\nHạn nộp: %s (%s)\n", f.Title, s.calendar().DueVN(f.Due), cchcbot.DaysLeftVN(cchcbot.DateOf(s.now()).DaysUntil(due)))
	fmt.Fprintf(&b, "Đơn vị phải nộp: %s\n", s.whoVN(ctx, f.Groups, f.Units))
	if f.RequiresFile {
		b.WriteString("Hình thức: gửi tệp báo cáo\n")
	} else {
		b.WriteString("Hình thức: xác nhận hoàn thành, không cần tệp\n")
	}
	if f.Instruction != nil {
		fmt.Fprintf(&b, "Văn bản hướng dẫn: %s (%s)\n", f.Instruction.Name, cchcbot.FormatSize(f.Instruction.Size))
	} else {
		b.WriteString("Văn bản hướng dẫn: không có\n")
	}
	return b.String()
}

// whoVN names the groups and units a request asks, with how many units.
func (s *Service) whoVN(ctx context.Context, groups []cchcbot.UnitGroup, codes []string) string {
	if len(groups) == 0 && len(codes) == 0 {
		return "(chưa chọn)"
	}
	units, err := s.opts.Store.Units(ctx)
	if err != nil {
		return "(không đọc được danh sách đơn vị)"
	}
	var parts []string
	if len(groups) == len(cchcbot.UnitGroups) {
		parts = append(parts, "tất cả các khối")
	} else {
		for _, g := range cchcbot.UnitGroups {
			if slices.Contains(groups, g) {
				parts = append(parts, s.calendar().GroupLabels.Of(g))
			}
		}
	}
	k := cchcbot.ReportKind{Groups: groups, Units: codes}
	n := 0
	for _, u := range units {
		if slices.Contains(codes, u.Code) && !slices.Contains(groups, u.Group) {
			parts = append(parts, u.Name)
		}
		if k.Owes(u) {
			n++
		}
	}
	return fmt.Sprintf("%s – %d đơn vị", strings.Join(parts, "; "), n)
}

// requestText takes a text a step of /yeucau waits for.
func (s *Service) requestText(ctx context.Context, w who, text string) (bool, error) {
	f, ok, err := s.loadRequestFlow(ctx, w)
	if !ok || err != nil {
		return false, err
	}
	if newer, err := s.draftNewer(ctx, w, f.At); newer || err != nil {
		return false, err // an admin who is also a member, busy with a report
	}
	text = strings.TrimSpace(text)
	again := func(msg string) (bool, error) { return true, s.requestPrompt(ctx, w, f, msg+"\n\n") }
	switch f.Stage {
	case reqTitle:
		if err := CheckRequestTitle(text); err != nil {
			return again(cchcbot.ErrorMessage(err))
		}
		f.Title, f.Stage = text, reqDue
	case reqDue:
		due, err := parseDate(text)
		if err != nil {
			return again(cchcbot.ErrorMessage(err))
		}
		if err := CheckRequestDue(due, cchcbot.DateOf(s.now())); err != nil {
			return again(cchcbot.ErrorMessage(err))
		}
		f.Due, f.Stage = due, reqWho
	case reqWho:
		units, err := s.opts.Store.Units(ctx)
		if err != nil {
			return true, err
		}
		var problems []string
		var found []string
		for _, q := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			q = strings.TrimSpace(q)
			if q == "" {
				continue
			}
			switch us := FindUnits(units, q); len(us) {
			case 0:
				problems = append(problems, fmt.Sprintf("Không tìm thấy đơn vị \"%s\".", q))
			case 1:
				found = append(found, us[0].Code)
			default:
				names := make([]string, 0, 5)
				for i, u := range us {
					if i == 5 {
						names = append(names, "...")
						break
					}
					names = append(names, u.Name+" (mã "+u.Code+")")
				}
				problems = append(problems, fmt.Sprintf("\"%s\" khớp với %d đơn vị: %s. Xin ghi rõ hơn hoặc dùng mã đơn vị.", q, len(us), strings.Join(names, "; ")))
			}
		}
		if len(problems) > 0 || len(found) == 0 {
			problems = append(problems, "Chưa đơn vị nào được thêm; xin gõ lại tên đơn vị, hoặc bấm chọn khối ở dưới.")
			return again(strings.Join(problems, "\n"))
		}
		for _, c := range found {
			if !slices.Contains(f.Units, c) {
				f.Units = append(f.Units, c)
			}
		}
	case reqFile:
		switch fold(text) {
		case "co":
			f.RequiresFile, f.Stage = true, reqDoc
		case "khong":
			f.RequiresFile, f.Stage = false, reqDoc
		default:
			return again("Xin bấm một trong hai nút ở dưới.")
		}
	case reqDoc:
		if fold(text) != "boqua" {
			return again("Văn bản hướng dẫn cần gửi dưới dạng tệp (PDF hoặc Word), không phải tin nhắn chữ.")
		}
		f.Stage = reqConfirm
	default:
		return again("Yêu cầu đang chờ xác nhận.")
	}
	if err := s.saveRequestFlow(ctx, w, f); err != nil {
		return true, err
	}
	return true, s.requestPrompt(ctx, w, f, "")
}

// requestFile takes the instruction document /yeucau waits for.
func (s *Service) requestFile(ctx context.Context, w who, in cchcbot.Incoming) (bool, error) {
	f, ok, err := s.loadRequestFlow(ctx, w)
	if !ok || err != nil || f.Stage != reqDoc {
		return false, err
	}
	again := func(msg string) (bool, error) { return true, s.requestPrompt(ctx, w, f, msg+"\n\n") }
	if len(in.Files) != 1 {
		return again("Xin gửi một tệp văn bản hướng dẫn duy nhất (nếu có nhiều tệp, xin nén thành một tệp ZIP không được nhận ở đây; chỉ nhận PDF hoặc Word).")
	}
	in0 := in.Files[0]
	name := cleanName(in0.Name)
	if !instructionExt[extOf(name)] || in0.Photo {
		return again(fmt.Sprintf("Tệp \"%s\" không phải PDF hoặc Word (DOC, DOCX, ODT) nên chưa được nhận.", name))
	}
	if in0.Size > s.opts.MaxFileSize {
		return again(fmt.Sprintf("Tệp \"%s\" (%s) vượt quá giới hạn %s nên chưa được nhận.", name, cchcbot.FormatSize(in0.Size), cchcbot.FormatSize(s.opts.MaxFileSize)))
	}
	stored, err := s.fetch(ctx, w.user, cchcbot.File{ChannelFileID: in0.ChannelFileID, Name: name, MIME: in0.MIME, Size: in0.Size})
	if err != nil {
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		if !permanentFileError(err) {
			s.opts.Logger.Warn("instruction document fetch failed", "user", string(w.user), "err", err)
			return again(fmt.Sprintf("Chưa tải được tệp \"%s\" do lỗi đường truyền. Xin gửi lại tệp sau ít phút.", name))
		}
		return again(fmt.Sprintf("Không nhận được tệp \"%s\": %s", name, fileProblem(err)))
	}
	f.Instruction, f.Stage = &stored, reqConfirm
	if err := s.saveRequestFlow(ctx, w, f); err != nil {
		return true, err
	}
	return true, s.requestPrompt(ctx, w, f, fmt.Sprintf("Đã nhận văn bản hướng dẫn \"%s\".\n\n", stored.Name))
}

// requestPress acts on a /yeucau button.
func (s *Service) requestPress(ctx context.Context, w who, cb *cchcbot.CallbackPress, nonce, choice string, answer func(string) error) error {
	f, ok, err := s.loadRequestFlow(ctx, w)
	if err != nil {
		return err
	}
	if !ok || f.Nonce != nonce {
		return answer(staleButton)
	}
	step := slices.Index(reqSteps, f.Stage)
	needs := map[string]string{reqAll: reqWho, reqNext: reqWho, reqFileYes: reqFile, reqFileNo: reqFile, reqSkipDoc: reqDoc, reqOK: reqConfirm}
	want, known := needs[choice]
	if strings.HasPrefix(choice, "g") {
		want, known = reqWho, true
	}
	switch {
	case choice == reqCancel:
		if err := s.opts.Store.PutState(ctx, requestKey(w.user), nil); err != nil {
			return err
		}
		answer("Đã thôi tạo yêu cầu.")
		return s.reply(ctx, w.user, "Đã thôi tạo yêu cầu báo cáo đột xuất; chưa có yêu cầu nào được tạo.")
	case !known:
		return answer(staleButton)
	case slices.Index(reqSteps, want) < step:
		// A step already taken, pressed again (or after a restart that
		// lost the next question): ask the current question again.
		answer("")
		return s.requestPrompt(ctx, w, f, "")
	case want != f.Stage:
		return answer(staleButton)
	}
	switch choice {
	case reqAll:
		f.Groups, f.Units, f.Stage = slices.Clone(cchcbot.UnitGroups), nil, reqFile
	case reqNext:
		if len(f.Groups) == 0 && len(f.Units) == 0 {
			return answer("Xin chọn ít nhất một khối hoặc gõ tên đơn vị.")
		}
		f.Stage = reqFile
	case reqFileYes, reqFileNo:
		f.RequiresFile, f.Stage = choice == reqFileYes, reqDoc
	case reqSkipDoc:
		f.Instruction, f.Stage = nil, reqConfirm
	case reqOK:
		return s.createRequest(ctx, w, f, answer)
	default: // a group toggled: the question is edited in place
		i, err := strconv.Atoi(choice[1:])
		if err != nil || i < 0 || i >= len(cchcbot.UnitGroups) {
			return answer(staleButton)
		}
		g := cchcbot.UnitGroups[i]
		if j := slices.Index(f.Groups, g); j >= 0 {
			f.Groups = slices.Delete(f.Groups, j, j+1)
		} else {
			f.Groups = append(f.Groups, g)
		}
		if err := s.saveRequestFlow(ctx, w, f); err != nil {
			return err
		}
		answer("")
		text, rows := s.requestQuestion(ctx, w, f)
		return s.edit(ctx, cb.Message, text, rows...)
	}
	if err := s.saveRequestFlow(ctx, w, f); err != nil {
		return err
	}
	answer("")
	return s.requestPrompt(ctx, w, f, "")
}
