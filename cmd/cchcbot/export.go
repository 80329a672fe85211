package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"cchcbot"
	"cchcbot/export"
)

// ExportCommand writes the Excel workbook of a period or a year.
type ExportCommand struct {
	Stdout io.Writer
}

// Run writes the workbook, from this process or from the running bot.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	if rest, err = absOutput(rest); err != nil {
		return err
	}
	return runStaff(ctx, "export", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *ExportCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot export [-config TỆP] [--period KỲ | --year NĂM] -o TỆP.xlsx [-force]

Ghi bảng tổng hợp Excel của một năm (mặc định: năm nay) hoặc của một kỳ:
mỗi loại báo cáo một trang tình hình, tô màu theo trạng thái; trang chi
tiết mọi lần nộp với người nộp, số biên nhận, tệp và mã sha256, nhắc việc
và trả lại; và trang tổng hợp theo đơn vị với tỷ lệ nộp đúng hạn dùng cho
chấm điểm CCHC. Đơn vị được nhóm và xếp theo thứ tự chữ cái tiếng Việt.

KỲ ghi như ở lệnh "cchcbot status" (02/2024, 2024-02 hoặc mã kỳ). Lệnh chạy
được khi bot đã dừng hay đang chạy (khi đó bot ghi TỆP: người dùng của bot
phải ghi được vào đó). Lệnh không ghi đè lên tệp có sẵn, trừ khi có -force.

Tùy chọn:
`+configUsage+`  --period KỲ     một kỳ báo cáo
  --year NĂM      mọi kỳ có hạn nộp trong năm NĂM
  -o TỆP          nơi ghi bảng tổng hợp (bắt buộc)
  -force          ghi đè nếu TỆP đã có
`+envUsage)
}

func exportHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	flags := newFlagSet("export")
	period := flags.String("period", "", "")
	year := flags.String("year", "", "")
	out := flags.String("o", "", "")
	force := flags.Bool("force", false, "")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	const syntax = "Cú pháp: cchcbot export [--period KỲ | --year NĂM] -o TỆP.xlsx [-force]"
	switch {
	case len(pos) > 0:
		return usageError("Lệnh export không nhận tham số %q: kỳ báo cáo ghi sau --period, năm ghi sau --year. %s", strings.Join(pos, " "), syntax)
	case *out == "":
		return usageError("Thiếu tùy chọn -o: xin cho biết tệp cần ghi, ví dụ -o tong-hop-2024.xlsx. %s", syntax)
	case *period != "" && *year != "":
		return usageError("Xin chỉ dùng một trong hai tùy chọn --period hoặc --year. %s", syntax)
	}
	// Refused before the export is built, not after a minute's work.
	if err := checkOutput(*out, *force); err != nil {
		return err
	}
	cfg := env.Config()
	cal, err := env.Calendar(ctx)
	if err != nil {
		return err
	}
	now := env.Clock.Now()
	var sel export.Selection
	switch {
	case *period != "":
		p, err := cal.ResolvePeriod(*period, now)
		if err != nil {
			return usageError("%s", cchcbot.ErrorMessage(err))
		}
		sel.PeriodID = p.ID
	case *year == "":
		sel.Year = now.In(cal.Location).Year()
	default:
		y, err := strconv.Atoi(strings.TrimSpace(*year))
		if err != nil || y < 2000 || y > 2200 {
			return usageError("--year %s không phải là một năm hợp lệ: xin ghi năm từ 2000 đến 2200, ví dụ --year 2024.", *year)
		}
		sel.Year = y
	}
	d, err := export.Load(ctx, env.DB, cal, cfg.Office, sel, now)
	if err != nil {
		return cchcbot.FileErrorf(err, "Không đọc được dữ liệu để lập bảng tổng hợp")
	}
	n, err := writeFileAtomic(*out, *force, func(w io.Writer) error { return export.WriteWorkbook(ctx, w, env.DB, d) })
	if err != nil {
		return err
	}
	periods := 0
	for _, k := range d.Kinds {
		periods += len(k.Periods)
	}
	fmt.Fprintf(stdout, "Đã ghi bảng tổng hợp %s vào %s (%d kỳ báo cáo, %d byte).\n", d.Title, *out, periods, n)
	return nil
}

// ArchiveCommand writes the zip archive of a period's reports.
type ArchiveCommand struct {
	Stdout io.Writer
}

// Run writes the archive, from this process or from the running bot.
func (c *ArchiveCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	if rest, err = absOutput(rest); err != nil {
		return err
	}
	return runStaff(ctx, "archive", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *ArchiveCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot archive [-config TỆP] KỲ -o TỆP.zip [-force]

Ghi tệp nén các báo cáo của một kỳ: với mỗi đơn vị, các tệp của lần nộp
được tiếp nhận gần nhất (nếu không có thì của lần nộp gần nhất), đặt tên
"<mã đơn vị> - <tên đơn vị> - <tên tệp>" và ghi ngày giờ nộp; kèm danh mục
("00 - Danh mục tệp.csv") liệt kê mọi đơn vị với tệp, mã sha256, thời điểm
nộp và trạng thái. Mỗi tệp được đối chiếu mã sha256 khi nén.

Lệnh chạy được khi bot đã dừng hay đang chạy (khi đó bot ghi TỆP). Lệnh
không ghi đè lên tệp có sẵn, trừ khi có -force.

Tùy chọn:
`+configUsage+`  -o TỆP          nơi ghi tệp nén (bắt buộc)
  -force          ghi đè nếu TỆP đã có
`+envUsage)
}

func archiveHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	flags := newFlagSet("archive")
	out := flags.String("o", "", "")
	force := flags.Bool("force", false, "")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	const syntax = "Cú pháp: cchcbot archive KỲ -o TỆP.zip [-force], ví dụ: cchcbot archive 02/2024 -o bao-cao-02-2024.zip"
	switch {
	case len(pos) != 1:
		return usageError("Xin ghi đúng một kỳ báo cáo. %s", syntax)
	case *out == "":
		return usageError("Thiếu tùy chọn -o: xin cho biết tệp cần ghi. %s", syntax)
	}
	if err := checkOutput(*out, *force); err != nil {
		return err
	}
	pd, d, err := loadPeriodData(ctx, env, pos[0])
	if err != nil {
		return err
	}
	var entries []export.ArchiveEntry
	n, err := writeFileAtomic(*out, *force, func(w io.Writer) (err error) {
		entries, err = export.WriteArchive(ctx, w, env.DB, pd)
		return err
	})
	if err != nil {
		return err
	}
	files, units := 0, map[string]bool{}
	for _, e := range entries {
		if e.Name != "" {
			files++
			units[e.Unit.Code] = true
		}
	}
	fmt.Fprintf(stdout, "Đã ghi %s vào %s: %d tệp của %d/%d đơn vị, kèm danh mục (%d byte).\n",
		d.Title, *out, files, len(units), len(pd.Status.Units), n)
	return nil
}

// loadPeriodData resolves query and gathers its record.
func loadPeriodData(ctx context.Context, env *Env, query string) (*export.PeriodData, *export.Data, error) {
	cfg := env.Config()
	cal, err := env.Calendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := env.Clock.Now()
	p, err := cal.ResolvePeriod(query, now)
	if err != nil {
		return nil, nil, usageError("%s", cchcbot.ErrorMessage(err))
	}
	if now.Before(p.Opens) {
		return nil, nil, usageError("%s chưa bắt đầu nhận báo cáo (nhận từ %s, hạn nộp %s): chưa có gì để tổng hợp.",
			p.Label, cchcbot.DateOf(p.Opens.In(cal.Location)).VN(), p.Due.VN())
	}
	d, err := export.Load(ctx, env.DB, cal, cfg.Office, export.Selection{PeriodID: p.ID}, now)
	if err != nil {
		return nil, nil, cchcbot.FileErrorf(err, "Không đọc được dữ liệu của %s", p.Label)
	}
	return &d.Kinds[0].Periods[0], d, nil
}

// SummaryCommand prints the text for the district's monthly report.
type SummaryCommand struct {
	Stdout io.Writer
}

// Run prints the summary, from this process or from the running bot.
func (c *SummaryCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	return runStaff(ctx, "summary", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *SummaryCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot summary [-config TỆP] [KỲ]

In đoạn văn và các danh sách để đưa vào báo cáo CCHC của cơ quan: bao nhiêu
đơn vị nộp đúng hạn, đơn vị nào nộp trễ (trễ bao nhiêu ngày), đơn vị nào
bị trả lại và đơn vị nào chưa nộp. Không ghi KỲ: kỳ đang mở gần hạn nhất,
nếu không có thì kỳ gần nhất đã đến hạn.

Tùy chọn:
`+configUsage+envUsage)
}

func summaryHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	pos, err := parseInterspersed(newFlagSet("summary"), args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("Xin ghi nhiều nhất một kỳ báo cáo. Cú pháp: cchcbot summary [KỲ], ví dụ: cchcbot summary 02/2024")
	}
	query := ""
	if len(pos) == 1 {
		query = pos[0]
	}
	pd, d, err := loadPeriodData(ctx, env, query)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, export.Summary(d, pd))
	return err
}
