package chat

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The authorisation matrix: every kind of person × every command and every
// button action, in every form a press can take. What is refused must say
// so in Vietnamese, leave the store exactly as it was and tell nobody else;
// a member never sees another unit's reports. The commands and actions are
// listed from the code itself (AdminCommands, MemberCommands, the Action*
// constants of callback.go), so one added later is covered without
// touching this file, or fails here until it is classified.

// snapshot is the whole store, logically: every bucket's keys, values and
// sequence, and the names of the report files. A byte copy of the bbolt
// file would differ after a write that changed nothing (a new txid). The
// outbox is left out: a refusal is a reply, and a reply passes through
// the outbox (the snapshot is taken once it is delivered and gone).
func (h *harness) snapshot() map[string]string {
	h.t.Helper()
	var buf bytes.Buffer
	if _, err := h.db.WriteBackup(h.ctx, &buf); err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.t.TempDir(), "snapshot.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		h.t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	var dump func(prefix string, b *bolt.Bucket) error
	dump = func(prefix string, b *bolt.Bucket) error {
		out[prefix+"#seq"] = fmt.Sprint(b.Sequence())
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return dump(prefix+"/"+fmt.Sprintf("%q", k), b.Bucket(k))
			}
			out[prefix+"/"+fmt.Sprintf("%q", k)] = string(v)
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if string(name) == "outbox" {
				return nil
			}
			return dump(string(name), b)
		})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, name := range h.blobs() {
		out["file/"+name] = ""
	}
	return out
}

// storeDiff describes what changed between two snapshots, "" if nothing.
func storeDiff(before, after map[string]string) string {
	var lines []string
	for k, v := range after {
		if old, ok := before[k]; !ok {
			lines = append(lines, "added   "+k+" = "+short(v))
		} else if old != v {
			lines = append(lines, "changed "+k+": "+short(old)+" → "+short(v))
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			lines = append(lines, "removed "+k)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func short(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// actionConstants returns the Action* constants of the root package's
// callback.go, read from its source: name → value.
func actionConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../callback.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, "Action") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s is not a string literal: classify it by hand", n.Name)
				}
				out[n.Name] = constant.StringVal(constant.MakeFromLiteral(lit.Value, lit.Kind, 0))
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d Action constants in callback.go: %v", len(out), out)
	}
	return out
}

// The kinds of action, by who may take them. An action missing from both
// fails TestAuthzCallbacks until it is placed in one.
var (
	memberActions = []string{cchcbot.ActionAck, cchcbot.ActionSubmit, cchcbot.ActionPickPeriod, cchcbot.ActionConfirm, cchcbot.ActionCancel, cchcbot.ActionSkip,
		cchcbot.ActionExtend, cchcbot.ActionExplain}
	adminActions = []string{cchcbot.ActionAccept, cchcbot.ActionReturn, cchcbot.ActionStatus, cchcbot.ActionRemindNow,
		cchcbot.ActionExtDecide, cchcbot.ActionRequest}
)

// authzWorld is unit A (Châu Lộc) with a submitted report, a reminder, a
// draft in progress and a cancelled one; unit B (Châu Đình) with a member;
// an admin; a stranger.
type authzWorld struct {
	*harness
	memberA, memberB person
	period           string // A's report's period
	receipt          string // A's receipt number
	step             string // the step of A's reminder
	nonce, oldNonce  string // A's current and cancelled drafts
	extID            string // A's request for more time, pending
	fileName         string // A's submitted file

	last map[string]string // the store after the last event run
}

