package config

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"cchcbot"
)

// maxGroupLabel bounds a group's heading in runes: it heads a list in a
// chat message and a row of the workbook, so a sentence is a mistake.
const maxGroupLabel = 60

// groups reads the groups section: the headings an office gives the unit
// groups instead of the district letter's (a province's Sở Nội vụ has
// "Sở, ban, ngành" and "Xã, phường"). The ids stay; only what people
// read changes.
func (v *validator) groups(c *Config, r rawGroups) {
	set := map[cchcbot.UnitGroup]*string{
		cchcbot.GroupDepartment:  r.Department,
		cchcbot.GroupServiceUnit: r.ServiceUnit,
		cchcbot.GroupCommune:     r.Commune,
	}
	labels := cchcbot.GroupLabels{}
	for _, g := range cchcbot.UnitGroups {
		raw := set[g]
		if raw == nil {
			continue
		}
		p := []any{"groups", string(g)}
		label := strings.TrimSpace(*raw)
		switch {
		case label == "":
			v.errorf(p, "groups.%s: tên nhóm trống: ghi tên nhóm như đơn vị đọc, hoặc bỏ dòng này để dùng tên mặc định %s", g, quote(g.Label()))
		case strings.HasSuffix(label, ":"):
			v.errorf(p, "groups.%s: %s: bỏ dấu hai chấm ở cuối, bot tự thêm khi liệt kê", g, quote(label))
		case strings.IndexFunc(label, unicode.IsControl) >= 0:
			v.errorf(p, "groups.%s: tên nhóm phải nằm trên một dòng", g)
		case utf8.RuneCountInString(label) > maxGroupLabel:
			v.errorf(p, "groups.%s: tên nhóm dài %d ký tự, tối đa %d (đây là tiêu đề của danh sách, ví dụ \"Sở, ban, ngành\")", g, utf8.RuneCountInString(label), maxGroupLabel)
		default:
			labels[g] = label
		}
	}
	// Two groups under one heading would read as one list.
	for i, g := range cchcbot.UnitGroups {
		for _, h := range cchcbot.UnitGroups[:i] {
			if strings.EqualFold(labels.Of(g), labels.Of(h)) {
				renamed := g
				if _, ok := labels[g]; !ok {
					renamed = h
				}
				v.errorf([]any{"groups", string(renamed)}, "groups.%s: tên %s trùng với tên của nhóm %s: danh sách sẽ không phân biệt được hai nhóm", renamed, quote(labels.Of(g)), otherOf(renamed, g, h))
			}
		}
	}
	if len(labels) > 0 {
		c.Groups = labels
	}
}

// otherOf returns whichever of a and b is not g.
func otherOf(g, a, b cchcbot.UnitGroup) cchcbot.UnitGroup {
	if g == a {
		return b
	}
	return a
}
