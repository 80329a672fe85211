package webtest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// Calendar is 2024 as the district letter sets it: the remediation plan
// due 31/01, and the monthly report due the 12th (February's moves to
// Thursday 15/02 over Tết).
func Calendar() *cchcbot.Calendar {
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	holidays := map[cchcbot.Date]string{cchcbot.D(2024, 1, 1): "Tết Dương lịch", cchcbot.D(2024, 4, 18): "Giỗ Tổ Hùng Vương"}
	for d := 8; d <= 14; d++ {
		holidays[cchcbot.D(2024, 2, d)] = "Tết Nguyên đán"
	}
	return &cchcbot.Calendar{
		Location: ICT,
		Work:     cchcbot.WorkCalendar{Weekends: map[time.Weekday]bool{time.Saturday: true, time.Sunday: true}, Holidays: holidays},
		Kinds: []cchcbot.ReportKind{
			{ID: "ke-hoach-khac-phuc", Title: "Kế hoạch khắc phục", RequiresFile: true,
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 1, 31)}, Groups: all, OpenDays: 30, LateDays: 90},
			{ID: "bao-cao-thang", Title: "Báo cáo CCHC", RequiresFile: true,
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, Window: cchcbot.Window{FromDay: 12, ToDay: 12},
				Groups: all, Start: cchcbot.D(2024, 1, 1), OpenDays: 20, LateDays: 90},
		},
		Reminders: cchcbot.ReminderPolicy{TimeOfDay: cchcbot.TimeOfDay{Hour: 8}, DaysBefore: []int{7, 3, 1, 0},
			OverdueEvery: 2, OverdueMax: 3, DigestTime: cchcbot.TimeOfDay{Hour: 7, Minute: 30}},
		ShiftDeadlines: true,
	}
}

