package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
	"cchcbot/store"
	"cchcbot/synth"
)

const (
	receiptText = "BIÊN NHẬN BÁO CÁO"
	statusText  = "TÌNH HÌNH NỘP BÁO CÁO"
)

// rushRun is one run in progress.
type rushRun struct {
	tb    testing.TB
	p     rushParams
	rc    *rushCase
	srv   *telegramtest.Server
	clock *rushClock
	boxes map[int64]*mailbox
	body  []byte // the bytes every report file shares after its own header

	mu       sync.Mutex
	res      rushResult
	errs     []error
	receipts map[string]time.Time // unit → the receipt's arrival
	asks     map[int64]int        // /trangthai sent per person
	last     time.Time            // the last receipt or reply
}

func (r *rushRun) fail(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func (r *rushRun) seen(at time.Time) {
	r.mu.Lock()
	if at.After(r.last) {
		r.last = at
	}
	r.mu.Unlock()
}

// runRush runs the rush on d and returns what it measured, with every
// failure it met (a missing receipt, reply or reminder, a wrong record).
func runRush(tb testing.TB, d *synth.Deployment, p rushParams) (rushResult, []error) {
	srv := telegramtest.New(tb, rushToken)
	srv.EnforceRateLimits(30, 1)
	rc := prepareRush(tb, d, srv, p)
	r := &rushRun{tb: tb, p: p, rc: rc, srv: srv, boxes: map[int64]*mailbox{},
		receipts: map[string]time.Time{}, asks: map[int64]int{}}
	r.body = make([]byte, p.size)
	rand.NewChaCha8([32]byte{'r', 'u', 's', 'h'}).Read(r.body)
	for _, m := range append(slices.Clone(rc.submitters), rc.others...) {
		r.boxes[tgID(m.User)] = newMailbox()
	}

	// The bot's clock starts lead (real) before the first arrival, for the
	// bot to start and poll.
	const lead = 3 * time.Second
	first := rc.stepAt.Add(-p.window / 2)
	r.clock = &rushClock{start: first.Add(-time.Duration(float64(lead) * p.speedup)), real: time.Now(), speed: p.speedup}
	logs := &logCounter{}
	stop := startRushBot(tb, rc.cfgPath, r.clock, logs)
	defer stop()
	quit := make(chan struct{})
	routed := make(chan struct{})
	go func() { route(srv, r.boxes, quit); close(routed) }()
	defer func() { close(quit); <-routed }()
	if err := srv.WaitFor(func(s *telegramtest.Server) bool { return s.Requests("getUpdates") > 0 }, time.Minute); err != nil {
		_, _, last := logs.counts()
		tb.Fatalf("the bot never polled: %v\n%s", err, last)
	}

	// Arrivals spread at random over the window; /trangthai at a steady
	// pace from persons of the other units, each in turn.
	rng := rand.New(rand.NewPCG(12, 16))
	var wg sync.WaitGroup
	flowTimeout := time.Duration(float64(p.window)/p.speedup) + 10*time.Minute
	for i, m := range rc.submitters {
		at := r.clock.realAt(first.Add(time.Duration(rng.Int64N(int64(p.window)))))
		wg.Go(func() { r.submit(i, m, at, flowTimeout) })
	}
	persons := make([]int64, 0, len(rc.others))
	for _, m := range rc.others {
		persons = append(persons, tgID(m.User))
	}
	rng.Shuffle(len(persons), func(i, j int) { persons[i], persons[j] = persons[j], persons[i] })
	asks := int(p.window / p.statusEvery)
	for k := range asks {
		at := r.clock.realAt(first.Add(time.Duration(k) * p.statusEvery))
		wg.Go(func() { r.askStatus(persons[k%len(persons)], at, flowTimeout) })
	}
	wg.Wait()

	// The due day's step: every member of the units that owe and did not
	// submit gets it; wait for the last (Telegram's pace: 30 a second).
	stepReal := r.clock.realAt(rc.stepAt)
	isReminder := func(m telegramtest.Message) bool {
		return !strings.HasPrefix(m.Text, statusText) && m.At.After(stepReal)
	}
	stepWait := time.Duration(len(rc.others))*time.Second/15 + 3*time.Minute
	for _, m := range rc.others {
		got, _, err := r.boxes[tgID(m.User)].wait(0, 0, isReminder, max(0, time.Until(stepReal.Add(stepWait))))
		if err != nil {
			r.fail(fmt.Errorf("%s of %s: no reminder of the due day's step", m.User, m.UnitCode))
			continue
		}
		d := got.At.Sub(stepReal)
		if r.res.stepCount == 0 || d < r.res.stepFirst {
			r.res.stepFirst = d
		}
		r.res.stepLast = max(r.res.stepLast, d)
		r.res.stepCount++
	}
	// Everything that reached the fake server while the step went out:
	// about 30 a second if Telegram's pace bound it.
	if r.res.stepCount > 1 {
		from, to := stepReal.Add(r.res.stepFirst), stepReal.Add(r.res.stepLast)
		for _, m := range srv.AllMessages() {
			if !m.At.Before(from) && !m.At.After(to) {
				r.res.stepWindowMsgs++
			}
		}
	}
	r.res.messages = srv.TotalMessages()
	r.res.tooMany = srv.TooManyRequests()
	stop()
	r.res.logErrors, r.res.logWarnings, r.res.logTail = logs.counts()
	if r.res.logErrors > 0 {
		_, _, last := logs.counts()
		r.fail(fmt.Errorf("%d errors in the bot's log; the last lines:\n%s", r.res.logErrors, last))
	}
	r.res.wall = r.last.Sub(r.clock.realAt(first))
	r.check(stepReal)
	return r.res, r.errs
}

// submit is one member's submission: the report file, the period, no
// document number, the preview, "✅ Xác nhận nộp", the receipt.
func (r *rushRun) submit(i int, m cchcbot.Member, at time.Time, timeout time.Duration) {
	id := tgID(m.User)
	u := telegramtest.User{ID: id, FirstName: "Cán bộ", LastName: m.UnitCode}
	box := r.boxes[id]
	name := fmt.Sprintf("Báo cáo CCHC tháng 12-2026 %s.pdf", m.UnitCode)
	head := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n% " + name + "\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	const tail = "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
	var dlStart, dlEnd atomic.Int64
	fileID := r.srv.AddFileFrom(name, "application/pdf", r.p.size, func() io.Reader {
		dlStart.Store(time.Now().UnixNano())
		mid := bytes.NewReader(r.body[len(head) : r.p.size-len(tail)])
		return &onEOF{r: io.MultiReader(bytes.NewReader(head), mid, strings.NewReader(tail)), left: r.p.size, f: func() { dlEnd.Store(time.Now().UnixNano()) }}
	})
	time.Sleep(time.Until(at))
	fail := func(step string, err error) {
		got := ""
		for _, m := range box.all() {
			got += "\n---\n" + m.Text
		}
		r.fail(fmt.Errorf("%s (%s): %s: %w; the chat:%s", m.User, m.UnitCode, step, err, got))
	}
	press := func(msg telegramtest.Message, label string) bool {
		data := button(msg, label)
		if data == "" {
			fail("no button "+label, errors.New(msg.Text))
			return false
		}
		r.srv.PressButton(u, msg.ID, data)
		return true
	}
	cur := box.len()
	r.srv.SendDocument(u, fileID, name, "application/pdf", r.p.size, "")
	msg, cur, err := box.wait(cur, 0, containing("nộp cho kỳ nào?"), timeout)
	if err != nil {
		fail("the choice of period", err)
		return
	}
	if !press(msg, "tháng 12/2026") {
		return
	}
	if msg, cur, err = box.wait(cur, 0, containing("số hiệu"), timeout); err != nil {
		fail("the document number", err)
		return
	}
	if !press(msg, "Bỏ qua") {
		return
	}
	if msg, cur, err = box.wait(cur, 0, containing("Xin kiểm tra lại"), timeout); err != nil {
		fail("the preview", err)
		return
	}
	data := button(msg, "Xác nhận nộp")
	if data == "" {
		fail("no confirm button", errors.New(msg.Text))
		return
	}
	pressed := time.Now()
	r.srv.PressButton(u, msg.ID, data)
	rec, _, err := box.wait(cur, 0, containing(receiptText), timeout)
	if err != nil {
		fail("the receipt", err)
		return
	}
	took := rec.At.Sub(pressed)
	// The download counts as far as it fell between the press and the
	// receipt.
	start, end := dlStart.Load(), dlEnd.Load()
	dl := time.Duration(max(0, min(end, rec.At.UnixNano())-max(start, pressed.UnixNano())))
	// Telegram lets a chat have one message a second: the receipt cannot
	// leave before a second after the preview, however fast the press.
	floor := msg.At.Add(time.Second)
	if pressed.After(floor) {
		floor = pressed
	}
	r.mu.Lock()
	r.res.afterPace = append(r.res.afterPace, max(0, rec.At.Sub(floor)-dl))
	r.res.confirm = append(r.res.confirm, took)
	r.res.beyond = append(r.res.beyond, took-dl)
	r.res.download = append(r.res.download, time.Duration(end-start))
	r.receipts[m.UnitCode] = rec.At
	r.mu.Unlock()
	r.seen(rec.At)
}

// askStatus sends /trangthai at at and waits for its reply: the person's
// kth reply answers their kth command, since a chat's messages keep
// their order.
func (r *rushRun) askStatus(id int64, at time.Time, timeout time.Duration) {
	time.Sleep(time.Until(at))
	r.mu.Lock()
	k := r.asks[id]
	r.asks[id]++
	r.mu.Unlock()
	sent := time.Now()
	r.srv.SendText(telegramtest.User{ID: id, FirstName: "Cán bộ", LastName: fmt.Sprint(id)}, "/trangthai")
	reply, _, err := r.boxes[id].wait(0, k, func(m telegramtest.Message) bool { return strings.HasPrefix(m.Text, statusText) }, timeout)
	if err != nil {
		r.fail(fmt.Errorf("telegram:%d: no reply to /trangthai #%d: %w", id, k+1, err))
		return
	}
	r.mu.Lock()
	r.res.status = append(r.res.status, reply.At.Sub(sent))
	r.mu.Unlock()
	r.seen(reply.At)
}

// check reads the store after the run: one submission of one whole file
// per submitting unit, by its member; the due day's step recorded sent to
// every member of the other units, to none of a unit whose receipt had
// arrived before 16:00, and each of those members reminded once.
func (r *rushRun) check(stepReal time.Time) {
	ctx := context.Background()
	db, err := store.Open(r.rc.dataDir, store.Options{})
	if err != nil {
		r.fail(err)
		return
	}
	defer db.Close()
	subs, err := db.SubmissionsForPeriod(ctx, r.rc.period.ID)
	if err != nil {
		r.fail(err)
		return
	}
	byUnit := map[string][]*cchcbot.Submission{}
	for _, s := range subs {
		byUnit[s.UnitCode] = append(byUnit[s.UnitCode], s)
	}
	for _, m := range r.rc.submitters {
		ss := byUnit[m.UnitCode]
		switch {
		case len(ss) != 1:
			r.fail(fmt.Errorf("%s: %d submissions of %s, want 1", m.UnitCode, len(ss), r.rc.period.ID))
		case ss[0].SubmittedBy != m.User || len(ss[0].Files) != 1 || ss[0].Files[0].Size != int64(r.p.size) || !db.HasFile(ss[0].Files[0].SHA256):
			r.fail(fmt.Errorf("%s: submission by %s with files %+v, want one whole file by %s", m.UnitCode, ss[0].SubmittedBy, ss[0].Files, m.User))
		}
	}
	rems, err := db.Reminders(ctx, r.rc.period.ID)
	if err != nil {
		r.fail(err)
		return
	}
	due := map[cchcbot.UserID]cchcbot.Reminder{}
	for _, x := range rems {
		if x.Step != cchcbot.DueStepName {
			continue
		}
		due[x.Member] = x
		if x.State == cchcbot.ReminderSent || x.State == cchcbot.ReminderSending {
			r.res.stepTotal++
		}
		if !r.rc.owing[x.UnitCode] && x.State != cchcbot.ReminderSkipped {
			r.fail(fmt.Errorf("%s of %s, a unit that had submitted before the rush: the due day's step %q", x.Member, x.UnitCode, x.State))
		}
	}
	for _, m := range r.rc.others {
		// "sending" is a reminder delivered whose outcome the outbox had
		// not committed when the bot stopped: its message is counted below.
		if x, ok := due[m.User]; !ok || x.State != cchcbot.ReminderSent && x.State != cchcbot.ReminderSending {
			r.fail(fmt.Errorf("%s of %s: the due day's step recorded %q, want sent", m.User, m.UnitCode, x.State))
		}
		n := 0
		for _, msg := range r.boxes[tgID(m.User)].all() {
			if !strings.HasPrefix(msg.Text, statusText) {
				n++
			}
		}
		if n != 1 {
			r.fail(fmt.Errorf("%s of %s: %d messages besides /trangthai replies, want the one reminder", m.User, m.UnitCode, n))
		}
	}
	for _, m := range r.rc.submitters {
		at, ok := r.receipts[m.UnitCode]
		if !ok || !at.Before(stepReal) {
			continue // submitted after 16:00: the step may have reached it first
		}
		for _, id := range r.rc.byUnit[m.UnitCode] {
			if x, ok := due[cchcbot.TelegramUser(id)]; ok && x.State != cchcbot.ReminderSkipped {
				r.fail(fmt.Errorf("%s submitted before 16:00, yet telegram:%d's reminder is %q", m.UnitCode, id, x.State))
			}
		}
	}
}
