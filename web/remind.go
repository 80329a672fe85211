package web

import (
	"fmt"
	"net/http"

	"cchcbot"
)

// remindConfirm is the question before reminders go out: how many units
// would be reminded, and a button. Its form carries a fresh nonce that
// names the round, so a form sent twice (a double click, a reload after
// a dropped answer) finishes that round instead of starting another.
func (s *Server) remindConfirm(w http.ResponseWriter, r *http.Request, v *visitor) {
	p, err := s.periodOf(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if s.opts.Reminder == nil {
		s.message(w, r, v, http.StatusNotFound, "Chưa bật nhắc việc", "Chức năng nhắc việc chưa được bật.", link{"Về " + p.Label, periodURL(p.ID)})
		return
	}
	n, err := s.opts.Reminder.Pending(r.Context(), p.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if n == 0 {
		s.message(w, r, v, http.StatusOK, "Không có đơn vị nào cần nhắc",
			fmt.Sprintf("%s: không có đơn vị nào cần nhắc (đã nộp hết, hoặc các đơn vị chưa nộp chưa có thành viên nhận tin).", p.Label),
			link{"Về " + p.Label, periodURL(p.ID)})
		return
	}
	nonce, _, err := newToken()
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "remind", v, page{Title: "Gửi nhắc việc " + p.Label, Data: struct {
		Period           cchcbot.Period
		Units            int
		Nonce, URL, Back string
	}{p, n, nonce, periodURL(p.ID) + "/nhac", periodURL(p.ID)}})
}

// remind sends the confirmed reminders through the scheduler.
func (s *Server) remind(w http.ResponseWriter, r *http.Request, v *visitor) {
	p, err := s.periodOf(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if s.opts.Reminder == nil {
		s.message(w, r, v, http.StatusNotFound, "Chưa bật nhắc việc", "Chức năng nhắc việc chưa được bật.", link{"Về " + p.Label, periodURL(p.ID)})
		return
	}
	nonce := r.PostForm.Get("nonce")
	if !validToken(nonce) {
		s.message(w, r, v, http.StatusBadRequest, "Biểu mẫu không hợp lệ", "Thiếu mã xác nhận của lần nhắc việc. Xin mở lại trang xác nhận.", link{"Về " + p.Label, periodURL(p.ID)})
		return
	}
	n, err := s.opts.Reminder.RemindNow(r.Context(), p.ID, v.admin.User, "web/"+string(v.admin.User)+"/"+nonce)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.audit(r.Context(), v.admin, "web.remind", p.ID, fmt.Sprintf("gửi nhắc việc %s tới %d đơn vị", p.Label, n))
	s.message(w, r, v, http.StatusOK, "Đã gửi nhắc việc", fmt.Sprintf("Đã gửi nhắc việc tới %d đơn vị. Kỳ báo cáo: %s.", n, p.Label),
		link{"Về " + p.Label, periodURL(p.ID)})
}
