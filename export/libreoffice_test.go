package export_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cchcbot/export"
)

// TestLibreOfficeOpensTheWorkbook is the smoke test that real office
// software reads what excelize wrote: LibreOffice converts the workbook
// headless, and the copy it saves holds the same cells. .ci/run installs
// LibreOffice; elsewhere the test is skipped when it is missing.
func TestLibreOfficeOpensTheWorkbook(t *testing.T) {
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
	f := seed(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "tong-hop.xlsx")
	os.MkdirAll(filepath.Dir(in), 0o700)
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteWorkbook(context.Background(), out, f.db, load(t, f, export.Selection{Year: 2024})); err != nil {
		t.Fatal(err)
	}
	out.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	outDir := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, b)
	}
	x, err := excelize.OpenFile(filepath.Join(outDir, "tong-hop.xlsx"))
	if err != nil {
		t.Fatalf("LibreOffice wrote nothing readable: %v", err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != 4 || sheets[1] != "TH - Báo cáo CCHC" {
		t.Errorf("LibreOffice sees sheets %q", sheets)
	}
	rows, err := x.GetRows("TH - Báo cáo CCHC")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 4 && r[2] == "phong-tu-phap" && r[4] == "Trễ 3 ngày\n18/02/2024" {
			found = true
		}
	}
	if !found {
		t.Error("LibreOffice's copy lacks Phòng Tư pháp's late cell")
	}
}
