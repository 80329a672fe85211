package bot_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/chat"
	"cchcbot/config"
	"cchcbot/inbox"
	"cchcbot/outbox"
	"cchcbot/scheduler"
	"cchcbot/store"
)

// e2e is the whole bot: the real tgbotapi client against the fake Bot API
// server, the poller, the outbound queue, the conversation and a bbolt
// store, with a clock the test moves.
type e2e struct {
	t     *testing.T
	srv   *telegramtest.Server
	dir   string
	db    *store.DB
	cal   *cchcbot.Calendar
	units []cchcbot.Unit
	now   *movingClock
	logs  *syncBuffer
	codes codeList // invite codes issued during the test
	stop  func()
	sched *scheduler.Scheduler

	// Set by start, for tests that look inside.
	queue  *outbox.Sender
	poller *bot.Poller
	inbox  *inbox.Dispatcher

	// signer signs the bot's buttons: tests forge presses with it that no
	// message of the bot carries.
	signer cchcbot.CallbackSigner
	// workflow is the config's workflow section, which cmd hands the
	// conversation.
	workflow config.Workflow

	// Tuning for fault tests; zero values keep production's.
	apiTimeout  time.Duration           // the Bot API client's timeout
	pollBackoff func(int) time.Duration // the poller's wait after a failed poll
}

type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

var admin = telegramtest.User{ID: 9001, FirstName: "Trần", LastName: "Thị Nội Vụ"}

// newE2E starts the bot on a 50-unit district.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	return launchE2E(t, vn("2024-02-01 09:00"), 50, nil)
}

// launchE2E starts the bot at now on the example config's units, padded to
// units; tune, if set, adjusts the harness before the start. Its clean-up
// stops the bot and greps every log line for the token and invite codes.
func launchE2E(t *testing.T, now time.Time, units int, tune func(*e2e)) *e2e {
	t.Helper()
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	h := &e2e{t: t, srv: telegramtest.New(t, token), dir: t.TempDir(), cal: cfg.Calendar(),
		now: &movingClock{t: now}, logs: &syncBuffer{}, workflow: cfg.Workflow}
	h.units = cfg.UnitList()
	for i := len(h.units); i < units; i++ {
		h.units = append(h.units, cchcbot.Unit{Code: fmt.Sprintf("don-vi-%02d", i), Name: fmt.Sprintf("Trường học số %02d", i), Group: cchcbot.GroupServiceUnit, HeadTitle: "Hiệu trưởng", Order: i + 1})
	}
	if tune != nil {
		tune(h)
	}
	h.start()
	if _, err := h.db.SyncUnits(context.Background(), h.units, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	h.db.SyncAdmins(context.Background(), []cchcbot.Admin{{User: cchcbot.TelegramUser(admin.ID), Name: "Nội vụ"}}, h.now.Now())
	// tgbotapi's own logger (bot/redact.go) prints through the standard
	// log package: send it to the same buffer so that its lines are
	// checked too.
	prevOut := log.Writer()
	log.SetOutput(io.MultiWriter(prevOut, h.logs))
	t.Cleanup(func() {
		h.stop()
		log.SetOutput(prevOut)
		h.checkLogsForSecrets()
	})
	return h
}

// start runs the bot; stop (or a restart) ends it as a crash would.
func (h *e2e) start() {
	db, err := store.Open(h.dir, store.Options{Now: h.now.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db = db
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(h.logs, nil))
	tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: h.srv.APIEndpoint(), FileEndpoint: h.srv.FileEndpoint(), PollTimeout: time.Second, Logger: logger})
	if err != nil {
		h.t.Fatal(err)
	}
	if h.apiTimeout > 0 {
		bot.SetAPITimeout(tg, h.apiTimeout)
	}
	key, _ := db.Secret(ctx, "callback", 32)
	h.sched = scheduler.New(h.cal, db, h.now, cchcbot.CallbackSigner{Key: key}, "Phòng Nội vụ huyện Quỳ Hợp", logger)
	// The sender starts on the store's backlog at once: a refusal it meets
	// before the chat service exists waits for it.
	var svc atomic.Pointer[chat.Service]
	ready := make(chan struct{})
	q := outbox.New(ctx, db, tg, outbox.Options{GlobalPerSecond: 1000, PerChatPerSecond: 1000, Logger: logger, Clock: h.now,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond }, NotBefore: h.sched.NotBefore, Superseded: h.sched.Superseded,
		OnUnreachable: func(ctx context.Context, to cchcbot.UserID, err error) {
			select {
			case <-ready:
				svc.Load().MemberUnreachable(ctx, to, cchcbot.ErrorMessage(err))
			case <-ctx.Done():
			}
		}})
	// The calendar in force is the config's with the stored ad-hoc
	// requests, in the scheduler and the conversation alike, as cmd's
	// liveCalendar puts it: at start and after every request change.
	live := func(ctx context.Context) error {
		rs, err := db.Requests(ctx)
		if err != nil || len(rs) == 0 {
			return err // none: h.cal stays, for tests that add kinds to it
		}
		cal := h.cal.WithRequests(rs)
		h.sched.SetCalendar(cal)
		if s := svc.Load(); s != nil {
			s.SetCalendar(cal)
		}
		return nil
	}
	h.signer = cchcbot.CallbackSigner{Key: key}
	s := chat.New(chat.Options{Store: db, Calendar: h.cal, Channel: q, Clock: h.now, Signer: h.signer, Reminders: h.sched,
		InviteLink: func(c string) string { return "https://t.me/" + telegramtest.BotUsername + "?start=" + c },
		Office:     "Phòng Nội vụ huyện Quỳ Hợp", Logger: logger, RequestsChanged: live,
		ExtensionLimit: h.workflow.ExtensionLimit, ExplainLate: h.workflow.ExplainLate})
	svc.Store(s)
	close(ready)
	if err := live(ctx); err != nil {
		h.t.Fatal(err)
	}
	h.queue = q
	h.inbox = inbox.New(db, s, inbox.Options{Logger: logger})
	h.poller = bot.NewPoller(tg, db, h.inbox, bot.PollerOptions{Backoff: h.pollBackoff})
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		wg.Go(func() { h.inbox.Run(ctx) })
		h.poller.Run(ctx)
		wg.Wait()
		close(done)
	}()
	h.stop = func() { cancel(); <-done; q.Close(); db.Close() }
}

