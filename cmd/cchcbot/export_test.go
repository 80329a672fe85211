package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// seedStore records, in the store of the config at path, February 2024:
// Phòng Nội vụ on time, Phòng Tư pháp 3 days late.
func seedStore(t *testing.T, path, dataDir string) {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Calendar()
	p, err := cal.Period("bao-cao-thang/2024-02")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.SyncUnits(ctx, cfg.UnitList(), time.Now()); err != nil {
		t.Fatal(err)
	}
	for unit, when := range map[string]time.Time{
		"phong-noi-vu":  time.Date(2024, 2, 10, 8, 30, 0, 0, cal.Location),
		"phong-tu-phap": time.Date(2024, 2, 18, 14, 0, 0, 0, cal.Location),
	} {
		sum, n, err := db.PutFile(ctx, strings.NewReader("%PDF-"+unit), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := &cchcbot.Submission{PeriodID: p.ID, UnitCode: unit, SubmittedBy: "telegram:1", SubmittedAt: when, DaysLate: p.DaysLate(when),
			Files: []cchcbot.File{{SHA256: sum, Size: n, Name: "báo cáo.pdf"}}}
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExportArchiveSummary(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-03-01T09:00:00+07:00")
	path, dataDir := tempConfig(t)
	seedStore(t, path, dataDir)
	out := t.TempDir()

	xlsx := filepath.Join(out, "tong-hop.xlsx")
	code, stdout, stderr := run(t, "export", "-config", path, "--year", "2024", "-o", xlsx)
	if code != exitOK || !strings.Contains(stdout, "Đã ghi bảng tổng hợp năm 2024") {
		t.Fatalf("export: exit %d, %s %s", code, stdout, stderr)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, _ := x.GetCellValue("TH - Báo cáo CCHC", "D5"); got != "Tháng 02/2024\nhạn 15/02" {
		t.Errorf("D5 = %q", got)
	}
	if got, _ := x.GetCellValue("Tổng hợp", "A1"); got != "PHÒNG NỘI VỤ HUYỆN QUỲ HỢP" {
		t.Errorf("summary sheet title %q", got)
	}

	zipPath := filepath.Join(out, "02-2024.zip")
	code, stdout, stderr = run(t, "archive", "02/2024", "-o", zipPath, "-config", path)
	if code != exitOK || !strings.Contains(stdout, "2 tệp của 2/38 đơn vị") {
		t.Fatalf("archive: exit %d, %s %s", code, stdout, stderr)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	if strings.Join(names, "|") != "phong-noi-vu - Phòng Nội vụ - báo cáo.pdf|phong-tu-phap - Phòng Tư pháp - báo cáo.pdf|00 - Danh mục tệp.csv" {
		t.Errorf("archive entries %q", names)
	}

	code, stdout, _ = run(t, "summary", "-config", path, "02/2024")
	if code != exitOK || !strings.Contains(stdout, "Trong kỳ, 1/38 đơn vị nộp đúng hạn; 1 đơn vị nộp trễ: Phòng Tư pháp (3 ngày); 36 đơn vị chưa nộp: xem danh sách dưới đây.") {
		t.Errorf("summary: exit %d\n%s", code, stdout)
	}

	// Mistakes get a usage error and leave nothing behind.
	for _, args := range [][]string{
		{"export", "-config", path, "--year", "2024"},
		{"export", "-config", path, "--year", "2024", "--period", "02/2024", "-o", filepath.Join(out, "x.xlsx")},
		{"archive", "-config", path, "13/2024", "-o", filepath.Join(out, "x.zip")},
		{"summary", "-config", path, "02/2024", "03/2024"},
	} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Errorf("the output directory holds %d files, want the two written", len(entries))
	}
}
