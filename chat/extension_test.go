package chat

import (
	"strings"
	"testing"

	"cchcbot"
)

// twoAdmins makes admin2 an admin beside admin.
func twoAdmins(h *harness) {
	h.t.Helper()
	if err := h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID, Name: admin.Name}, {User: admin2.ID, Name: admin2.Name}}, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// askExtension goes through /giahan for February's report as p, up to the
// notice the admins get, and returns what the last step sent.
func (h *harness) askExtension(p person, date, reason string) []sent {
	h.t.Helper()
	pick := h.say(p, "/giahan")
	q, _ := h.press(p, pick, "Báo cáo CCHC tháng 02/2024")
	wantText(h.t, q.Text, "XIN GIA HẠN: Báo cáo CCHC tháng 02/2024", "Hạn nộp hiện tại: Thứ Năm 15/02/2024")
	wantText(h.t, h.say(p, date).Text, "Xin nêu ngắn gọn lý do")
	in := h.incoming(p)
	in.Text = reason
	return h.handle(in)
}

func (h *harness) adjustment(period, unit string) *cchcbot.Extension {
	h.t.Helper()
	adj, err := h.db.Adjustments(h.ctx, period)
	if err != nil {
		h.t.Fatal(err)
	}
	return adj.Extensions[unit]
}

