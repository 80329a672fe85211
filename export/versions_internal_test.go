package export

import (
	"testing"
	"time"

	"cchcbot"
)

// TestVersionEncoding: a version reads back as it was kept, its times to
// the nanosecond and in their zone's offset (what a cell and a receipt
// number read), and several versions one after another.
func TestVersionEncoding(t *testing.T) {
	hcm := time.FixedZone("", 7*3600)
	odd := time.FixedZone("", 5*3600+45*60) // not a whole hour
	tests := []version{
		{},
		{id: 1, submittedAt: time.Date(2024, 2, 15, 16, 59, 59, 999_999_999, hcm), version: 1, state: cchcbot.StateSubmitted,
			submitter: "Nguyễn Thị Hoa", files: "Báo cáo tháng 02.pdf", sums: "ab12", docDate: "10/02/2024", docNumber: "12/BC-UBND"},
		{id: 1 << 40, submittedAt: time.Date(2023, 12, 31, 23, 0, 0, 0, odd), reviewedAt: time.Date(2024, 1, 2, 8, 0, 0, 0, time.UTC),
			version: 3, daysLate: -2, state: cchcbot.StateReturned, reason: "Thiếu phụ lục", reviewer: "123456789",
			explanation: "Mất điện\nhai ngày", files: "a.pdf\nb.docx", sums: "aa\nbb"},
		{id: 7, submittedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, hcm), version: 2, daysLate: 400, state: "archived", files: "(không kèm tệp) Đã họp"},
	}
	var all []byte
	for i := range tests {
		all = appendVersion(all, &tests[i])
	}
	rest := all
	for i, want := range tests {
		var got version
		rest = readVersion(rest, &got)
		if !got.submittedAt.Equal(want.submittedAt) || !got.reviewedAt.Equal(want.reviewedAt) ||
			got.submittedAt.IsZero() != want.submittedAt.IsZero() || got.reviewedAt.IsZero() != want.reviewedAt.IsZero() {
			t.Errorf("%d: times %v, %v, want %v, %v", i, got.submittedAt, got.reviewedAt, want.submittedAt, want.reviewedAt)
		}
		for _, p := range [][2]time.Time{{got.submittedAt, want.submittedAt}, {got.reviewedAt, want.reviewedAt}} {
			_, g := p[0].Zone()
			_, w := p[1].Zone()
			if g != w {
				t.Errorf("%d: zone offset %d, want %d", i, g, w)
			}
		}
		got.submittedAt, got.reviewedAt, want.submittedAt, want.reviewedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if got != want {
			t.Errorf("%d: read back\n%+v\nwant\n%+v", i, got, want)
		}
	}
	if len(rest) != 0 {
		t.Errorf("%d bytes left over", len(rest))
	}
	if got, want := (&version{id: 123, submittedAt: time.Date(2024, 12, 31, 23, 30, 0, 0, hcm)}).receiptNo(), "CCHC-2024-000123"; got != want {
		t.Errorf("receipt %s, want %s", got, want)
	}
}
