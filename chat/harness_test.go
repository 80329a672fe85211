package chat

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/outbox"
	"cchcbot/store"
)

// The store the conversation is written against is the real one.
var _ Store = (*store.DB)(nil)

// ict is the district's zone; a fixed zone keeps the tests free of tzdata.
var ict = time.FixedZone("ICT", 7*3600)

// at returns 2024-mm-dd hh:mm in the district's zone.
func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2024, month, day, hour, minute, 0, 0, ict)
}

// testCalendar is 2024 as the district letter sets it: the remediation
// plan due 31/01, the monthly report due the 12th with data from the 12th
// of the month before (February's moves to Thursday 15/02 over Tết), and a
// dialogue with citizens that needs no file.
func testCalendar() *cchcbot.Calendar {
	all := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}
	holidays := map[cchcbot.Date]string{cchcbot.D(2024, 1, 1): "Tết Dương lịch", cchcbot.D(2024, 4, 18): "Giỗ Tổ Hùng Vương"}
	for d := 8; d <= 14; d++ {
		holidays[cchcbot.D(2024, 2, d)] = "Tết Nguyên đán"
	}
	return &cchcbot.Calendar{
		Location: ict,
		Work: cchcbot.WorkCalendar{
			Weekends: map[time.Weekday]bool{time.Saturday: true, time.Sunday: true},
			Holidays: holidays,
		},
		Kinds: []cchcbot.ReportKind{
			{ID: "ke-hoach-khac-phuc", Title: "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023", RequiresFile: true,
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 1, 31)}, Groups: all, OpenDays: 30, LateDays: 90},
			{ID: "bao-cao-thang", Title: "Báo cáo CCHC", RequiresFile: true,
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleMonthly, Day: 12}, Window: cchcbot.Window{FromDay: 12, ToDay: 12},
				Groups: all, Start: cchcbot.D(2024, 1, 1), OpenDays: 20, LateDays: 90},
			{ID: "doi-thoai", Title: "Tổ chức đối thoại với người dân quý I", RequiresFile: false,
				Schedule: cchcbot.Schedule{Kind: cchcbot.ScheduleOnce, Date: cchcbot.D(2024, 3, 29)},
				Groups:   []cchcbot.UnitGroup{cchcbot.GroupCommune}, OpenDays: 30, LateDays: 30},
		},
		Reminders: cchcbot.ReminderPolicy{TimeOfDay: cchcbot.TimeOfDay{Hour: 8}, DaysBefore: []int{7, 3, 1, 0},
			OverdueEvery: 2, OverdueMax: 3, DigestTime: cchcbot.TimeOfDay{Hour: 7, Minute: 30}},
		ShiftDeadlines: true,
	}
}

// testUnits is a few units of Quỳ Hợp, one or more of each group.
func testUnits() []cchcbot.Unit {
	return []cchcbot.Unit{
		{Code: "van-phong", Name: "Văn phòng HĐND và UBND huyện", Group: cchcbot.GroupDepartment, HeadTitle: "Chánh Văn phòng", Order: 1},
		{Code: "phong-tu-phap", Name: "Phòng Tư pháp", Group: cchcbot.GroupDepartment, HeadTitle: "Trưởng phòng", Order: 2},
		{Code: "tt-dv-nn", Name: "Trung tâm Dịch vụ nông nghiệp", Group: cchcbot.GroupServiceUnit, HeadTitle: "Giám đốc", Order: 3},
		{Code: "tt-quy-hop", Name: "UBND thị trấn Quỳ Hợp", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND thị trấn", Order: 4},
		{Code: "xa-chau-dinh", Name: "UBND xã Châu Đình", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 5},
		{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 6},
		{Code: "xa-chau-ly", Name: "UBND xã Châu Lý", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 7},
		{Code: "xa-dong-hop", Name: "UBND xã Đồng Hợp", Group: cchcbot.GroupCommune, HeadTitle: "Chủ tịch UBND xã", Order: 8},
	}
}

// fiftyUnits is a district of 50 units: the few above and 42 more.
func fiftyUnits() []cchcbot.Unit {
	us := testUnits()
	for i := len(us); i < 50; i++ {
		g := []cchcbot.UnitGroup{cchcbot.GroupDepartment, cchcbot.GroupServiceUnit, cchcbot.GroupCommune}[i%3]
		us = append(us, cchcbot.Unit{Code: fmt.Sprintf("don-vi-%02d", i), Name: fmt.Sprintf("Đơn vị số %02d", i), Group: g, HeadTitle: "Thủ trưởng", Order: i + 1})
	}
	return us
}

type person struct {
	ID   cchcbot.UserID
	Name string
}

var (
	admin     = person{cchcbot.TelegramUser(9001), "Trần Thị Nội Vụ"}
	chairLoc  = person{cchcbot.TelegramUser(3001), "Lê Văn Lộc"}
	deputyLoc = person{cchcbot.TelegramUser(3002), "Hà Thị Phó"}
	chairDinh = person{cchcbot.TelegramUser(3003), "Vi Văn Đình"}
	stranger  = person{cchcbot.TelegramUser(4001), "Khách"}
)

// harness is the conversation over a real bbolt store in a temp dir.
type harness struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	ch     *fakeChannel
	clock  *testClock
	cal    *cchcbot.Calendar
	rem    *fakeReminders
	logs   *syncBuffer
	svc    *Service
	out    *outbox.Sender
	update int64
	fileN  int
}

