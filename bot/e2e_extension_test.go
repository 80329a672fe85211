package bot_test

import (
	"context"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

var chairLy = telegramtest.User{ID: 3004, FirstName: "Lò", LastName: "Văn Lý"}

// askExtension walks member u through /giahan for March's report: the
// period button, the date, the reason. It returns the admin's "ĐƠN XIN
// GIA HẠN" notice with its decision buttons.
func askExtension(h *e2e, u telegramtest.User, until, reason string) telegramtest.Message {
	h.t.Helper()
	mk := h.mark(admin)
	pick := h.say(u, "/giahan", "XIN GIA HẠN NỘP BÁO CÁO")
	return askFrom(h, u, h.press(u, pick, "Xin gia hạn: Báo cáo CCHC tháng 03/2024 – hạn 12/03/2024", "Xin nhập ngày đề nghị gia hạn đến"), until, reason, mk)
}

// askFrom answers the date and reason questions of /giahan once asked.
func askFrom(h *e2e, u telegramtest.User, asked telegramtest.Message, until, reason string, adminMark int) telegramtest.Message {
	h.t.Helper()
	if !strings.Contains(asked.Text, "Báo cáo CCHC tháng 03/2024") {
		h.t.Errorf("date question:\n%s", asked.Text)
	}
	h.say(u, until, "Xin nêu ngắn gọn lý do xin gia hạn")
	h.say(u, reason, "Đã gửi đơn xin gia hạn Báo cáo CCHC tháng 03/2024 đến "+until)
	n := h.expect(admin, adminMark, "ĐƠN XIN GIA HẠN số")
	for _, want := range []string{"Đề nghị gia hạn đến: ", until, "Lý do: " + reason} {
		if !strings.Contains(n.Text, want) {
			h.t.Errorf("admin's notice lacks %q:\n%s", want, n.Text)
		}
	}
	if len(n.Buttons) != 3 {
		h.t.Fatalf("decision buttons = %+v", n.Buttons)
	}
	return n
}

// extension returns the stored extension id.
func (h *e2e) extension(id uint64) *cchcbot.Extension {
	h.t.Helper()
	e, err := h.db.Extension(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

// TestE2EExtension: members ask for more time with /giahan (and from a
// reminder's button); the admin approves one, shortens one, refuses one,
// and each unit is told. Forged presses change nothing. The unit granted
// an extension submits after the original deadline and is on time.
func TestE2EExtension(t *testing.T) {
	h := newE2E(t)
	ctx := context.Background()
	h.now.Set(vn("2024-03-07 09:00")) // March's report is due Tuesday 12/03
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	h.join(chairLy, "xa-chau-ly")

	// Châu Lộc asks until 19/03.
	notice := askExtension(h, chairLoc, "19/03/2024", "Chờ số liệu của các thôn, bản")
	if !strings.Contains(notice.Text, "ĐƠN XIN GIA HẠN số 1") || !strings.Contains(notice.Text, "UBND xã Châu Lộc") {
		t.Fatalf("notice:\n%s", notice.Text)
	}
	h.say(chairLoc, "/giahan 03/2024", "đã xin gia hạn Báo cáo CCHC tháng 03/2024 đến 19/03/2024")

	// Forged presses: the admin's button replayed by the member from his
	// own chat; the admin's buttons with their data altered (another
	// verdict, another request); a decision button made out for the
	// member himself. Each is refused; nothing is decided.
	approve, refuse := h.buttonData(notice, "Đồng ý đến 19/03/2024"), h.buttonData(notice, "Không đồng ý")
	verdict, other := strings.Replace(refuse, "|r|", "|a|", 1), strings.Replace(approve, "gd|1|", "gd|2|", 1)
	if verdict == refuse || other == approve {
		t.Fatalf("decision data not as expected: %q, %q", approve, refuse)
	}
	before := h.answered(staleAnswer)
	h.srv.PressButton(chairLoc, notice.ID, approve)
	h.srv.PressButton(admin, notice.ID, verdict)
	h.srv.PressButton(admin, notice.ID, other)
	own, err := h.signer.Sign(tgUser(chairLoc), cchcbot.ActionExtDecide, "1", cchcbot.ExtVerdictApprove)
	if err != nil {
		t.Fatal(err)
	}
	h.srv.PressButton(chairLoc, notice.ID, own)
	h.waitAnswered(staleAnswer, before+4)
	// Nor is the admin's form of /giahan a member's.
	h.say(chairLoc, "/giahan chau loc 03/2024 25/03/2024", "Không tìm thấy kỳ báo cáo đã ghi")
	h.idle()
	if e := h.extension(1); e.State != cchcbot.ExtensionRequested || !e.Until.IsZero() {
		t.Fatalf("after forged presses: %+v", e)
	}
	if es, _ := h.db.Extensions(ctx, "bao-cao-thang/2024-03"); len(es) != 1 {
		t.Fatalf("%d extensions, want 1", len(es))
	}
	h.none(chairLoc, 0, "ĐỒNG Ý gia hạn")

	// Approved as asked: the member is told; a second press changes nothing.
	mk := h.mark(chairLoc)
	h.press(admin, notice, "Đồng ý đến 19/03/2024", "Đã ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Lộc (đơn số 1) đến 19/03/2024")
	told := h.expect(chairLoc, mk, "ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Lộc đến hết ngày Thứ Ba 19/03/2024 (hạn ban đầu 12/03/2024)")
	if strings.Contains(told.Text, "rút ngắn") {
		t.Errorf("approval as asked:\n%s", told.Text)
	}
	h.press(admin, notice, "Đồng ý đến 19/03/2024", "đã được xét: đã đồng ý đến 19/03/2024")
	if e := h.extension(1); e.State != cchcbot.ExtensionApproved || e.Until != cchcbot.D(2024, 3, 19) || e.DecidedBy != tgUser(admin) {
		t.Fatalf("approved: %+v", e)
	}

	// Châu Đình asks until 22/03; the admin shortens it to 15/03.
	notice = askExtension(h, chairDinh, "22/03/2024", "Cán bộ văn phòng nghỉ ốm")
	mk = h.mark(chairDinh)
	h.press(admin, notice, "rút ngắn", "Xin nhập ngày gia hạn")
	h.say(admin, "22/03/2024", "Ngày rút ngắn phải sau hạn nộp 12/03/2024 và trước ngày đơn vị đề nghị 22/03/2024")
	h.say(admin, "15/03/2024 Cần tổng hợp báo cáo UBND tỉnh", "Đã ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Đình (đơn số 2) đến 15/03/2024")
	told = h.expect(chairDinh, mk, "ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Đình đến hết ngày Thứ Sáu 15/03/2024")
	for _, want := range []string{"Đơn vị đề nghị đến 22/03/2024; thời hạn được rút ngắn.", "Ghi chú: Cần tổng hợp báo cáo UBND tỉnh"} {
		if !strings.Contains(told.Text, want) {
			t.Errorf("shortened notice lacks %q:\n%s", want, told.Text)
		}
	}

	// On the due day, Châu Lý asks from the reminder's button; refused.
	h.now.Set(vn("2024-03-12 08:00"))
	ly, loc := h.mark(chairLy), h.mark(chairLoc)
	h.sweep()
	rem := h.expect(chairLy, ly, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024")
	h.none(chairLoc, loc, "hạn cuối") // his deadline is the 19th now
	mk = h.mark(admin)
	asked := h.press(chairLy, rem, "Xin gia hạn", "Xin nhập ngày đề nghị gia hạn đến")
	notice = askFrom(h, chairLy, asked, "20/03/2024", "Chưa họp được Ban chỉ đạo", mk)
	ly = h.mark(chairLy)
	h.press(admin, notice, "Không đồng ý", "Xin nhập lý do")
	h.say(admin, "Hạn tổng hợp của UBND tỉnh không thể lùi", "Đã KHÔNG ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Lý (đơn số 3)")
	told = h.expect(chairLy, ly, "KHÔNG ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Lý (đơn vị đề nghị đến 20/03/2024)")
	if !strings.Contains(told.Text, "Lý do: Hạn tổng hợp của UBND tỉnh không thể lùi") || !strings.Contains(told.Text, "Hạn nộp vẫn là") {
		t.Errorf("refusal notice:\n%s", told.Text)
	}
	if e := h.extension(3); e.State != cchcbot.ExtensionRefused {
		t.Errorf("refused: %+v", e)
	}

	// Two days after the original deadline: Châu Lộc is on time by his
	// extension, with no question; Châu Lý is late and asked why.
	h.now.Set(vn("2024-03-14 10:00"))
	confirm := draftReport(h, chairLoc, "bc-thang-3.pdf", "tháng 03/2024")
	receipt := h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN")
	for _, want := range []string{"Tình trạng: nộp đúng hạn (gia hạn đến 19/03/2024)", "đã gia hạn; hạn ban đầu 12/03/2024"} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("extended receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	subs, _ := h.db.Submissions(ctx, "bao-cao-thang/2024-03", "xa-chau-loc")
	if len(subs) != 1 || subs[0].DaysLate != 0 {
		t.Errorf("stored: %+v", subs)
	}
	confirm = draftReport(h, chairLy, "bc-thang-3.pdf", "tháng 03/2024")
	why := h.press(chairLy, confirm, "Xác nhận nộp", "được nộp TRỄ 2 ngày so với hạn 12/03/2024")
	h.press(chairLy, why, "Bỏ qua", "NỘP TRỄ 2 ngày")

	// /status shows who was granted what.
	h.say(admin, "/status chau dinh", "Báo cáo CCHC tháng 03/2024 (hạn 15/03/2024, đã gia hạn; hạn ban đầu 12/03/2024): CHƯA NỘP")
	st := h.say(admin, "/status 03/2024", "TÌNH HÌNH NỘP BÁO CÁO")
	if !strings.Contains(st.Text, "đúng hạn 1, trễ hạn 1") {
		t.Errorf("/status 03/2024:\n%s", st.Text)
	}
}

// TestE2EExtensionOwnRequest: an admin who is also a member of a unit
// asks for more time. The request goes to the other admin only, and
// nothing the asker does decides it: another admin's button, a decision
// button made out for the asker, the admin's /giahan grant.
func TestE2EExtensionOwnRequest(t *testing.T) {
	h := newE2E(t)
	ctx := context.Background()
	h.now.Set(vn("2024-03-07 09:00"))
	both := telegramtest.User{ID: 9002, FirstName: "Hà", LastName: "Văn Hồng"}
	h.join(both, "xa-chau-hong")
	if err := h.db.SyncAdmins(ctx, []cchcbot.Admin{{User: tgUser(admin), Name: "Nội vụ"}, {User: tgUser(both), Name: "Hà Văn Hồng"}}, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	mine := h.mark(both)
	notice := askExtension(h, both, "20/03/2024", "Chờ ý kiến Đảng ủy xã")
	h.idle()
	h.none(both, mine, "ĐƠN XIN GIA HẠN")

	before := h.answered(staleAnswer)
	h.srv.PressButton(both, notice.ID, h.buttonData(notice, "Đồng ý đến"))
	h.waitAnswered(staleAnswer, before+1)
	const self = "Đồng chí là người đề nghị gia hạn nên không thể tự xét đơn này; xin đề nghị cán bộ quản trị khác xét."
	own, err := h.signer.Sign(tgUser(both), cchcbot.ActionExtDecide, "1", cchcbot.ExtVerdictApprove)
	if err != nil {
		t.Fatal(err)
	}
	h.srv.PressButton(both, notice.ID, own)
	h.waitAnswered(self, 1)
	// Nor can they grant their own unit time unasked.
	h.say(both, "/giahan chau hong 03/2024 25/03/2024", "không tự gia hạn cho đơn vị mình")
	h.idle()
	if e := h.extension(1); e.State != cchcbot.ExtensionRequested {
		t.Fatalf("the asker decided their own request: %+v", e)
	}
	if es, _ := h.db.Extensions(ctx, "bao-cao-thang/2024-03"); len(es) != 1 {
		t.Fatalf("%d extensions, want 1", len(es))
	}
	// The other admin decides it.
	mine = h.mark(both)
	h.press(admin, notice, "Đồng ý đến 20/03/2024", "Đã ĐỒNG Ý gia hạn")
	h.expect(both, mine, "ĐỒNG Ý gia hạn Báo cáo CCHC tháng 03/2024 cho UBND xã Châu Hồng đến hết ngày Thứ Tư 20/03/2024")
	// Once decided, a longer grant of their own is still refused.
	h.say(both, "/giahan chau hong 03/2024 29/03/2024", "không tự gia hạn cho đơn vị mình")
	h.idle()
	if e, err := h.db.Extensions(ctx, "bao-cao-thang/2024-03"); err != nil || len(e) != 1 || e[0].Until != cchcbot.D(2024, 3, 20) {
		t.Errorf("extensions after the self-grant attempt: %+v, %v", e, err)
	}
}
