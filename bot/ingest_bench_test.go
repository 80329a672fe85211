package bot_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot"
	"cchcbot/bot/telegramtest"
	"cchcbot/chat"
	"cchcbot/config"
	"cchcbot/inbox"
	"cchcbot/outbox"
	"cchcbot/store"
)

// The upload-ingest benchmarks: members of many units send report files
// through the fake Bot API server, pick the period, skip the document
// number (all untimed set-up), then press "✅ Xác nhận nộp" together. The
// timed phase is what the bot does for those presses: getFile, the HTTP
// download, the magic-byte check, store.PutFile (sha256 while writing,
// fsync, rename, fsync of the directory), the bbolt commits of the
// submission (which queue the receipt and the notice in the outbox), and
// the delivery of the receipt and of the notice to phòng Nội vụ. It ends
// when the last of these reaches the fake server.
//
// The floor is the same bytes hashed with sha256 and written + fsynced
// (file and directory) into a temp dir on the same disk by a plain,
// sequential Go loop, measured twice in the same process after the ingest
// (the mean is reported).
//
// Environment:
//
//	CCHCBOT_BENCH_FILES   files in all (default 100; 1000 for the table)
//	CCHCBOT_BENCH_CHATS   members pressing at once, one chat and unit each (default 50)
//	CCHCBOT_BENCH_PER_SUB files per submission (default 2: a report and an appendix)
//	CCHCBOT_BENCH_PACING  "telegram" runs the outbox and the fake server at
//	                      Telegram's limits (30 msg/s, 1 msg/s per chat);
//	                      default "off", so that replies do not set the pace.
func BenchmarkUploadIngest(b *testing.B) {
	p := ingestParams{files: envInt("CCHCBOT_BENCH_FILES", 100), size: 1 << 20,
		chats: envInt("CCHCBOT_BENCH_CHATS", 50), perSub: envInt("CCHCBOT_BENCH_PER_SUB", 2),
		paced: os.Getenv("CCHCBOT_BENCH_PACING") == "telegram"}
	runIngest(b, p)
}