func newHarness(t *testing.T, units []cchcbot.Unit) *harness {
	t.Helper()
	return newHarnessIn(t, units, t.TempDir())
}

// newHarnessIn is newHarness with the store in dir.
func newHarnessIn(t *testing.T, units []cchcbot.Unit, dir string) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), ch: newFakeChannel(), clock: &testClock{t: at(2, 6, 9, 0)},
		cal: testCalendar(), rem: &fakeReminders{}, logs: &syncBuffer{}}
	db, err := store.Open(dir, store.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	if _, err := db.SyncUnits(h.ctx, units, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.SyncAdmins(h.ctx, []cchcbot.Admin{{User: admin.ID, Name: admin.Name}}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// The real outbox delivers what the service queues, one message at a
	// time in the order queued and without Telegram's pace, so that a test
	// reads the messages in order and at once.
	h.out = outbox.New(h.ctx, db, h.ch, outbox.Options{GlobalPerSecond: 1e9, PerChatPerSecond: 1e9, MaxInFlight: 1, Clock: h.clock,
		Backoff: func(int) time.Duration { return time.Millisecond }, Logger: slog.New(slog.NewTextHandler(h.logs, nil))})
	t.Cleanup(h.out.Close) // before the store closes: cleanups run last first
	h.svc = New(Options{Store: db, Calendar: h.cal, Channel: h.out, Clock: h.clock,
		Signer: cchcbot.CallbackSigner{Key: []byte("test key for buttons, 32 bytes!")}, Reminders: h.rem,
		InviteLink: func(code string) string { return "https://t.me/cchc_quyhop_bot?start=" + code },
		Office:     "Phòng Nội vụ huyện Quỳ Hợp", Logger: slog.New(slog.NewTextHandler(h.logs, nil))})
	return h
}

// handle delivers in and returns every message sent while it ran.
func (h *harness) handle(in cchcbot.Incoming) []sent {
	h.t.Helper()
	h.ch.mu.Lock()
	mark := len(h.ch.msgs)
	h.ch.mu.Unlock()
	if in.ID == 0 {
		h.update++
		in.ID = h.update
	}
	in.At = h.clock.Now()
	if err := h.svc.Handle(h.ctx, in); err != nil {
		h.t.Fatalf("Handle(%+v): %v", in, err)
	}
	h.drain()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	return append([]sent(nil), h.ch.msgs[mark:]...)
}

// drain waits until the outbox has delivered everything queued.
func (h *harness) drain() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	if err := h.out.WaitIdle(ctx); err != nil {
		h.t.Fatalf("the outbox did not deliver everything: %v", err)
	}
}

func (h *harness) incoming(p person) cchcbot.Incoming {
	return cchcbot.Incoming{User: p.ID, Name: p.Name}
}

// last returns the last message to p among ms.
func (h *harness) last(p person, ms []sent) sent {
	h.t.Helper()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == p.ID {
			return ms[i]
		}
	}
	h.t.Fatalf("no message to %s", p.ID)
	return sent{}
}

// say sends text as p and returns the last reply to p.
func (h *harness) say(p person, text string) sent {
	h.t.Helper()
	in := h.incoming(p)
	in.Text = text
	return h.last(p, h.handle(in))
}

// file is a file a person sends.
type file struct {
	Name  string
	Body  []byte
	Size  int64 // declared; len(Body) when 0
	Photo bool
}

// send sends files as p (one message) and returns the last reply to p.
func (h *harness) send(p person, files ...file) sent {
	h.t.Helper()
	in := h.incoming(p)
	for _, f := range files {
		h.fileN++
		id := fmt.Sprintf("file-%d", h.fileN)
		h.ch.mu.Lock()
		h.ch.files[id] = f.Body
		h.ch.mu.Unlock()
		size := f.Size
		if size == 0 {
			size = int64(len(f.Body))
		}
		in.Files = append(in.Files, cchcbot.IncomingFile{ChannelFileID: id, Name: f.Name, MIME: "application/octet-stream", Size: size, Photo: f.Photo})
	}
	return h.last(p, h.handle(in))
}

