package chat

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"cchcbot"
)

// admin2 is a second admin of the office.
var admin2 = person{cchcbot.TelegramUser(9002), "Nguyễn Văn Hai"}

// lastEdit returns the last message edit, as a message to press on.
func (h *harness) lastEdit() sent {
	h.t.Helper()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	if len(h.ch.edits) == 0 {
		h.t.Fatal("no message was edited")
	}
	e := h.ch.edits[len(h.ch.edits)-1]
	return sent{Ref: e.Ref, OutMessage: cchcbot.OutMessage{To: e.Ref.To, Text: e.Text, Buttons: e.Buttons}}
}

// hasButton reports whether m has a button whose text contains label.
func hasButton(m sent, label string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return true
			}
		}
	}
	return false
}

// countCalls counts the calls of Options.RequestsChanged.
func countCalls(h *harness) *atomic.Int32 {
	var n atomic.Int32
	h.svc.opts.RequestsChanged = func(context.Context) error { n.Add(1); return nil }
	return &n
}

// storeRequest makes a request through the store, as the CLI would, and
// puts it in the chat's calendar.
func (h *harness) storeRequest(r cchcbot.Request) cchcbot.Request {
	h.t.Helper()
	if r.CreatedBy == "" {
		r.CreatedBy, r.CreatedAt = admin.ID, h.clock.Now()
	}
	if err := h.db.CreateRequest(h.ctx, &r, nil); err != nil {
		h.t.Fatal(err)
	}
	if err := h.svc.requestsChanged(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	return r
}

func TestRequestWizardCreatesARequest(t *testing.T) {
	h := newHarness(t, testUnits())
	calls := countCalls(h)
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")

	m := h.say(admin, "/yeucau")
	wantText(t, m.Text, "Chưa có yêu cầu báo cáo đột xuất nào", "bước 1/5", "tên báo cáo")
	wantText(t, h.say(admin, "BC").Text, "từ 5 đến 300 ký tự")
	wantText(t, h.say(admin, "Báo cáo kết quả kiểm tra công vụ").Text, "Bước 2/5", "dd/mm/yyyy")
	for _, c := range []struct{ typed, want string }{
		{"20-02-2024", "không phải là ngày"},
		{"31/02/2024", "không có trong lịch"},
		{"01/02/2024", "đã qua"},
		{"20/02/2026", "quá xa"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want, "Bước 2/5")
	}
	who := h.say(admin, "20/2/2024")
	wantText(t, who.Text, "Bước 3/5", "Hạn nộp: Thứ Ba 20/02/2024", "Đã chọn: (chưa chọn)")
	if hasButton(who, "Tiếp tục") {
		t.Error("\"Tiếp tục\" offered before anything was chosen")
	}

	// A group is toggled in place; unit names are typed without diacritics.
	h.press(admin, who, "Xã, thị trấn")
	who = h.lastEdit()
	wantText(t, who.Text, "Đã chọn: Xã, thị trấn – 5 đơn vị")
	h.button(who, "☑ Xã, thị trấn")
	wantText(t, h.say(admin, "khong co don vi nay").Text, "Không tìm thấy đơn vị \"khong co don vi nay\"", "Chưa đơn vị nào được thêm")
	wantText(t, h.say(admin, "chau").Text, "khớp với 3 đơn vị")
	who = h.say(admin, "phong tu phap")
	wantText(t, who.Text, "Đã chọn: Xã, thị trấn; Phòng Tư pháp – 6 đơn vị")

	fq, _ := h.press(admin, who, "Tiếp tục")
	wantText(t, fq.Text, "Bước 4/5")
	doc, _ := h.press(admin, fq, "Có – đơn vị gửi tệp")
	wantText(t, doc.Text, "Bước 5/5", "Bỏ qua")
	wantText(t, h.send(admin, file{Name: "bang.xlsx", Body: []byte("PK\x03\x04")}).Text, "không phải PDF hoặc Word", "Bước 5/5")
	wantText(t, h.send(admin, file{Name: "gia.pdf", Body: []byte("MZ not a pdf")}).Text, "Không nhận được tệp", "Bước 5/5")
	sum := h.send(admin, file{Name: "cong-van-huong-dan.pdf", Body: []byte("%PDF-1.7 công văn")})
	wantText(t, sum.Text, "Đã nhận văn bản hướng dẫn", "YÊU CẦU BÁO CÁO ĐỘT XUẤT (chưa tạo)", "Báo cáo kết quả kiểm tra công vụ",
		"Thứ Ba 20/02/2024", "Xã, thị trấn; Phòng Tư pháp – 6 đơn vị", "gửi tệp báo cáo", "cong-van-huong-dan.pdf")
	if calls.Load() != 0 {
		t.Fatal("the calendars were rebuilt before the request was made")
	}

	done, _ := h.press(admin, sum, "Xác nhận tạo yêu cầu")
	wantText(t, done.Text, "ĐÃ TẠO YÊU CẦU BÁO CÁO ĐỘT XUẤT, mã dot-xuat-1", "/yeucau doihan dot-xuat-1", "/yeucau huy dot-xuat-1")
	rs, err := h.db.Requests(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d requests stored", len(rs))
	}
	r := rs[0]
	if r.Title != "Báo cáo kết quả kiểm tra công vụ" || r.Due != cchcbot.D(2024, 2, 20) || !slices.Equal(r.Groups, []cchcbot.UnitGroup{cchcbot.GroupCommune}) ||
		!slices.Equal(r.Units, []string{"phong-tu-phap"}) || !r.RequiresFile || r.CreatedBy != admin.ID || r.Instruction == nil || !h.db.HasFile(r.Instruction.SHA256) {
		t.Fatalf("stored %+v", r)
	}
	if calls.Load() != 1 {
		t.Errorf("RequestsChanged called %d times, want 1", calls.Load())
	}
	if _, ok := h.svc.calendar().Kind("dot-xuat-1"); !ok {
		t.Fatal("the chat's calendar lacks the request")
	}
	// The flow is over: its buttons are stale and the next text is not its.
	if _, a := h.press(admin, sum, "Xác nhận tạo yêu cầu"); a.Text != staleButton {
		t.Errorf("a second confirm answered %q", a.Text)
	}
	wantText(t, h.say(admin, "xin chào").Text, "/status")
	// Units see it; /yeucau lists it.
	wantText(t, h.say(chairLoc, "/trangthai").Text, "Báo cáo kết quả kiểm tra công vụ", "20/02/2024")
	dontWantText(t, h.say(admin, "/huy").Text, "Đã thôi tạo")
	list := h.say(admin, "/yeucau")
	wantText(t, list.Text, "dot-xuat-1: Báo cáo kết quả kiểm tra công vụ – hạn 20/02/2024 – đã nộp 0/6 đơn vị – kèm văn bản cong-van-huong-dan.pdf", "bước 1/5")
	if rs, _ := h.db.Requests(h.ctx); len(rs) != 1 {
		t.Fatalf("%d requests after a stale confirm", len(rs))
	}
}

func TestRequestWizardAllUnitsNoFileNoDocument(t *testing.T) {
	h := newHarness(t, testUnits())
	h.say(admin, "/yeucau")
	h.say(admin, "Báo cáo nhanh tình hình mưa lũ")
	who := h.say(admin, "06/02/2024") // due today is allowed
	file, _ := h.press(admin, who, "Tất cả các đơn vị")
	doc, _ := h.press(admin, file, "Không – đơn vị chỉ xác nhận")
	wantText(t, h.say(admin, "một văn bản").Text, "cần gửi dưới dạng tệp")
	sum, _ := h.press(admin, doc, "Bỏ qua")
	wantText(t, sum.Text, "tất cả các khối – 8 đơn vị", "xác nhận hoàn thành, không cần tệp", "Văn bản hướng dẫn: không có", "hôm nay là hạn cuối")
	// A button of a step already passed asks the current question again.
	again, a := h.press(admin, file, "Không – đơn vị chỉ xác nhận")
	if a.Text != "" || !strings.Contains(again.Text, "Xác nhận tạo yêu cầu") {
		t.Errorf("a press of a passed step: %q, then %q", a.Text, again.Text)
	}
	h.press(admin, sum, "Xác nhận tạo yêu cầu")
	rs, _ := h.db.Requests(h.ctx)
	if len(rs) != 1 || len(rs[0].Groups) != 3 || rs[0].RequiresFile || rs[0].Instruction != nil {
		t.Fatalf("stored %+v", rs)
	}
}

func TestRequestWizardCancelled(t *testing.T) {
	for _, how := range []string{"/huy", "button"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.say(admin, "/yeucau")
			m := h.say(admin, "Báo cáo sơ kết công tác dân vận")
			if how == "/huy" {
				wantText(t, h.say(admin, "/huy").Text, "Đã thôi tạo yêu cầu")
			} else {
				r, _ := h.press(admin, m, "Hủy tạo yêu cầu")
				wantText(t, r.Text, "Đã thôi tạo yêu cầu")
			}
			if _, a := h.press(admin, m, "Hủy tạo yêu cầu"); a.Text != staleButton {
				t.Errorf("a button of a cancelled flow answered %q", a.Text)
			}
			wantText(t, h.say(admin, "/yeucau").Text, "bước 1/5")
		})
	}
}