func (h *e2e) restart() { h.stop(); h.start() }

// after returns a mark: expect waits for a message sent after it.
func (h *e2e) mark(u telegramtest.User) int { return len(h.srv.Messages(u.ID)) }

// expect waits for a message to u, after mark, containing want.
func (h *e2e) expect(u telegramtest.User, mark int, want string) telegramtest.Message {
	h.t.Helper()
	var found telegramtest.Message
	err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
		for _, m := range s.Messages(u.ID)[mark:] {
			if strings.Contains(m.Text, want) || m.Document != nil && strings.Contains(m.Document.Caption, want) {
				found = m
				return true
			}
		}
		return false
	}, 10*time.Second)
	if err != nil {
		var got []string
		for _, m := range h.srv.Messages(u.ID)[mark:] {
			got = append(got, m.Text)
		}
		h.t.Fatalf("no message to %d containing %q; got:\n%s", u.ID, want, strings.Join(got, "\n---\n"))
	}
	return found
}

func (h *e2e) say(u telegramtest.User, text, want string) telegramtest.Message {
	h.t.Helper()
	m := h.mark(u)
	h.srv.SendText(u, text)
	return h.expect(u, m, want)
}

// press presses the button labelled label on message m.
func (h *e2e) press(u telegramtest.User, m telegramtest.Message, label, want string) telegramtest.Message {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				mk := h.mark(u)
				h.srv.PressButton(u, m.ID, b.CallbackData)
				if want == "" {
					return telegramtest.Message{}
				}
				return h.expect(u, mk, want)
			}
		}
	}
	h.t.Fatalf("no button %q on %q (%+v)", label, m.Text, m.Buttons)
	return telegramtest.Message{}
}