// pressData presses a button with the given data on message m as p and
// returns what was sent and how the press was answered.
func (h *harness) pressData(p person, m sent, data string) ([]sent, answer) {
	h.t.Helper()
	h.update++
	cbID := "cb-" + strconv.FormatInt(h.update, 10)
	in := h.incoming(p)
	in.ID = h.update
	in.Callback = &cchcbot.CallbackPress{ID: cbID, Data: data, Message: m.Ref}
	out := h.handle(in)
	return out, h.answerOf(cbID)
}

// answerOf returns the one answer to a press; a press answered twice or
// never fails the test.
func (h *harness) answerOf(cbID string) answer {
	h.t.Helper()
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	var found []answer
	for _, a := range h.ch.answers {
		if a.ID == cbID {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		h.t.Fatalf("press %s answered %d times: %+v", cbID, len(found), found)
	}
	return found[0]
}

// button returns the data of the button on m whose text contains label.
func (h *harness) button(m sent, label string) string {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data
			}
		}
	}
	h.t.Fatalf("no button %q on:\n%s\nbuttons: %+v", label, m.Text, m.Buttons)
	return ""
}

// press presses the button labelled label on m as p and returns the last
// message to p (zero if none) and the answer.
func (h *harness) press(p person, m sent, label string) (sent, answer) {
	h.t.Helper()
	out, a := h.pressData(p, m, h.button(m, label))
	for i := len(out) - 1; i >= 0; i-- {
		if out[i].To == p.ID {
			return out[i], a
		}
	}
	return sent{}, a
}

// invite stores an invite for unit (admin when unit is "") and returns
// its code.
func (h *harness) invite(unit string, expires time.Time) string {
	h.t.Helper()
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	inv := cchcbot.Invite{Hash: hash, UnitCode: unit, Admin: unit == "", AdminName: "Cán bộ mới", ExpiresAt: expires, CreatedBy: "test"}
	if err := h.db.CreateInvite(h.ctx, inv); err != nil {
		h.t.Fatal(err)
	}
	return code
}

// join makes p a member of unit through a real invite.
func (h *harness) join(p person, unit string) {
	h.t.Helper()
	m := h.say(p, "/start "+h.invite(unit, h.clock.Now().Add(time.Hour)))
	wantText(h.t, m.Text, "Tài khoản đã được ghi nhận là thành viên")
}

// submit goes through a whole one-file submission for the period whose
// button contains label, skipping the document number (and the reason of
// a late report), and returns the receipt.
func (h *harness) submit(p person, label string, f file) sent {
	h.t.Helper()
	pick := h.send(p, f)
	docno, _ := h.press(p, pick, label)
	confirm, _ := h.press(p, docno, "Bỏ qua")
	r, _ := h.press(p, confirm, "Xác nhận nộp")
	if strings.Contains(r.Text, "lý do nộp trễ") {
		r, _ = h.press(p, r, "Bỏ qua") // a late report asks why (explain.go)
	}
	wantText(h.t, r.Text, "BIÊN NHẬN")
	return r
}

func (h *harness) versions(period, unit string) []*cchcbot.Submission {
	h.t.Helper()
	subs, err := h.db.Submissions(h.ctx, period, unit)
	if err != nil {
		h.t.Fatal(err)
	}
	return subs
}

func (h *harness) draft(p person) (cchcbot.Draft, bool) {
	h.t.Helper()
	d, err := h.db.Draft(h.ctx, p.ID)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return d, false
	} else if err != nil {
		h.t.Fatal(err)
	}
	return d, true
}

// sentTo returns every message to p so far.
func (h *harness) sentTo(p person) []sent {
	h.ch.mu.Lock()
	defer h.ch.mu.Unlock()
	var out []sent
	for _, m := range h.ch.msgs {
		if m.To == p.ID {
			out = append(out, m)
		}
	}
	return out
}

// wantText fails unless text contains every one of want; case is ignored
// so that a test can look for "trễ 2 ngày" in "NỘP TRỄ 2 ngày".
func wantText(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
			t.Errorf("message lacks %q:\n%s", w, text)
		}
	}
}

func dontWantText(t *testing.T, text string, not ...string) {
	t.Helper()
	for _, w := range not {
		if strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
			t.Errorf("message holds %q:\n%s", w, text)
		}
	}
}
