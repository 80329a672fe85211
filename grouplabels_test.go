package cchcbot

import "testing"

func TestGroupLabelsOf(t *testing.T) {
	renamed := GroupLabels{GroupDepartment: "Sở, ban, ngành", GroupCommune: "Xã, phường", GroupServiceUnit: ""}
	for _, tc := range []struct {
		name   string
		labels GroupLabels
		g      UnitGroup
		want   string
	}{
		{"nil keeps the letter's", nil, GroupCommune, "Xã, thị trấn"},
		{"renamed", renamed, GroupDepartment, "Sở, ban, ngành"},
		{"renamed commune", renamed, GroupCommune, "Xã, phường"},
		{"an empty entry keeps the letter's", renamed, GroupServiceUnit, "Đơn vị sự nghiệp"},
		{"an unknown group is its id", renamed, UnitGroup("khac"), "khac"},
	} {
		if got := tc.labels.Of(tc.g); got != tc.want {
			t.Errorf("%s: Of(%s) = %q, want %q", tc.name, tc.g, got, tc.want)
		}
	}
}

// A clone keeps the office's headings: a calendar changed before use (the
// chat's and the scheduler's copies) still lists under them.
func TestCalendarCloneKeepsGroupLabels(t *testing.T) {
	c := &Calendar{GroupLabels: GroupLabels{GroupCommune: "Xã, phường"}}
	if got := c.Clone().GroupLabels.Of(GroupCommune); got != "Xã, phường" {
		t.Errorf("clone heading %q", got)
	}
}