func (h *e2e) invite(unit string) string {
	h.t.Helper()
	code, hash, _ := cchcbot.NewInviteCode(nil)
	h.issued(code)
	if err := h.db.CreateInvite(context.Background(), cchcbot.Invite{Hash: hash, UnitCode: unit, ExpiresAt: h.now.Now().Add(7 * 24 * time.Hour)}); err != nil {
		h.t.Fatal(err)
	}
	return code
}

func (h *e2e) join(u telegramtest.User, unit string) {
	h.t.Helper()
	h.say(u, "/start "+h.invite(unit), "Tài khoản đã được ghi nhận là thành viên")
}

func (h *e2e) sendFile(u telegramtest.User, name string, content []byte, want string) telegramtest.Message {
	h.t.Helper()
	id := h.srv.AddFile(name, "application/pdf", content)
	m := h.mark(u)
	h.srv.SendDocument(u, id, name, "application/pdf", len(content), "")
	return h.expect(u, m, want)
}

var chairLoc = telegramtest.User{ID: 3001, FirstName: "Lê", LastName: "Văn Lộc"}
var chairDinh = telegramtest.User{ID: 3002, FirstName: "Vi", LastName: "Văn Đình"}

func TestE2EOnboarding(t *testing.T) {
	h := newE2E(t)
	stranger := telegramtest.User{ID: 4001, FirstName: "Khách"}
	h.say(stranger, "/start", "Mã Telegram của bạn: 4001")
	h.say(stranger, "/status", "chưa được đăng ký")
	h.say(stranger, "/start sai-ma", "Mã mời không đúng")

	code := h.invite("xa-chau-loc")
	m := h.say(chairLoc, "/start "+code, "UBND xã Châu Lộc")
	for _, want := range []string{"Chủ tịch UBND xã", "Báo cáo CCHC tháng 02/2024: hạn Thứ Năm 15/02/2024"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("welcome lacks %q:\n%s", want, m.Text)
		}
	}
	h.say(chairDinh, "/start "+code, "đã được sử dụng")
	h.now.Set(h.now.Now().Add(8 * 24 * time.Hour))
	h.say(chairDinh, "/start "+h.invite("xa-chau-dinh"), "Tài khoản đã được ghi nhận") // fresh code: fine
	old := h.invite("xa-chau-dinh")
	h.now.Set(h.now.Now().Add(8 * 24 * time.Hour))
	h.say(stranger, "/start "+old, "đã hết hạn")
	// Repeated bad codes are slowed down: five within 15 minutes (the
	// earlier ones are 16 days old and no longer count).
	for range 4 {
		h.say(stranger, "/start nua-sai", "Mã mời không đúng")
	}
	h.say(stranger, "/start "+h.invite("xa-yen-hop"), "nhập sai mã mời nhiều lần")
	if strings.Contains(h.logs.String(), code) || strings.Contains(h.logs.String(), old) {
		t.Error("an invite code reached the logs")
	}
}

