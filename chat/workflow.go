package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// The office's workflow beyond a plain submission (issue 14): ad-hoc
// requests (/yeucau), extensions (/giahan), late explanations (/giaitrinh),
// absences (/vangmat) and exemptions (/miennop). Each conversation that
// spans several messages keeps where it stands in the store's state bucket,
// so a restart in the middle loses nothing; this file routes texts, files
// and presses to them.

// flowState is a conversation step kept in the store. stamp is when it was
// last touched: a step left alone longer than its time to live is about
// something else by now, and is dropped.
type flowState interface{ stamp() time.Time }

// loadFlow reads the state under key into v. A missing, unreadable or
// stale state reports false; the last two are removed.
func (s *Service) loadFlow(ctx context.Context, key string, ttl time.Duration, v flowState) (bool, error) {
	b, err := s.opts.Store.GetState(ctx, key)
	if err != nil || len(b) == 0 {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil || s.now().Sub(v.stamp()) > ttl {
		return false, s.opts.Store.PutState(ctx, key, nil)
	}
	return true, nil
}

// saveFlow stores v under key.
func (s *Service) saveFlow(ctx context.Context, key string, v flowState) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return s.opts.Store.PutState(ctx, key, b)
}

// dropFlow forgets the state under key, if there is one: a key never used
// is not written, so that reading nothing changes nothing.
func (s *Service) dropFlow(ctx context.Context, key string) error {
	b, err := s.opts.Store.GetState(ctx, key)
	if err != nil || len(b) == 0 {
		return err
	}
	return s.opts.Store.PutState(ctx, key, nil)
}

// workflowText gives a plain text to the conversation step waiting for it,
// if any: an admin's decision on an extension or a step of /yeucau; a
// member's /giahan or /giaitrinh, or the reason of a late report.
func (s *Service) workflowText(ctx context.Context, w who, text string) (bool, error) {
	if w.admin {
		if handled, err := s.decisionText(ctx, w, text); handled || err != nil {
			return handled, err
		}
		if handled, err := s.requestText(ctx, w, text); handled || err != nil {
			return handled, err
		}
	}
	if w.member != nil {
		if handled, err := s.extensionText(ctx, w, text); handled || err != nil {
			return handled, err
		}
		if handled, err := s.explanationText(ctx, w, text); handled || err != nil {
			return handled, err
		}
		if handled, err := s.lateReasonText(ctx, w, text); handled || err != nil {
			return handled, err
		}
	}
	return false, nil
}

// workflowFiles takes files a step waits for: the instruction document of
// /yeucau. A member asked for the reason of a late report is asked again.
func (s *Service) workflowFiles(ctx context.Context, w who, in cchcbot.Incoming) (bool, error) {
	if w.admin {
		if handled, err := s.requestFile(ctx, w, in); handled || err != nil {
			return handled, err
		}
	}
	if w.member != nil {
		d, ok, err := s.loadDraft(ctx, w)
		if err != nil {
			return true, err
		}
		if ok && d.Stage == stageExplain {
			return true, s.reply(ctx, w.user, "Hồ sơ đang chờ lý do nộp trễ nên tệp vừa gửi chưa được nhận. Xin nhập lý do nộp trễ trước; sau khi nộp xong, có thể gửi thêm tệp để nộp phiên bản mới. Gõ /huy để hủy hồ sơ.")
		}
		// Files start or feed a report: a /giahan or /giaitrinh left
		// half-way must not take the document number typed next.
		if err := s.dropFlow(ctx, extensionKey(w.user)); err != nil {
			return true, err
		}
		if err := s.dropFlow(ctx, explanationKey(w.user)); err != nil {
			return true, err
		}
	}
	return false, nil
}