func TestExtensionAskedAndApproved(t *testing.T) {
	h := newHarness(t, testUnits())
	twoAdmins(h)
	h.join(chairLoc, "xa-chau-loc")
	h.join(deputyLoc, "xa-chau-loc")
	h.clock.Set(at(2, 7, 9, 0))

	pick := h.say(chairLoc, "/giahan")
	wantText(t, pick.Text, "XIN GIA HẠN NỘP BÁO CÁO – UBND xã Châu Lộc")
	q, _ := h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	wantText(t, q.Text, "Hạn nộp hiện tại: Thứ Năm 15/02/2024", "dd/mm/yyyy")
	for _, c := range []struct{ typed, want string }{
		{"tuần sau", "không phải là ngày"},
		{"30/02/2024", "không có trong lịch"},
		{"15/02/2024", "phải sau hạn nộp hiện tại (15/02/2024)"},
		{"20/06/2024", "không quá 90 ngày"},
	} {
		wantText(t, h.say(chairLoc, c.typed).Text, c.want, "/huy")
	}
	wantText(t, h.say(chairLoc, "20/02/2024").Text, "Đề nghị gia hạn Báo cáo CCHC tháng 02/2024 đến Thứ Ba 20/02/2024", "lý do")
	out := h.handle(cchcbot.Incoming{User: chairLoc.ID, Name: chairLoc.Name, Text: "Chờ số liệu của Chi cục Thống kê"})
	wantText(t, h.last(chairLoc, out).Text, "Đã gửi đơn xin gia hạn Báo cáo CCHC tháng 02/2024 đến 20/02/2024 (đơn số 1)", "hạn nộp vẫn là 15/02/2024")
	n1, n2 := h.last(admin, out), h.last(admin2, out)
	for _, n := range []sent{n1, n2} {
		wantText(t, n.Text, "ĐƠN XIN GIA HẠN số 1", "Đơn vị: UBND xã Châu Lộc", "Người chịu trách nhiệm: Chủ tịch UBND xã", "Hạn nộp: Thứ Năm 15/02/2024",
			"Đề nghị gia hạn đến: Thứ Ba 20/02/2024 (thêm 5 ngày)", "Lý do: Chờ số liệu của Chi cục Thống kê", "Người đề nghị: Lê Văn Lộc")
	}
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); e == nil || e.State != cchcbot.ExtensionRequested || e.Proposed != cchcbot.D(2024, 2, 20) {
		t.Fatalf("stored %+v", e)
	}
	wantText(t, h.say(chairLoc, "/trangthai").Text, "Đã xin gia hạn đến 20/02/2024 (chờ xét)")
	// A second request while one is pending is refused before any typing.
	again, _ := h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	wantText(t, again.Text, "đang chờ Phòng Nội vụ huyện Quỳ Hợp xét")

	out, a := h.pressData(admin, n1, h.button(n1, "Đồng ý đến 20/02/2024"))
	if a.Text != "" {
		t.Errorf("the approval answered %q", a.Text)
	}
	wantText(t, h.last(admin, out).Text, "Đã ĐỒNG Ý gia hạn Báo cáo CCHC tháng 02/2024 cho UBND xã Châu Lộc (đơn số 1) đến 20/02/2024", "2 thành viên")
	for _, p := range []person{chairLoc, deputyLoc} {
		wantText(t, h.last(p, out).Text, "Kính gửi: Chủ tịch UBND xã – UBND xã Châu Lộc", "Phòng Nội vụ huyện Quỳ Hợp ĐỒNG Ý gia hạn Báo cáo CCHC tháng 02/2024 cho UBND xã Châu Lộc đến hết ngày Thứ Ba 20/02/2024 (hạn ban đầu 15/02/2024)")
	}
	// The second admin's late press: decided already, nothing changes.
	out, a = h.pressData(admin2, n2, h.button(n2, "Không đồng ý"))
	wantText(t, a.Text, "đã được xét")
	wantText(t, h.last(admin2, out).Text, "đã được xét: đã đồng ý đến 20/02/2024, do Trần Thị Nội Vụ xét lúc 07/02/2024 09:00")
	for _, m := range out {
		if m.To != admin2.ID {
			t.Errorf("a late press told %s: %q", m.To, m.Text)
		}
	}
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); !e.Approved() || e.Until != cchcbot.D(2024, 2, 20) || e.DecidedBy != admin.ID {
		t.Fatalf("stored %+v", e)
	}

	// Status and the unit's own view show it; a report on 19/02 is on time.
	st := h.say(admin, "/status 02/2024")
	wantText(t, st.Text, "Được gia hạn: 1", "UBND xã Châu Lộc (gia hạn đến 20/02/2024)")
	wantText(t, h.say(chairLoc, "/trangthai").Text, "Hạn nộp: Thứ Ba 20/02/2024 (đã gia hạn; hạn ban đầu 15/02/2024)")
	wantText(t, h.say(admin, "/status chau loc").Text, "Báo cáo CCHC tháng 02/2024 (hạn 20/02/2024, đã gia hạn; hạn ban đầu 15/02/2024): CHƯA NỘP")
	h.clock.Set(at(2, 19, 10, 0))
	r := h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF gia hạn")})
	wantText(t, r.Text, "Hạn nộp: Thứ Ba 20/02/2024 (đã gia hạn; hạn ban đầu 15/02/2024)", "Tình trạng: nộp đúng hạn (gia hạn đến 20/02/2024)")
	if v := h.versions("bao-cao-thang/2024-02", "xa-chau-loc"); len(v) != 1 || v[0].DaysLate != 0 {
		t.Fatalf("versions %+v", v)
	}
	// Late against the extension is late, and says so.
	h.clock.Set(at(2, 22, 10, 0))
	pick = h.send(deputyLoc, file{Name: "bc2.pdf", Body: []byte("%PDF v2")})
	docno, _ := h.press(deputyLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(deputyLoc, docno, "Bỏ qua")
	why, _ := h.press(deputyLoc, confirm, "Xác nhận nộp")
	wantText(t, why.Text, "TRỄ 2 ngày so với hạn 20/02/2024 (hạn đã gia hạn)")
}

