package chat

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

func TestUserLimiter(t *testing.T) {
	t0 := time.Date(2024, 2, 6, 9, 0, 0, 0, ict)
	u, v := cchcbot.TelegramUser(1), cchcbot.TelegramUser(2)
	l := newUserLimiter(limit{Every: 3 * time.Second, Burst: 5})

	for i := range 5 {
		if ok, _, _ := l.Allow(u, 1, t0); !ok {
			t.Fatalf("action %d of the burst refused", i+1)
		}
	}
	ok, wait, tell := l.Allow(u, 1, t0)
	if ok || !tell || wait != 3*time.Second {
		t.Fatalf("6th action: ok %v, wait %v, tell %v; want refused, 3s, told", ok, wait, tell)
	}
	if ok, _, tell := l.Allow(u, 1, t0.Add(time.Second)); ok || tell {
		t.Fatalf("7th action: ok %v, tell %v; want refused without a second reply", ok, tell)
	}
	// Someone else is not held up.
	if ok, _, _ := l.Allow(v, 1, t0); !ok {
		t.Fatal("another person was refused")
	}
	// A token comes back after Every; the next refusal is told again.
	if ok, _, _ := l.Allow(u, 1, t0.Add(3*time.Second)); !ok {
		t.Fatal("refused after a token came back")
	}
	if _, _, tell := l.Allow(u, 1, t0.Add(3*time.Second)); !tell {
		t.Fatal("a new flood after an allowed action was not told")
	}
	// Several at once need that many tokens; more than the burst is
	// capped at the burst rather than refused forever.
	if ok, wait, _ := l.Allow(v, 10, t0); ok || wait != 3*time.Second {
		t.Fatalf("10 at once with 4 tokens: ok %v, wait %v; want refused, 3s for the 5th", ok, wait)
	}
	if n := l.size(); n != 2 {
		t.Fatalf("remembers %d people, want 2", n)
	}
	if ok, _, _ := l.Allow(v, 10, t0.Add(time.Minute)); !ok {
		t.Fatal("a batch larger than the burst can never pass")
	}

	// Buckets idle long enough to be full again are forgotten: u's was
	// full 15s after its last use, pruned at the first call a minute on.
	if n := l.size(); n != 1 {
		t.Fatalf("remembers %d people a minute on, want 1", n)
	}
	l.Allow(cchcbot.TelegramUser(3), 1, t0.Add(time.Hour))
	if n := l.size(); n != 1 {
		t.Fatalf("after an idle hour it remembers %d people, want 1", n)
	}
}

func TestWaitMinutes(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Second: 1, time.Minute: 1, time.Minute + time.Second: 2, 119 * time.Second: 2} {
		if got := waitMinutes(d); got != want {
			t.Errorf("waitMinutes(%v) = %d, want %d", d, got, want)
		}
	}
}

func countText(ms []sent, sub string) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.Text, sub) {
			n++
		}
	}
	return n
}

const msgTooFast = "Anh/chị thao tác quá nhanh, xin thử lại sau"

// TestCommandFloodGetsOneReply: a member holding a key down is answered
// once, the flood is not handled, and after a pause the bot answers again.
func TestCommandFloodGetsOneReply(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc") // the /start is one action
	before := len(h.sentTo(chairLoc))
	for range commandLimit.Burst - 1 {
		wantText(t, h.say(chairLoc, "/trangthai").Text, "TÌNH HÌNH NỘP BÁO CÁO")
	}
	var flood []sent
	for range 30 {
		in := h.incoming(chairLoc)
		in.Text = "/trangthai"
		flood = append(flood, h.handle(in)...)
	}
	if len(flood) != 1 {
		t.Fatalf("the flood got %d replies, want 1: %+v", len(flood), flood)
	}
	wantText(t, flood[0].Text, msgTooFast, "1 phút", "chưa được xử lý")
	if got := len(h.sentTo(chairLoc)) - before; got != commandLimit.Burst {
		t.Errorf("%d replies in all, want %d", got, commandLimit.Burst)
	}
	// Text while limited is not taken as a document number either.
	h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")}) // uploads have their own bucket
	d, _ := h.draft(chairLoc)
	h.clock.Set(h.clock.Now().Add(time.Second))
	in := h.incoming(chairLoc)
	in.Text = "45/BC-UBND ngày 05/02/2024"
	if out := h.handle(in); len(out) != 0 {
		t.Errorf("a limited message was answered: %+v", out)
	}
	if d2, _ := h.draft(chairLoc); d2.Stage != d.Stage || d2.DocNumber != "" {
		t.Errorf("a limited message changed the draft: %+v", d2)
	}

	h.clock.Set(h.clock.Now().Add(time.Minute))
	wantText(t, h.say(chairLoc, "/huy").Text, "Đã hủy hồ sơ đang soạn")
	if n := countText(h.sentTo(chairLoc), msgTooFast); n != 1 {
		t.Errorf("told to slow down %d times, want 1", n)
	}
}