const authzFile = "bao-cao-rieng-chau-loc.pdf"

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.join(chairDinh, "xa-chau-dinh")
	w := &authzWorld{harness: h, memberA: chairLoc, memberB: chairDinh, period: "bao-cao-thang/2024-02", step: "before-7", fileName: authzFile}
	r := h.submit(chairLoc, "tháng 02/2024", file{Name: authzFile, Body: []byte("%PDF-1.7 chỉ Châu Lộc và phòng Nội vụ được xem")})
	i := strings.Index(r.Text, "CCHC-")
	w.receipt = r.Text[i : i+16]
	h.reminder(chairLoc, "xa-chau-loc", w.period, w.step)
	h.send(chairLoc, file{Name: "nhap.pdf", Body: []byte("%PDF nháp")})
	d, _ := h.draft(chairLoc)
	w.oldNonce = d.Nonce
	h.say(chairLoc, "/huy")
	h.send(chairLoc, file{Name: "nhap-2.pdf", Body: []byte("%PDF nháp 2")})
	d, _ = h.draft(chairLoc)
	w.nonce = d.Nonce
	e := &cchcbot.Extension{PeriodID: "ke-hoach-khac-phuc/2024", UnitCode: "xa-chau-loc", Proposed: cchcbot.D(2024, 2, 20),
		Reason: "Chờ ý kiến của Đảng ủy xã Châu Lộc", RequestedBy: chairLoc.ID, RequestedByName: chairLoc.Name}
	if err := h.db.CreateExtension(h.ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	w.extID = strconv.FormatUint(e.ID, 10)
	return w
}

// outcome is what one event did.
type outcome struct {
	out    []sent // messages sent while it ran, to anyone
	answer answer // for a press
	diff   string // what changed in the store
	docs   int    // documents sent
	edits  int    // messages edited
}

// run delivers one event at a fresh instant for the limiters (the matrix
// fires hundreds of events at one clock reading; the limits have their own
// tests) and reports what it did.
func (w *authzWorld) run(in cchcbot.Incoming) outcome {
	w.t.Helper()
	w.svc.commands, w.svc.uploads = newUserLimiter(commandLimit), newUserLimiter(uploadLimit)
	// The last event's "after" is this one's "before": a change made in
	// between would show up here as this event's, a false alarm at worst.
	before := w.last
	if before == nil {
		before = w.snapshot()
	}
	w.ch.mu.Lock()
	docs, edits := len(w.ch.docs), len(w.ch.edits)
	w.ch.mu.Unlock()
	var o outcome
	if in.Callback != nil {
		w.update++
		in.ID = w.update
		in.Callback.ID = fmt.Sprintf("cb-%d", w.update)
	}
	o.out = w.handle(in)
	if in.Callback != nil {
		o.answer = w.answerOf(in.Callback.ID)
	}
	w.last = w.snapshot()
	o.diff = storeDiff(before, w.last)
	w.ch.mu.Lock()
	o.docs, o.edits = len(w.ch.docs)-docs, len(w.ch.edits)-edits
	w.ch.mu.Unlock()
	return o
}

// refused checks an event that must change nothing and reach nobody but
// the person.
func (w *authzWorld) refused(t *testing.T, p person, o outcome) {
	t.Helper()
	if o.diff != "" {
		t.Errorf("a refused event changed the store:\n%s", o.diff)
	}
	if o.docs != 0 || o.edits != 0 {
		t.Errorf("a refused event sent %d documents, edited %d messages", o.docs, o.edits)
	}
	for _, m := range o.out {
		if m.To != p.ID {
			t.Errorf("a refused event told %s: %q", m.To, m.Text)
		}
	}
}

// noLeak checks that unit B's member saw nothing of unit A.
func (w *authzWorld) noLeak(t *testing.T, o outcome) {
	t.Helper()
	if o.docs != 0 {
		t.Errorf("B's member was sent %d documents", o.docs)
	}
	secrets := []string{"Châu Lộc", "chau-loc", w.receipt, w.fileName, chairLoc.Name, chairLoc.ID.Local(), "nhap-2.pdf"}
	for _, m := range o.out {
		if m.To != w.memberB.ID {
			t.Errorf("B's member's event told %s: %q", m.To, m.Text)
			continue
		}
		dontWantText(t, m.Text, secrets...)
		for _, row := range m.Buttons {
			for _, b := range row {
				dontWantText(t, b.Text, secrets...)
			}
		}
	}
	if strings.Contains(o.answer.Text, "Châu Lộc") {
		t.Errorf("B's member's press was answered %q", o.answer.Text)
	}
}

