package chat

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/export"
)

// maxUpload is the largest document the bot may send: the Bot API refuses
// uploads over 50 MB.
const maxUpload = 50 << 20

// exportXLSX is /xuat [year|period]: the Excel workbook, as a document.
func (s *Service) exportXLSX(ctx context.Context, w who, cmd Command) error {
	now := s.now()
	sel, err := export.ParseSelection(s.calendar(), cmd.Arg, now)
	if err != nil {
		return s.reply(ctx, w.user, cchcbot.ErrorMessage(err)+"\nCú pháp: /xuat [năm hoặc kỳ báo cáo], ví dụ: /xuat 2024 hoặc /xuat 02/2024.")
	}
	d, err := export.Load(ctx, s.opts.Store, s.calendar(), s.opts.Office, sel, now)
	if err != nil {
		return err
	}
	periods := 0
	for _, k := range d.Kinds {
		periods += len(k.Periods)
	}
	if periods == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("Chưa có kỳ báo cáo nào %s bắt đầu nhận báo cáo: chưa có gì để tổng hợp.", d.Title))
	}
	if err := s.reply(ctx, w.user, fmt.Sprintf("Đang lập bảng tổng hợp %s, xin chờ trong giây lát.", d.Title)); err != nil {
		return err
	}
	name := "tong-hop-cchc-nam-" + fmt.Sprint(sel.Year) + ".xlsx"
	cli := fmt.Sprintf("cchcbot export --year %d -o %s", sel.Year, name)
	if sel.PeriodID != "" {
		name = "tong-hop-cchc-" + strings.ReplaceAll(sel.PeriodID, "/", "-") + ".xlsx"
		cli = fmt.Sprintf("cchcbot export --period %s -o %s", sel.PeriodID, name)
	}
	caption := fmt.Sprintf("Bảng tổng hợp tình hình nộp báo cáo CCHC %s (%d kỳ báo cáo), lập lúc %s.", d.Title, periods, timeVN(now, s.calendar().Location))
	return s.sendBuilt(ctx, w, name, caption, cli, func(out io.Writer) error { return export.WriteWorkbook(ctx, out, s.opts.Store, d) })
}

// archiveZIP is /luutru [period]: the period's report files in one zip.
func (s *Service) archiveZIP(ctx context.Context, w who, cmd Command) error {
	now := s.now()
	pd, _, ok, err := s.loadPeriod(ctx, w, cmd, "luutru", now)
	if !ok || err != nil {
		return err
	}
	p := pd.Period
	entries := export.ArchiveFiles(pd)
	files, units := 0, map[string]bool{}
	for _, e := range entries {
		if e.Name != "" {
			files++
			units[e.Unit.Code] = true
		}
	}
	name := strings.ReplaceAll(p.ID, "/", "-") + ".zip"
	cli := fmt.Sprintf("cchcbot archive %s -o %s", p.ID, name)
	if files == 0 {
		return s.reply(ctx, w.user, fmt.Sprintf("%s: chưa đơn vị nào nộp tệp, chưa có gì để lưu trữ.", p.Label))
	}
	if size := export.ArchiveSize(entries); size > maxUpload {
		return s.reply(ctx, w.user, tooBigForChat(p.Label, size, cli))
	}
	if err := s.reply(ctx, w.user, fmt.Sprintf("Đang nén %d tệp của %s, xin chờ trong giây lát.", files, p.Label)); err != nil {
		return err
	}
	caption := fmt.Sprintf("Lưu trữ %s: %d tệp của %d/%d đơn vị, kèm danh mục tệp (lập lúc %s).", p.Label, files, len(units), len(pd.Status.Units), timeVN(now, s.calendar().Location))
	return s.sendBuilt(ctx, w, name, caption, cli, func(out io.Writer) error {
		_, err := export.WriteArchive(ctx, out, s.opts.Store, pd)
		return err
	})
}