func TestExtensionShortenedOrRefused(t *testing.T) {
	for _, c := range []struct {
		name      string
		button    string
		wrong     map[string]string // typed → the answer
		typed     string
		state     cchcbot.ExtensionState
		until     cchcbot.Date
		note      string
		toMembers []string
	}{
		{name: "shortened", button: "rút ngắn",
			wrong: map[string]string{"20/02/2024": "trước ngày đơn vị đề nghị 20/02/2024", "15/02/2024": "sau hạn nộp 15/02/2024", "hai ngày": "không phải là ngày"},
			typed: "18/02/2024 Cần tổng hợp sớm", state: cchcbot.ExtensionApproved, until: cchcbot.D(2024, 2, 18), note: "Cần tổng hợp sớm",
			toMembers: []string{"ĐỒNG Ý gia hạn", "đến hết ngày Chủ nhật 18/02/2024", "Đơn vị đề nghị đến 20/02/2024; thời hạn được rút ngắn", "Ghi chú: Cần tổng hợp sớm"}},
		{name: "refused", button: "Không đồng ý",
			typed: "Huyện cần số liệu đúng hạn để báo cáo tỉnh", state: cchcbot.ExtensionRefused, note: "Huyện cần số liệu đúng hạn để báo cáo tỉnh",
			toMembers: []string{"KHÔNG ĐỒNG Ý gia hạn", "Lý do: Huyện cần số liệu đúng hạn để báo cáo tỉnh", "Hạn nộp vẫn là Thứ Năm 15/02/2024"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.join(chairLoc, "xa-chau-loc")
			out := h.askExtension(chairLoc, "20/02/2024", "Chờ số liệu")
			n := h.last(admin, out)
			q, _ := h.press(admin, n, c.button)
			wantText(t, q.Text, "đơn số 1", "/huy")
			for typed, want := range c.wrong {
				wantText(t, h.say(admin, typed).Text, want)
			}
			out = h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: c.typed})
			wantText(t, h.last(chairLoc, out).Text, c.toMembers...)
			e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc")
			if e.State != c.state || e.Until != c.until || e.Note != c.note || e.DecidedBy != admin.ID {
				t.Fatalf("stored %+v", e)
			}
			// The question is answered: the admin's next text is theirs.
			wantText(t, h.say(admin, "cảm ơn").Text, "/status")
		})
	}
}

func TestExtensionDecisionCancelledWithHuy(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	n := h.last(admin, h.askExtension(chairLoc, "20/02/2024", "Chờ số liệu"))
	h.press(admin, n, "Không đồng ý")
	wantText(t, h.say(admin, "/huy").Text, "Đã thôi xét đơn xin gia hạn số 1; đơn vẫn chờ xét")
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); e.State != cchcbot.ExtensionRequested {
		t.Fatalf("stored %+v", e)
	}
}

func TestExtensionOwnRequestCannotBeDecided(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	// The commune's chairman is also an admin of the office.
	if err := h.db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID, Name: admin.Name}, {User: chairLoc.ID, Name: chairLoc.Name}}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	out := h.askExtension(chairLoc, "20/02/2024", "Chờ số liệu")
	n := h.last(admin, out)
	for _, m := range out {
		if m.To == chairLoc.ID && len(m.Buttons) > 0 {
			t.Errorf("the requester got decision buttons: %q", m.Text)
		}
	}
	id := "1"
	for _, c := range []struct {
		name   string
		p      person
		data   string
		answer string
	}{
		{"signed for the requester", chairLoc, h.svc.sign(chairLoc.ID, cchcbot.ActionExtDecide, id, cchcbot.ExtVerdictApprove), "không thể tự xét"},
		{"the admin's button forwarded to the requester", chairLoc, h.button(n, "Đồng ý"), staleButton},
		{"the admin's button pressed by another unit", chairDinh, h.button(n, "Đồng ý"), staleButton},
		{"signed for another unit's member", chairDinh, h.svc.sign(chairDinh.ID, cchcbot.ActionExtDecide, id, cchcbot.ExtVerdictApprove), staleButton},
		{"altered verdict", admin, strings.Replace(h.button(n, "Không đồng ý"), "|r|", "|a|", 1), staleButton},
		{"unknown verdict", admin, h.svc.sign(admin.ID, cchcbot.ActionExtDecide, id, "z"), staleButton},
		{"no such request", admin, h.svc.sign(admin.ID, cchcbot.ActionExtDecide, "999", cchcbot.ExtVerdictApprove), staleButton},
		{"not a number", admin, h.svc.sign(admin.ID, cchcbot.ActionExtDecide, "x", cchcbot.ExtVerdictApprove), staleButton},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, a := h.pressData(c.p, n, c.data)
			wantText(t, a.Text, c.answer)
			if len(out) != 0 {
				t.Errorf("a refused press sent %+v", out)
			}
			if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); e.State != cchcbot.ExtensionRequested {
				t.Fatalf("the request was decided: %+v", e)
			}
		})
	}
	// The other admin decides it.
	h.press(admin, n, "Đồng ý")
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); !e.Approved() {
		t.Fatalf("stored %+v", e)
	}
}