// aThings is what of unit A a member of B must never change.
func (w *authzWorld) aThings() string {
	w.t.Helper()
	d, _ := w.draft(chairLoc)
	subs, _ := w.db.UnitSubmissions(w.ctx, "xa-chau-loc")
	rs, _ := w.db.RemindersFor(w.ctx, w.period, "xa-chau-loc")
	ms, _ := w.db.Members(w.ctx, "xa-chau-loc")
	var b strings.Builder
	fmt.Fprintf(&b, "draft %s %s %d\n", d.Nonce, d.Stage, len(d.Files))
	for _, s := range subs {
		fmt.Fprintf(&b, "sub %d %s %q\n", s.ID, s.State, s.Reason)
	}
	for _, r := range rs {
		fmt.Fprintf(&b, "rem %s %v\n", r.Step, r.Acked())
	}
	for _, m := range ms {
		fmt.Fprintf(&b, "member %s\n", m.User)
	}
	return b.String()
}

const msgJoin = "chưa được đăng ký với đơn vị nào"

func TestAuthzCommands(t *testing.T) {
	w := newAuthzWorld(t)
	admins, members := map[string]bool{}, map[string]bool{}
	var names []string
	for _, c := range AdminCommands() {
		admins[c.Name] = true
		names = append(names, c.Name)
	}
	for _, c := range MemberCommands() {
		members[c.Name] = true
		names = append(names, c.Name)
	}
	// Aliases the menu does not show, /start, and commands that do not exist.
	members["help"], members["cancel"] = true, true
	unknown := []string{"khongcolenh", "admin", "sudo", "xoa_het", "debug"}
	names = append(names, "help", "cancel", "start")
	names = append(names, unknown...)
	args := []string{"", "chau loc", w.receipt + " không đạt yêu cầu", string(chairLoc.ID), "02/2024"}

	people := []struct {
		name string
		p    person
	}{{"stranger", stranger}, {"member of A", w.memberA}, {"member of B", w.memberB}, {"admin", admin}}
	for _, who := range people {
		for _, name := range names {
			for _, arg := range args {
				text := strings.TrimSpace("/" + name + " " + arg)
				t.Run(who.name+" "+text, func(t *testing.T) {
					isMember := who.p == w.memberA || who.p == w.memberB
					switch {
					case who.p == admin && admins[name]:
						return // phòng Nội vụ's own work: TestAuthzAdminCommandsRun
					case who.p == w.memberA && members[name]:
						return // A's own work, which may change A's draft
					}
					before := w.aThings()
					in := w.incoming(who.p)
					in.Text = text
					o := w.run(in)
					reply := ""
					if len(o.out) > 0 {
						reply = o.out[len(o.out)-1].Text
					}
					if who.p == w.memberB {
						w.noLeak(t, o)
						if after := w.aThings(); after != before {
							t.Errorf("B's member changed A's things:\n%s\n→\n%s", before, after)
						}
					}
					switch {
					case who.p == stranger:
						w.refused(t, who.p, o)
						if name != "start" || arg == "" {
							wantText(t, reply, msgJoin, "đường link mời")
						}
					case name == "start":
						if arg != "" {
							w.refused(t, who.p, o) // no valid code among the args
						}
					case slices.Contains(unknown, name):
						w.refused(t, who.p, o)
						wantText(t, reply, "Không có lệnh /"+name)
					case isMember && admins[name]:
						w.refused(t, who.p, o)
						if reply != msgAdminOnly {
							t.Errorf("reply %q, want %q", reply, msgAdminOnly)
						}
					case who.p == admin && forAdminsToo(name):
						// /giahan and /vangmat have an admin's form; with
						// these arguments it only explains its syntax or
						// lists, and changes nothing.
						w.refused(t, who.p, o)
						dontWantText(t, reply, "Lệnh này dành cho thành viên", msgAdminOnly)
					case who.p == admin && members[name] && name != "huongdan" && name != "help" && name != "huy" && name != "cancel":
						w.refused(t, who.p, o)
						wantText(t, reply, "Lệnh này dành cho thành viên các đơn vị")
					case isMember && members[name], who.p == admin:
						// Allowed: B's own status, help, cancel; checked above.
					default:
						t.Fatalf("/%s for %s is not classified", name, who.name)
					}
				})
			}
		}
	}
}