// workflowPress acts on a verified press of a workflow button, each only
// from the kind of person it was made for.
func (s *Service) workflowPress(ctx context.Context, w who, cb *cchcbot.CallbackPress, action string, f []string, answer func(string) error) error {
	member, admin := w.member != nil, w.admin
	switch {
	case action == cchcbot.ActionRequest && len(f) == 2 && admin:
		return s.requestPress(ctx, w, cb, f[0], f[1], answer)
	case action == cchcbot.ActionExtend && len(f) == 1 && member:
		p, err := s.calendar().Period(f[0])
		if k, _ := s.calendar().Kind(p.KindID); err != nil || !k.Owes(w.unit) {
			return answer(staleButton)
		}
		answer("")
		return s.startExtension(ctx, w, p)
	case action == cchcbot.ActionExtDecide && len(f) == 2 && admin:
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return answer(staleButton)
		}
		return s.decisionPress(ctx, w, id, f[1], answer)
	case action == cchcbot.ActionExplain && len(f) == 1 && member:
		return s.skipLateReason(ctx, w, f[0], answer)
	case action == cchcbot.ActionExplain && len(f) == 2 && f[0] == explainPick && member:
		p, err := s.calendar().Period(f[1])
		if k, _ := s.calendar().Kind(p.KindID); err != nil || !k.Owes(w.unit) {
			return answer(staleButton)
		}
		answer("")
		return s.startExplanation(ctx, w, p)
	}
	return answer(staleButton)
}

