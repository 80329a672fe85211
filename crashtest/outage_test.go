package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// TestCrashOutage: the office's line is down while a reminder step is due
// for 200 units and while a member's receipt is on its way, and the bot is
// killed with SIGKILL, twice, during the outage. Nothing the bot decided
// to say is lost: when the line comes back every unit gets the reminder and
// the member the receipt, each exactly once (nothing was delivered during
// the outage, so nothing is in doubt).
func TestCrashOutage(t *testing.T) {
	const nUnits = 200
	began := time.Now()
	rng := rand.New(rand.NewPCG(seed(t), 2))
	var units strings.Builder
	groups := []string{"phong-ban", "su-nghiep", "xa-thi-tran"}
	for i := 1; i <= nUnits; i++ {
		fmt.Fprintf(&units, "  - { code: dv-%03d, name: \"Đơn vị số %03d\", group: %s, head_title: \"Thủ trưởng đơn vị\" }\n", i, i, groups[i%3])
	}
	// 07:50 on Tuesday 05/03/2024; March's "7 days before" step at 08:00
	// comes due in the second run.
	// No notice to admins: the receipt is the one message the hang meets.
	h := newHarness(t, "2024-03-05T07:50:00+07:00", rng, configEdit{units: units.String(), digestOnly: true})
	members := h.seedMembers(h.cfg.UnitList(), 100_000)
	submitter := members[0]

	// The first run, line up: the member confirms a report; the receipt's
	// send hangs (Telegram never sees it) and then the line drops.
	p := h.start()
	content := []byte("%PDF-1.4\n% Báo cáo CCHC tháng 03/2024")
	id := h.srv.AddFile("bao-cao.pdf", "application/pdf", content)
	h.srv.SendDocument(submitter.user, id, "bao-cao.pdf", "application/pdf", len(content), "")
	pick := h.button(submitter.user, "tháng 03/2024")
	h.srv.PressButton(submitter.user, pick.ID, callback(pick, "tháng 03/2024"))
	skip := h.button(submitter.user, "Bỏ qua")
	h.srv.PressButton(submitter.user, skip.ID, callback(skip, "Bỏ qua"))
	confirm := h.button(submitter.user, "Xác nhận nộp")
	h.srv.HangNext("sendMessage", 1)
	sends := h.srv.Requests("sendMessage")
	h.srv.PressButton(submitter.user, confirm.ID, callback(confirm, "Xác nhận nộp"))
	if err := h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.Requests("sendMessage") > sends }, 30*time.Second); err != nil {
		t.Fatalf("the receipt was never sent: %v", err)
	}
	h.srv.SetOutage(true)
	if n := len(h.srv.Messages(submitter.user.ID)); strings.Contains(h.srv.Messages(submitter.user.ID)[n-1].Text, "BIÊN NHẬN") {
		t.Fatal("the receipt went out before the line dropped")
	}
	h.waitDropped(4) // production's backoff: 1 s doubling, so a few seconds
	h.kill(p)

	// Two more runs in the outage, at 08:00: Telegram never answers their
	// getMe, yet the sweep queues the step for 200 units; each run is
	// killed while it retries.
	h.now = "2024-03-05T08:00:00+07:00"
	for range 2 {
		p = h.start()
		h.waitDropped(2 + rng.IntN(3))
		h.kill(p)
	}
	for _, m := range members[1:] {
		if n := h.srv.MessageCount(m.user.ID); n != 0 {
			t.Fatalf("%d messages to %s went through the outage", n, m.unit.Code)
		}
	}

	// The line is back.
	h.srv.SetOutage(false)
	p = h.start()
	allReminded := func(s *telegramtest.Server) bool {
		for _, m := range members[1:] {
			if s.MessageCount(m.user.ID) == 0 {
				return false
			}
		}
		return true
	}
	if err := h.srv.WaitFor(allReminded, 120*time.Second); err != nil {
		t.Fatalf("not every unit was reminded after the outage: %v", err)
	}
	h.settle(2*time.Second, time.Second)
	h.stop(p)

	duplicates := 0
	for _, m := range members[1:] {
		n := 0
		for _, msg := range h.srv.Messages(m.user.ID) {
			if strings.Contains(msg.Text, "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024") {
				n++
			}
		}
		if n != 1 {
			duplicates += max(n-1, 0)
			t.Errorf("unit %s got the reminder %d times, want 1", m.unit.Code, n)
		}
	}
	receipts := 0
	for _, msg := range h.srv.Messages(submitter.user.ID) {
		if strings.Contains(msg.Text, "BIÊN NHẬN BÁO CÁO") {
			receipts++
		}
		if strings.Contains(msg.Text, "NHẮC VIỆC") {
			t.Errorf("the unit that submitted was reminded:\n%s", msg.Text)
		}
	}
	if receipts != 1 {
		t.Errorf("%d receipts, want 1", receipts)
	}
	if n := h.outboxLen(); n != 0 {
		t.Errorf("%d messages left in the outbox", n)
	}
	db := h.openStore()
	subs, err := db.Submissions(context.Background(), "bao-cao-thang/2024-03", submitter.unit.Code)
	if err != nil || len(subs) != 1 {
		t.Errorf("submissions = %d, %v; want 1", len(subs), err)
	}
	log, err := db.Reminders(context.Background(), "bao-cao-thang/2024-03")
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range log {
		if r.State == cchcbot.ReminderSent {
			sent++
		}
	}
	if sent != nUnits-1 {
		t.Errorf("%d reminders logged sent, want %d", sent, nUnits-1)
	}
	t.Logf("crashtest: scenario=outage kills=%d units=%d dropped=%d reminded=%d receipts=%d duplicates=%d took=%s",
		h.kills, nUnits, h.srv.Dropped(), sent, receipts, duplicates, time.Since(began).Round(time.Second))
}

// waitDropped waits until the outage has dropped n more of the bot's
// requests: it keeps trying, as it must.
func (h *harness) waitDropped(n int) {
	h.t.Helper()
	from := h.srv.Dropped()
	if err := h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.Dropped() >= from+n }, 60*time.Second); err != nil {
		h.t.Fatalf("the bot stopped trying during the outage: %v", err)
	}
}

// button waits for a message to u with a button labelled label.
func (h *harness) button(u telegramtest.User, label string) telegramtest.Message {
	h.t.Helper()
	var found telegramtest.Message
	err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
		msgs := s.Messages(u.ID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if callback(msgs[i], label) != "" {
				found = msgs[i]
				return true
			}
		}
		return false
	}, 30*time.Second)
	if err != nil {
		h.t.Fatalf("no button %q for %d: %v", label, u.ID, err)
	}
	return found
}

func callback(m telegramtest.Message, label string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.CallbackData
			}
		}
	}
	return ""
}
