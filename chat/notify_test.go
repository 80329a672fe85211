package chat

import (
	"testing"

	"cchcbot"
)

func TestUnreachableMemberIsReported(t *testing.T) {
	h := newHarness(t, testUnits())
	second := person{cchcbot.TelegramUser(9002), "Cán bộ thứ hai"}
	if err := h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID}, {User: second.ID}}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")

	if err := h.svc.MemberUnreachable(h.ctx, chairLoc.ID, "người dùng đã chặn bot"); err != nil {
		t.Fatal(err)
	}
	h.drain()
	if m, _ := h.db.Member(h.ctx, chairLoc.ID); !m.Unreachable || m.UnreachableReason != "người dùng đã chặn bot" {
		t.Fatalf("member = %+v", m)
	}
	for _, a := range []person{admin, second} {
		got := h.sentTo(a)
		if len(got) != 1 {
			t.Fatalf("%s got %d notices", a.Name, len(got))
		}
		wantText(t, got[0].Text, "Lê Văn Lộc (mã 3001)", "UBND xã Châu Lộc", "người dùng đã chặn bot", "còn 1 thành viên")
		dontWantText(t, got[0].Text, "không liên lạc được")
	}
	// Reported once, however often the queue calls.
	h.svc.MemberUnreachable(h.ctx, chairLoc.ID, "người dùng đã chặn bot")
	h.drain()
	if n := len(h.sentTo(admin)); n != 1 {
		t.Errorf("admin told %d times", n)
	}
	// The last member: the unit cannot be reached.
	h.svc.MemberUnreachable(h.ctx, deputyLoc.ID, "tài khoản đã bị xóa")
	h.drain()
	got := h.sentTo(admin)
	wantText(t, got[len(got)-1].Text, "UBND xã Châu Lộc hiện không liên lạc được", "Chủ tịch UBND xã", "/moi xa-chau-loc")
	wantText(t, h.say(admin, "/status 02/2024").Text, "Không liên lạc được: 1", "UBND xã Châu Lộc (không liên lạc được)")
	before := len(h.sentTo(admin))

	// Admins and strangers are not members: nothing to record or report.
	for _, u := range []cchcbot.UserID{second.ID, stranger.ID} {
		if err := h.svc.MemberUnreachable(h.ctx, u, "403"); err != nil {
			t.Fatal(err)
		}
	}
	h.drain()
	if n := len(h.sentTo(admin)) - before; n != 0 {
		t.Errorf("admin got %d notices about non-members", n)
	}
}

func TestNotifyAdmins(t *testing.T) {
	h := newHarness(t, testUnits())
	second := person{cchcbot.TelegramUser(9002), "Cán bộ thứ hai"}
	h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID}, {User: second.ID}}, h.clock.Now())
	// One admin blocked the bot: the other is still told.
	h.ch.sendErr[admin.ID] = cchcbot.Errorf(cchcbot.EUNREACHABLE, "blocked")
	buttons := [][]cchcbot.Button{{{Text: "Mở", URL: "https://example.org"}}}
	if err := h.svc.NotifyAdmins(h.ctx, "Tổng hợp buổi sáng", buttons); err != nil {
		t.Fatal(err)
	}
	h.drain()
	got := h.sentTo(second)
	if len(got) != 1 || got[0].Text != "Tổng hợp buổi sáng" || len(got[0].Buttons) != 1 || got[0].Priority != cchcbot.PriorityBulk {
		t.Fatalf("sent %+v", got)
	}
}

func TestAdminNotifyModes(t *testing.T) {
	for _, mode := range []string{"digest", "off"} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.svc.opts.AdminNotify = mode
			h.join(chairLoc, "xa-chau-loc")
			h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
			if n := len(h.sentTo(admin)); n != 0 {
				t.Errorf("admin_notify %s: %d notices", mode, n)
			}
		})
	}
}

func TestAReceiptSurvivesABlockedAdmin(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.ch.sendErr[admin.ID] = cchcbot.Errorf(cchcbot.EUNREACHABLE, "blocked")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 1 {
		t.Fatalf("%d versions", n)
	}
}
