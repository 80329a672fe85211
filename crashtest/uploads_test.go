package crashtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// uploads drives members through submissions while the bot is killed
// under them, and checks the store afterwards.
type uploads struct {
	h       *harness
	members []member
	per     int
	rngs    []*rand.Rand // one per member: the drivers run in parallel

	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	content map[string][]byte // file name -> bytes sent
	byID    map[string]string // Telegram file_id -> file name
	resends atomic.Int64      // documents sent again after a stall
	sends   map[int64]int     // documents sent, by member
	stale   atomic.Int64      // presses refused as stale

	// Figures, set by check.
	uploads, confirmed, stored, unreceipted, lost, orphans, draftBlobs int
}

func newUploads(h *harness, members []member, per int) *uploads {
	u := &uploads{h: h, members: members, per: per, content: map[string][]byte{}, byID: map[string]string{}, sends: map[int64]int{}}
	for i := range members {
		u.rngs = append(u.rngs, rand.New(rand.NewPCG(h.rng.Uint64(), uint64(i))))
	}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	h.t.Cleanup(u.cancel)
	return u
}

func (u *uploads) stopDrivers() { u.cancel() }

// run lets every member submit per reports, in parallel, and returns when
// all have their receipts (or the drivers were stopped).
func (u *uploads) run() {
	var wg sync.WaitGroup
	for i, m := range u.members {
		wg.Go(func() {
			for k := 1; k <= u.per && u.ctx.Err() == nil; k++ {
				u.submit(m, u.rngs[i], k)
			}
		})
	}
	wg.Wait()
}

var (
	receiptNo   = regexp.MustCompile(`Số biên nhận: (CCHC-\d{4}-\d{6})`)
	receiptFile = regexp.MustCompile(`Tệp (\d+): (.+?) \(`)
)

// uploadBudget is how many documents one member sends at most in a run:
// under the per-person upload burst (15), so the limiter never answers.
const uploadBudget = 13

// sent counts one more document from member id and returns the count.
func (u *uploads) sent(id int64) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.sends[id]++
	return u.sends[id]
}

// stallWait is how long a member waits for an answer before acting again:
// long enough for a restart, short enough to keep the test quick.
const stallWait = 3 * time.Second

// submit plays one submission as a person would: send the file, answer
// what the bot asks by its buttons, and when nothing comes press again or,
// after a longer silence, send the file again. It returns once the receipt
// for the file arrives.
func (u *uploads) submit(m member, rng *rand.Rand, k int) {
	srv := u.h.srv
	name := fmt.Sprintf("bao-cao-%s-lan-%d.pdf", m.unit.Code, k)
	content := fmt.Appendf(nil, "%%PDF-1.4\n%% Báo cáo CCHC tháng 03/2024 – %s – lần %d\n", m.unit.Name, k)
	pad := make([]byte, 1024+rng.IntN(63*1024))
	for i := range pad {
		pad[i] = byte(rng.Uint32())
	}
	content = append(content, pad...)
	id := srv.AddFile(name, "application/pdf", content)
	u.mu.Lock()
	u.content[name], u.byID[id] = content, name
	u.mu.Unlock()

	chat := m.user.ID
	start := srv.MessageCount(chat)
	send := func() {
		// A person who sends the same file again and again is slowed down
		// by design (chat/userlimit.go: 15 files, then one per 2 minutes);
		// past that budget this one only presses and waits, as a person
		// told to slow down would.
		if u.sent(m.user.ID) > uploadBudget {
			return
		}
		srv.SendDocument(m.user, id, name, "application/pdf", len(content), "")
	}
	send()
	seen, acted, stalls, press := start, 0, 0, ""
	for u.ctx.Err() == nil {
		err := srv.WaitFor(func(s *telegramtest.Server) bool {
			return s.MessageCount(chat) > seen || u.ctx.Err() != nil || press != "" && staleAnswer(s, press)
		}, stallWait)
		if press != "" && staleAnswer(srv, press) {
			// The press was refused: after a crash the bot had moved the
			// draft on but its next question never went out. A person
			// sends the file again, which brings the question back.
			u.stale.Add(1)
			press = ""
			u.resends.Add(1)
			send()
			continue
		}
		msgs := srv.Messages(chat)[start:]
		var last *telegramtest.Message
		for i := range msgs {
			if strings.Contains(msgs[i].Text, "BIÊN NHẬN BÁO CÁO") && receiptNames(msgs[i].Text)[name] {
				return
			}
			if !strings.Contains(msgs[i].Text, "NHẮC VIỆC") {
				last = &msgs[i]
			}
		}
		grew := start+len(msgs) > seen
		seen = start + len(msgs)
		switch {
		case grew && last != nil && last.ID != acted:
			acted, stalls = last.ID, 0
			press = u.act(m, last, send)
		case err == nil:
			// Only a reminder came: keep waiting.
		default:
			stalls++
			press = ""
			// A person waits a good ten seconds of silence before sending
			// the file again: a restart takes a few, more on a loaded
			// machine.
			if stalls%4 == 0 {
				u.resends.Add(1)
				send()
			} else {
				press = u.act(m, last, send)
			}
		}
	}
}