// Units are eight units of Quỳ Hợp, each group represented.
var Units = []cchcbot.Unit{
	{Code: "van-phong", Name: "Văn phòng HĐND và UBND huyện", Group: cchcbot.GroupDepartment, HeadTitle: "Chánh Văn phòng", Order: 1},
	{Code: "phong-tu-phap", Name: "Phòng Tư pháp", Group: cchcbot.GroupDepartment, HeadTitle: "Trưởng phòng", Order: 2},
	{Code: "tt-dv-nn", Name: "Trung tâm Dịch vụ nông nghiệp", Group: cchcbot.GroupServiceUnit, HeadTitle: "Giám đốc", Order: 3},
	{Code: "tt-quy-hop", Name: "UBND thị trấn Quỳ Hợp", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND thị trấn", Order: 4},
	{Code: "xa-chau-dinh", Name: "UBND xã Châu Đình", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 5},
	{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 6},
	{Code: "xa-chau-ly", Name: "UBND xã Châu Lý", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 7},
	{Code: "xa-dong-hop", Name: "UBND xã Đồng Hợp", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 8},
}

// Admins are phòng Nội vụ's staff; the first is the fixture's Admin.
var Admins = []cchcbot.Admin{
	{User: cchcbot.TelegramUser(9001), Name: "Trần Thị Nội Vụ"},
	{User: cchcbot.TelegramUser(9002), Name: "Nguyễn Văn An"},
}

// The members, by the unit they speak for.
var (
	ChairLoc  = cchcbot.TelegramUser(3001) // xa-chau-loc, on Telegram
	DeputyLoc = cchcbot.ZaloUser("z3002")  // xa-chau-loc, on Zalo
	ChairDinh = cchcbot.TelegramUser(3003) // xa-chau-dinh
	ChairHa   = cchcbot.TelegramUser(3004) // tt-quy-hop; blocked the bot
	ClerkVan  = cchcbot.TelegramUser(3005) // van-phong
	ClerkTu   = cchcbot.TelegramUser(3006) // phong-tu-phap; reminded twice, acknowledged once
)

// Members are the people who speak for the units.
var Members = []cchcbot.Member{
	{User: ChairLoc, UnitCode: "xa-chau-loc", Name: "Lê Văn Lộc", Username: "levanloc"},
	{User: DeputyLoc, UnitCode: "xa-chau-loc", Name: "Hà Thị Phó"},
	{User: ChairDinh, UnitCode: "xa-chau-dinh", Name: "Vi Văn Đình"},
	{User: ChairHa, UnitCode: "tt-quy-hop", Name: "Lò Thị Hà"},
	{User: ClerkVan, UnitCode: "van-phong", Name: "Nguyễn Thị Văn"},
	{User: ClerkTu, UnitCode: "phong-tu-phap", Name: "Phạm Văn Tư"},
}

// February is the period whose every state the seed covers.
const February = "bao-cao-thang/2024-02"

// FebruaryStates is each unit's cell state in February, as the
// dashboard's data-state attribute names it.
var FebruaryStates = map[string]string{
	"van-phong":     "accepted", // on time, accepted
	"phong-tu-phap": "missing",
	"tt-dv-nn":      "late", // 2 days late, not reviewed
	"tt-quy-hop":    "returned",
	"xa-chau-dinh":  "late", // 3 days late, not reviewed
	"xa-chau-loc":   "on_time",
	"xa-chau-ly":    "accepted", // 1 day late, accepted
	"xa-dong-hop":   "missing",
}

// Seed names what the seed recorded.
type Seed struct {
	// February's versions: Châu Lộc's on time with a file, Châu Đình's
	// three days late, Châu Lý's accepted, Quỳ Hợp's returned.
	OnTime, Late, Accepted, Returned *cchcbot.Submission
	// FileName and File are Châu Lộc's February file: a Vietnamese name.
	FileName string
	File     []byte
}

// at is 2024-mm-dd hh:mm in the district's zone.
func at(m time.Month, d, hh, mm int) time.Time { return time.Date(2024, m, d, hh, mm, 0, 0, ICT) }

func seed(tb testing.TB, db *store.DB, cal *cchcbot.Calendar) Seed {
	tb.Helper()
	ctx := context.Background()
	start := at(1, 2, 8, 0)
	if _, err := db.SyncUnits(ctx, Units, start); err != nil {
		tb.Fatal(err)
	}
	admins := make([]cchcbot.Admin, len(Admins))
	copy(admins, Admins)
	if err := db.SyncAdmins(ctx, admins, start); err != nil {
		tb.Fatal(err)
	}
	ms := make([]cchcbot.Member, len(Members))
	for i, m := range Members {
		m.JoinedAt, m.InvitedBy = start, string(Admins[0].User)
		ms[i] = m
	}
	if err := db.ImportMembers(ctx, ms); err != nil {
		tb.Fatal(err)
	}
	if err := db.SetReachable(ctx, ChairHa, false, "Người dùng đã chặn bot", at(2, 20, 8, 0)); err != nil {
		tb.Fatal(err)
	}

	s := Seed{FileName: "Báo cáo tháng 02 – Châu Lộc.pdf", File: []byte("%PDF-1.7\n% Báo cáo CCHC tháng 02/2024 của UBND xã Châu Lộc\n")}
	put := func(name string, body []byte) cchcbot.File {
		sum, size, err := db.PutFile(ctx, bytes.NewReader(body), 1<<20)
		if err != nil {
			tb.Fatal(err)
		}
		return cchcbot.File{SHA256: sum, Size: size, Name: name, MIME: "application/pdf"}
	}
	submit := func(periodID, unit string, t time.Time, files ...cchcbot.File) *cchcbot.Submission {
		p, err := cal.Period(periodID)
		if err != nil {
			tb.Fatal(err)
		}
		if len(files) == 0 {
			files = []cchcbot.File{put("Báo cáo "+unit+".pdf", []byte("%PDF-1.7\n"+periodID+" "+unit+"\n"))}
		}
		sub := &cchcbot.Submission{PeriodID: periodID, UnitCode: unit, Files: files, SubmittedBy: "telegram:1", SubmitterName: "Cán bộ " + unit,
			SubmittedAt: t, DaysLate: p.DaysLate(t)}
		if err := db.CreateSubmission(ctx, sub); err != nil {
			tb.Fatal(err)
		}
		return sub
	}
	review := func(sub *cchcbot.Submission, state cchcbot.SubmissionState, reason string, t time.Time) *cchcbot.Submission {
		got, err := db.ReviewSubmission(ctx, sub.ID, state, reason, Admins[0].User, t, nil)
		if err != nil {
			tb.Fatal(err)
		}
		return got
	}

	// The remediation plan, due 31/01.
	review(submit("ke-hoach-khac-phuc/2024", "van-phong", at(1, 25, 9, 0)), cchcbot.StateAccepted, "", at(1, 26, 9, 0))
	submit("ke-hoach-khac-phuc/2024", "xa-chau-loc", at(2, 5, 9, 0))

	// January, due 12/01: all on time and accepted but Đồng Hợp.
	for i, u := range Units {
		if u.Code == "xa-dong-hop" {
			continue
		}
		review(submit("bao-cao-thang/2024-01", u.Code, at(1, 10, 8, i)), cchcbot.StateAccepted, "", at(1, 15, 9, 0))
	}

	// February, due 15/02 after Tết: every state.
	review(submit(February, "van-phong", at(2, 6, 9, 0)), cchcbot.StateAccepted, "", at(2, 16, 9, 0))
	submit(February, "tt-dv-nn", at(2, 17, 9, 0))
	s.Returned = review(submit(February, "tt-quy-hop", at(2, 14, 16, 0)), cchcbot.StateReturned, "Thiếu phụ lục số liệu", at(2, 16, 10, 0))
	s.Late = submit(February, "xa-chau-dinh", at(2, 18, 9, 30))
	s.OnTime = submit(February, "xa-chau-loc", at(2, 13, 15, 45), put(s.FileName, s.File))
	s.Accepted = review(submit(February, "xa-chau-ly", at(2, 16, 8, 0)), cchcbot.StateAccepted, "", at(2, 17, 9, 0))

	// March, due 12/03: two on time, the rest missing.
	submit("bao-cao-thang/2024-03", "van-phong", at(3, 8, 9, 0))
	submit("bao-cao-thang/2024-03", "xa-chau-loc", at(3, 11, 14, 0))

	// Phòng Tư pháp was reminded of February twice and acknowledged once.
	if err := db.MarkReminders(ctx, []cchcbot.Reminder{
		{PeriodID: February, UnitCode: "phong-tu-phap", Step: "before-7", Member: ClerkTu, State: cchcbot.ReminderSent,
			PlannedAt: at(2, 7, 8, 0), SentAt: at(2, 7, 8, 0), UpdatedAt: at(2, 7, 8, 0), AckedAt: at(2, 7, 9, 0)},
		{PeriodID: February, UnitCode: "phong-tu-phap", Step: "before-3", Member: ClerkTu, State: cchcbot.ReminderSent,
			PlannedAt: at(2, 12, 8, 0), SentAt: at(2, 12, 8, 0), UpdatedAt: at(2, 12, 8, 0)},
	}); err != nil {
		tb.Fatal(err)
	}
	return s
}