func TestExtensionRefusedToAsk(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(h *harness)
		want  string
	}{
		{"limit reached", func(h *harness) {
			h.svc.opts.ExtensionLimit = 1
			e := &cchcbot.Extension{PeriodID: "bao-cao-thang/2024-01", UnitCode: "xa-chau-loc", State: cchcbot.ExtensionApproved, Until: cchcbot.D(2024, 1, 20), RequestedBy: admin.ID}
			if err := h.db.CreateExtension(h.ctx, e, nil); err != nil {
				h.t.Fatal(err)
			}
		}, "đã được gia hạn 1 lần trong năm 2024"},
		{"exempt", func(h *harness) {
			if _, err := h.db.SetExemption(h.ctx, cchcbot.Exemption{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Reason: "Đang sáp nhập", By: admin.ID}, nil); err != nil {
				h.t.Fatal(err)
			}
		}, "được miễn nộp Báo cáo CCHC tháng 02/2024 (lý do: Đang sáp nhập)"},
		{"submitted", func(h *harness) {
			h.submit(chairLoc, "tháng 02/2024", file{Name: "bc.pdf", Body: []byte("%PDF")})
		}, "đã nộp Báo cáo CCHC tháng 02/2024 nên không cần xin gia hạn"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, testUnits())
			h.join(chairLoc, "xa-chau-loc")
			c.setup(h)
			// The reminder's "Xin gia hạn" button.
			reminder := sent{OutMessage: cchcbot.OutMessage{Buttons: [][]cchcbot.Button{{{Text: "Xin gia hạn", Data: h.svc.sign(chairLoc.ID, cchcbot.ActionExtend, "bao-cao-thang/2024-02")}}}}}
			r, _ := h.press(chairLoc, reminder, "Xin gia hạn")
			wantText(t, r.Text, c.want)
			if g, _ := h.db.GetState(h.ctx, extensionKey(chairLoc.ID)); len(g) != 0 {
				t.Errorf("a flow was started: %s", g)
			}
		})
	}
}

func TestExtensionAskedFromTheReminderButton(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	reminder := sent{OutMessage: cchcbot.OutMessage{Buttons: [][]cchcbot.Button{{{Text: "Xin gia hạn", Data: h.svc.sign(chairLoc.ID, cchcbot.ActionExtend, "bao-cao-thang/2024-02")}}}}}
	r, _ := h.press(chairLoc, reminder, "Xin gia hạn")
	wantText(t, r.Text, "XIN GIA HẠN: Báo cáo CCHC tháng 02/2024")
	// /giahan with the period named does the same.
	wantText(t, h.say(chairLoc, "/giahan 02/2024").Text, "XIN GIA HẠN: Báo cáo CCHC tháng 02/2024")
	wantText(t, h.say(chairLoc, "/giahan 13/2024").Text, "Không tìm thấy kỳ báo cáo đã ghi")
	wantText(t, h.say(chairLoc, "/huy").Text, "Đã thôi xin gia hạn")
}

func TestExtensionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, testUnits(), dir)
	h.join(chairLoc, "xa-chau-loc")
	pick := h.say(chairLoc, "/giahan")
	h.press(chairLoc, pick, "Báo cáo CCHC tháng 02/2024")
	wantText(t, h.say(chairLoc, "21/02/2024").Text, "lý do")

	h.out.Close()
	h.db.Close()
	h2 := newHarnessIn(t, testUnits(), dir)
	h2.clock.Set(h.clock.Now())
	out := h2.handle(cchcbot.Incoming{User: chairLoc.ID, Name: chairLoc.Name, Text: "Cán bộ phụ trách đi tập huấn"})
	wantText(t, h2.last(chairLoc, out).Text, "Đã gửi đơn xin gia hạn Báo cáo CCHC tháng 02/2024 đến 21/02/2024")
	n := h2.last(admin, out)
	// The decision half-way (a date asked for) survives a restart too.
	h2.press(admin, n, "rút ngắn")
	h2.out.Close()
	h2.db.Close()
	h3 := newHarnessIn(t, testUnits(), dir)
	h3.clock.Set(h.clock.Now())
	out = h3.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "19/02/2024"})
	wantText(t, h3.last(chairLoc, out).Text, "đến hết ngày Thứ Hai 19/02/2024")
}

func TestAdminGrantsExtension(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	for _, c := range []struct{ typed, want string }{
		{"/giahan", "Cú pháp (cán bộ quản trị): /giahan <đơn vị> <kỳ> <dd/mm/yyyy>"},
		{"/giahan chau loc 02/2024", "Cú pháp"},
		{"/giahan 02/2024 25/02/2024", "Cú pháp"},
		{"/giahan chau loc 02/2024 10/02/2024", "phải sau hạn nộp 15/02/2024"},
		{"/giahan chau loc 02/2024 20/06/2024", "không quá 90 ngày"},
		{"/giahan chau loc 13/2024 25/02/2024", "Không tìm thấy kỳ báo cáo"},
		{"/giahan khong co 02/2024 25/02/2024", "Không tìm thấy đơn vị"},
		{"/giahan tu phap doi-thoai/2024 05/04/2024", "Phòng Tư pháp không phải nộp"},
		{"/giahan chau loc 02/2024 31/02/2024", "không có trong lịch"},
	} {
		wantText(t, h.say(admin, c.typed).Text, c.want)
	}
	if e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc"); e != nil {
		t.Fatalf("a refused grant stored %+v", e)
	}
	out := h.handle(cchcbot.Incoming{User: admin.ID, Name: admin.Name, Text: "/giahan chau loc 02/2024 25/02/2024 Mất điện kéo dài"})
	wantText(t, h.last(admin, out).Text, "Đã gia hạn Báo cáo CCHC tháng 02/2024 cho UBND xã Châu Lộc đến 25/02/2024", "1 thành viên")
	wantText(t, h.last(chairLoc, out).Text, "ĐỒNG Ý gia hạn", "đến hết ngày Chủ nhật 25/02/2024 (hạn ban đầu 15/02/2024)", "Ghi chú: Mất điện kéo dài")
	e := h.adjustment("bao-cao-thang/2024-02", "xa-chau-loc")
	if !e.Approved() || e.Until != cchcbot.D(2024, 2, 25) || e.DecidedBy != admin.ID || !e.Proposed.IsZero() {
		t.Fatalf("stored %+v", e)
	}
	// The unit's own request for the same period now starts from the new date.
	q := h.say(chairLoc, "/giahan 02/2024")
	wantText(t, q.Text, "Hạn nộp hiện tại: Chủ nhật 25/02/2024 (đã được gia hạn một lần)")
	wantText(t, h.say(chairLoc, "24/02/2024").Text, "phải sau hạn nộp hiện tại (25/02/2024)")
}
