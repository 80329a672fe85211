package bot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// Fault injection end to end: the fake Bot API misbehaves (429 storms,
// 5xx pages, hung requests, dropped connections, broken downloads) while
// the whole bot runs through the real tgbotapi client. Each subtest logs
// one line "faults: kind=... injected=N lost=N duplicates=N" for
// docs/RELIABILITY.md.

// faultAPITimeout stands in for the production API client timeout (poll
// timeout + 15 s) so that a hung request costs two seconds, not sixteen.
// It must stay above the 1 s long poll.
const faultAPITimeout = 2 * time.Second

// faultE2E is the e2e harness of e2e_test.go with the poller's failed
// polls counted (through its Backoff, kept short) and a short API timeout.
type faultE2E struct {
	*e2e
	pollFails atomic.Int64
}

func newFaultE2E(t *testing.T) *faultE2E {
	t.Helper()
	f := &faultE2E{}
	f.e2e = launchE2E(t, vn("2024-02-06 09:00"), 0, func(h *e2e) {
		h.apiTimeout = faultAPITimeout
		h.pollBackoff = func(int) time.Duration {
			f.pollFails.Add(1)
			return 20 * time.Millisecond
		}
	})
	return f
}

// count returns how many messages to u contain want.
func (f *faultE2E) count(u telegramtest.User, want string) int {
	n := 0
	for _, m := range f.srv.Messages(u.ID) {
		if strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}

// polling waits until the poller sits in a long poll, so that a fault set
// now hits the poll after the one in flight.
func (f *faultE2E) polling() {
	f.t.Helper()
	if err := f.srv.WaitFor(func(s *telegramtest.Server) bool { return s.PollsInFlight() == 1 }, 10*time.Second); err != nil {
		f.t.Fatal("the poller is not polling")
	}
}

// toConfirm takes u through sending the file (getFile announcing size),
// choosing February's report and skipping the document number, and
// returns the message with "Xác nhận nộp".
func (f *faultE2E) toConfirm(u telegramtest.User, name string, content []byte, size int) (string, telegramtest.Message) {
	f.t.Helper()
	id := f.srv.AddFileSized(name, "application/pdf", content, size)
	mk := f.mark(u)
	f.srv.SendDocument(u, id, name, "application/pdf", size, "")
	pick := f.expect(u, mk, "nộp cho kỳ nào?")
	skip := f.press(u, pick, "tháng 02/2024", "số hiệu")
	return id, f.press(u, skip, "Bỏ qua", "Xin kiểm tra lại")
}

// notRecorded checks that nothing of unit's February report was recorded:
// no submission, no receipt, no notice, no blob for any of bad.
func (f *faultE2E) notRecorded(u telegramtest.User, unit string, bad ...[]byte) {
	f.t.Helper()
	if subs, _ := f.db.Submissions(context.Background(), "bao-cao-thang/2024-02", unit); len(subs) != 0 {
		f.t.Errorf("a failed download was recorded: %+v", subs)
	}
	if n := f.count(u, "BIÊN NHẬN"); n != 0 {
		f.t.Errorf("%d receipts after a failed download", n)
	}
	if n := f.count(admin, "BÁO CÁO MỚI"); n != 0 {
		f.t.Errorf("phòng Nội vụ was told of a failed submission (%d notices)", n)
	}
	for _, b := range bad {
		if rc, err := f.db.OpenFile(sha(b)); err == nil {
			rc.Close()
			f.t.Errorf("broken content (%d bytes) kept in the file store", len(b))
		}
	}
}

// received checks that unit's February report was recorded exactly once,
// with content, and that u got exactly one receipt.
func (f *faultE2E) received(u telegramtest.User, unit string, content []byte) {
	f.t.Helper()
	subs, _ := f.db.Submissions(context.Background(), "bao-cao-thang/2024-02", unit)
	if len(subs) != 1 || len(subs[0].Files) != 1 || subs[0].Files[0].SHA256 != sha(content) {
		f.t.Fatalf("recorded = %+v, want one version holding the %d bytes sent", subs, len(content))
	}
	rc, err := f.db.OpenFile(sha(content))
	if err != nil {
		f.t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != string(content) {
		f.t.Error("stored content differs from what was sent")
	}
	if n := f.count(u, "BIÊN NHẬN"); n != 1 {
		f.t.Errorf("%d receipts, want 1", n)
	}
}

func (f *faultE2E) draftFiles(u telegramtest.User) []cchcbot.File {
	d, err := f.db.Draft(context.Background(), cchcbot.TelegramUser(u.ID))
	if err != nil {
		return nil
	}
	return d.Files
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func summary(t *testing.T, kind string, injected, lost, dupes int, extra ...string) {
	t.Helper()
	t.Logf("faults: kind=%s injected=%d lost=%d duplicates=%d%s", kind, injected, lost, dupes, strings.Join(append([]string{""}, extra...), " "))
}

var faultUnits = []string{"tt-quy-hop", "xa-bac-son", "xa-chau-cuong", "xa-chau-dinh", "xa-chau-hong", "xa-chau-loc",
	"xa-chau-ly", "xa-chau-quang", "xa-chau-thai", "xa-chau-thanh", "xa-chau-tien", "xa-dong-hop"}

func TestE2EFaults(t *testing.T) {
	// A 429 storm during a reminder fan-out to 12 units: every send is
	// refused once with retry_after = 1 s. Each unit gets its reminder
	// exactly once, and nothing goes out before the wait is over.
	t.Run("429 storm on sendMessage", func(t *testing.T) {
		t.Parallel() // mostly waiting: retry_after, client timeouts
		h := newFaultE2E(t)
		h.now.Set(vn("2024-03-05 07:00"))
		var users []telegramtest.User
		for i, code := range faultUnits {
			u := telegramtest.User{ID: int64(7100 + i), FirstName: "Chủ tịch", LastName: code}
			h.join(u, code)
			users = append(users, u)
		}
		const storm = 12
		before := h.srv.TooManyRequests()
		h.srv.RetryAfterNext("sendMessage", storm, 1)
		h.now.Set(vn("2024-03-05 08:00"))
		start := time.Now()
		if err := h.sched.RunDue(context.Background(), h.now.Now()); err != nil {
			t.Fatal(err)
		}
		// RunDue queues the reminders in the store; the sender delivers
		// them, several in flight, so the storm tests its bot-wide pause.
		wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := h.queue.WaitIdle(wctx); err != nil {
			t.Fatal(err)
		}
		injected := h.srv.TooManyRequests() - before
		if injected != storm {
			t.Errorf("%d 429s answered, want all %d", injected, storm)
		}
		if got := h.queue.Stats().RateLimited; got != storm {
			t.Errorf("the queue saw %d 429s, want %d", got, storm)
		}
		lost, dupes := 0, 0
		for _, u := range users {
			n := 0
			for _, m := range h.srv.Messages(u.ID) {
				if !strings.Contains(m.Text, "NHẮC VIỆC") {
					continue
				}
				n++
				// The first send of all was refused, so nothing may reach
				// Telegram within its retry_after.
				if m.At.Before(start.Add(time.Second)) {
					t.Errorf("reminder to %s sent %v after the storm began: retry_after not honoured", u.LastName, m.At.Sub(start))
				}
			}
			lost += max(0, 1-n)
			dupes += max(0, n-1)
		}
		if lost != 0 || dupes != 0 {
			t.Errorf("lost %d reminders, duplicated %d", lost, dupes)
		}
		summary(t, "429/sendMessage", injected, lost, dupes, "members=12")
	})

	// A message over 4,096 characters goes out in two parts; Telegram's
	// per-chat limit refuses the second with 429. Only that part is sent
	// again: before the fix the queue resent the whole message, repeating
	// part 1 every second and never finishing.
	t.Run("429 on the second part of a long message", func(t *testing.T) {
		h := newFaultE2E(t)
		h.srv.SetRateLimits(telegramtest.RateLimits{PerChatPerSecond: 1, PerChatBurst: 1})
		before := h.srv.TooManyRequests()
		text := strings.Repeat("Dòng số liệu báo cáo CCHC của đơn vị, đủ dài để phải tách.\n", 100)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := h.queue.Send(ctx, cchcbot.OutMessage{To: cchcbot.TelegramUser(chairLoc.ID), Text: text}); err != nil {
			t.Fatal(err)
		}
		msgs := h.srv.Messages(chairLoc.ID)
		var got strings.Builder
		for _, m := range msgs {
			got.WriteString(m.Text + "\n")
		}
		injected := h.srv.TooManyRequests() - before
		if len(msgs) != 2 || got.String() != text || injected < 1 {
			t.Errorf("%d parts sent (want 2), text intact %v, %d 429s", len(msgs), got.String() == text, injected)
		}
		summary(t, "429/sendMessage-part2", injected, max(0, 2-len(msgs)), max(0, len(msgs)-2))
	})

	// 500 (JSON) and 502 (nginx HTML page) on sendMessage: the queue
	// retries; the answer to /trangthai and a receipt arrive once each.
	t.Run("5xx on sendMessage", func(t *testing.T) {
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		for _, c := range []struct {
			kind   string
			status int
		}{{"500/sendMessage", http.StatusInternalServerError}, {"502-html/sendMessage", http.StatusBadGateway}} {
			const n = 4 // below outbox's 5 retries
			reqs, msgs, retried := h.srv.Requests("sendMessage"), h.srv.TotalMessages(), h.queue.Stats().Retried
			was := h.count(chairLoc, "TÌNH HÌNH NỘP BÁO CÁO")
			h.srv.FailNext("sendMessage", n, c.status)
			h.say(chairLoc, "/trangthai", "TÌNH HÌNH NỘP BÁO CÁO")
			injected := h.srv.Requests("sendMessage") - reqs - (h.srv.TotalMessages() - msgs)
			if injected != n || h.queue.Stats().Retried-retried != n {
				t.Errorf("%s: %d failed sends, %d retries; want %d", c.kind, injected, h.queue.Stats().Retried-retried, n)
			}
			got := h.count(chairLoc, "TÌNH HÌNH NỘP BÁO CÁO") - was
			summary(t, c.kind, injected, max(0, 1-got), max(0, got-1))
			if got != 1 {
				t.Errorf("%s: %d answers, want 1", c.kind, got)
			}
		}
		// A receipt sent through a 502 storm: recorded once, told once.
		content := []byte("%PDF-1.7 báo cáo qua bão 502")
		_, confirm := h.toConfirm(chairLoc, "bc.pdf", content, len(content))
		h.srv.FailNext("sendMessage", 4, http.StatusBadGateway)
		h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN")
		h.received(chairLoc, "xa-chau-loc", content)
		h.expect(admin, 0, "BÁO CÁO MỚI")
		summary(t, "502-html/sendMessage-receipt", 4, 0, h.count(chairLoc, "BIÊN NHẬN")-1)
	})

	// 500 and 502 on getUpdates: the poller backs off and polls again; an
	// update sent while the polls fail is handled once, after them.
	t.Run("5xx on getUpdates", func(t *testing.T) {
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		h.join(chairDinh, "xa-chau-dinh")
		for _, c := range []struct {
			kind   string
			status int
		}{{"500/getUpdates", http.StatusInternalServerError}, {"502-html/getUpdates", http.StatusBadGateway}} {
			pollFaults(t, h, c.kind, 3, func() { h.srv.FailNext("getUpdates", 3, c.status) })
		}
	})

	// A dropped connection and a hung request (no answer until the
	// client's timeout) on getUpdates: the poller recovers.
	t.Run("reset and timeout on getUpdates", func(t *testing.T) {
		t.Parallel() // mostly waiting: retry_after, client timeouts
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		h.join(chairDinh, "xa-chau-dinh")
		pollFaults(t, h, "reset/getUpdates", 3, func() { h.srv.ResetConnection("getUpdates", 3) })
		start := time.Now()
		pollFaults(t, h, "timeout/getUpdates", 1, func() { h.srv.HangNext("getUpdates", 1) })
		if took := time.Since(start); took < faultAPITimeout {
			t.Errorf("the hung poll ended after %v, before the client's %v timeout", took, faultAPITimeout)
		}
	})

	// getFile dropped, then hung, while confirming: each press is told in
	// Vietnamese that nothing was submitted, the draft keeps the file, and
	// the third press gets the one receipt.
	t.Run("reset and timeout on getFile", func(t *testing.T) {
		t.Parallel() // mostly waiting: retry_after, client timeouts
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		content := []byte("%PDF-1.7 báo cáo tháng 2 qua mạng chập chờn")
		_, confirm := h.toConfirm(chairLoc, "bc.pdf", content, len(content))
		gf := h.srv.Requests("getFile")
		h.srv.ResetConnection("getFile", 1)
		retry := h.press(chairLoc, confirm, "Xác nhận nộp", "Chưa tải được tệp \"bc.pdf\" do lỗi đường truyền. Báo cáo CHƯA được nộp")
		h.notRecorded(chairLoc, "xa-chau-loc")
		if len(h.draftFiles(chairLoc)) != 1 {
			t.Fatalf("draft files after a reset = %+v, want the file kept", h.draftFiles(chairLoc))
		}
		h.srv.HangNext("getFile", 1)
		start := time.Now()
		retry = h.press(chairLoc, retry, "Xác nhận nộp", "Chưa tải được tệp \"bc.pdf\" do lỗi đường truyền. Báo cáo CHƯA được nộp")
		if took := time.Since(start); took < faultAPITimeout {
			t.Errorf("the hung getFile ended after %v, before the %v timeout", took, faultAPITimeout)
		}
		h.notRecorded(chairLoc, "xa-chau-loc")
		h.press(chairLoc, retry, "Xác nhận nộp", "BIÊN NHẬN")
		h.received(chairLoc, "xa-chau-loc", content)
		if n := h.srv.Requests("getFile") - gf; n != 3 {
			t.Errorf("%d getFile calls, want 3 (reset, hang, success)", n)
		}
		summary(t, "reset/getFile", 1, 0, h.count(chairLoc, "BIÊN NHẬN")-1)
		summary(t, "timeout/getFile", 1, 0, h.count(chairLoc, "BIÊN NHẬN")-1)
	})

	// Downloads cut half-way (twice): reported, nothing recorded, no
	// partial blob; once the network heals, the next press succeeds.
	t.Run("truncated download", func(t *testing.T) {
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		content := []byte("%PDF-1.7 " + strings.Repeat("số liệu CCHC tháng 2; ", 40))
		id, m := h.toConfirm(chairLoc, "bc.pdf", content, len(content))
		h.srv.TruncateDownload(id)
		dl := h.srv.Requests("download")
		for range 2 {
			m = h.press(chairLoc, m, "Xác nhận nộp", "do lỗi đường truyền. Báo cáo CHƯA được nộp; hồ sơ vẫn được giữ nguyên")
			h.notRecorded(chairLoc, "xa-chau-loc", content[:len(content)/2])
			if len(h.draftFiles(chairLoc)) != 1 {
				t.Fatalf("draft files = %+v, want the file kept for another try", h.draftFiles(chairLoc))
			}
		}
		injected := h.srv.Requests("download") - dl
		h.srv.RestoreDownload(id)
		h.press(chairLoc, m, "Xác nhận nộp", "BIÊN NHẬN")
		h.received(chairLoc, "xa-chau-loc", content)
		if injected != 2 {
			t.Errorf("%d truncated downloads, want 2", injected)
		}
		summary(t, "truncated/download", injected, 0, h.count(chairLoc, "BIÊN NHẬN")-1, "recorded_broken=0")
	})

	// The body is shorter, or longer, than getFile's file_size: the
	// download fails, the member is told, nothing is recorded.
	t.Run("download size differs from getFile", func(t *testing.T) {
		h := newFaultE2E(t)
		for i, c := range []struct {
			kind    string
			content []byte
			size    int
		}{
			{"short/download", []byte("%PDF-1.7 ít hơn file_size của getFile"), 64},
			{"long/download", []byte("%PDF-1.7 nhiều hơn file_size mà getFile đã báo cho bot biết"), 24},
		} {
			u := telegramtest.User{ID: int64(7200 + i), FirstName: "Chủ tịch", LastName: c.kind}
			unit := faultUnits[i]
			h.join(u, unit)
			_, m := h.toConfirm(u, "bc.pdf", c.content, c.size)
			dl := h.srv.Requests("download")
			h.press(u, m, "Xác nhận nộp", "Chưa tải được tệp \"bc.pdf\" do lỗi đường truyền. Báo cáo CHƯA được nộp")
			h.notRecorded(u, unit, c.content)
			summary(t, c.kind, h.srv.Requests("download")-dl, 0, 0, "recorded_broken=0")
		}
	})

	// A download whose bytes are not what the document announced (a PDF
	// that is not one): refused in Vietnamese, taken out of the draft,
	// nothing recorded; a good file sent again goes through.
	t.Run("download content differs from the document", func(t *testing.T) {
		h := newFaultE2E(t)
		h.join(chairLoc, "xa-chau-loc")
		content := []byte("%PDF-1.7 nội dung thật của báo cáo")
		id, m := h.toConfirm(chairLoc, "bc.pdf", content, len(content))
		h.srv.CorruptDownload(id)
		dl := h.srv.Requests("download")
		h.press(chairLoc, m, "Xác nhận nộp", "Báo cáo CHƯA được nộp")
		injected := h.srv.Requests("download") - dl
		msgs := h.srv.Messages(chairLoc.ID)
		if last := msgs[len(msgs)-1].Text; !strings.Contains(last, "KHÔNG được nhận") || !strings.Contains(last, "bỏ ra khỏi hồ sơ") {
			t.Errorf("the member was not told the file is refused:\n%s", last)
		}
		corrupted := append([]byte(nil), content...)
		for i := range corrupted {
			corrupted[i] ^= 0xFF
		}
		h.notRecorded(chairLoc, "xa-chau-loc", corrupted)
		if files := h.draftFiles(chairLoc); len(files) != 0 {
			t.Errorf("the draft still holds the broken file: %+v", files)
		}
		// Sending the file again (the draft waits for one) completes it.
		good := []byte("%PDF-1.7 gửi lại tệp đúng")
		gid := h.srv.AddFile("bc2.pdf", "application/pdf", good)
		mk := h.mark(chairLoc)
		h.srv.SendDocument(chairLoc, gid, "bc2.pdf", "application/pdf", len(good), "")
		next := h.expect(chairLoc, mk, "Tệp 1: bc2.pdf")
		if !strings.Contains(next.Text, "Xin kiểm tra lại") {
			next = h.press(chairLoc, next, "Bỏ qua", "Xin kiểm tra lại")
		}
		h.press(chairLoc, next, "Xác nhận nộp", "BIÊN NHẬN")
		h.received(chairLoc, "xa-chau-loc", good)
		summary(t, "corrupt/download", injected, 0, h.count(chairLoc, "BIÊN NHẬN")-1, "recorded_broken=0")
	})
}

// pollFaults runs one round of getUpdates faults: with the poller in a
// long poll, arm the faults (n of them); Lộc's message wakes that poll and
// is handled, then the polls after it fail; Đình writes once the first has
// failed, so his update waits out the rest. Each gets exactly one answer
// and every fault is seen by the poller.
func pollFaults(t *testing.T, h *faultE2E, kind string, n int, arm func()) {
	t.Helper()
	h.polling()
	// A reply can arrive before its handler has returned (it is delivered
	// from the outbox): let the earlier events finish before counting.
	settle, cancelSettle := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelSettle()
	if err := h.inbox.WaitIdle(settle); err != nil {
		t.Fatalf("%s: earlier events did not finish: %v", kind, err)
	}
	fails := h.pollFails.Load()
	handled := h.inbox.Handled()
	_, dupes := h.poller.Accepted()
	mLoc, mDinh := h.mark(chairLoc), h.mark(chairDinh)
	arm()
	h.srv.SendText(chairLoc, "/trangthai")
	waitUntil(t, func() bool { return h.pollFails.Load() > fails })
	idDinh := h.srv.SendText(chairDinh, "/trangthai")
	h.expect(chairLoc, mLoc, "TÌNH HÌNH NỘP BÁO CÁO")
	h.expect(chairDinh, mDinh, "TÌNH HÌNH NỘP BÁO CÁO")
	injected := int(h.pollFails.Load() - fails)
	if injected != n {
		t.Errorf("%s: the poller saw %d failed polls, want %d", kind, injected, n)
	}
	if d := h.srv.DeliveryCount(idDinh); d != 1 {
		t.Errorf("%s: the update sent during the faults was delivered %d times", kind, d)
	}
	h.polling() // the batch is accepted and confirmed
	idle, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.inbox.WaitIdle(idle); err != nil {
		t.Fatalf("%s: the handlers did not finish: %v", kind, err)
	}
	lost, dup := 0, 0
	for _, c := range []struct {
		u  telegramtest.User
		mk int
	}{{chairLoc, mLoc}, {chairDinh, mDinh}} {
		got := 0
		for _, m := range h.srv.Messages(c.u.ID)[c.mk:] {
			if strings.Contains(m.Text, "TÌNH HÌNH NỘP BÁO CÁO") {
				got++
			}
		}
		lost += max(0, 1-got)
		dup += max(0, got-1)
	}
	h2 := h.inbox.Handled()
	_, d2 := h.poller.Accepted()
	if lost != 0 || dup != 0 || h2-handled != 2 {
		t.Errorf("%s: lost %d, duplicated %d, handled %d updates (want 2)", kind, lost, dup, h2-handled)
	}
	summary(t, kind, injected, lost, dup, "redelivered_skipped="+strconv.FormatInt(d2-dupes, 10))
}