// loadPeriod gathers the record of the period cmd names for the /name
// command; when the period is unknown or not open yet it answers the person
// itself and reports false.
func (s *Service) loadPeriod(ctx context.Context, w who, cmd Command, name string, now time.Time) (*export.PeriodData, *export.Data, bool, error) {
	p, err := s.calendar().ResolvePeriod(cmd.Arg, now)
	if err != nil {
		return nil, nil, false, s.reply(ctx, w.user, fmt.Sprintf("%s\nCú pháp: /%s [kỳ báo cáo], ví dụ: /%s 02/2024.", cchcbot.ErrorMessage(err), name, name))
	}
	if now.Before(p.Opens) {
		return nil, nil, false, s.reply(ctx, w.user, notOpenYet(p, s.calendar().Location))
	}
	d, err := export.Load(ctx, s.opts.Store, s.calendar(), s.opts.Office, export.Selection{PeriodID: p.ID}, now)
	if err != nil {
		return nil, nil, false, err
	}
	return &d.Kinds[0].Periods[0], d, true, nil
}

func notOpenYet(p cchcbot.Period, loc *time.Location) string {
	return fmt.Sprintf("%s chưa bắt đầu nhận báo cáo (nhận từ %s, hạn nộp %s): chưa có gì để tổng hợp.", p.Label, cchcbot.DateOf(p.Opens.In(loc)).VN(), p.Due.VN())
}

func tooBigForChat(label string, size int64, cli string) string {
	return fmt.Sprintf("Tệp lưu trữ %s nặng khoảng %s, vượt giới hạn 50 MB mà Telegram cho phép gửi. Xin nhờ cán bộ quản trị máy chủ chạy lệnh:\n%s",
		label, cchcbot.FormatSize(size), cli)
}

// summaryText is /tonghop [period]: the text for the district's report.
func (s *Service) summaryText(ctx context.Context, w who, cmd Command) error {
	pd, d, ok, err := s.loadPeriod(ctx, w, cmd, "tonghop", s.now())
	if !ok || err != nil {
		return err
	}
	return s.reply(ctx, w.user, export.Summary(d, pd))
}

// sendBuilt writes a file with build into a temporary file and sends it
// as a document, unless it came out over the upload limit; cli names the
// command that makes it on the server instead.
func (s *Service) sendBuilt(ctx context.Context, w who, name, caption, cli string, build func(io.Writer) error) error {
	tmp, err := os.CreateTemp(s.opts.TempDir, "cchcbot-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := build(tmp); err != nil {
		return err
	}
	fi, err := tmp.Stat()
	if err != nil {
		return err
	}
	if fi.Size() > maxUpload {
		if cli == "" {
			return s.reply(ctx, w.user, fmt.Sprintf("Tệp %s nặng %s, vượt giới hạn 50 MB mà Telegram cho phép gửi. Xin chọn một kỳ báo cáo thay vì cả năm.", name, cchcbot.FormatSize(fi.Size())))
		}
		return s.reply(ctx, w.user, tooBigForChat(name, fi.Size(), cli))
	}
	// An export is made for the moment and not kept, so it is sent
	// directly (paced like every message) rather than through the outbox;
	// if the network fails, the admin is told, durably, to ask again.
	path := tmp.Name()
	_, err = s.opts.Channel.SendDocument(ctx, cchcbot.OutDocument{
		To: w.user, Name: name, Caption: caption, Priority: cchcbot.PriorityInteractive, Size: fi.Size(),
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	})
	if c := cchcbot.ErrorCode(err); c != "" && c != cchcbot.EINTERNAL {
		// The network refuses such a file (Zalo takes documents of 5 MB
		// at most): its reason, and the server-side alternative.
		text := cchcbot.ErrorMessage(err)
		if cli != "" {
			text += " Lấy tệp trên máy chủ bằng lệnh: " + cli
		}
		return s.reply(ctx, w.user, text)
	}
	if err != nil && ctx.Err() == nil {
		s.opts.Logger.Warn("sending an export failed", "file", name, "err", err)
		text := fmt.Sprintf("Chưa gửi được tệp %s do lỗi đường truyền. Xin gõ lại lệnh sau ít phút.", name)
		if cli != "" {
			text += " Cũng có thể lấy tệp trên máy chủ bằng lệnh: " + cli
		}
		return s.reply(ctx, w.user, text)
	}
	return err
}