// act answers the bot's last message: the confirm, skip or period button,
// whichever it has, returning the callback query id; or sends the file
// again when it has none (an error, a cancelled draft).
func (u *uploads) act(m member, msg *telegramtest.Message, send func()) string {
	for _, label := range []string{"Xác nhận nộp", "Bỏ qua", "tháng 03/2024"} {
		for _, row := range msg.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					return u.h.srv.PressButton(m.user, msg.ID, b.CallbackData)
				}
			}
		}
	}
	send()
	return ""
}

// staleButton is the bot's answer to a press of a button it no longer
// honours (chat/text.go).
const staleButton = "Nút bấm này không còn hiệu lực."

// staleAnswer reports whether the bot refused the press with callback
// query id as stale.
func staleAnswer(s *telegramtest.Server, id string) bool {
	for _, a := range s.CallbackAnswers() {
		if a.ID == id {
			return a.Text == staleButton
		}
	}
	return false
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// check opens the store after the last run and holds it to its promises.
func (u *uploads) check(t *testing.T) {
	h := u.h
	ctx := context.Background()
	db := h.openStore()
	u.uploads = len(u.content)

	byReceipt := map[string]*cchcbot.Submission{}
	if err := db.AllSubmissions(ctx, func(s *cchcbot.Submission) error {
		byReceipt[s.ReceiptNo()] = s
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	u.stored = len(byReceipt)

	// Every receipt a member holds names a stored submission of the files
	// that member sent. A receipt usually lists one file; it lists more
	// when a member's file sent again after a silence opened a draft that
	// the next submission's file then joined.
	receipted := map[string]bool{}
	filesReceipted := map[string]bool{}
	for _, m := range u.members {
		for _, msg := range h.srv.Messages(m.user.ID) {
			if !strings.Contains(msg.Text, "BIÊN NHẬN BÁO CÁO") {
				continue
			}
			no, files := receiptNo.FindStringSubmatch(msg.Text), receiptFile.FindAllStringSubmatch(msg.Text, -1)
			if no == nil || len(files) == 0 {
				t.Errorf("unreadable receipt:\n%s", msg.Text)
				continue
			}
			if receipted[no[1]] {
				t.Logf("receipt %s sent twice", no[1])
				continue
			}
			receipted[no[1]] = true
			u.confirmed++
			s := byReceipt[no[1]]
			if s == nil {
				u.lost++
				t.Errorf("LOST: %s holds receipt %s for %s, which is not in the store", m.unit.Code, no[1], files[0][2])
				continue
			}
			ok := s.UnitCode == m.unit.Code && s.PeriodID == "bao-cao-thang/2024-03" && len(s.Files) == len(files)
			for i, f := range files {
				want := u.content[f[2]]
				filesReceipted[f[2]] = true
				ok = ok && f[1] == strconv.Itoa(i+1) && want != nil && s.Files[i].Name == f[2] && s.Files[i].SHA256 == sha(want)
			}
			if !ok {
				t.Errorf("receipt %s of %s: the store holds %+v\nreceipt:\n%s", no[1], m.unit.Code, s, msg.Text)
			}
		}
	}

	// Every record's files are on disk, whole.
	referenced := map[string]bool{}
	for no, s := range byReceipt {
		if !receipted[no] {
			u.unreceipted++
			t.Errorf("submission %s of %s (v%d, %s) is stored but its member never got the receipt; %s", no, s.UnitCode, s.Version, s.Files[0].Name, h.recordedBy(no))
		}
		for _, f := range s.Files {
			referenced[f.SHA256] = true
			b, err := os.ReadFile(filepath.Join(h.dataDir, "files", f.SHA256[:2], f.SHA256))
			if err != nil {
				t.Errorf("submission %s names file %s: %v", no, f.SHA256[:12], err)
			} else if sha(b) != f.SHA256 {
				t.Errorf("submission %s: file %s is torn (%d bytes, sha256 %s)", no, f.SHA256[:12], len(b), sha(b)[:12])
			}
		}
	}

	// Every file on disk belongs to a record, or to a draft still open
	// (a draft holds Telegram file_ids, not hashes: the file was fetched
	// by a confirm the crash cut short, and the next confirm reuses it).
	inDrafts := map[string]bool{}
	for _, m := range u.members {
		d, err := db.Draft(ctx, cchcbot.TelegramUser(m.user.ID))
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		for _, f := range d.Files {
			if name, ok := u.byID[f.ChannelFileID]; ok {
				inDrafts[sha(u.content[name])] = true
			}
		}
	}
	filesDir := filepath.Join(h.dataDir, "files")
	err := filepath.WalkDir(filesDir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filesDir, path)
		sum := filepath.Base(rel)
		switch {
		case filepath.Dir(rel) == "tmp":
			t.Errorf("an upload's temp file survived the reopen: %s", rel)
		case filepath.Dir(rel) != sum[:min(2, len(sum))] || len(sum) != 64:
			t.Errorf("a stray file in the file store: %s", rel)
		case referenced[sum]:
		case inDrafts[sum]:
			u.draftBlobs++
		default:
			u.orphans++
			t.Errorf("orphan file %s: no record and no open draft names it", sum[:12])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.ctx.Err() == nil {
		for name := range u.content {
			if !filesReceipted[name] {
				t.Errorf("%s was never receipted", name)
			}
		}
	}
}

// receiptNames returns the file names a receipt lists.
func receiptNames(text string) map[string]bool {
	names := map[string]bool{}
	for _, f := range receiptFile.FindAllStringSubmatch(text, -1) {
		names[f[2]] = true
	}
	return names
}
