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

// minKills is the fewest kill points each scenario makes; the two together
// make at least 20.
const minKills = 10

// maxInDoubt bounds the messages one kill can leave in doubt: the outbox
// sender's sends in flight (MaxInFlight, 32) and one group commit's worth
// of outcomes.
const maxInDoubt = 64

// TestCrashFanout kills the bot with SIGKILL at random points of a reminder
// fan-out to 500 units, restarting it each time, until every unit has been
// reminded. The scheduler queues each reminder in the outbox in the commit
// that logs it "sending"; the outbox's sender records it "sent" in the
// commit that takes it out. A kill leaves in doubt only the messages
// Telegram took whose outcome was not committed yet (the sends in flight
// and the outcomes awaiting their group commit), which the next start
// sends again: a few duplicates per kill at most, none otherwise.
func TestCrashFanout(t *testing.T) {
	const nUnits = 500
	began := time.Now()
	rng := rand.New(rand.NewPCG(seed(t), 1))
	var units strings.Builder
	groups := []string{"phong-ban", "su-nghiep", "xa-thi-tran"}
	for i := 1; i <= nUnits; i++ {
		fmt.Fprintf(&units, "  - { code: dv-%03d, name: \"Đơn vị số %03d\", group: %s, head_title: \"Thủ trưởng đơn vị\" }\n", i, i, groups[i%3])
	}
	// 08:00 on Tuesday 05/03/2024: March's "7 days before" step is due for
	// every unit; older steps are stale and only recorded as skipped.
	h := newHarness(t, "2024-03-05T08:00:00+07:00", rng, configEdit{units: units.String(), globalPerSecond: 25})
	// Telegram's flood limits, enforced. The bot is set a little under the
	// global one (25 a second): two token buckets at exactly the same rate
	// drift into 429s, each costing the sequential fan-out a second. The
	// per-chat limit still answers 429 when a restart resends the message
	// the kill left in flight: rate_limited counts those.
	h.srv.EnforceRateLimits(30, 1)
	all := h.cfg.UnitList()
	if len(all) != nUnits {
		t.Fatalf("the config has %d units, want %d", len(all), nUnits)
	}
	members := h.seedMembers(all, 100_000)

	const label = "NHẮC VIỆC: Báo cáo CCHC tháng 03/2024"
	// counts returns, per member, the reminders received, and the total.
	counts := func() (per []int, total, reminded int) {
		per = make([]int, len(members))
		for i, m := range members {
			for _, msg := range h.srv.Messages(m.user.ID) {
				if strings.Contains(msg.Text, "NHẮC VIỆC") {
					per[i]++
				}
			}
			total += per[i]
			if per[i] > 0 {
				reminded++
			}
		}
		return per, total, reminded
	}
	// reminderMsgs counts the reminder messages recorded by the server,
	// cheaply enough for a WaitFor condition: every message to a member
	// is a reminder in this scenario.
	reminderMsgs := func(s *telegramtest.Server) int { return s.TotalMessages() - s.MessageCount(adminID) }

	allReminded := func(s *telegramtest.Server) bool {
		for _, m := range members {
			if s.MessageCount(m.user.ID) == 0 {
				return false
			}
		}
		return true
	}
	for run := 0; ; run++ {
		if _, _, reminded := counts(); reminded == nUnits && h.kills >= minKills {
			break
		}
		if run > 200 {
			t.Fatalf("no end to the fan-out after %d runs", run)
		}
		p := h.start()
		if rng.IntN(5) == 0 {
			// Early: store open, migrations, SyncUnits, the skips of stale
			// steps in one transaction, the first sends.
			time.Sleep(time.Duration(rng.IntN(600)) * time.Millisecond)
		} else {
			target := reminderMsgs(h.srv) + 1 + rng.IntN(80)
			if err := h.srv.WaitFor(func(s *telegramtest.Server) bool {
				return reminderMsgs(s) >= target || p.exited() || allReminded(s)
			}, 60*time.Second); err != nil && reminderMsgs(h.srv) < nUnits {
				t.Fatalf("run %d: the fan-out stalled at %d reminders: %v", p.n, reminderMsgs(h.srv), err)
			}
			h.jitter(8 * time.Millisecond)
		}
		h.kill(p)
	}

	// A last run, stopped cleanly once quiet: it delivers what the last
	// kill left in the outbox and then has nothing more to send. Should the
	// stop still find messages queued (a loaded machine), run again.
	for clean := 1; ; clean++ {
		p := h.start()
		h.settle(3*time.Second, 2*time.Second)
		h.stop(p)
		if queued := h.outboxLen(); queued == 0 {
			break
		} else if clean == 3 {
			t.Fatalf("%d messages still in the outbox after %d clean runs", queued, clean)
		}
	}

	per, total, reminded := counts()
	duplicates := 0
	for i, n := range per {
		if n == 0 {
			t.Errorf("unit %s was never reminded", members[i].unit.Code)
		}
		if n > 1 {
			duplicates += n - 1
			t.Logf("unit %s got the reminder %d times", members[i].unit.Code, n)
		}
		for _, msg := range h.srv.Messages(members[i].user.ID) {
			if !strings.HasPrefix(msg.Text, "Kính gửi: Thủ trưởng đơn vị – Đơn vị số") || !strings.Contains(msg.Text, label) || !strings.Contains(msg.Text, "Thời gian còn lại: 7 ngày.") {
				t.Errorf("unit %s got an unexpected message:\n%s", members[i].unit.Code, msg.Text)
			}
		}
	}
	// A kill repeats at most the messages whose outcome was not committed:
	// those in flight (the sender's MaxInFlight, 32) and those whose
	// outcome awaited the group commit. At 25 messages a second over
	// loopback that is a handful; the bound is the design's, the log
	// line below the measurement.
	if duplicates > h.kills*maxInDoubt {
		t.Errorf("%d duplicate reminders after %d kills: more than %d in doubt per crash", duplicates, h.kills, maxInDoubt)
	}
	for i, n := range per {
		if n > 1+h.kills {
			t.Errorf("unit %s got the reminder %d times after %d kills", members[i].unit.Code, n, h.kills)
		}
	}

	db := h.openStore()
	ctx := context.Background()
	log, err := db.Reminders(ctx, "bao-cao-thang/2024-03")
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	for _, r := range log {
		if r.Step == "before-7" && r.State == cchcbot.ReminderSent {
			sent[r.UnitCode]++
		} else {
			t.Errorf("unexpected reminder record %+v", r)
		}
	}
	if len(sent) != nUnits {
		t.Errorf("%d units have their reminder recorded sent, want %d", len(sent), nUnits)
	}
	t.Logf("crashtest: scenario=fanout kills=%d units=%d reminded=%d sent=%d duplicates=%d rate_limited=%d lost=%d took=%s",
		h.kills, nUnits, reminded, total, duplicates, h.srv.TooManyRequests(), nUnits-reminded, time.Since(began).Round(time.Second))
}