// TestAuthzAdminCommandsRun: every admin command does run for an admin
// (no refusal), and each command listed has a handler.
func TestAuthzAdminCommandsRun(t *testing.T) {
	for _, c := range AdminCommands() {
		if adminCommand(c.Name) == nil {
			t.Errorf("admin command /%s is listed but has no handler", c.Name)
		}
		if memberCommand(c.Name) != nil {
			t.Errorf("/%s is both an admin and a member command", c.Name)
		}
	}
	for _, c := range MemberCommands() {
		if memberCommand(c.Name) == nil {
			t.Errorf("member command /%s is listed but has no handler", c.Name)
		}
	}
	w := newAuthzWorld(t)
	for _, c := range AdminCommands() {
		if c.Name == "xoathanhvien" || c.Name == "tralai" || c.Name == "tiepnhan" {
			continue // with no argument they only explain their syntax; below
		}
		in := w.incoming(admin)
		in.Text = "/" + c.Name
		w.ch.mu.Lock()
		docs := len(w.ch.docs)
		w.ch.mu.Unlock()
		out := w.handle(in)
		w.ch.mu.Lock()
		docs = len(w.ch.docs) - docs
		w.ch.mu.Unlock()
		if len(out) == 0 && docs == 0 {
			t.Errorf("/%s answered nothing", c.Name)
		}
		for _, m := range out {
			dontWantText(t, m.Text, msgAdminOnly, "Không có lệnh /", "dành cho thành viên")
		}
	}
	for _, text := range []string{"/xoathanhvien", "/tralai", "/tiepnhan"} {
		wantText(t, w.say(admin, text).Text, "Cú pháp")
	}
}

