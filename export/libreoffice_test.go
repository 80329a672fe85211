package export_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cchcbot/export"
)

// libreOffice returns LibreOffice's soffice. .ci/run installs it and sets
// CCHCBOT_REQUIRE_LIBREOFFICE, under which a missing one fails the test;
// elsewhere the test is skipped, as it is with -short.
func libreOffice(t *testing.T) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("libreoffice"); err != nil {
			if os.Getenv("CCHCBOT_REQUIRE_LIBREOFFICE") != "" {
				t.Fatal("LibreOffice is required (CCHCBOT_REQUIRE_LIBREOFFICE) but not installed")
			}
			t.Skip("LibreOffice is not installed")
		}
	}
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	return soffice
}

// convert has LibreOffice convert the file in, headless, with its own
// profile under dir, and returns the path of the copy it wrote into dir:
// to is what --convert-to takes ("pdf", "xlsx:Calc MS Excel 2007 XML"),
// ext the copy's extension.
func convert(t *testing.T, soffice, dir, in, to, ext string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	outDir := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", to, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, b)
	}
	base := filepath.Base(in)
	return filepath.Join(outDir, strings.TrimSuffix(base, filepath.Ext(base))+"."+ext)
}

// writeWorkbookFile writes d's workbook to dir/in/name.
func writeWorkbookFile(t *testing.T, dir, name string, st export.Store, d *export.Data) string {
	t.Helper()
	in := filepath.Join(dir, "in", name)
	if err := os.MkdirAll(filepath.Dir(in), 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteWorkbook(context.Background(), out, st, d); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestLibreOfficeOpensTheWorkbook is the smoke test that real office
// software reads what excelize wrote: LibreOffice converts the workbook
// of a year with extensions, exemptions, explanations and escalations
// headless, and the copy it saves holds the same cells.
func TestLibreOfficeOpensTheWorkbook(t *testing.T) {
	soffice := libreOffice(t)
	f := seedWorkflow(t)
	dir := t.TempDir()
	in := writeWorkbookFile(t, dir, "tong-hop.xlsx", f.db, load(t, f, export.Selection{Year: 2024}))
	x, err := excelize.OpenFile(convert(t, soffice, dir, in, "xlsx:Calc MS Excel 2007 XML", "xlsx"))
	if err != nil {
		t.Fatalf("LibreOffice wrote nothing readable: %v", err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != 4 || sheets[1] != "TH - Báo cáo CCHC" {
		t.Errorf("LibreOffice sees sheets %q", sheets)
	}
	cells := map[string]string{}
	rows, err := x.GetRows("TH - Báo cáo CCHC")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 3 {
			cells[r[1]] = r[3] // February
		}
	}
	for name, want := range map[string]string{
		"Phòng Tư pháp":     "Đúng hạn\n18/02/2024\nGH 20/02",
		"UBND xã Châu Đình": "Trễ 1 ngày\n16/02/2024",
		"UBND xã Yên Hợp":   "Miễn nộp",
	} {
		if cells[name] != want {
			t.Errorf("LibreOffice's copy has %q for %s in February, want %q", cells[name], name, want)
		}
	}
	rows, err = x.GetRows(export.DetailSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 || !slices.Equal(rows[4], export.DetailColumns) {
		t.Errorf("LibreOffice's copy of the detail sheet is headed %q", rows[min(4, len(rows)-1)])
	}
	rows, err = x.GetRows(export.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; len(last) == 0 || last[0] != export.SummaryFootnote {
		t.Errorf("LibreOffice's copy of the summary ends with %q, not the footnote", last)
	}
}
