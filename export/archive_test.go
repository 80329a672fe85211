package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/export"
)

// TestArchiveDates: every entry of the period archive is dated in the
// office's zone, a file by its submission (even one stamped in UTC, as
// on a server whose clock runs in UTC), the manifest by the export's
// time; none by the zip format's 1980.
func TestArchiveDates(t *testing.T) {
	f := seed(t)
	p, err := f.cal.Period(feb2024)
	if err != nil {
		t.Fatal(err)
	}
	utc := time.Date(2024, 2, 11, 1, 30, 0, 0, time.UTC) // 08:30 in Hồ Chí Minh City
	sum, n, err := f.db.PutFile(ctx, strings.NewReader("%PDF-yen-hop"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateSubmission(ctx, &cchcbot.Submission{PeriodID: p.ID, UnitCode: "xa-yen-hop", SubmittedBy: "telegram:9",
		SubmittedAt: utc, DaysLate: p.DaysLate(utc), Files: []cchcbot.File{{SHA256: sum, Size: n, Name: "bc.pdf"}}}); err != nil {
		t.Fatal(err)
	}
	d := load(t, f, export.Selection{PeriodID: feb2024})
	var buf bytes.Buffer
	if _, err := export.WriteArchive(ctx, &buf, f.db, &d.Kinds[0].Periods[0]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // the office's wall clock
		"phong-noi-vu - Phòng Nội vụ - Báo cáo CCHC tháng 2.pdf": "10/02/2024 08:30",
		"phong-tu-phap - Phòng Tư pháp - BC tư pháp.pdf":         "18/02/2024 14:00",
		"xa-dong-hop - UBND xã Đồng Hợp - Báo cáo (2).pdf":       "11/02/2024 09:00",
		"xa-yen-hop - UBND xã Yên Hợp - bc.pdf":                  "11/02/2024 08:30",
		export.ManifestName: f.now.Format("02/01/2006 15:04"),
	}
	seen := 0
	for _, zf := range zr.File {
		// The reader puts Modified in the zone implied by the MS-DOS
		// fields and the UTC timestamp: +07:00 when both are right.
		_, offset := zf.Modified.Zone()
		if zf.Modified.Year() < 2024 || offset != 7*3600 {
			t.Errorf("%s dated %v, want the office's time", zf.Name, zf.Modified)
		}
		if w, ok := want[zf.Name]; ok {
			seen++
			if got := zf.Modified.Format("02/01/2006 15:04"); got != w {
				t.Errorf("%s dated %s, want %s", zf.Name, got, w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d entries checked", seen, len(want))
	}
	rc, err := zr.Open(export.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var man bytes.Buffer
	man.ReadFrom(rc)
	if !strings.Contains(man.String(), "xa-yen-hop - UBND xã Yên Hợp - bc.pdf") || !strings.Contains(man.String(), "11/02/2024 08:30") {
		t.Errorf("the manifest does not give the UTC-stamped submission in the office's time:\n%s", man.String())
	}
}

// TestArchiveMissingFile: a report file gone from the file store fails
// the archive with a Vietnamese message that says so.
func TestArchiveMissingFile(t *testing.T) {
	f := seed(t)
	d := load(t, f, export.Selection{PeriodID: feb2024})
	path, err := f.db.FilePath(f.sums["%PDF-tu-phap"])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	_, err = export.WriteArchive(ctx, io.Discard, f.db, &d.Kinds[0].Periods[0])
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "không còn trong kho") || !strings.Contains(msg, "BC tư pháp.pdf") {
		t.Fatalf("archive with a file missing: %v", err)
	}
}
