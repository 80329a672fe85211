package chat

import (
	"testing"

	"cchcbot"
)

// TestMissingListOfficeHeadings: /chuanop and /status head their lists
// with the office's group names from the config, and a reloaded calendar
// brings new ones.
func TestMissingListOfficeHeadings(t *testing.T) {
	h := statusSetup(t)
	cal := testCalendar()
	cal.GroupLabels = cchcbot.GroupLabels{cchcbot.GroupDepartment: "Sở, ban, ngành", cchcbot.GroupCommune: "Xã, phường"}
	h.svc.SetCalendar(cal)
	m := h.say(admin, "/chuanop 02/2024")
	wantText(t, m.Text, "48 đơn vị chưa hoàn thành", "Sở, ban, ngành:", "Đơn vị sự nghiệp:", "Xã, phường:")
	dontWantText(t, m.Text, "Phòng, ban chuyên môn:", "Xã, thị trấn:")
	wantText(t, h.say(admin, "/status 02/2024").Text, "Đơn vị chưa hoàn thành (trang 1/3)", "Sở, ban, ngành:")
}
