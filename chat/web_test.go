package chat

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// TestWebCommand: /web answers an admin with a one-time link through the
// outbox, says the dashboard is off when it is, and is not for members.
func TestWebCommand(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	wantText(t, h.say(admin, "/web").Text, "Trang quản lý trên trình duyệt chưa được bật")

	var asked []cchcbot.UserID
	h.svc.opts.WebLogin = func(ctx context.Context, who cchcbot.UserID) (string, time.Time, error) {
		asked = append(asked, who)
		return "https://cchc.quyhop.gov.vn/dang-nhap/TOKEN", h.clock.Now().Add(10 * time.Minute), nil
	}
	m := h.say(admin, "/web")
	wantText(t, m.Text, "https://cchc.quyhop.gov.vn/dang-nhap/TOKEN", "chỉ dùng được một lần", "06/02/2024 09:10", "không chuyển đường link này")
	if !slices.Equal(asked, []cchcbot.UserID{admin.ID}) {
		t.Errorf("links asked for %v, want the admin's", asked)
	}
	if strings.Contains(h.logs.String(), "TOKEN") {
		t.Errorf("the log holds the link")
	}
	// A member gets no link, and no link is made for them.
	wantText(t, h.say(chairLoc, "/web").Text, msgAdminOnly)
	if len(asked) != 1 {
		t.Errorf("a link was made for a member")
	}
	// A failure to make one is an error for the admin, not a link.
	h.svc.opts.WebLogin = func(context.Context, cchcbot.UserID) (string, time.Time, error) {
		return "", time.Time{}, cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Trang quản lý chỉ dành cho cán bộ phòng Nội vụ.")
	}
	wantText(t, h.say(admin, "/web").Text, "Trang quản lý chỉ dành cho cán bộ phòng Nội vụ.")
}

// TestReviewAPI: Review, the chat's and the dashboard's one way to
// decide, refuses a person who is not an admin and a reason too long, and
// reports what it did.
func TestReviewAPI(t *testing.T) {
	h := reviewSetup(t)
	subs, err := h.db.Submissions(h.ctx, "bao-cao-thang/2024-02", "xa-chau-loc")
	if err != nil || len(subs) == 0 {
		t.Fatalf("no submission to review: %v", err)
	}
	id := subs[len(subs)-1].ID
	h.drain()
	h.ch.mu.Lock()
	mark := len(h.ch.msgs)
	h.ch.mu.Unlock()
	if _, err := h.svc.Review(h.ctx, chairLoc.ID, id, cchcbot.StateAccepted, ""); cchcbot.ErrorCode(err) != cchcbot.EUNAUTHORIZED {
		t.Errorf("a member reviewing: %v, want EUNAUTHORIZED", err)
	}
	if _, err := h.svc.Review(h.ctx, admin.ID, id, cchcbot.StateReturned, strings.Repeat("x", maxNote+1)); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("a reason too long: %v, want EINVALID", err)
	}
	res, err := h.svc.Review(h.ctx, admin.ID, id, cchcbot.StateAccepted, "")
	if err != nil || !res.Changed || res.Unit.Code != "xa-chau-loc" || res.Submission.State != cchcbot.StateAccepted || res.Period.Label != "Báo cáo CCHC tháng 02/2024" {
		t.Fatalf("Review = %+v, %v", res, err)
	}
	members, _ := h.db.Members(h.ctx, "xa-chau-loc")
	if res.Notified != len(members) || res.Notified == 0 {
		t.Errorf("notified %d, want the unit's %d members", res.Notified, len(members))
	}
	again, err := h.svc.Review(h.ctx, admin.ID, id, cchcbot.StateAccepted, "")
	if err != nil || again.Changed || again.Notified != 0 {
		t.Errorf("the same decision again: %+v, %v; want nothing changed, nobody told", again, err)
	}
	h.drain()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	for _, s := range h.ch.msgs[mark:] {
		if s.To == admin.ID {
			t.Errorf("Review answered the admin in chat: %q", s.Text)
		}
	}
}

// TestInviteMember: the dashboard's invite is /moi's: same links, same
// lifetime, stored by its hash, for admins only.
func TestInviteMember(t *testing.T) {
	h := newHarness(t, testUnits())
	inv, err := h.svc.InviteMember(h.ctx, admin.ID, "xa-dong-hop")
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Code) != cchcbot.InviteCodeLen || inv.Unit.Name != "UBND xã Đồng Hợp" || inv.TelegramLink != "https://t.me/cchc_quyhop_bot?start="+inv.Code ||
		!inv.ExpiresAt.Equal(h.clock.Now().Add(7*24*time.Hour)) || !strings.Contains(inv.HowToJoin, inv.TelegramLink) {
		t.Errorf("invitation %+v", inv)
	}
	if _, err := h.db.RedeemInvite(h.ctx, cchcbot.HashInviteCode(inv.Code), cchcbot.Member{User: cchcbot.TelegramUser(777), Name: "Mới"}, h.clock.Now()); err != nil {
		t.Errorf("the code does not redeem: %v", err)
	}
	if strings.Contains(h.logs.String(), inv.Code) {
		t.Errorf("the log holds the code")
	}
	if _, err := h.svc.InviteMember(h.ctx, chairLoc.ID, "xa-dong-hop"); cchcbot.ErrorCode(err) != cchcbot.EUNAUTHORIZED {
		t.Errorf("a non-admin's invite: %v, want EUNAUTHORIZED", err)
	}
	if _, err := h.svc.InviteMember(h.ctx, admin.ID, "khong-co"); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("an unknown unit: %v, want ENOTFOUND", err)
	}
}

func TestFindAdmins(t *testing.T) {
	admins := []cchcbot.Admin{
		{User: cchcbot.TelegramUser(9001), Name: "Trần Thị Nội Vụ"},
		{User: cchcbot.TelegramUser(9002), Name: "Nguyễn Văn An"},
		{User: cchcbot.TelegramUser(9003), Name: "Nguyễn Văn Anh"},
		{User: cchcbot.ZaloUser("z77"), Name: "Đỗ Đức Zalo"},
	}
	for _, tc := range []struct {
		query string
		want  []cchcbot.UserID
	}{
		{"9002", []cchcbot.UserID{"telegram:9002"}},
		{"telegram:9003", []cchcbot.UserID{"telegram:9003"}},
		{"z77", []cchcbot.UserID{"zalo:z77"}},
		{"nguyen van an", []cchcbot.UserID{"telegram:9002"}}, // exact beats "Anh"
		{"NGUYỄN VĂN", []cchcbot.UserID{"telegram:9002", "telegram:9003"}},
		{"do duc", []cchcbot.UserID{"zalo:z77"}},
		{"tran thi noi vu", []cchcbot.UserID{"telegram:9001"}},
		{"khong co ai", nil},
		{"  ", nil},
	} {
		var got []cchcbot.UserID
		for _, a := range FindAdmins(admins, tc.query) {
			got = append(got, a.User)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("FindAdmins(%q) = %v, want %v", tc.query, got, tc.want)
		}
	}
}
