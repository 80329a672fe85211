package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"cchcbot"
)

// submissionData is one version of a unit's report, with the other
// versions of the same period beside it.
type submissionData struct {
	Sub         *cchcbot.Submission
	Receipt     string
	Unit        cchcbot.Unit
	UnitURL     string
	Period      cchcbot.Period
	PeriodURL   string
	State       cellState
	Label       string
	SubmittedAt string
	Late        string // "đúng hạn", "trễ 3 ngày"
	DocRef      string
	ReviewedBy  string
	ReviewedAt  string
	Files       []fileLink
	Versions    []versionRow
	Latest      bool
	AcceptURL   string
	ReturnURL   string
}

type fileLink struct {
	Name, Size, URL string
}

type versionRow struct {
	Version     int
	Receipt     string
	SubmittedAt string
	State       string
	URL         string
	Current     bool
}

// idOf reads the submission number in the path.
func idOf(r *http.Request) (uint64, bool) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// files lists a version's files as download links: by submission and
// index, never by name or path.
func files(sub *cchcbot.Submission) []fileLink {
	out := make([]fileLink, len(sub.Files))
	for i, f := range sub.Files {
		out[i] = fileLink{Name: f.Name, Size: cchcbot.FormatSize(f.Size), URL: fmt.Sprintf("/tep/%d/%d", sub.ID, i)}
		if out[i].Name == "" {
			out[i].Name = fmt.Sprintf("Tệp %d", i+1)
		}
	}
	return out
}

// submission is /ho-so/{id}.
func (s *Server) submission(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := idOf(r)
	if !ok {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Số hồ sơ không hợp lệ.")
		return
	}
	ctx := r.Context()
	sub, err := s.opts.Store.Submission(ctx, id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	u, err := s.opts.Store.Unit(ctx, sub.UnitCode)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	versions, err := s.opts.Store.Submissions(ctx, sub.PeriodID, sub.UnitCode)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p, err := s.calendar().Period(sub.PeriodID)
	if err != nil {
		p = cchcbot.Period{ID: sub.PeriodID, Label: sub.PeriodID} // a kind since removed from the config
	}
	now := s.opts.Clock.Now()
	st := stateOf(sub, p.Deadline, now)
	d := &submissionData{Sub: sub, Receipt: sub.ReceiptNo(), Unit: u, UnitURL: unitURL(u.Code), Period: p, State: st, Label: sub.State.Label(),
		SubmittedAt: s.timeVN(sub.SubmittedAt), Late: p.Since(sub.SubmittedAt), Files: files(sub)}
	if !p.Deadline.IsZero() {
		d.PeriodURL = periodURL(p.ID)
	} else {
		d.Late = "trễ " + strconv.Itoa(sub.DaysLate) + " ngày"
		if sub.DaysLate == 0 {
			d.Late = "đúng hạn"
		}
	}
	if sub.DocNumber != "" {
		d.DocRef = sub.DocNumber
		if !sub.DocDate.IsZero() {
			d.DocRef += " ngày " + sub.DocDate.VN()
		}
	}
	if sub.ReviewedBy != "" {
		d.ReviewedBy, d.ReviewedAt = string(sub.ReviewedBy), s.timeVN(sub.ReviewedAt)
		if a, err := s.opts.Store.Admin(ctx, sub.ReviewedBy); err == nil && a.Name != "" {
			d.ReviewedBy = a.Name
		}
	}
	for _, ver := range versions {
		d.Versions = append(d.Versions, versionRow{Version: ver.Version, Receipt: ver.ReceiptNo(), SubmittedAt: s.timeVN(ver.SubmittedAt),
			State: ver.State.Label(), URL: submissionURL(ver.ID), Current: ver.ID == sub.ID})
	}
	d.Latest = len(versions) > 0 && versions[len(versions)-1].ID == sub.ID
	if d.Latest && s.opts.Reviewer != nil {
		if sub.State != cchcbot.StateAccepted {
			d.AcceptURL = submissionURL(id) + "/tiep-nhan"
		}
		if sub.State != cchcbot.StateReturned {
			d.ReturnURL = submissionURL(id) + "/tra-lai"
		}
	}
	s.render(w, r, http.StatusOK, "submission", v, page{Title: fmt.Sprintf("%s – %s", u.Name, p.Label), Data: d})
}

// accept is the "Tiếp nhận" form.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.review(w, r, v, cchcbot.StateAccepted, "")
}