// cancelWorkflows is /huy for the steps of this file: what was dropped,
// in words.
func (s *Service) cancelWorkflows(ctx context.Context, w who) ([]string, error) {
	var done []string
	drop := func(key string, v flowState, ttl time.Duration, msg func() string) error {
		ok, err := s.loadFlow(ctx, key, ttl, v)
		if err != nil || !ok {
			return err
		}
		if err := s.opts.Store.PutState(ctx, key, nil); err != nil {
			return err
		}
		done = append(done, msg())
		return nil
	}
	if w.admin {
		var rf requestFlow
		if err := drop(requestKey(w.user), &rf, requestTTL, func() string {
			return "Đã thôi tạo yêu cầu báo cáo đột xuất; chưa có yêu cầu nào được tạo."
		}); err != nil {
			return nil, err
		}
		var pd pendingDecision
		if err := drop(decisionKey(w.user), &pd, decisionTTL, func() string {
			return fmt.Sprintf("Đã thôi xét đơn xin gia hạn số %d; đơn vẫn chờ xét.", pd.ExtID)
		}); err != nil {
			return nil, err
		}
	}
	if w.member != nil {
		var ef extensionFlow
		if err := drop(extensionKey(w.user), &ef, extensionTTL, func() string {
			return "Đã thôi xin gia hạn; chưa có đơn nào được gửi."
		}); err != nil {
			return nil, err
		}
		var xf explanationFlow
		if err := drop(explanationKey(w.user), &xf, extensionTTL, func() string {
			return "Đã thôi gửi giải trình; chưa có giải trình nào được gửi."
		}); err != nil {
			return nil, err
		}
		if err := s.dropFlow(ctx, lateReasonKey(w.user)); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// dateRe finds a typed date, dd/mm/yyyy (one-digit day and month too).
var dateRe = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4}$`)

// parseDate reads a date a person typed, or says in Vietnamese how to
// type it.
func parseDate(s string) (cchcbot.Date, error) {
	s = strings.TrimSpace(s)
	if !dateRe.MatchString(s) {
		return cchcbot.Date{}, cchcbot.Errorf(cchcbot.EINVALID, "\"%s\" không phải là ngày. Xin ghi ngày theo dạng dd/mm/yyyy, ví dụ: 20/03/2024.", s)
	}
	d, err := cchcbot.ParseDMY(s)
	if err != nil {
		return cchcbot.Date{}, cchcbot.Errorf(cchcbot.EINVALID, "Ngày %s không có trong lịch. Xin kiểm tra lại và ghi theo dạng dd/mm/yyyy, ví dụ: 20/03/2024.", s)
	}
	return d, nil
}

// resolvePeriodArg finds the period a person names: what ResolvePeriod
// takes, and an ad-hoc request's code alone ("dot-xuat-3").
func (s *Service) resolvePeriodArg(arg string) (cchcbot.Period, error) {
	a := strings.ToLower(strings.TrimSpace(arg))
	if a == "" {
		return cchcbot.Period{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "Xin ghi kỳ báo cáo, ví dụ: 02/2024, hoặc mã yêu cầu đột xuất như dot-xuat-3.")
	}
	cal := s.calendar()
	if cchcbot.IsRequestKind(a) && !strings.Contains(a, "/") {
		k, ok := cal.Kind(a)
		if !ok {
			return cchcbot.Period{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có yêu cầu báo cáo đột xuất mã %s. Gõ /trangthai để xem các báo cáo của đơn vị (cán bộ quản trị: /yeucau để xem danh sách yêu cầu).", a)
		}
		ps := cal.PeriodsOf(k, k.Schedule.Date, k.Schedule.Date)
		if len(ps) == 0 {
			return cchcbot.Period{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có yêu cầu báo cáo đột xuất mã %s.", a)
		}
		return ps[0], nil
	}
	return cal.ResolvePeriod(arg, s.now())
}

// splitUnitPeriod reads "<đơn vị> <kỳ> <phần còn lại>": the period is the
// first word after at least one word of the unit's name that names one.
func (s *Service) splitUnitPeriod(args []string) (unit string, p cchcbot.Period, rest []string, ok bool) {
	for i := 1; i < len(args); i++ {
		if q, err := s.resolvePeriodArg(args[i]); err == nil {
			return strings.Join(args[:i], " "), q, args[i+1:], true
		}
	}
	return "", cchcbot.Period{}, nil, false
}

// unitView returns the period as it stands for one unit (its approved
// extension moves the deadline) and the period's decisions on the unit.
func (s *Service) unitView(ctx context.Context, p cchcbot.Period, unitCode string) (cchcbot.Period, unitDecisions, error) {
	adj, err := s.opts.Store.Adjustments(ctx, p.ID)
	if err != nil {
		return p, unitDecisions{}, err
	}
	d := unitDecisions{Extension: adj.Extensions[unitCode], Exemption: adj.Exemptions[unitCode], Explanations: adj.Explanations[unitCode]}
	return p.ForUnit(d.Extension), d, nil
}

// unitPeriod is unitView's period: what confirm judges "late" against.
func (s *Service) unitPeriod(ctx context.Context, p cchcbot.Period, unitCode string) (cchcbot.Period, error) {
	up, _, err := s.unitView(ctx, p, unitCode)
	return up, err
}

// unitDecisions are one period's decisions on one unit.
type unitDecisions struct {
	Extension    *cchcbot.Extension
	Exemption    *cchcbot.Exemption
	Explanations []cchcbot.Explanation
}

// memberNotices is text to every member of a unit.
func memberNotices(members []cchcbot.Member, text string) []*cchcbot.Outgoing {
	out := make([]*cchcbot.Outgoing, 0, len(members))
	for _, m := range members {
		out = append(out, &cchcbot.Outgoing{Kind: cchcbot.OutNotice, To: m.User, Text: text, Priority: cchcbot.PriorityInteractive})
	}
	return out
}

// greeting opens a formal notice to a unit.
func greeting(u cchcbot.Unit) string {
	return fmt.Sprintf("Kính gửi: %s – %s.\n\n", headTitle(u), u.Name)
}

// unitDone reports whether the unit owes nothing more for the period.
func (s *Service) unitDone(ctx context.Context, p cchcbot.Period, unitCode string) (bool, error) {
	l, err := s.latest(ctx, p.ID, unitCode)
	return cchcbot.StateOf(l).Done(), err
}

// forAdminsToo names the members' commands an admin may run as well, in
// the admin's own form (/giahan <đơn vị> ..., /vangmat <thành viên> ...).
func forAdminsToo(name string) bool { return name == "giahan" || name == "vangmat" }

// extendedVN says that a unit's deadline was extended, after the new one.
func extendedVN(p cchcbot.Period) string {
	if !p.Extended() {
		return ""
	}
	return " (đã gia hạn; hạn ban đầu " + p.OriginalDue.VN() + ")"
}

// writeDecisions adds a unit's pending extension and its explanations to
// its status lines; an approved extension and an exemption show in the
// deadline and the state already.
func (s *Service) writeDecisions(b *strings.Builder, d unitDecisions) {
	if e := d.Extension; e != nil && e.State == cchcbot.ExtensionRequested {
		fmt.Fprintf(b, "  Đã %s\n", e.LabelVN())
	}
	if e := d.Extension; e != nil && e.State == cchcbot.ExtensionRefused {
		fmt.Fprintf(b, "  Đơn xin gia hạn đến %s không được đồng ý (lý do: %s)\n", e.Proposed.VN(), e.Note)
	}
	for _, x := range d.Explanations {
		fmt.Fprintf(b, "  Giải trình (%s): %s\n", cchcbot.DateOf(x.At.In(s.calendar().Location)).VN(), x.Text)
	}
}

// headInvite reads /moi <đơn vị> thutruong: an invite for the unit's head
// (thủ trưởng), who hears from the escalation ladder rather than from
// every reminder.
func headInvite(cmd Command) (query string, head bool) {
	n := len(cmd.Args)
	switch {
	case n > 1 && fold(cmd.Args[n-1]) == "thutruong":
		return strings.Join(cmd.Args[:n-1], " "), true
	case n > 2 && fold(cmd.Args[n-2]+cmd.Args[n-1]) == "thutruong":
		return strings.Join(cmd.Args[:n-2], " "), true
	}
	return cmd.Arg, false
}

// headInviteText is the answer to /moi <đơn vị> thutruong.
func (s *Service) headInviteText(u cchcbot.Unit, code string) string {
	return fmt.Sprintf("Mã mời THỦ TRƯỞNG của %s (%s), dùng một lần, hết hạn lúc %s:\n%s\n\nNgười dùng mã này được ghi nhận là thủ trưởng đơn vị: khi đơn vị có thành viên khác, nhắc việc gửi tới các thành viên đó; thủ trưởng được báo khi đơn vị chậm nộp. Xin chuyển trực tiếp cho %s.",
		u.Name, headTitle(u), timeVN(s.now().Add(s.opts.InviteTTL), s.calendar().Location), s.howToJoin(code), headTitle(u))
}

// decisionNotes are a unit's extension and explanations in a status line.
func decisionNotes(u cchcbot.UnitStatus) []string {
	var notes []string
	if l := u.Extension.LabelVN(); l != "" {
		notes = append(notes, l)
	}
	if n := len(u.Explanations); n > 0 {
		notes = append(notes, "đã giải trình: "+u.Explanations[n-1].Text)
	}
	return notes
}

// sectionMax bounds each list of decisionSections.
const sectionMax = 10

// decisionSections lists, under a status page, the units that owe nothing
// by an exemption and the explanations of units that are done (those of
// units still owing show beside them).
func decisionSections(ps cchcbot.PeriodStatus) string {
	var exempt, explained []string
	for _, u := range ps.Units {
		switch {
		case u.State == cchcbot.UnitExempt && u.Exemption != nil:
			exempt = append(exempt, fmt.Sprintf("  • %s: %s", u.Unit.Name, u.Exemption.Reason))
		case u.State.Done() && len(u.Explanations) > 0:
			explained = append(explained, fmt.Sprintf("  • %s: %s", u.Unit.Name, u.Explanations[len(u.Explanations)-1].Text))
		}
	}
	var b strings.Builder
	for _, sec := range []struct {
		title string
		lines []string
	}{{"Đơn vị được miễn nộp", exempt}, {"Giải trình của đơn vị đã nộp trễ", explained}} {
		if len(sec.lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", sec.title, len(sec.lines))
		for i, l := range sec.lines {
			if i == sectionMax {
				fmt.Fprintf(&b, "  ... và %d đơn vị khác\n", len(sec.lines)-sectionMax)
				break
			}
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// draftNewer reports whether the member's draft was touched after at: a
// flow asked before the draft was started or moved on is not what the
// member's text answers.
func (s *Service) draftNewer(ctx context.Context, w who, at time.Time) (bool, error) {
	if w.member == nil {
		return false, nil
	}
	d, ok, err := s.loadDraft(ctx, w)
	if !ok || err != nil {
		return false, err
	}
	return d.UpdatedAt.After(at), nil
}