// TestCrashUploads kills the bot with SIGKILL at random points of a
// stream of submissions: many members each send a report file, pick the
// period, skip the document number, confirm, and wait for the receipt,
// several times over, while the bot is killed and restarted under them.
// Afterwards every receipt a member holds must name a stored submission
// with the very file sent, every stored file must belong to a record (or
// to a draft still open), and every record's file must be on disk.
//
// A stored submission whose member never got the receipt fails the test.
// It used to happen: chat.confirm deleted the draft before it sent the
// receipt, so a kill in between left the member with a refused button, no
// receipt and, once they sent the file again, a second version. The
// receipt now goes out first, and a press delivered again after a crash
// finds the submission and sends the receipt again.
func TestCrashUploads(t *testing.T) {
	const (
		nMembers  = 20
		perMember = 3
	)
	began := time.Now()
	rng := rand.New(rand.NewPCG(seed(t), 2))
	// Wednesday 06/03/2024 10:00: March's report is open (due 12/03).
	// Pacing: 10 messages a second per chat, so that a member's four
	// exchanges are not paced at Telegram's 1 a second.
	h := newHarness(t, "2024-03-06T10:00:00+07:00", rng, configEdit{perChatPerSecond: 10})
	units := h.cfg.UnitList()[:nMembers]
	members := h.seedMembers(units, 200_000)
	st := newUploads(h, members, perMember)

	done := make(chan struct{})
	go func() { st.run(); close(done) }()
	finished := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	for h.kills < minKills+2 && !finished() {
		p := h.start()
		if rng.IntN(4) == 0 {
			time.Sleep(time.Duration(100+rng.IntN(900)) * time.Millisecond)
		} else {
			// After a few more messages: a download, a commit or a
			// receipt is under way most of the time.
			target := h.srv.TotalMessages() + 1 + rng.IntN(12)
			if err := h.srv.WaitFor(func(s *telegramtest.Server) bool { return s.TotalMessages() >= target || p.exited() }, 30*time.Second); err != nil {
				t.Fatalf("run %d: no progress: %v", p.n, err)
			}
			h.jitter(15 * time.Millisecond)
		}
		h.kill(p)
	}
	p := h.start()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		// A liveness bound, not a timing claim: on a quiet machine the
		// members finish in seconds.
		st.stopDrivers()
		<-done
		t.Errorf("the members did not all get their receipts within 3 minutes of the last restart")
	}
	h.stop(p)
	if h.kills < minKills {
		t.Errorf("only %d kill points: the members finished too soon", h.kills)
	}
	st.check(t)
	t.Logf("crashtest: scenario=uploads kills=%d members=%d uploads=%d confirmed=%d stored=%d unreceipted=%d lost=%d orphan_blobs=%d draft_blobs=%d stale_presses=%d resent_documents=%d took=%s",
		h.kills, nMembers, st.uploads, st.confirmed, st.stored, st.unreceipted, st.lost, st.orphans, st.draftBlobs, st.stale.Load(), st.resends.Load(), time.Since(began).Round(time.Second))
}