func TestE2ESubmission(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-02-06 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	plan := []byte("%PDF-1.7 Báo cáo CCHC tháng 02/2024 xã Châu Lộc")
	appendix := []byte("PK\x03\x04 phụ lục số liệu")

	pick := h.sendFile(chairLoc, "Báo cáo tháng 2.pdf", plan, "nộp cho kỳ nào?")
	// Nearest deadline first: the plan (6 days overdue), then February's
	// report (9 days left), then January's (25 days overdue).
	var labels []string
	for _, row := range pick.Buttons {
		labels = append(labels, row[0].Text)
	}
	if want := "Kế hoạch khắc phục tồn tại, hạn chế CCHC năm 2023 – hạn 31/01/2024|Báo cáo CCHC tháng 02/2024 – hạn 15/02/2024|Báo cáo CCHC tháng 01/2024 – hạn 12/01/2024|❌ Hủy"; strings.Join(labels, "|") != want {
		t.Fatalf("period buttons = %v", labels)
	}
	docno := h.press(chairLoc, pick, "tháng 02/2024", "số hiệu và ngày ký")
	h.sendFile(chairLoc, "Phu luc.xlsx", appendix, "Tệp 2: Phu luc.xlsx")
	confirm := h.say(chairLoc, "45/BC-UBND ngày 05/02/2024", "Văn bản số: 45/BC-UBND ngày 05/02/2024")
	_ = docno
	receipt := h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN BÁO CÁO")
	for _, want := range []string{"Số biên nhận: CCHC-2024-000001", "UBND xã Châu Lộc", "Báo cáo CCHC tháng 02/2024", "nộp đúng hạn", "Tệp 2: Phu luc.xlsx"} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	// Pressing confirm again changes nothing.
	h.press(chairLoc, confirm, "Xác nhận nộp", "")
	subs, _ := h.db.Submissions(context.Background(), "bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 1 || len(subs[0].Files) != 2 || subs[0].DocNumber != "45/BC-UBND" || subs[0].DocDate.VN() != "05/02/2024" {
		t.Fatalf("stored = %+v", subs)
	}
	for i, content := range [][]byte{plan, appendix} {
		sum := sha256.Sum256(content)
		rc, err := h.db.OpenFile(hex.EncodeToString(sum[:]))
		if err != nil || subs[0].Files[i].SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("file %d not stored under its sha256: %v", i, err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, content) {
			t.Errorf("file %d content differs", i)
		}
	}
	// Phòng Nội vụ was told, with buttons.
	notice := h.expect(admin, 0, "BÁO CÁO MỚI: UBND xã Châu Lộc")
	if len(notice.Buttons) != 1 || len(notice.Buttons[0]) != 2 {
		t.Errorf("notice buttons = %+v", notice.Buttons)
	}

	// Resubmission after the deadline: version 2, late.
	h.now.Set(vn("2024-02-19 10:00"))
	pick = h.sendFile(chairLoc, "Bao cao sua.pdf", []byte("%PDF v2"), "nộp cho kỳ nào?")
	skip := h.press(chairLoc, pick, "tháng 02/2024", "số hiệu")
	confirm = h.press(chairLoc, skip, "Bỏ qua", "Xin kiểm tra lại")
	// A late report asks why first; the member declines to say.
	why := h.press(chairLoc, confirm, "Xác nhận nộp", "lý do nộp trễ")
	receipt = h.press(chairLoc, why, "Bỏ qua, nộp không kèm lý do", "BIÊN NHẬN")
	if !strings.Contains(receipt.Text, "Phiên bản: 2") || !strings.Contains(receipt.Text, "NỘP TRỄ 4 ngày") || strings.Contains(receipt.Text, "Lý do nộp trễ") {
		t.Errorf("late v2 receipt:\n%s", receipt.Text)
	}
	h.say(chairLoc, "/trangthai", "trễ 4 ngày")
}

// submitReport submits February's report on time and returns its receipt
// number.
func submitReport(h *e2e, u telegramtest.User, name string) string {
	h.t.Helper()
	confirm := draftReport(h, u, name, "tháng 02/2024")
	return receiptNo(h.press(u, confirm, "Xác nhận nộp", "BIÊN NHẬN"))
}

// submitLate submits February's report after its deadline: the bot asks
// why, and the member types reason, or skips the question when reason is
// empty. It returns the receipt.
func submitLate(h *e2e, u telegramtest.User, name, reason string) telegramtest.Message {
	h.t.Helper()
	confirm := draftReport(h, u, name, "tháng 02/2024")
	why := h.press(u, confirm, "Xác nhận nộp", "lý do nộp trễ")
	if reason == "" {
		return h.press(u, why, "Bỏ qua, nộp không kèm lý do", "BIÊN NHẬN")
	}
	return h.say(u, reason, "BIÊN NHẬN")
}