// BenchmarkUploadIngest20MB sends 20 files of 20 MB (the getFile limit),
// one per member, confirmed at once, and reports the peak heap in use
// while they are fetched: it must stay far below the 400 MB in flight.
// CCHCBOT_BENCH_FILES_20MB changes the count.
func BenchmarkUploadIngest20MB(b *testing.B) {
	n := envInt("CCHCBOT_BENCH_FILES_20MB", 20)
	p := ingestParams{files: n, size: 20 << 20, chats: n, perSub: 1,
		paced: os.Getenv("CCHCBOT_BENCH_PACING") == "telegram"}
	runIngest(b, p)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

type ingestParams struct {
	files  int  // files in all
	size   int  // bytes per file
	chats  int  // members confirming at once
	perSub int  // files per submission
	paced  bool // Telegram's limits in the outbox and the fake server
}

func runIngest(b *testing.B, p ingestParams) {
	p.perSub = min(p.perSub, 10) // chat.maxDraftFiles
	p.chats = min(p.chats, (p.files+p.perSub-1)/p.perSub)
	rounds := (p.files + p.chats*p.perSub - 1) / (p.chats * p.perSub)
	total := rounds * p.chats * p.perSub // rounded up to whole rounds
	mb := float64(total) * float64(p.size) / (1 << 20)

	var ingest, floor time.Duration
	var peak, base uint64
	for b.Loop() {
		b.StopTimer()
		rig := newIngestRig(b, p)
		var files []benchFile
		var perRound []string
		for r := range rounds {
			round := rig.prepare(r)
			for _, c := range round {
				files = append(files, c.files...)
			}
			d, pk, bs := rig.confirmAll(round)
			ingest += d
			peak, base = max(peak, pk), max(base, bs)
			perRound = append(perRound, d.Round(time.Millisecond).String())
			// A new hour: the per-person limits (15 uploads, 20 presses
			// at once) would otherwise refuse later rounds.
			rig.clock.Set(rig.clock.Now().Add(time.Hour))
		}
		rig.check(rounds)
		rig.stop()
		b.Logf("%d rounds of %d chats × %d files of %s confirmed in %s", rounds, p.chats, p.perSub, sizeMB(p.size), strings.Join(perRound, ", "))

		// The floor is measured right after the ingest and once more, and
		// the two averaged: the disk's pace drifts with what else runs.
		var fl [2]time.Duration
		for k := range fl {
			f, err := floorIngest(b.TempDir(), files, rig.pattern)
			if err != nil {
				b.Fatal(err)
			}
			fl[k] = f
		}
		b.Logf("floor runs: %s, %s", fl[0].Round(time.Millisecond), fl[1].Round(time.Millisecond))
		floor += (fl[0] + fl[1]) / 2
		b.StartTimer()
	}
	// b.Loop ran the body b.N times; the figures are per iteration.
	n := time.Duration(b.N)
	ingest, floor = ingest/n, floor/n
	b.ReportMetric(ingest.Seconds(), "ingest-s")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(floor.Seconds()/ingest.Seconds(), "x-of-floor")
	b.ReportMetric(mb/ingest.Seconds(), "ingest-MB/s")
	b.ReportMetric(mb/floor.Seconds(), "floor-MB/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MB")
	b.Logf("files=%d × %s (%.0f MB) chats=%d per-sub=%d rounds=%d paced=%v: ingest %s (%.1f MB/s), floor %s (%.1f MB/s), floor/ingest %.3f; heap in use %.1f MB before, %.1f MB peak",
		total, sizeMB(p.size), mb, p.chats, p.perSub, rounds, p.paced, ingest.Round(time.Millisecond), mb/ingest.Seconds(),
		floor.Round(time.Millisecond), mb/floor.Seconds(), floor.Seconds()/ingest.Seconds(), float64(base)/(1<<20), float64(peak)/(1<<20))
}

func sizeMB(n int) string { return fmt.Sprintf("%d MB", n>>20) }

// benchFile is one report file: a PDF header naming it, then a repeated
// random pattern up to size. Each file is distinct (the store is content
// addressed), yet none needs to be held whole to be produced.
type benchFile struct {
	name string
	head []byte
	size int
}

func (f benchFile) reader(pattern []byte) io.Reader {
	return io.MultiReader(bytes.NewReader(f.head), &repeatReader{pattern: pattern, pos: len(f.head), left: f.size - len(f.head)})
}

func (f benchFile) bytes(pattern []byte) []byte {
	buf := make([]byte, f.size)
	io.ReadFull(f.reader(pattern), buf)
	return buf
}

// repeatReader yields pattern over and over, from pos, left bytes in all.
type repeatReader struct {
	pattern   []byte
	pos, left int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+r.left)], r.pattern[r.pos%len(r.pattern):])
		n += c
		r.pos += c
		r.left -= c
	}
	return n, nil
}

// ingestRig is the whole bot (poller, chat, outbox, bbolt store, file
// store) against the fake server, on a district of p.chats units with
// one member each and one admin.
type ingestRig struct {
	b       *testing.B
	p       ingestParams
	srv     *telegramtest.Server
	db      *store.DB
	clock   *movingClock
	users   []telegramtest.User
	pattern []byte
	stop    func()
}

