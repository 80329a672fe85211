package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// TestE2EOutage: the office's line drops for ten minutes (the fake clock
// moves ten minutes; on the wall the outage lasts while the bot retries
// its sends and polls many times over), first between a confirm and its
// receipt, then while a reminder step goes to 200 units. Afterwards the
// receipt and every reminder arrive exactly once; nothing was given up.
func TestE2EOutage(t *testing.T) {
	const nUnits = 200
	h := launchE2E(t, vn("2024-03-05 07:40"), nUnits, func(h *e2e) {
		h.apiTimeout = 3 * time.Second // a hung request gives up in 3 s, not 16
		h.pollBackoff = func(int) time.Duration { return 20 * time.Millisecond }
	})
	ctx := context.Background()
	members := make([]telegramtest.User, nUnits)
	for i, u := range h.units[:nUnits] {
		members[i] = telegramtest.User{ID: int64(20_000 + i), FirstName: "Thủ trưởng", LastName: u.Code}
		code, hash, _ := cchcbot.NewInviteCode(nil)
		h.issued(code)
		if err := h.db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: u.Code, ExpiresAt: h.now.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.db.RedeemInvite(ctx, hash, cchcbot.Member{User: cchcbot.TelegramUser(members[i].ID), UnitCode: u.Code}, h.now.Now()); err != nil {
			t.Fatal(err)
		}
	}
	loc := members[0] // the first unit's head submits
	unit := h.units[0].Code
	outage := func(on bool) {
		h.srv.SetOutage(on)
		if on {
			// Ten minutes pass while the bot keeps trying.
			dropped := h.srv.Dropped()
			if err := h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.Dropped() >= dropped+20 }, 30*time.Second); err != nil {
				t.Fatalf("the bot stopped trying during the outage (%d dropped): %v\n%s", h.srv.Dropped(), err, tail(h.logs.String(), 30))
			}
			h.now.Set(h.now.Now().Add(10 * time.Minute))
		}
	}

	// 1. The line drops between the confirm and its receipt: the receipt's
	// send hangs (Telegram never saw it), then nothing gets through. No
	// admin here, so that the receipt is the one message the hang meets.
	if err := h.db.SyncAdmins(ctx, nil, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	pick := h.sendFile(loc, "bao-cao.pdf", []byte("%PDF-1.7 báo cáo tháng 3"), "nộp cho kỳ nào?")
	docno := h.press(loc, pick, "tháng 03/2024", "số hiệu và ngày ký")
	confirm := h.press(loc, docno, "Bỏ qua", "Xác nhận nộp")
	h.srv.HangNext("sendMessage", 1)
	h.press(loc, confirm, "Xác nhận nộp", "")
	if err := h.srv.WaitFor(func(*telegramtest.Server) bool {
		subs, _ := h.db.Submissions(ctx, "bao-cao-thang/2024-03", unit)
		return len(subs) == 1
	}, 10*time.Second); err != nil {
		t.Fatal("the confirm was not recorded")
	}
	outage(true)
	if n := count(h, loc, "BIÊN NHẬN"); n != 0 {
		t.Fatalf("%d receipts before the line came back", n)
	}
	outage(false)
	h.expect(loc, 0, "BIÊN NHẬN")

	// 2. The 08:00 step is queued while the line is down.
	h.now.Set(vn("2024-03-05 08:00"))
	h.srv.SetOutage(true)
	if err := h.sched.RunDue(ctx, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	outage(true)
	outage(false)
	if err := h.queue.WaitIdle(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		want := 1
		if i == 0 {
			want = 0 // submitted: no reminder
		}
		if n := count(h, m, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024"); n != want {
			t.Errorf("member %d got the reminder %d times, want %d", i, n, want)
		}
	}
	if n := count(h, loc, "BIÊN NHẬN"); n != 1 {
		t.Errorf("%d receipts, want exactly 1", n)
	}

	t.Logf("outage: dropped %d requests; 1 receipt and %d reminders delivered once each", h.srv.Dropped(), nUnits-1)
}

// TestE2EReminderExpiresInOutage: a reminder still undelivered when its
// period's next step comes due is dropped and logged expired, not sent
// late beside the next step.
func TestE2EReminderExpiresInOutage(t *testing.T) {
	h := launchE2E(t, vn("2024-03-05 08:00"), 50, func(h *e2e) {
		h.pollBackoff = func(int) time.Duration { return 20 * time.Millisecond }
	})
	ctx := context.Background()
	h.join(chairLoc, "xa-chau-loc")
	h.srv.SetOutage(true)
	if err := h.sched.RunDue(ctx, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	// The line stays down past Friday 08:00, when before-3 is due.
	h.now.Set(vn("2024-03-08 08:30"))
	dropped := h.srv.Dropped()
	if err := h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.Dropped() >= dropped+5 }, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	h.srv.SetOutage(false)
	if err := h.queue.WaitIdle(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n := count(h, chairLoc, "NHẮC VIỆC"); n != 0 {
		t.Errorf("%d stale reminders sent after the outage", n)
	}
	rs, _ := h.db.RemindersFor(ctx, "bao-cao-thang/2024-03", "xa-chau-loc")
	if len(rs) != 1 || rs[0].State != cchcbot.ReminderExpired {
		t.Fatalf("log = %+v, want before-7 expired", rs)
	}
	// The sweep sends the step now due.
	if err := h.sched.RunDue(ctx, h.now.Now()); err != nil {
		t.Fatal(err)
	}
	h.expect(chairLoc, 0, "Thời gian còn lại: 4 ngày.")
}

// count returns how many messages to u contain want.
func count(h *e2e, u telegramtest.User, want string) int {
	n := 0
	for _, m := range h.srv.Messages(u.ID) {
		if strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
