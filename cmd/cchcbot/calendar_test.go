package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// TestCalendarListsRequestsAndExtensions: the calendar read from a store
// shows the ad-hoc requests as periods with their own plan, a cancelled
// one without reminders, and each unit's approved extension.
func TestCalendarListsRequestsAndExtensions(t *testing.T) {
	cfgPath, dataDir := tempConfig(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	made := time.Date(2024, 3, 1, 10, 0, 0, 0, loc)
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncUnits(ctx, []cchcbot.Unit{{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc", Group: cchcbot.GroupCommune}}, made); err != nil {
		t.Fatal(err)
	}
	live := &cchcbot.Request{Title: "Báo cáo đột xuất về số hóa hồ sơ", Due: cchcbot.D(2024, 3, 22),
		Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, RequiresFile: true, CreatedBy: "cli", CreatedAt: made, PlannedFrom: made}
	gone := &cchcbot.Request{Title: "Báo cáo tình hình phòng chống lụt bão", Due: cchcbot.D(2024, 3, 25),
		Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}, CreatedBy: "telegram:1", CreatedByName: "Nguyễn Văn A", CreatedAt: made, PlannedFrom: made}
	for _, r := range []*cchcbot.Request{live, gone} {
		if err := db.CreateRequest(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UpdateRequest(ctx, gone.ID, "cli", made.Add(time.Hour), func(r *cchcbot.Request) error {
		r.CancelledAt, r.CancelReason = made.Add(time.Hour), "đã có số liệu từ Sở"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	ext := &cchcbot.Extension{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-chau-loc", State: cchcbot.ExtensionApproved,
		Until: cchcbot.D(2024, 3, 20), Reason: "cán bộ đầu mối nghỉ ốm", RequestedBy: "cli", RequestedAt: made, DecidedBy: "cli", DecidedAt: made}
	if err := db.CreateExtension(ctx, ext, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := run(t, "calendar", "-config", cfgPath, "--from", "01/03/2024", "--to", "31/03/2024")
	if code != exitOK {
		t.Fatalf("calendar exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Báo cáo đột xuất về số hóa hồ sơ  [" + live.PeriodID() + "]",
		"Yêu cầu:   báo cáo đột xuất, tạo ngày 01/03/2024 bởi dòng lệnh (cchcbot request)",
		"Thông báo yêu cầu  Thứ Sáu 01/03/2024 10:00",
		"Hạn nộp:   Thứ Sáu 22/03/2024, hết 23:59",
		"bởi Nguyễn Văn A; ĐÃ HỦY ngày 01/03/2024 (đã có số liệu từ Sở)",
		"Gia hạn:   UBND xã Châu Lộc đến Thứ Tư 20/03/2024 (quyết định ngày 01/03/2024)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar lacks %q:\n%s", want, out)
		}
	}
	cancelled := out[strings.Index(out, gone.PeriodID()):]
	if next := strings.Index(cancelled, "\n\n"); next > 0 {
		cancelled = cancelled[:next]
	}
	if strings.Contains(cancelled, "Nhắc việc") {
		t.Errorf("a cancelled request lists reminders:\n%s", cancelled)
	}
}