// draftReport sends one file for the period whose button says period,
// skips the document number and returns the message asking to confirm.
func draftReport(h *e2e, u telegramtest.User, name, period string) telegramtest.Message {
	h.t.Helper()
	pick := h.sendFile(u, name, []byte("%PDF "+name), "nộp cho kỳ nào?")
	skip := h.press(u, pick, period, "số hiệu")
	return h.press(u, skip, "Bỏ qua", "Xin kiểm tra lại")
}

// receiptNo is the receipt number a receipt names.
func receiptNo(r telegramtest.Message) string {
	i := strings.Index(r.Text, "CCHC-")
	return r.Text[i : i+16]
}

func TestE2EReviewAndStatus(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-02-06 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	deputy := telegramtest.User{ID: 3003, FirstName: "Phó", LastName: "Chủ tịch"}
	h.join(deputy, "xa-chau-loc") // a unit may have several members
	receipt := submitReport(h, chairLoc, "bao-cao.pdf")
	h.now.Set(vn("2024-02-16 08:00"))
	submitLate(h, chairDinh, "bao-cao-dinh.pdf", "") // a day late, no reason given

	h.expect(admin, 0, "BÁO CÁO MỚI: UBND xã Châu Đình")
	st := h.say(admin, "/status 02/2024", "Đã nộp: 2/50")
	for _, want := range []string{"Đã nộp: 2/50 (đúng hạn 1, trễ hạn 1)", "Chưa nộp: 48", "Đơn vị chưa hoàn thành (trang 1/3)", "Phòng, ban chuyên môn:", "Văn phòng HĐND và UBND huyện"} {
		if !strings.Contains(st.Text, want) {
			t.Errorf("/status lacks %q:\n%s", want, st.Text)
		}
	}
	page2 := h.press(admin, st, "Trang sau", "")
	_ = page2
	if err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
		for _, m := range s.Messages(admin.ID) {
			if m.ID == st.ID && m.Edited && strings.Contains(m.Text, "(trang 2/3)") {
				return true
			}
		}
		return false
	}, 10*time.Second); err != nil {
		t.Error("paging did not edit the status message to page 2")
	}
	h.say(admin, "/status chau loc", "LỊCH SỬ NỘP BÁO CÁO – UBND xã Châu Lộc")
	h.say(admin, "/status CHAULOC", "LỊCH SỬ NỘP BÁO CÁO – UBND xã Châu Lộc")
	h.say(admin, "/status dong hop", "UBND xã Đồng Hợp")
	h.say(admin, "/status chau", "đơn vị khớp")
	h.say(admin, "/chuanop", "48 đơn vị chưa hoàn thành")

	// /xem sends the files back by file_id.
	mk := h.mark(admin)
	h.srv.SendText(admin, "/xem chau loc 02/2024")
	doc := h.expect(admin, mk, "UBND xã Châu Lộc – Báo cáo CCHC tháng 02/2024, phiên bản 1")
	if doc.Document == nil || doc.Document.Content != nil {
		t.Errorf("/xem document = %+v (want a file_id resend, no upload)", doc.Document)
	}

	// Return with a reason: every member of the unit is told.
	m1, m2 := h.mark(chairLoc), h.mark(deputy)
	h.say(admin, "/tralai "+receipt+" Thiếu phụ lục số liệu", "Đã trả lại báo cáo "+receipt)
	h.expect(chairLoc, m1, "Lý do: Thiếu phụ lục số liệu")
	h.expect(deputy, m2, "Lý do: Thiếu phụ lục số liệu")
	h.say(admin, "/status 02/2024", "Bị trả lại: 1")
	// Accept Đình's through the notice's button.
	notice := h.expect(admin, 0, "BÁO CÁO MỚI: UBND xã Châu Đình")
	mk = h.mark(chairDinh)
	h.press(admin, notice, "Tiếp nhận", "Đã tiếp nhận báo cáo CCHC-2024-000002 của UBND xã Châu Đình. Đã gửi thông báo tới 1 thành viên")
	h.expect(chairDinh, mk, "đã TIẾP NHẬN")
}