func TestRequestButtonsForgedOrForeign(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	if err := h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID}, {User: admin2.ID, Name: admin2.Name}}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.say(admin, "/yeucau")
	h.say(admin, "Báo cáo sơ kết công tác dân vận")
	who := h.say(admin, "20/02/2024")
	data := h.button(who, "Tất cả các đơn vị")
	f, _ := h.db.GetState(h.ctx, requestKey(admin.ID))
	for _, c := range []struct {
		name string
		p    person
		data string
	}{
		{"another admin", admin2, data},
		{"a member", chairLoc, data},
		{"signed for a member", chairLoc, h.svc.sign(chairLoc.ID, cchcbot.ActionRequest, strings.Split(data, "|")[1], reqAll)},
		{"altered", admin, strings.Replace(data, "all", "g0", 1)},
		{"unknown choice", admin, h.svc.sign(admin.ID, cchcbot.ActionRequest, strings.Split(data, "|")[1], "zz")},
		{"another nonce", admin, h.svc.sign(admin.ID, cchcbot.ActionRequest, "deadbeef", reqAll)},
	} {
		out, a := h.pressData(c.p, who, c.data)
		if a.Text != staleButton || len(out) != 0 {
			t.Errorf("%s: answered %q, sent %+v", c.name, a.Text, out)
		}
	}
	if g, _ := h.db.GetState(h.ctx, requestKey(admin.ID)); string(g) != string(f) {
		t.Errorf("the flow changed:\n%s\n→\n%s", f, g)
	}
}

func TestRequestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, testUnits(), dir)
	h.say(admin, "/yeucau")
	h.say(admin, "Báo cáo tình hình thực hiện Đề án 06")
	who := h.say(admin, "20/02/2024")
	h.press(admin, who, "Phòng, ban chuyên môn")

	h.out.Close()
	h.db.Close()
	h2 := newHarnessIn(t, testUnits(), dir)
	h2.clock.Set(h.clock.Now())
	wantText(t, h2.say(admin, "/yeucau").Text, "đang tạo dở", "Bước 3/5", "Đã chọn: Phòng, ban chuyên môn – 2 đơn vị")
	// The question sent before the restart still works.
	file, _ := h2.press(admin, h.lastEdit(), "Tiếp tục")
	wantText(t, file.Text, "Bước 4/5")
	doc, _ := h2.press(admin, file, "Có – đơn vị gửi tệp")
	sum, _ := h2.press(admin, doc, "Bỏ qua")
	done, _ := h2.press(admin, sum, "Xác nhận tạo yêu cầu")
	wantText(t, done.Text, "mã dot-xuat-1", "Phòng, ban chuyên môn – 2 đơn vị")
}

func TestRequestCancelTellsUnitsNotExempt(t *testing.T) {
	h := newHarness(t, testUnits())
	calls := countCalls(h)
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	r := h.storeRequest(cchcbot.Request{Title: "Báo cáo công tác phòng chống thiên tai", Due: cchcbot.D(2024, 2, 20), Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}})
	if _, err := h.db.SetExemption(h.ctx, cchcbot.Exemption{PeriodID: r.PeriodID(), UnitCode: "xa-chau-dinh", Reason: "Đang sáp nhập", By: admin.ID}, nil); err != nil {
		t.Fatal(err)
	}
	calls.Store(0)

	for _, c := range []struct{ typed, want string }{
		{"/yeucau huy", "Cú pháp: /yeucau huy"},
		{"/yeucau huy dot-xuat-1", "Cú pháp: /yeucau huy"},
		{"/yeucau huy dot-xuat-9 Nhầm", "Không có yêu cầu báo cáo đột xuất mã \"dot-xuat-9\""},
		{"/yeucau xoa dot-xuat-1", "Cú pháp:"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/yeucau huy 1 Đã có văn bản thay thế"})
	wantText(t, h.last(admin, out).Text, "Đã hủy yêu cầu dot-xuat-1", "thành viên của 1 đơn vị")
	for _, p := range []person{chairLoc, deputyLoc} {
		wantText(t, h.last(p, out).Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc", "HỦY yêu cầu báo cáo \"Báo cáo công tác phòng chống thiên tai\"", "Lý do: Đã có văn bản thay thế")
	}
	for _, m := range out {
		if m.To == chairDinh.ID {
			t.Errorf("the exempt unit was told: %q", m.Text)
		}
	}
	got, _ := h.db.Request(h.ctx, "dot-xuat-1")
	if !got.Cancelled() || got.CancelReason != "Đã có văn bản thay thế" || got.CancelledBy != admin.ID {
		t.Fatalf("stored %+v", got)
	}
	if k, _ := h.svc.calendar().Kind("dot-xuat-1"); !k.Cancelled || calls.Load() != 1 {
		t.Errorf("calendar kind cancelled=%v, RequestsChanged called %d times", k.Cancelled, calls.Load())
	}
	// Units no longer see it, and its reminders' buttons are dead.
	dontWantText(t, h.say(chairLoc, "/trangthai").Text, "phòng chống thiên tai")
	reminder := sent{OutMessage: cchcbot.OutMessage{Buttons: [][]cchcbot.Button{{
		{Text: "Nộp báo cáo", Data: h.svc.sign(chairLoc.ID, cchcbot.ActionSubmit, r.PeriodID())},
		{Text: "Xin gia hạn", Data: h.svc.sign(chairLoc.ID, cchcbot.ActionExtend, r.PeriodID())}}}}}
	if _, a := h.press(chairLoc, reminder, "Nộp báo cáo"); a.Text != staleButton {
		t.Errorf("\"Nộp báo cáo\" of a cancelled request answered %q", a.Text)
	}
	m, _ := h.press(chairLoc, reminder, "Xin gia hạn")
	wantText(t, m.Text, "đã được hủy")
	wantText(t, h.say(admin, "/yeucau huy dot-xuat-1 Lần nữa").Text, "đã được hủy")
	wantText(t, h.say(admin, "/yeucau doihan dot-xuat-1 25/02/2024").Text, "đã được hủy")
	wantText(t, h.say(admin, "/yeucau").Text, "ĐÃ HỦY ngày 06/02/2024 (lý do: Đã có văn bản thay thế)")
}

func TestRequestDueChange(t *testing.T) {
	h := newHarness(t, testUnits())
	calls := countCalls(h)
	h.join(chairLoc, "xa-chau-loc")
	h.storeRequest(cchcbot.Request{Title: "Báo cáo công tác phòng chống thiên tai", Due: cchcbot.D(2024, 2, 20), Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune}})
	calls.Store(0)
	h.clock.Set(at(2, 8, 10, 0))
	for _, c := range []struct{ typed, want string }{
		{"/yeucau doihan dot-xuat-1", "Cú pháp: /yeucau doihan"},
		{"/yeucau doihan dot-xuat-1 mai", "không phải là ngày"},
		{"/yeucau doihan dot-xuat-1 07/02/2024", "đã qua"},
		{"/yeucau doihan dot-xuat-1 20/02/2024", "đã là 20/02/2024"},
		{"/yeucau doihan dot-xuat-1 05/01/2025", "trong năm 2024"},
		{"/yeucau doihan dot-xuat-2 25/02/2024", "Không có yêu cầu"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	if calls.Load() != 0 {
		t.Fatal("a refused change rebuilt the calendars")
	}
	out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/yeucau doihan dot-xuat-1/2024 27/2/2024"})
	wantText(t, h.last(admin, out).Text, "Đã đổi hạn nộp yêu cầu dot-xuat-1", "từ 20/02/2024 sang Thứ Ba 27/02/2024")
	for _, m := range out {
		if m.To != admin.ID {
			t.Errorf("chat told %s itself (the scheduler's issued step does): %q", m.To, m.Text)
		}
	}
	r, _ := h.db.Request(h.ctx, "dot-xuat-1")
	if r.Due != cchcbot.D(2024, 2, 27) || !r.PlannedFrom.Equal(h.clock.Now()) {
		t.Fatalf("stored %+v", r)
	}
	p, err := h.svc.calendar().Period("dot-xuat-1/2024")
	if err != nil || p.Due != cchcbot.D(2024, 2, 27) || calls.Load() != 1 {
		t.Fatalf("calendar period %+v %v; RequestsChanged called %d times", p, err, calls.Load())
	}
}
