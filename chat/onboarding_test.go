package chat

import (
	"strings"
	"testing"
	"time"

	"cchcbot"
)

func TestStartWithGoodInvite(t *testing.T) {
	h := newHarness(t, testUnits())
	code := h.invite("xa-chau-loc", h.clock.Now().Add(24*time.Hour))
	m := h.say(chairLoc, "/start "+code)
	wantText(t, m.Text, "Tài khoản đã được ghi nhận là thành viên của UBND xã Châu Lộc",
		"người chịu trách nhiệm: Chủ tịch UBND xã",
		// What it owes, with the deadline moved over Tết.
		"Báo cáo CCHC tháng 02/2024: hạn Thứ Năm 15/02/2024 (còn 9 ngày)",
		"Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023: hạn Thứ Tư 31/01/2024 (đã quá hạn 6 ngày)")
	mem, err := h.db.Member(h.ctx, chairLoc.ID)
	if err != nil || mem.UnitCode != "xa-chau-loc" || mem.Name != chairLoc.Name {
		t.Fatalf("member = %+v, %v", mem, err)
	}
	if strings.Contains(h.logs.String(), code) {
		t.Error("the invite code reached the logs")
	}
	// The same /start delivered twice is not "already used".
	again := h.say(chairLoc, "/start "+code)
	wantText(t, again.Text, "thành viên của UBND xã Châu Lộc")
}

func TestStartWelcomeLeavesOutWhatWasSubmitted(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF feb")})
	m := h.say(deputyLoc, "/start "+h.invite("xa-chau-loc", h.clock.Now().Add(time.Hour)))
	dontWantText(t, m.Text, "Báo cáo CCHC tháng 02/2024")
	wantText(t, m.Text, "Báo cáo CCHC tháng 01/2024")
}

func TestStartWithBadInvites(t *testing.T) {
	h := newHarness(t, testUnits())
	used := h.invite("xa-chau-loc", h.clock.Now().Add(time.Hour))
	h.join(chairLoc, "xa-chau-loc")
	h.say(chairLoc, "/start "+used)
	expired := h.invite("xa-chau-dinh", h.clock.Now().Add(time.Hour))
	h.clock.Set(h.clock.Now().Add(2 * time.Hour))
	for _, tc := range []struct{ name, code, want string }{
		{"wrong", "khong-co-ma-nay", "Mã mời không đúng"},
		{"used", used, "đã được sử dụng"},
		{"expired", expired, "đã hết hạn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := h.say(chairDinh, "/start "+tc.code)
			wantText(t, m.Text, tc.want)
			if _, err := h.db.Member(h.ctx, chairDinh.ID); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
				t.Errorf("a bad code made a member: %v", err)
			}
		})
	}
}

func TestStartSlowsDownBadCodes(t *testing.T) {
	h := newHarness(t, testUnits())
	start := h.clock.Now()
	for i := 1; i <= 4; i++ {
		h.clock.Set(start.Add(time.Duration(i) * time.Minute))
		m := h.say(stranger, "/start sai-ma")
		wantText(t, m.Text, "Mã mời không đúng")
		dontWantText(t, m.Text, "tạm thời")
	}
	// The fifth wrong code within 15 minutes says so.
	h.clock.Set(start.Add(5 * time.Minute))
	m := h.say(stranger, "/start sai-ma")
	wantText(t, m.Text, "Mã mời không đúng", "5 lần trong 15 phút", "đến 06/02/2024 09:20")
	// Even a good code is refused for 15 minutes, and the refusal does not
	// extend the wait.
	good := h.invite("xa-chau-loc", start.Add(time.Hour))
	h.clock.Set(start.Add(19 * time.Minute))
	m = h.say(stranger, "/start "+good)
	wantText(t, m.Text, "nhập sai mã mời nhiều lần", "09:20")
	if _, err := h.db.Member(h.ctx, stranger.ID); err == nil {
		t.Fatal("a slowed-down person was let in")
	}
	h.clock.Set(start.Add(20 * time.Minute))
	m = h.say(stranger, "/start "+good)
	wantText(t, m.Text, "thành viên của UBND xã Châu Lộc")
}

