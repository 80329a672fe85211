package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	fmt.Fprint(c.Stdout, `Usage: cchcbot export [-config FILE] [--period PERIOD | --year YEAR] -o FILE.xlsx

Writes the Excel workbook of a year (default: this year) or of one period:
a status sheet per report, coloured by state; the detail of every version
with submitter, receipt number, files and sha256, reminders and returns;
and the per-unit summary with the on-time rate the CCHC scoring uses.
Units are grouped and listed in Vietnamese alphabetical order.

PERIOD is written as for "cchcbot status" (02/2024, 2024-02, or a period id).
Works with the bot stopped or running (the bot then writes FILE: it must be
writable by the bot's user).

Options:
`+configUsage+`  --period P      one period
  --year Y        every period due in year Y
  -o FILE         where to write the workbook (required)
`+envUsage)
}

// absOutput makes -o's file name absolute: the bot that may write it runs
// in another directory.
func absOutput(args []string) ([]string, error) {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		switch out[i] {
		case "-o", "--o":
			if i+1 < len(out) {
				abs, err := filepath.Abs(out[i+1])
				if err != nil {
					return nil, err
				}
				out[i+1] = abs
				i++
			}
		}
	}
	return out, nil
}

// writeFileAtomic writes path through a temporary file in its directory,
// so a failed export never leaves half a file under the name staff expect.
func writeFileAtomic(path string, write func(w io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	fi, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return 0, err
	}
	return fi.Size(), os.Rename(tmp.Name(), path)
}

func exportHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("export")
	period := fs.String("period", "", "")
	year := fs.Int("year", 0, "")
	out := fs.String("o", "", "")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *out == "" || *period != "" && *year != 0 {
		return usageError("usage: cchcbot export [--period PERIOD | --year YEAR] -o FILE.xlsx")
	}
	cfg := env.Config()
	cal := cfg.Calendar()
	now := env.Clock.Now()
	sel := export.Selection{Year: *year}
	switch {
	case *period != "":
		p, err := cal.ResolvePeriod(*period, now)
		if err != nil {
			return usageError("%s", cchcbot.ErrorMessage(err))
		}
		sel = export.Selection{PeriodID: p.ID}
	case *year == 0:
		sel.Year = now.In(cal.Location).Year()
	case *year < 2000 || *year > 2200:
		return usageError("--year %d is not a year", *year)
	}
	d, err := export.Load(ctx, env.DB, cal, cfg.Office, sel, now)
	if err != nil {
		return err
	}
	n, err := writeFileAtomic(*out, func(w io.Writer) error { return export.WriteWorkbook(ctx, w, env.DB, d) })
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
	fmt.Fprint(c.Stdout, `Usage: cchcbot archive [-config FILE] PERIOD -o FILE.zip

Writes a zip archive of a period's reports: for every unit, the files of
its latest accepted version (else of its latest one), named
"<unit code> - <unit name> - <file name>", and a manifest
("00 - Danh mục tệp.csv") listing every unit with file, sha256, submission
time and state. Every file is checked against its sha256 on the way.

Works with the bot stopped or running (the bot then writes FILE).

Options:
`+configUsage+`  -o FILE         where to write the archive (required)
`+envUsage)
}

func archiveHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("archive")
	out := fs.String("o", "", "")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usageError("usage: cchcbot archive PERIOD -o FILE.zip")
	}
	pd, d, err := loadPeriodData(ctx, env, pos[0])
	if err != nil {
		return err
	}
	var entries []export.ArchiveEntry
	n, err := writeFileAtomic(*out, func(w io.Writer) (err error) {
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
	cal := cfg.Calendar()
	now := env.Clock.Now()
	p, err := cal.ResolvePeriod(query, now)
	if err != nil {
		return nil, nil, usageError("%s", cchcbot.ErrorMessage(err))
	}
	if now.Before(p.Opens) {
		return nil, nil, usageError("%s has not opened yet: it takes reports from %s", p.Label, cchcbot.DateOf(p.Opens.In(cal.Location)).VN())
	}
	d, err := export.Load(ctx, env.DB, cal, cfg.Office, export.Selection{PeriodID: p.ID}, now)
	if err != nil {
		return nil, nil, err
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
	fmt.Fprint(c.Stdout, `Usage: cchcbot summary [-config FILE] [PERIOD]

Prints the paragraph and lists to paste into the district's CCHC report:
how many units submitted on time, which were late (and by how many days),
which were returned and which have not submitted. Without PERIOD: the open
period nearest its deadline, else the latest one due.

Options:
`+configUsage+envUsage)
}

func summaryHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("summary")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("usage: cchcbot summary [PERIOD]")
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
