package export_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

var ctx = context.Background()

// feb2024 is the monthly report due 12/02/2024: Tết moves its deadline to
// Thursday 15/02/2024.
const feb2024 = "bao-cao-thang/2024-02"

// fixture is the example config's district with a seeded record.
type fixture struct {
	cfg *config.Config
	cal *cchcbot.Calendar
	db  *store.DB
	now time.Time
	// sums holds the sha256 of each seeded file by its content.
	sums map[string]string
}

func at(cal *cchcbot.Calendar, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, cal.Location)
}

// seed opens a store for the example config and records, for February
// 2024: Phòng Nội vụ on time and accepted; Phòng Tư pháp 3 days late;
// Châu Lộc returned; Châu Đình returned then resubmitted late; Đồng Hợp on
// time with two files of the same name; every other unit nothing. The
// remediation plan (due 31/01/2024) is met by Phòng Nội vụ only.
func seed(t testing.TB) *fixture {
	t.Helper()
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Calendar()
	f := &fixture{cfg: cfg, cal: cal, now: at(cal, 2024, 3, 1, 9, 0), sums: map[string]string{}}
	f.db, err = store.Open(t.TempDir(), store.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	if _, err := f.db.SyncUnits(ctx, cfg.UnitList(), f.now); err != nil {
		t.Fatal(err)
	}
	p, err := cal.Period(feb2024)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cal.Period("ke-hoach-khac-phuc/2024")
	if err != nil {
		t.Fatal(err)
	}
	submit := func(p cchcbot.Period, unit string, when time.Time, files ...string) *cchcbot.Submission {
		t.Helper()
		s := &cchcbot.Submission{PeriodID: p.ID, UnitCode: unit, SubmittedBy: cchcbot.UserID("telegram:" + unit), SubmitterName: "Cán bộ " + unit,
			SubmittedAt: when, DaysLate: p.DaysLate(when), DocNumber: "12/BC-" + strings.ToUpper(unit[:4])}
		for _, content := range files {
			name, body, _ := strings.Cut(content, "|")
			sum, n, err := f.db.PutFile(ctx, strings.NewReader(body), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			f.sums[body] = sum
			s.Files = append(s.Files, cchcbot.File{SHA256: sum, Size: n, Name: name, MIME: "application/pdf"})
		}
		if err := f.db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	review := func(s *cchcbot.Submission, state cchcbot.SubmissionState, reason string, when time.Time) {
		t.Helper()
		if _, err := f.db.ReviewSubmission(ctx, s.ID, state, reason, "telegram:100000001", when, nil); err != nil {
			t.Fatal(err)
		}
	}
	nv := submit(p, "phong-noi-vu", at(cal, 2024, 2, 10, 8, 30), "Báo cáo CCHC tháng 2.pdf|%PDF-noi-vu")
	review(nv, cchcbot.StateAccepted, "", at(cal, 2024, 2, 10, 10, 0))
	submit(p, "phong-tu-phap", at(cal, 2024, 2, 18, 14, 0), "BC tư pháp.pdf|%PDF-tu-phap")
	cl := submit(p, "xa-chau-loc", at(cal, 2024, 2, 14, 9, 0), "bao cao.pdf|%PDF-chau-loc-v1")
	review(cl, cchcbot.StateReturned, "Thiếu số liệu thủ tục hành chính", at(cal, 2024, 2, 14, 15, 0))
	cd := submit(p, "xa-chau-dinh", at(cal, 2024, 2, 13, 9, 0), "v1.pdf|%PDF-chau-dinh-v1")
	review(cd, cchcbot.StateReturned, "Chưa ký, đóng dấu", at(cal, 2024, 2, 13, 16, 0))
	submit(p, "xa-chau-dinh", at(cal, 2024, 2, 16, 9, 0), "v2:final?.pdf|%PDF-chau-dinh-v2")
	submit(p, "xa-dong-hop", at(cal, 2024, 2, 11, 9, 0), "Báo cáo.pdf|%PDF-dong-hop-1", "Báo cáo.pdf|%PDF-dong-hop-2")
	submit(plan, "phong-noi-vu", at(cal, 2024, 1, 30, 9, 0), "Kế hoạch khắc phục.pdf|%PDF-ke-hoach")

	// Reminders: Châu Lộc's member got two and acknowledged one.
	for i, step := range []string{"before-3", "due"} {
		r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: "xa-chau-loc", Step: step, Member: "telegram:555", PlannedAt: f.now,
			State: cchcbot.ReminderSent, SentAt: f.now}
		if err := f.db.MarkReminders(ctx, []cchcbot.Reminder{r}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := f.db.AckReminder(ctx, p.ID, "xa-chau-loc", step, "telegram:555", f.now); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}