func TestE2EForgedAndRefused(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-02-06 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	receipt := submitReport(h, chairLoc, "bao-cao.pdf")

	// A forged button: made up, altered, or another person's.
	for _, data := range []string{"ac|1|AAAAAAAAAAA", "rt|1", strings.Repeat("x", 64)} {
		h.srv.PressButton(chairDinh, 1, data)
	}
	notice := h.expect(admin, 0, "BÁO CÁO MỚI")
	h.srv.PressButton(chairDinh, notice.ID, notice.Buttons[0][0].CallbackData) // the admin's button, pressed by a member
	if err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
		n := 0
		for _, a := range s.CallbackAnswers() {
			if a.Text == "Nút bấm này không còn hiệu lực." {
				n++
			}
		}
		return n == 4
	}, 10*time.Second); err != nil {
		t.Fatalf("forged presses not all refused: %+v", h.srv.CallbackAnswers())
	}
	subs, _ := h.db.Submissions(context.Background(), "bao-cao-thang/2024-02", "xa-chau-loc")
	if subs[0].State != cchcbot.StateSubmitted {
		t.Error("a forged press changed the submission")
	}

	// Members do not run admin commands nor see other units.
	h.say(chairDinh, "/status", "chỉ dành cho cán bộ quản trị")
	h.say(chairDinh, "/xem chau loc", "chỉ dành cho cán bộ quản trị")
	h.say(chairDinh, "/tiepnhan "+receipt, "chỉ dành cho cán bộ quản trị")
	st := h.say(chairDinh, "/trangthai", "TÌNH HÌNH NỘP BÁO CÁO – UBND xã Châu Đình")
	if strings.Contains(st.Text, "Châu Lộc") {
		t.Error("a member saw another unit")
	}

	// A 25 MB file is refused before any download, naming the limit.
	mk := h.mark(chairDinh)
	big := h.srv.AddFileSized("lon.pdf", "application/pdf", nil, 25<<20)
	h.srv.SendDocument(chairDinh, big, "lon.pdf", "application/pdf", 25<<20, "")
	h.expect(chairDinh, mk, "vượt quá giới hạn 20 MB")
	if h.srv.Requests("getFile") != 1 { // the one of Lộc's report
		t.Errorf("getFile called %d times", h.srv.Requests("getFile"))
	}
	// Odd names and types.
	h.sendFile(chairDinh, "../../etc/passwd", []byte("root"), "không đúng định dạng")
	h.sendFile(chairDinh, "virus.exe", []byte("MZ"), "không đúng định dạng")
}

// TestE2ECrashBetweenUploadAndConfirm: files sent, the bot dies, comes
// back; the member confirms and nothing is lost.
func TestE2ECrashBetweenUploadAndConfirm(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-02-06 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	pick := h.sendFile(chairLoc, "bao-cao.pdf", []byte("%PDF crash test"), "nộp cho kỳ nào?")
	skip := h.press(chairLoc, pick, "tháng 02/2024", "số hiệu")
	confirm := h.press(chairLoc, skip, "Bỏ qua", "Xin kiểm tra lại")
	h.restart()
	h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN")
	subs, _ := h.db.Submissions(context.Background(), "bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 1 {
		t.Fatalf("%d versions after the crash, want 1", len(subs))
	}
	// A download that breaks: nothing recorded, the member may retry.
	pick = h.sendFile(chairLoc, "v2.pdf", []byte("%PDF truncated download test......"), "nộp cho kỳ nào?")
	skip = h.press(chairLoc, pick, "tháng 02/2024", "số hiệu")
	confirm = h.press(chairLoc, skip, "Bỏ qua", "Xin kiểm tra lại")
	h.srv.FailNext("getFile", 10, 500)
	h.press(chairLoc, confirm, "Xác nhận nộp", "CHƯA được nộp")
	subs, _ = h.db.Submissions(context.Background(), "bao-cao-thang/2024-02", "xa-chau-loc")
	if len(subs) != 1 {
		t.Fatalf("a failed download was recorded")
	}
	h.srv.FailNext("getFile", 0, 500)
	h.press(chairLoc, confirm, "Xác nhận nộp", "Phiên bản: 2")
}
