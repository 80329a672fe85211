package store_test

import (
	"testing"
)

// TestQuotaRefused: a refusal is recorded once per period, unit and
// network, and read back by period only.
func TestQuotaRefused(t *testing.T) {
	db := MustOpen(t)
	for _, c := range []struct{ period, unit string }{
		{feb, "xa-chau-loc"}, {feb, "xa-chau-loc"}, {feb, "xa-chau-dinh"}, {"bao-cao-thang/2024-03", "xa-chau-loc"},
	} {
		if err := db.MarkQuotaRefused(ctx, c.period, c.unit, "zalo", t0); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.QuotaRefused(ctx, feb)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got["xa-chau-loc"]) != 1 || got["xa-chau-loc"][0] != "zalo" || got["xa-chau-dinh"][0] != "zalo" {
		t.Errorf("QuotaRefused(%s) = %v", feb, got)
	}
	if got, _ := db.QuotaRefused(ctx, "bao-cao-thang/2024-0"); len(got) != 0 {
		t.Errorf("a period's prefix matched another period: %v", got)
	}
	if err := db.MarkQuotaRefused(ctx, "", "x", "zalo", t0); err == nil {
		t.Error("an empty period was accepted")
	}
}