func TestBadCodesSlowOnlyTheirAuthor(t *testing.T) {
	h := newHarness(t, testUnits())
	for range 5 {
		h.say(stranger, "/start sai")
	}
	wantText(t, h.say(stranger, "/start sai").Text, "nhập sai mã mời nhiều lần")
	m := h.say(chairLoc, "/start "+h.invite("xa-chau-loc", h.clock.Now().Add(time.Hour)))
	wantText(t, m.Text, "thành viên của UBND xã Châu Lộc")
}

func TestBadCodesSpreadOutAreNotSlowed(t *testing.T) {
	h := newHarness(t, testUnits())
	start := h.clock.Now()
	for i := range 8 {
		h.clock.Set(start.Add(time.Duration(i) * 4 * time.Minute)) // 4 within any 15 minutes
		m := h.say(stranger, "/start sai")
		dontWantText(t, m.Text, "tạm thời")
	}
}

func TestStrangerHearsOnlyOnboarding(t *testing.T) {
	h := newHarness(t, testUnits())
	m := h.say(stranger, "/start")
	wantText(t, m.Text, "chưa được đăng ký", "Mã Telegram của bạn: 4001", "phòng Nội vụ")
	for _, text := range []string{"/status", "/trangthai", "/xem chau loc", "xin chào", "/moi chau loc", "/huongdan"} {
		m := h.say(stranger, text)
		wantText(t, m.Text, "chưa được đăng ký", "4001")
	}
	m = h.send(stranger, file{Name: "bc.pdf", Body: []byte("%PDF")})
	wantText(t, m.Text, "chưa được đăng ký")
	if _, ok := h.draft(stranger); ok {
		t.Error("a stranger's file started a draft")
	}
	// A button, even a well-signed one, is refused.
	data, _ := h.svc.opts.Signer.Sign(stranger.ID, cchcbot.ActionStatus, "bao-cao-thang/2024-02", "0")
	out, a := h.pressData(stranger, sent{}, data)
	if a.Text == "" || len(out) != 1 || !strings.Contains(out[0].Text, "chưa được đăng ký") {
		t.Errorf("stranger's press: answer %q, sent %+v", a.Text, out)
	}
}

func TestAdminInvite(t *testing.T) {
	h := newHarness(t, testUnits())
	newcomer := person{cchcbot.TelegramUser(9002), "Nguyễn Văn Mới"}
	m := h.say(newcomer, "/start "+h.invite("", h.clock.Now().Add(time.Hour)))
	wantText(t, m.Text, "cán bộ quản trị của Phòng Nội vụ huyện Quỳ Hợp", "CÁC LỆNH CỦA PHÒNG NỘI VỤ HUYỆN QUỲ HỢP", "/status", "/tralai")
	if _, err := h.db.Admin(h.ctx, newcomer.ID); err != nil {
		t.Fatalf("not an admin: %v", err)
	}
	m = h.say(newcomer, "/status 02/2024")
	wantText(t, m.Text, "Đã nộp: 0/8")
}

func TestMemberWritingAgainIsReachable(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	if err := h.svc.MemberUnreachable(h.ctx, chairLoc.ID, "bot bị chặn"); err != nil {
		t.Fatal(err)
	}
	if m, _ := h.db.Member(h.ctx, chairLoc.ID); !m.Unreachable {
		t.Fatal("not marked unreachable")
	}
	h.say(chairLoc, "/trangthai")
	if m, _ := h.db.Member(h.ctx, chairLoc.ID); m.Unreachable {
		t.Error("a member who wrote again is still unreachable")
	}
}

