package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"cchcbot"
	"cchcbot/chat"
)

// RequestCommand makes, lists, cancels and re-dates ad-hoc report requests
// (báo cáo đột xuất), as /yeucau does in chat.
type RequestCommand struct {
	Stdout io.Writer
}

// Run runs the subcommand, in this process or in the running bot.
func (c *RequestCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	// The bot reads the instruction file: it may run elsewhere.
	if rest, err = absFlag(rest, "instruction"); err != nil {
		return err
	}
	return runStaff(ctx, "request", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *RequestCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot request [-config TỆP]
           cchcbot request new --title TÊN --due NGÀY (--groups NHÓM,... | --units "ĐƠN_VỊ; ...")
                              [--no-file] [--instruction VĂN_BẢN.pdf]
           cchcbot request cancel MÃ LÝ_DO
           cchcbot request due MÃ NGÀY

Yêu cầu báo cáo đột xuất: một báo cáo một lần, có hạn nộp riêng, giao cho
một số nhóm hay đơn vị, như lệnh /yeucau trong cuộc trò chuyện.

  (không có lệnh con)  liệt kê các yêu cầu và tình trạng của chúng
  new                  tạo yêu cầu; các đơn vị được thông báo ngay (kèm văn
                       bản hướng dẫn, nếu có) và được nhắc theo lịch đến hạn
  cancel               hủy yêu cầu; thành viên các đơn vị được thông báo lý do
  due                  đổi hạn nộp (trong cùng năm); các đơn vị chưa nộp được
                       thông báo hạn mới và được nhắc lại theo hạn mới

MÃ là mã yêu cầu (dot-xuat-3) hoặc chỉ số của nó (3). NGÀY ghi dd/mm/yyyy.
NHÓM là mã nhóm đơn vị (phong-ban, su-nghiep, xa-thi-tran); ĐƠN_VỊ là mã
hoặc tên đơn vị, có dấu hay không dấu, cách nhau bằng dấu chấm phẩy.

Lệnh chạy được khi bot đã dừng hay đang chạy.

Tùy chọn:
`+configUsage+`  --title TÊN        tên báo cáo hiển thị cho đơn vị
  --due NGÀY         hạn nộp
  --groups NHÓM,...  các nhóm đơn vị phải nộp
  --units "A; B"     các đơn vị phải nộp (thêm vào các nhóm, nếu có)
  --no-file          đơn vị chỉ xác nhận hoàn thành, không gửi tệp
  --instruction TỆP  văn bản hướng dẫn (PDF, DOC, DOCX, ODT) gửi kèm lời
                     nhắc đầu tiên tới mỗi đơn vị
`+envUsage)
}

// requestHandler is cchcbot request inside a store's process.
func requestHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "", "list", "danhsach":
		if len(args) > 0 {
			return usageError("Lệnh cchcbot request (liệt kê) không nhận tham số %q.", strings.Join(args, " "))
		}
		return listRequests(ctx, env, stdout)
	case "new", "tao":
		return newRequest(ctx, env, args, stdout)
	case "cancel", "huy":
		return cancelRequest(ctx, env, args, stdout)
	case "due", "doihan":
		return redateRequest(ctx, env, args, stdout)
	}
	return usageError("Lệnh con %q không có. Dùng: cchcbot request (liệt kê), request new, request cancel, request due; xem cchcbot help request.", sub)
}

func listRequests(ctx context.Context, env *Env, stdout io.Writer) error {
	rs, err := env.DB.Requests(ctx)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		fmt.Fprintln(stdout, "Chưa có yêu cầu báo cáo đột xuất nào. Tạo yêu cầu: cchcbot request new (xem cchcbot help request).")
		return nil
	}
	loc := env.Config().Location()
	units, err := env.DB.Units(ctx)
	if err != nil {
		return err
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "Mã kỳ\tTên báo cáo\tHạn nộp\tĐơn vị phải nộp\tTình trạng")
	for _, r := range rs {
		k := r.Kind()
		owed := 0
		for _, u := range units {
			if k.Owes(u) {
				owed++
			}
		}
		state := "đang thực hiện"
		switch {
		case r.Cancelled():
			state = "đã hủy ngày " + r.CancelledAt.In(loc).Format("02/01/2006") + " (" + r.CancelReason + ")"
		case r.PlannedFrom.After(r.CreatedAt):
			state = "đã đổi hạn ngày " + r.PlannedFrom.In(loc).Format("02/01/2006")
		}
		if r.Instruction != nil {
			state += "; kèm văn bản " + r.Instruction.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.PeriodID(), r.Title, r.Due.VN(), owed, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nTình hình nộp của một yêu cầu: cchcbot status MÃ_KỲ (ví dụ cchcbot status "+rs[len(rs)-1].PeriodID()+").")
	return nil
}

func newRequest(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	flags := newFlagSet("request new")
	title := flags.String("title", "", "")
	dueArg := flags.String("due", "", "")
	groupsArg := flags.String("groups", "", "")
	unitsArg := flags.String("units", "", "")
	noFile := flags.Bool("no-file", false, "")
	instruction := flags.String("instruction", "", "")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("Tham số %q không rõ. Tên báo cáo ghi sau --title, trong dấu ngoặc kép: --title \"Báo cáo đột xuất về ...\".", strings.Join(pos, " "))
	}
	cfg := env.Config()
	now := env.Clock.Now().In(cfg.Location())
	r := &cchcbot.Request{Title: strings.TrimSpace(*title), RequiresFile: !*noFile, CreatedBy: "cli", CreatedAt: now, UpdatedAt: now, PlannedFrom: now}
	if err := chat.CheckRequestTitle(r.Title); err != nil {
		return usageError("--title: %s", cchcbot.ErrorMessage(err))
	}
	if r.Due, err = parseDateArg(*dueArg); err != nil {
		return usageError("--due: %s", cchcbot.ErrorMessage(err))
	}
	if err := chat.CheckRequestDue(r.Due, cchcbot.DateOf(now)); err != nil {
		return usageError("--due: %s", cchcbot.ErrorMessage(err))
	}
	for _, g := range strings.Split(*groupsArg, ",") {
		switch g := cchcbot.UnitGroup(strings.TrimSpace(g)); {
		case g == "":
		case !g.Valid():
			return usageError("--groups: nhóm %q không có; dùng phong-ban, su-nghiep hoặc xa-thi-tran.", string(g))
		case !slices.Contains(r.Groups, g):
			r.Groups = append(r.Groups, g)
		}
	}
	for _, q := range strings.Split(*unitsArg, ";") {
		if q = strings.TrimSpace(q); q == "" {
			continue
		}
		u, err := lookupUnit(ctx, env, q)
		if err != nil {
			return err
		}
		if !slices.Contains(r.Units, u.Code) {
			r.Units = append(r.Units, u.Code)
		}
	}
	if len(r.Groups) == 0 && len(r.Units) == 0 {
		return usageError("Xin cho biết ai phải nộp: --groups xa-thi-tran (các nhóm, cách nhau bằng dấu phẩy) hoặc --units \"chau loc; dong hop\" (các đơn vị, cách nhau bằng dấu chấm phẩy).")
	}
	if *instruction != "" {
		f, err := storeInstruction(ctx, env, *instruction)
		if err != nil {
			return err
		}
		r.Instruction = &f
	}
	if err := env.DB.CreateRequest(ctx, r, nil); err != nil {
		return err
	}
	if err := env.RequestsChanged(ctx); err != nil {
		return cchcbot.FileErrorf(err, "Đã lưu yêu cầu %s nhưng bot chưa cập nhật lịch nhắc; xin gửi SIGHUP cho bot hoặc khởi động lại", r.ID)
	}
	fmt.Fprintf(stdout, "Đã tạo yêu cầu báo cáo đột xuất %s (mã kỳ %s): \"%s\", hạn nộp %s.\n", r.ID, r.PeriodID(), r.Title, cfg.Calendar().DueVN(r.Due))
	fmt.Fprintln(stdout, "Các đơn vị phải nộp được thông báo ngay khi bot chạy (ngoài giờ yên lặng) và được nhắc theo lịch đến hạn.")
	return nil
}

// maxInstruction bounds an instruction document: it is sent to every unit.
const maxInstruction = 20 << 20

// storeInstruction checks the instruction document at path and stores it.
func storeInstruction(ctx context.Context, env *Env, path string) (cchcbot.File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return cchcbot.File{}, usageError("--instruction: không mở được tệp %s: %s", path, cchcbot.ReasonVN(err))
	}
	defer fh.Close()
	name := strings.ToValidUTF8(filepath.Base(path), "")
	if utf8.RuneCountInString(name) > 200 {
		return cchcbot.File{}, usageError("--instruction: tên tệp quá dài; xin đổi tên ngắn hơn.")
	}
	r, err := chat.CheckInstruction(name, fh)
	if err != nil {
		if cchcbot.ErrorCode(err) == cchcbot.EINVALID {
			return cchcbot.File{}, usageError("--instruction: %s", cchcbot.ErrorMessage(err))
		}
		return cchcbot.File{}, cchcbot.FileErrorf(err, "Không đọc được tệp %s", path)
	}
	sum, size, err := env.DB.PutFile(ctx, r, maxInstruction)
	if cchcbot.ErrorCode(err) == cchcbot.ETOOLARGE {
		return cchcbot.File{}, usageError("--instruction: tệp %s lớn hơn 20 MB.", path)
	} else if err != nil {
		return cchcbot.File{}, cchcbot.FileErrorf(err, "Không lưu được tệp %s", path)
	}
	return cchcbot.File{SHA256: sum, Size: size, Name: name, MIME: mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))}, nil
}

func cancelRequest(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return usageError("Cú pháp: cchcbot request cancel MÃ LÝ_DO, ví dụ: cchcbot request cancel dot-xuat-3 \"Đã có văn bản thay thế\".")
	}
	r, err := chat.FindRequest(ctx, env.DB, args[0])
	if err != nil {
		return usageError("%s", cchcbot.ErrorMessage(err))
	}
	told, err := chat.CancelRequest(ctx, env.DB, env.Config().Office, r, strings.Join(args[1:], " "), "cli", env.Clock.Now(), nil)
	if code := cchcbot.ErrorCode(err); code == cchcbot.EINVALID || code == cchcbot.ECONFLICT {
		return usageError("%s", cchcbot.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	if err := env.RequestsChanged(ctx); err != nil {
		return cchcbot.FileErrorf(err, "Đã hủy yêu cầu %s nhưng bot chưa cập nhật lịch nhắc; xin gửi SIGHUP cho bot hoặc khởi động lại", r.ID)
	}
	fmt.Fprintf(stdout, "Đã hủy yêu cầu %s \"%s\"; thành viên của %d đơn vị được thông báo.\n", r.ID, r.Title, told)
	return nil
}

func redateRequest(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return usageError("Cú pháp: cchcbot request due MÃ NGÀY, ví dụ: cchcbot request due dot-xuat-3 25/03/2024.")
	}
	r, err := chat.FindRequest(ctx, env.DB, args[0])
	if err != nil {
		return usageError("%s", cchcbot.ErrorMessage(err))
	}
	due, err := parseDateArg(args[1])
	if err != nil {
		return usageError("%s", cchcbot.ErrorMessage(err))
	}
	old, err := chat.ChangeRequestDue(ctx, env.DB, r, due, "cli", env.Clock.Now().In(env.Config().Location()), nil)
	if code := cchcbot.ErrorCode(err); code == cchcbot.EINVALID || code == cchcbot.ECONFLICT {
		return usageError("%s", cchcbot.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	if err := env.RequestsChanged(ctx); err != nil {
		return cchcbot.FileErrorf(err, "Đã đổi hạn yêu cầu %s nhưng bot chưa cập nhật lịch nhắc; xin gửi SIGHUP cho bot hoặc khởi động lại", r.ID)
	}
	fmt.Fprintf(stdout, "Đã đổi hạn nộp yêu cầu %s \"%s\" từ %s sang %s; các đơn vị chưa nộp được thông báo hạn mới.\n", r.ID, r.Title, old.VN(), env.Config().Calendar().DueVN(due))
	return nil
}