func TestAuthzCallbacks(t *testing.T) {
	w := newAuthzWorld(t)
	signer := w.svc.opts.Signer
	consts := actionConstants(t)
	var names []string
	for n := range consts {
		names = append(names, n)
	}
	sort.Strings(names)

	// The fields each action carries, pointing at A's things, and a stale
	// form: a cancelled draft, a report or period that does not exist.
	fields := map[string][2][]string{
		cchcbot.ActionAck:        {{w.period, w.step}, {w.period, "no-such-step"}},
		cchcbot.ActionSubmit:     {{w.period}, {"khong-co/2024"}},
		cchcbot.ActionPickPeriod: {{w.nonce, w.period}, {w.oldNonce, w.period}},
		cchcbot.ActionConfirm:    {{w.nonce}, {w.oldNonce}},
		cchcbot.ActionCancel:     {{w.nonce}, {w.oldNonce}},
		cchcbot.ActionSkip:       {{w.nonce}, {w.oldNonce}},
		cchcbot.ActionAccept:     {{"1"}, {"999"}},
		cchcbot.ActionReturn:     {{"1"}, {"999"}},
		cchcbot.ActionStatus:     {{w.period, "1"}, {"khong-co/2024", "1"}},
		cchcbot.ActionRemindNow:  {{w.period}, {"khong-co/2024"}},
		cchcbot.ActionExtend:     {{w.period}, {"khong-co/2024"}},
		cchcbot.ActionExplain:    {{w.nonce}, {w.oldNonce}},
		cchcbot.ActionExtDecide:  {{w.extID, cchcbot.ExtVerdictApprove}, {"999", cchcbot.ExtVerdictApprove}},
		cchcbot.ActionRequest:    {{"0badf00d", "all"}, {"00000000", "all"}},
	}
	people := []struct {
		name string
		p    person
	}{{"stranger", stranger}, {"member of A", w.memberA}, {"member of B", w.memberB}, {"admin", admin}}
	// A reminder's or draft's message to press on; the press's message only
	// matters to edits, which a refused press must not make.
	msg := sent{Ref: cchcbot.MessageRef{ID: "1"}}

	for _, name := range names {
		action := consts[name]
		isMemberAction, isAdminAction := slices.Contains(memberActions, action), slices.Contains(adminActions, action)
		if !isMemberAction && !isAdminAction {
			t.Errorf("%s (%q) is neither a member's nor an admin's action: add it to memberActions or adminActions, and its fields to TestAuthzCallbacks", name, action)
			continue
		}
		fs, ok := fields[action]
		if !ok {
			t.Errorf("%s (%q) has no fields in TestAuthzCallbacks", name, action)
			continue
		}
		for _, who := range people {
			others := []person{w.memberA, w.memberB, admin, stranger}
			others = slices.DeleteFunc(others, func(o person) bool { return o == who.p })
			type variant struct {
				name  string
				data  string
				stale bool
				right bool // signed for the presser, live
			}
			body := strings.Join(append([]string{action}, fs[0]...), "|")
			vs := []variant{
				{name: "signed for them", data: mustSign(t, signer, who.p.ID, action, fs[0]...), right: true},
				{name: "stale", data: mustSign(t, signer, who.p.ID, action, fs[1]...), stale: true},
				{name: "unsigned", data: body},
				{name: "forged signature", data: body + "|AAAAAAAAAAA"},
				{name: "signed with another key", data: mustSign(t, cchcbot.CallbackSigner{Key: []byte("not the bot's key")}, who.p.ID, action, fs[0]...)},
			}
			for _, o := range others {
				vs = append(vs, variant{name: "signed for " + o.Name, data: mustSign(t, signer, o.ID, action, fs[0]...)})
			}
			for _, v := range vs {
				t.Run(fmt.Sprintf("%s %s %s", who.name, name, v.name), func(t *testing.T) {
					if v.right && (who.p == w.memberA && isMemberAction || who.p == admin && isAdminAction) {
						return // their own work on their own things: the happy paths' tests
					}
					before := w.aThings()
					in := w.incoming(who.p)
					in.Callback = &cchcbot.CallbackPress{Data: v.data, Message: msg.Ref}
					o := w.run(in)
					if who.p == w.memberB {
						w.noLeak(t, o)
						if after := w.aThings(); after != before {
							t.Errorf("B's member changed A's things:\n%s\n→\n%s", before, after)
						}
					}
					switch {
					case who.p == stranger:
						w.refused(t, who.p, o)
						wantText(t, o.answer.Text, "chưa được đăng ký")
						if len(o.out) != 1 {
							t.Fatalf("%d replies, want the one on how to join", len(o.out))
						}
						wantText(t, o.out[0].Text, msgJoin, "đường link mời")
					case who.p == w.memberB && v.right && (action == cchcbot.ActionSubmit || action == cchcbot.ActionExtend):
						// B's unit owes the same period: B starts B's own
						// draft, or B's own request for more time. Checked
						// for leaks above.
					case who.p == admin && v.stale && isAdminAction:
						// A report or period that does not exist: said so.
						w.refused(t, who.p, o)
					default:
						// Wrong signature, wrong kind of person, another
						// unit's draft or reminder, or stale.
						w.refused(t, who.p, o)
						if o.answer.Text != staleButton {
							t.Errorf("answer %q, want %q", o.answer.Text, staleButton)
						}
						if len(o.out) != 0 {
							t.Errorf("a refused press sent %+v", o.out)
						}
					}
				})
			}
		}
	}
}

// TestSnapshotSeesChanges: the matrix's "nothing changed" means something.
func TestSnapshotSeesChanges(t *testing.T) {
	w := newAuthzWorld(t)
	before := w.snapshot()
	if d := storeDiff(before, w.snapshot()); d != "" {
		t.Fatalf("two snapshots of an idle store differ:\n%s", d)
	}
	w.say(chairLoc, "/huy")
	if d := storeDiff(before, w.snapshot()); !strings.Contains(d, "removed drafts/") {
		t.Fatalf("cancelling a draft shows as:\n%s", d)
	}
	before = w.snapshot()
	w.submit(chairDinh, "tháng 02/2024", file{Name: "dinh.pdf", Body: []byte("%PDF đình")})
	d := storeDiff(before, w.snapshot())
	for _, want := range []string{"added   submissions/", "added   file/", "changed submissions#seq"} {
		if !strings.Contains(d, want) {
			t.Errorf("a submission's diff lacks %q:\n%s", want, d)
		}
	}
}