// TestLimitedPressIsAnsweredNotHandled: a press over the limit stops its
// spinner with the reason, and does nothing.
func TestLimitedPressIsAnsweredNotHandled(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	pick := h.send(chairLoc, file{Name: "bc.pdf", Body: []byte("%PDF")})
	for range commandLimit.Burst - 1 {
		h.say(chairLoc, "/huongdan")
	}
	out, a := h.pressData(chairLoc, pick, h.button(pick, "Hủy"))
	wantText(t, a.Text, msgTooFast)
	if len(out) != 1 || !strings.Contains(out[0].Text, msgTooFast) {
		t.Errorf("first limited press sent %+v, want the one reply", out)
	}
	out, a = h.pressData(chairLoc, pick, h.button(pick, "Hủy"))
	wantText(t, a.Text, msgTooFast)
	if len(out) != 0 {
		t.Errorf("second limited press sent %+v", out)
	}
	if _, ok := h.draft(chairLoc); !ok {
		t.Fatal("a limited press cancelled the draft")
	}
}

// TestUploadFlood: files beyond the upload burst are not taken, the
// sender is told once, and the files already in the draft stay.
func TestUploadFlood(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	for i := range uploadLimit.Burst {
		h.send(chairLoc, file{Name: fmt.Sprintf("trang-%d.pdf", i), Body: []byte("%PDF")})
		if i == maxDraftFiles-1 {
			h.say(chairLoc, "/huy") // start over: the bucket is per person, not per draft
		}
	}
	d, _ := h.draft(chairLoc)
	var out []sent
	for i := range 5 {
		in := h.incoming(chairLoc)
		in.Files = []cchcbot.IncomingFile{{ChannelFileID: fmt.Sprintf("x-%d", i), Name: "them.pdf", Size: 10}}
		out = append(out, h.handle(in)...)
	}
	if len(out) != 1 {
		t.Fatalf("the upload flood got %d replies, want 1: %+v", len(out), out)
	}
	// 30 an hour: one file every 2 minutes.
	wantText(t, out[0].Text, msgTooFast, "2 phút", "CHƯA được nhận")
	if d2, _ := h.draft(chairLoc); len(d2.Files) != len(d.Files) {
		t.Errorf("draft went from %d to %d files while limited", len(d.Files), len(d2.Files))
	}
	if h.ch.fetches != 0 {
		t.Errorf("%d downloads while limited", h.ch.fetches)
	}
	// Commands still work: a different bucket.
	wantText(t, h.say(chairLoc, "/trangthai").Text, "TÌNH HÌNH NỘP BÁO CÁO")
	h.clock.Set(h.clock.Now().Add(2 * time.Minute))
	wantText(t, h.send(chairLoc, file{Name: "them.pdf", Body: []byte("%PDF")}).Text, "them.pdf")
}

// TestAdminsAreNotLimited: phòng Nội vụ's staff work in bursts.
func TestAdminsAreNotLimited(t *testing.T) {
	h := newHarness(t, testUnits())
	for i := range 3 * commandLimit.Burst {
		m := h.say(admin, "/status 02/2024")
		if strings.Contains(m.Text, msgTooFast) {
			t.Fatalf("admin limited at command %d", i+1)
		}
	}
}

// TestStrangersAreLimited: someone not yet invited cannot flood either.
func TestStrangersAreLimited(t *testing.T) {
	h := newHarness(t, testUnits())
	var out []sent
	for range commandLimit.Burst + 10 {
		in := h.incoming(stranger)
		in.Text = "xin chào"
		out = append(out, h.handle(in)...)
	}
	if len(out) != commandLimit.Burst+1 || countText(out, msgTooFast) != 1 {
		t.Fatalf("a stranger's flood got %d replies (%d to slow down), want %d and 1", len(out), countText(out, msgTooFast), commandLimit.Burst+1)
	}
}
