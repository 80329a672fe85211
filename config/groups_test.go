package config_test

import (
	"strings"
	"testing"

	"cchcbot"
)

func TestGroupsDefault(t *testing.T) {
	c := mustParse(t, base)
	if c.Groups != nil {
		t.Errorf("Groups = %v, want nil when the file has no groups section", c.Groups)
	}
	labels := c.Calendar().GroupLabels
	for _, g := range cchcbot.UnitGroups {
		if got := labels.Of(g); got != g.Label() {
			t.Errorf("%s: heading %q, want the letter's %q", g, got, g.Label())
		}
	}
}

func TestGroupsRenamed(t *testing.T) {
	c := mustParse(t, base+"groups:\n  phong-ban: \"  Sở, ban, ngành \"\n  xa-thi-tran: \"Xã, phường\"\n")
	labels := c.Calendar().GroupLabels
	for g, want := range map[cchcbot.UnitGroup]string{
		cchcbot.GroupDepartment:  "Sở, ban, ngành",
		cchcbot.GroupServiceUnit: "Đơn vị sự nghiệp", // not renamed: the letter's
		cchcbot.GroupCommune:     "Xã, phường",
	} {
		if got := labels.Of(g); got != want {
			t.Errorf("%s: heading %q, want %q", g, got, want)
		}
	}
	// The ids do not move: units and reports still name the old ones.
	if u := c.UnitList()[0]; u.Group != cchcbot.GroupCommune {
		t.Errorf("unit group = %q, want %q", u.Group, cchcbot.GroupCommune)
	}
}

// Every group id can be renamed: the section's keys are the ids of
// cchcbot.UnitGroups, all of them.
func TestGroupsEveryGroup(t *testing.T) {
	for _, g := range cchcbot.UnitGroups {
		c := mustParse(t, base+"groups: { "+string(g)+": \"Nhóm mới\" }\n")
		if got := c.Calendar().GroupLabels.Of(g); got != "Nhóm mới" {
			t.Errorf("%s: heading %q after renaming", g, got)
		}
	}
}

// A calendar's headings are its own: changing one calendar's does not
// change the next one's (each Calendar call copies them).
func TestGroupsCalendarCopies(t *testing.T) {
	c := mustParse(t, base+"groups: { xa-thi-tran: \"Xã, phường\" }\n")
	c.Calendar().GroupLabels[cchcbot.GroupCommune] = "đã sửa"
	if got := c.Calendar().GroupLabels.Of(cchcbot.GroupCommune); got != "Xã, phường" {
		t.Errorf("heading %q after another calendar's was changed", got)
	}
}

func TestGroupsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, groups string
		line         int
		want         string
	}{
		{"empty", "groups:\n  xa-thi-tran: \"\"\n", 13, `groups.xa-thi-tran: tên nhóm trống`},
		{"blank", "groups:\n  xa-thi-tran: \"   \"\n", 13, `tên mặc định "Xã, thị trấn"`},
		{"a colon at the end", "groups:\n  phong-ban: \"Sở, ban, ngành:\"\n", 13, "bỏ dấu hai chấm"},
		{"two lines", "groups:\n  phong-ban: \"Sở, ban,\\nngành\"\n", 13, "một dòng"},
		{"too long", "groups:\n  phong-ban: \"" + strings.Repeat("Sở ", 25) + "\"\n", 13, "tối đa 60"},
		{"two renamed alike", "groups:\n  phong-ban: \"Cơ quan\"\n  su-nghiep: \"cơ quan\"\n", 14,
			`groups.su-nghiep: tên "cơ quan" trùng với tên của nhóm phong-ban`},
		{"renamed like another's default", "groups:\n  xa-thi-tran: \"Phòng, ban chuyên môn\"\n", 13,
			`groups.xa-thi-tran: tên "Phòng, ban chuyên môn" trùng với tên của nhóm phong-ban`},
		{"an unknown group", "groups:\n  xa-phuong: \"Xã, phường\"\n", 13,
			`khóa "xa-phuong" không hợp lệ (các khóa dùng được ở đây: phong-ban, su-nghiep, xa-thi-tran)`},
		{"a list", "groups: [phong-ban]\n", 12, "cần các khóa con"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseError(t, base+tc.groups)
			if len(e.Problems) != 1 || !hasProblem(e, tc.line, tc.want) {
				t.Errorf("problems:\n%v\nwant one at line %d containing %q", e, tc.line, tc.want)
			}
		})
	}
}