// returnIt is the "Trả lại" form, which must give a reason.
func (s *Server) returnIt(w http.ResponseWriter, r *http.Request, v *visitor) {
	reason := strings.TrimSpace(r.PostForm.Get("ly-do"))
	if reason == "" {
		s.message(w, r, v, http.StatusBadRequest, "Thiếu lý do trả lại",
			"Xin ghi rõ lý do trả lại báo cáo để đơn vị bổ sung, chỉnh sửa. Báo cáo chưa bị trả lại.", s.backTo(r))
		return
	}
	s.review(w, r, v, cchcbot.StateReturned, reason)
}

// review decides through the Reviewer, which tells the unit's members
// exactly as the chat's buttons do.
func (s *Server) review(w http.ResponseWriter, r *http.Request, v *visitor, state cchcbot.SubmissionState, reason string) {
	id, ok := idOf(r)
	if !ok {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Số hồ sơ không hợp lệ.")
		return
	}
	if s.opts.Reviewer == nil {
		s.message(w, r, v, http.StatusNotFound, "Chưa bật chức năng", "Chức năng tiếp nhận, trả lại báo cáo trên trang quản lý chưa được bật.")
		return
	}
	res, err := s.opts.Reviewer.Review(r.Context(), v.admin.User, id, state, reason)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	sub, u := res.Submission, res.Unit
	links := []link{{"Xem hồ sơ " + sub.ReceiptNo(), submissionURL(sub.ID)}}
	if !res.Period.Deadline.IsZero() {
		links = append(links, link{"Về " + res.Period.Label, periodURL(res.Period.ID)})
	}
	if !res.Changed {
		s.message(w, r, v, http.StatusOK, "Không có gì thay đổi",
			fmt.Sprintf("Báo cáo %s đã ở trạng thái \"%s\"; không có gì thay đổi.", sub.ReceiptNo(), sub.State.Label()), links...)
		return
	}
	verb, action := "tiếp nhận", "web.accept"
	if state == cchcbot.StateReturned {
		verb, action = "trả lại", "web.return"
	}
	detail := fmt.Sprintf("%s báo cáo %s của %s", verb, sub.ReceiptNo(), u.Name)
	if reason != "" {
		detail += "; lý do: " + reason
	}
	s.audit(r.Context(), v.admin, action, sub.PeriodID+" "+sub.UnitCode, detail)
	text := fmt.Sprintf("Đã %s báo cáo %s của %s. Đã gửi thông báo tới %d thành viên của đơn vị.", verb, sub.ReceiptNo(), u.Name, res.Notified)
	if res.Notified == 0 {
		text = fmt.Sprintf("Đã %s báo cáo %s của %s. Đơn vị chưa có thành viên nhận tin: xin tạo mã mời ở trang của đơn vị.", verb, sub.ReceiptNo(), u.Name)
		links = append(links, link{"Trang của " + u.Name, unitURL(u.Code)})
	}
	title := "Đã tiếp nhận báo cáo"
	if state == cchcbot.StateReturned {
		title = "Đã trả lại báo cáo"
	}
	s.message(w, r, v, http.StatusOK, title, text, links...)
}

// backTo links back to the submission a form was about.
func (s *Server) backTo(r *http.Request) link {
	id, _ := idOf(r)
	return link{"Về hồ sơ", submissionURL(id)}
}