func TestMemberOfARetiredUnitIsAStranger(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	var kept []cchcbot.Unit
	for _, u := range testUnits() {
		if u.Code != "xa-chau-loc" {
			kept = append(kept, u)
		}
	}
	if _, err := h.db.SyncUnits(h.ctx, kept, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	wantText(t, h.say(chairLoc, "/trangthai").Text, "chưa được đăng ký")
	wantText(t, h.say(admin, "/status chau loc").Text, "Không tìm thấy")
}

// TestZaloJoinByCode: Zalo has no deep link, so a person follows the
// Official Account and sends the invite code as a message. A stranger on
// Zalo is told so; a wrong or used code is refused as on Telegram; the
// invite says how to join on each network configured.
func TestZaloJoinByCode(t *testing.T) {
	h := newHarness(t, testUnits())
	h.svc.opts.ZaloOALink = "https://zalo.me/1234567890"
	zaloChair := person{cchcbot.ZaloUser("8412345678901234567"), "Lê Văn Lộc"}
	other := person{cchcbot.ZaloUser("8499999999999999999"), "Khách Zalo"}

	hello := h.say(zaloChair, "Xin chào")
	wantText(t, hello.Text, "chưa được đăng ký", "gửi mã đó vào cuộc trò chuyện này", "Mã Zalo của bạn: 8412345678901234567")
	dontWantText(t, hello.Text, "bấm vào đường link")

	inv := h.say(admin, "/moi chau loc")
	wantText(t, inv.Text, "Trên Telegram: bấm vào đường link https://t.me/cchc_quyhop_bot?start=",
		"Trên Zalo: quan tâm Official Account https://zalo.me/1234567890, rồi gửi mã sau vào cuộc trò chuyện với OA: ")
	code := inv.Text[strings.LastIndex(inv.Text, ": ")+2:]
	code = code[:cchcbot.InviteCodeLen]

	wantText(t, h.say(zaloChair, "AAAAAAAAAAAAAAAAAAAAAA").Text, "Mã mời không đúng")
	wantText(t, h.say(zaloChair, "  "+code+" ").Text, "Tài khoản đã được ghi nhận là thành viên của UBND xã Châu Lộc")
	if m, err := h.db.Member(h.ctx, zaloChair.ID); err != nil || m.UnitCode != "xa-chau-loc" {
		t.Fatalf("member = %+v, %v", m, err)
	}
	wantText(t, h.say(other, code).Text, "đã được sử dụng")
	// The member's Telegram account is another member of the same unit.
	h.join(chairLoc, "xa-chau-loc")
	if ms, _ := h.db.Members(h.ctx, "xa-chau-loc"); len(ms) != 2 {
		t.Errorf("members on both networks = %d, want 2", len(ms))
	}
}

// TestLinkAccounts: /lienket gives a member a code that links their
// account on the other network; the linked account joins the same unit as
// the same person. The code does not work from the same network, and only
// once.
func TestLinkAccounts(t *testing.T) {
	h := newHarness(t, testUnits())
	h.svc.opts.ZaloOALink = "https://zalo.me/1234567890"
	h.join(chairLoc, "xa-chau-loc")
	m := h.say(chairLoc, "/lienket")
	wantText(t, m.Text, "Mã liên kết tài khoản", "Trên Zalo: quan tâm Official Account https://zalo.me/1234567890")
	code := m.Text[strings.Index(m.Text, "với OA: ")+len("với OA: "):][:cchcbot.InviteCodeLen]

	wantText(t, h.say(deputyLoc, code).Text, "tài khoản còn lại của mình") // another Telegram account: refused
	zaloLoc := person{cchcbot.ZaloUser("8412345678901234567"), "Lê Văn Lộc"}
	wantText(t, h.say(zaloLoc, code).Text, "thành viên của UBND xã Châu Lộc", "đã được liên kết với tài khoản Telegram")
	zm, err := h.db.Member(h.ctx, zaloLoc.ID)
	if err != nil || zm.UnitCode != "xa-chau-loc" || zm.PersonKey() != chairLoc.ID {
		t.Fatalf("linked member = %+v, %v; want the Telegram account's person", zm, err)
	}
	other := person{cchcbot.ZaloUser("8499999999999999999"), "Người khác"}
	wantText(t, h.say(other, code).Text, "đã được sử dụng")

	// One network only: nothing to link.
	h.svc.opts.ZaloOALink = ""
	wantText(t, h.say(chairLoc, "/lienket").Text, "chỉ dùng một mạng nhắn tin")
}
