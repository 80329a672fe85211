package scheduler_test

import (
	"strings"
	"testing"

	"cchcbot"
)

// TestDigestGroupHeadings: the digest and the summary list the units that
// still owe a period under the office's own group headings (a province's
// "Sở, ban, ngành", "Xã, phường"), the letter's where it renames none.
func TestDigestGroupHeadings(t *testing.T) {
	f := newFixture(t, 3) // one unit in each group, none submitting
	f.cal.GroupLabels = cchcbot.GroupLabels{cchcbot.GroupDepartment: "Sở, ban, ngành", cchcbot.GroupCommune: "Xã, phường"}
	f.clock.Set(at("2024-03-13 07:30"))
	if err := f.scheduler().RunDigest(ctx, at("2024-03-13 07:30")); err != nil {
		t.Fatal(err)
	}
	f.deliver(t)
	msgs := f.ch.to(admin, "")
	if len(msgs) != 2 {
		t.Fatalf("admin got %d messages, want a digest and a summary", len(msgs))
	}
	for _, m := range msgs {
		for _, want := range []string{"Sở, ban, ngành:\n   – Đơn vị 000", "Đơn vị sự nghiệp:\n   – Đơn vị 001", "Xã, phường:\n   – Đơn vị 002"} {
			if !strings.Contains(m.text, want) {
				t.Errorf("message lacks %q:\n%s", want, m.text)
			}
		}
		for _, old := range []string{"Phòng, ban chuyên môn", "Xã, thị trấn"} {
			if strings.Contains(m.text, old) {
				t.Errorf("message still heads a list %q:\n%s", old, m.text)
			}
		}
	}
}
