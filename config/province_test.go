package config_test

import (
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/config"
)

const provinceExample = "../config.province.example.yaml"

// TestExamplesStructure loads both examples, the district office of the
// Quỳ Hợp letter and a province's Sở Nội vụ after 01/07/2025, and checks
// who runs each, how many units each group holds and under which heading
// the lists show them.
func TestExamplesStructure(t *testing.T) {
	for _, tc := range []struct {
		file, office, authority string
		units                   map[cchcbot.UnitGroup]int
		labels                  map[cchcbot.UnitGroup]string
	}{
		{example, "Phòng Nội vụ huyện Quỳ Hợp", "Ủy ban nhân dân huyện Quỳ Hợp",
			map[cchcbot.UnitGroup]int{cchcbot.GroupDepartment: 13, cchcbot.GroupServiceUnit: 4, cchcbot.GroupCommune: 21},
			map[cchcbot.UnitGroup]string{cchcbot.GroupDepartment: "Phòng, ban chuyên môn", cchcbot.GroupServiceUnit: "Đơn vị sự nghiệp", cchcbot.GroupCommune: "Xã, thị trấn"}},
		{provinceExample, "Sở Nội vụ tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Nghệ An",
			map[cchcbot.UnitGroup]int{cchcbot.GroupDepartment: 15, cchcbot.GroupServiceUnit: 2, cchcbot.GroupCommune: 10},
			map[cchcbot.UnitGroup]string{cchcbot.GroupDepartment: "Sở, ban, ngành", cchcbot.GroupServiceUnit: "Đơn vị sự nghiệp thuộc UBND tỉnh", cchcbot.GroupCommune: "Xã, phường"}},
	} {
		t.Run(strings.TrimPrefix(tc.file, "../"), func(t *testing.T) {
			c, err := config.Load(tc.file)
			if err != nil {
				t.Fatalf("the example does not load:\n%v", err)
			}
			if c.Office != tc.office || c.Authority != tc.authority {
				t.Errorf("office, authority = %q, %q; want %q, %q", c.Office, c.Authority, tc.office, tc.authority)
			}
			got := map[cchcbot.UnitGroup]int{}
			for _, u := range c.UnitList() {
				got[u.Group]++
			}
			labels := c.Calendar().GroupLabels
			for _, g := range cchcbot.UnitGroups {
				if got[g] != tc.units[g] {
					t.Errorf("%s: %d units, want %d", g, got[g], tc.units[g])
				}
				if l := labels.Of(g); l != tc.labels[g] {
					t.Errorf("%s: heading %q, want %q", g, l, tc.labels[g])
				}
			}
		})
	}
}

// The province's units are those of today's two levels: departments of the
// province, communes and wards, none of a district.
func TestProvinceExampleUnits(t *testing.T) {
	c, err := config.Load(provinceExample)
	if err != nil {
		t.Fatal(err)
	}
	wards := 0
	for i, u := range c.UnitList() {
		if u.Order != i+1 || u.HeadTitle == "" || u.Name == "" {
			t.Errorf("%s: order %d, name %q, head title %q", u.Code, u.Order, u.Name, u.HeadTitle)
		}
		if strings.Contains(strings.ToLower(u.Name), "huyện") || strings.Contains(strings.ToLower(u.Name), "thị trấn") {
			t.Errorf("%s: %q names a district or a town, which no longer exist", u.Code, u.Name)
		}
		if u.Group != cchcbot.GroupCommune {
			continue
		}
		want := "Chủ tịch UBND xã"
		if strings.HasPrefix(u.Name, "UBND phường ") {
			want = "Chủ tịch UBND phường"
			wards++
		} else if !strings.HasPrefix(u.Name, "UBND xã ") {
			t.Errorf("%s: %q is neither a commune nor a ward", u.Code, u.Name)
		}
		if u.HeadTitle != want {
			t.Errorf("%s: head title %q, want %q", u.Code, u.HeadTitle, want)
		}
	}
	if wards != 6 {
		t.Errorf("%d wards, want the six of Vinh and Cửa Lò", wards)
	}
}

func TestProvinceExampleReport(t *testing.T) {
	c, err := config.Load(provinceExample)
	if err != nil {
		t.Fatal(err)
	}
	cal := c.Calendar()
	if len(cal.Kinds) != 1 {
		t.Fatalf("%d report kinds, want the monthly report only", len(cal.Kinds))
	}
	k := cal.Kinds[0]
	if k.ID != "bao-cao-thang" || k.Schedule != (cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 18}) ||
		k.Window != (cchcbot.Window{FromDay: 15, ToDay: 14}) || k.Start != cchcbot.D(2025, 7, 1) || len(k.Groups) != 3 {
		t.Errorf("report = %+v", k)
	}
	for _, tc := range []struct{ id, due, window string }{
		{"bao-cao-thang/2025-07", "2025-07-18", "15/06/2025 – 14/07/2025"},
		{"bao-cao-thang/2026-02", "2026-02-23", "15/01/2026 – 14/02/2026"}, // 18/02 is inside Tết Bính Ngọ
	} {
		p, err := cal.Period(tc.id)
		if err != nil || p.Due.String() != tc.due || p.WindowVN() != tc.window {
			t.Errorf("%s: due %s, window %s (%v); want %s, %s", tc.id, p.Due, p.WindowVN(), err, tc.due, tc.window)
		}
	}
	if _, err := cal.Period("bao-cao-thang/2025-06"); err == nil {
		t.Error("a period before the two-level government (start 2025-07-01) exists")
	}
}

// A copy of the province example warns of its three placeholders, naming
// the file the bot's name came from.
func TestPlaceholdersProvinceExample(t *testing.T) {
	c, err := config.Load(provinceExample)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Placeholders()
	if len(got) != 3 ||
		!strings.Contains(got[0], `telegram.bot_username "cchc_nghean_bot" là tên bot mẫu của config.province.example.yaml`) ||
		!strings.Contains(got[1], "admins: telegram_id 100000001 là mã mẫu") ||
		!strings.Contains(got[2], `admins: tên "`+config.PlaceholderProvinceAdminName+`" là tên mẫu`) {
		t.Errorf("Placeholders() =\n%s", strings.Join(got, "\n"))
	}
}
