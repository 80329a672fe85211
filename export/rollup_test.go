package export_test

import (
	"maps"
	"slices"
	"testing"

	"cchcbot/export"
)

// remindersShown reads the detail sheet's reminder columns of one period:
// unit code → "sent/acked".
func remindersShown(t *testing.T, f *fixture, period string) map[string]string {
	t.Helper()
	x := openWorkbook(t, f, load(t, f, export.Selection{Year: 2024}))
	rows, err := x.GetRows(export.DetailSheet)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(export.DetailColumns, name) }
	out := map[string]string{}
	for _, r := range rows[5:] {
		r = append(r, make([]string, len(export.DetailColumns)-len(r))...)
		if r[col("Kỳ báo cáo")] != period || r[col("Báo cáo")] != "Báo cáo CCHC" {
			continue
		}
		out[r[col("Mã đơn vị")]] = r[col("Nhắc việc đã gửi")] + "/" + r[col("Nhắc việc đã xác nhận")]
	}
	return out
}

// TestWorkbookAfterRollUp: once a period's reminder log is rolled up
// into its tally, the workbook still shows each unit's reminders sent and
// acknowledged, the same as before.
func TestWorkbookAfterRollUp(t *testing.T) {
	f := seed(t)
	before := remindersShown(t, f, "Tháng 02/2024")
	if before["xa-chau-loc"] != "2/1" {
		t.Fatalf("before the roll-up Châu Lộc shows %q, want 2 sent, 1 acknowledged", before["xa-chau-loc"])
	}
	n, err := f.db.RollUpReminders(ctx, feb2024, f.now)
	if err != nil || n != 2 {
		t.Fatalf("RollUpReminders = %d, %v; want 2 rows", n, err)
	}
	if rows, _ := f.db.Reminders(ctx, feb2024); len(rows) != 0 {
		t.Fatalf("%d rows left", len(rows))
	}
	if after := remindersShown(t, f, "Tháng 02/2024"); !maps.Equal(after, before) {
		t.Errorf("after the roll-up the workbook shows %v, before %v", after, before)
	}
}