func newIngestRig(b *testing.B, p ingestParams) *ingestRig {
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cal := cfg.Calendar()
	units := cfg.UnitList()
	for i := len(units); i < p.chats; i++ {
		units = append(units, cchcbot.Unit{Code: fmt.Sprintf("don-vi-%03d", i), Name: fmt.Sprintf("Trường học số %03d", i), Group: cchcbot.GroupServiceUnit, HeadTitle: "Hiệu trưởng", Order: i + 1})
	}
	rig := &ingestRig{b: b, p: p, clock: &movingClock{t: vn("2024-02-06 09:00")}}
	rig.pattern = make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{'c', 'c', 'h', 'c'}).Read(rig.pattern)

	rig.srv = telegramtest.NewServer(token)
	if p.paced {
		rig.srv.EnforceRateLimits(30, 1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(b.TempDir(), store.Options{Now: rig.clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	rig.db = db
	now := rig.clock.Now()
	if _, err := db.SyncUnits(ctx, units, now); err != nil {
		b.Fatal(err)
	}
	if err := db.SyncAdmins(ctx, []cchcbot.Admin{{User: cchcbot.TelegramUser(admin.ID), Name: "Nội vụ"}}, now); err != nil {
		b.Fatal(err)
	}
	for i := range p.chats {
		u := telegramtest.User{ID: int64(500000 + i), FirstName: "Cán bộ", LastName: strconv.Itoa(i)}
		_, hash, _ := cchcbot.NewInviteCode(nil)
		if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: units[i].Code, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.RedeemInvite(ctx, hash, cchcbot.Member{User: cchcbot.TelegramUser(u.ID), Name: u.FirstName + " " + u.LastName}, now); err != nil {
			b.Fatal(err)
		}
		rig.users = append(rig.users, u)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	tg, err := bot.New(ctx, bot.Config{Token: token, APIEndpoint: rig.srv.APIEndpoint(), FileEndpoint: rig.srv.FileEndpoint(), PollTimeout: 10 * time.Second, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	key, err := db.Secret(ctx, "callback", 32)
	if err != nil {
		b.Fatal(err)
	}
	qopts := outbox.Options{GlobalPerSecond: 1e6, PerChatPerSecond: 1e6, Logger: logger}
	if p.paced {
		qopts.GlobalPerSecond, qopts.PerChatPerSecond = 30, 1
	}
	qopts.Clock = rig.clock
	q := outbox.New(ctx, db, tg, qopts)
	svc := chat.New(chat.Options{Store: db, Calendar: cal, Channel: q, Clock: rig.clock, Signer: cchcbot.CallbackSigner{Key: key},
		Office: "Phòng Nội vụ huyện Quỳ Hợp", Logger: logger})
	done := make(chan struct{})
	go func() {
		d := inbox.New(db, svc, inbox.Options{Logger: logger})
		var wg sync.WaitGroup
		wg.Go(func() { d.Run(ctx) })
		bot.NewPoller(tg, db, d, bot.PollerOptions{}).Run(ctx)
		wg.Wait()
		close(done)
	}()
	rig.stop = func() {
		cancel()
		<-done
		q.Close()
		db.Close()
		rig.srv.Close()
	}
	return rig
}

// addFile makes f known to the fake server, as if its member had
// uploaded it to Telegram. The server streams it from the pattern rather
// than holding it: held, 20 files of 20 MB were 400 MB of this process's
// heap that are Telegram's, not the bot's. CCHCBOT_BENCH_HELD_FILES=1
// holds them as before (AddFile), to see that.
func (rig *ingestRig) addFile(f benchFile) string {
	if os.Getenv("CCHCBOT_BENCH_HELD_FILES") == "1" {
		return rig.srv.AddFile(f.name, "application/pdf", f.bytes(rig.pattern))
	}
	return rig.srv.AddFileFrom(f.name, "application/pdf", f.size, func() io.Reader { return f.reader(rig.pattern) })
}

// pending is one member's draft waiting for "✅ Xác nhận nộp".
type pending struct {
	user    telegramtest.User
	files   []benchFile
	confirm telegramtest.Message
	data    string // the confirm button's callback data
}

// prepare brings every member, in parallel, to the confirm step of a
// submission of p.perSub files: send the report, pick February's period,
// send the appendices, skip the document number.
func (rig *ingestRig) prepare(round int) []pending {
	out := make([]pending, len(rig.users))
	errs := make([]error, len(rig.users))
	var wg sync.WaitGroup
	for i, u := range rig.users {
		wg.Go(func() {
			out[i], errs[i] = rig.prepareOne(round, i, u)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			rig.b.Fatal(err)
		}
	}
	return out
}

func (rig *ingestRig) prepareOne(round, i int, u telegramtest.User) (pending, error) {
	pd := pending{user: u}
	for j := range rig.p.perSub {
		kind := "phu-luc"
		if j == 0 {
			kind = "bao-cao"
		}
		name := fmt.Sprintf("%s-r%02d-c%03d-%02d.pdf", kind, round, i, j)
		f := benchFile{name: name, head: []byte("%PDF-1.7\n%cchcbot ingest benchmark " + name + "\n"), size: rig.p.size}
		pd.files = append(pd.files, f)
	}
	send := func(f benchFile, want string) (telegramtest.Message, error) {
		id := rig.addFile(f)
		m := rig.srv.MessageCount(u.ID)
		rig.srv.SendDocument(u, id, f.name, "application/pdf", f.size, "")
		return rig.expect(u, m, want)
	}
	press := func(msg telegramtest.Message, label, want string) (telegramtest.Message, error) {
		for _, row := range msg.Buttons {
			for _, bt := range row {
				if strings.Contains(bt.Text, label) {
					m := rig.srv.MessageCount(u.ID)
					rig.srv.PressButton(u, msg.ID, bt.CallbackData)
					return rig.expect(u, m, want)
				}
			}
		}
		return msg, fmt.Errorf("chat %d: no button %q on %q", u.ID, label, msg.Text)
	}
	pick, err := send(pd.files[0], "nộp cho kỳ nào?")
	if err != nil {
		return pd, err
	}
	docno, err := press(pick, "tháng 02/2024", "số hiệu")
	if err != nil {
		return pd, err
	}
	for j := 1; j < len(pd.files); j++ {
		if docno, err = send(pd.files[j], fmt.Sprintf("Tệp %d:", j+1)); err != nil {
			return pd, err
		}
	}
	if pd.confirm, err = press(docno, "Bỏ qua", "Xin kiểm tra lại"); err != nil {
		return pd, err
	}
	for _, bt := range pd.confirm.Buttons[0] {
		if strings.Contains(bt.Text, "Xác nhận nộp") {
			pd.data = bt.CallbackData
		}
	}
	return pd, nil
}

// expect waits for a message to u, after the first mark ones, containing
// want.
func (rig *ingestRig) expect(u telegramtest.User, mark int, want string) (telegramtest.Message, error) {
	var found telegramtest.Message
	err := rig.srv.WaitFor(func(s *telegramtest.Server) bool {
		if s.MessageCount(u.ID) <= mark {
			return false
		}
		for _, m := range s.Messages(u.ID)[mark:] {
			if strings.Contains(m.Text, want) {
				found = m
				return true
			}
		}
		return false
	}, 2*time.Minute)
	if err != nil {
		var got []string
		for _, m := range rig.srv.Messages(u.ID)[mark:] {
			got = append(got, m.Text)
		}
		return found, fmt.Errorf("chat %d: no message containing %q: %w; got:\n%s", u.ID, want, err, strings.Join(got, "\n---\n"))
	}
	return found, nil
}

// confirmAll is the timed phase: every member presses "✅ Xác nhận nộp"
// at once; it ends when phòng Nội vụ has every notice and every member
// their receipt. It returns the
// wall time and the heap in use at its peak and before.
func (rig *ingestRig) confirmAll(round []pending) (wall time.Duration, peak, base uint64) {
	adminMark := rig.srv.MessageCount(admin.ID)
	marks := make([]int, len(round))
	for i, pd := range round {
		marks[i] = rig.srv.MessageCount(pd.user.ID)
	}
	// The receipt and the notice of a confirm are two outbox rows
	// delivered independently: the phase ends when both have arrived for
	// every member, whichever came last.
	receipted := make([]bool, len(round))
	left := len(round)
	runtime.GC()
	hp := startHeapPeak()
	rig.b.StartTimer()
	start := time.Now()
	for _, pd := range round {
		rig.srv.PressButton(pd.user, pd.confirm.ID, pd.data)
	}
	err := rig.srv.WaitFor(func(s *telegramtest.Server) bool {
		if s.MessageCount(admin.ID) < adminMark+len(round) {
			return false
		}
		for i, pd := range round {
			if receipted[i] || s.MessageCount(pd.user.ID) <= marks[i] {
				continue
			}
			for _, m := range s.Messages(pd.user.ID)[marks[i]:] {
				if strings.Contains(m.Text, "BIÊN NHẬN BÁO CÁO") {
					receipted[i] = true
					left--
					break
				}
			}
		}
		return left == 0
	}, 30*time.Minute)
	wall = time.Since(start)
	rig.b.StopTimer()
	peak, base = hp.stop()
	if err != nil {
		rig.b.Fatalf("%d of %d notices and %d of %d receipts after %s: %v", rig.srv.MessageCount(admin.ID)-adminMark, len(round), len(round)-left, len(round), wall, err)
	}
	return wall, peak, base
}

// check makes sure that every submission was recorded with its files, so
// that no failure passes for speed.
func (rig *ingestRig) check(rounds int) {
	ctx := context.Background()
	subs, err := rig.db.SubmissionsForPeriod(ctx, "bao-cao-thang/2024-02")
	if err != nil {
		rig.b.Fatal(err)
	}
	if want := rounds * rig.p.chats; len(subs) != want {
		rig.b.Fatalf("%d submissions recorded, want %d", len(subs), want)
	}
	for _, s := range subs {
		if len(s.Files) != rig.p.perSub {
			rig.b.Fatalf("submission %s has %d files, want %d", s.ReceiptNo(), len(s.Files), rig.p.perSub)
		}
		for _, f := range s.Files {
			if f.Size != int64(rig.p.size) || !rig.db.HasFile(f.SHA256) {
				rig.b.Fatalf("submission %s: file %s not stored whole (%d bytes)", s.ReceiptNo(), f.Name, f.Size)
			}
		}
	}
	for _, u := range rig.users {
		n := 0
		for _, m := range rig.srv.Messages(u.ID) {
			if strings.Contains(m.Text, "BIÊN NHẬN BÁO CÁO") {
				n++
			}
		}
		if n != rounds {
			rig.b.Fatalf("chat %d got %d receipts, want %d", u.ID, n, rounds)
		}
	}
}

// floorIngest is the floor: each file hashed with sha256 while written to
// dir, fsynced, closed, and the directory fsynced, one after another.
func floorIngest(dir string, files []benchFile, pattern []byte) (time.Duration, error) {
	d, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	start := time.Now()
	for i, f := range files {
		out, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("f-%06d", i)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return 0, err
		}
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(out, h), f.reader(pattern)); err != nil {
			return 0, err
		}
		h.Sum(nil)
		if err := out.Sync(); err != nil {
			return 0, err
		}
		if err := out.Close(); err != nil {
			return 0, err
		}
		if err := d.Sync(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// heapPeak samples runtime.MemStats.HeapInuse every 5 ms.
type heapPeak struct {
	quit, done chan struct{}
	base, peak uint64
}

func startHeapPeak() *heapPeak {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := &heapPeak{quit: make(chan struct{}), done: make(chan struct{}), base: ms.HeapInuse, peak: ms.HeapInuse}
	go func() {
		defer close(h.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-h.quit:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				h.peak = max(h.peak, ms.HeapInuse)
			}
		}
	}()
	return h
}

// stop returns the peak and the level at the start.
func (h *heapPeak) stop() (peak, base uint64) {
	close(h.quit)
	<-h.done
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return max(h.peak, ms.HeapInuse), h.base
}
