package web

import (
	"crypto/subtle"
	"net/http"
)

// csrfField is the hidden field every form of the dashboard carries.
const csrfField = "csrf"

// checkPost refuses a form that did not come from the dashboard's own
// pages in this session: its CSRF token must match the session's (compared
// in constant time), and a browser that says where the request came from
// (Sec-Fetch-Site) must say it came from here. SameSite=Lax already keeps
// the cookie off other sites' forms; the token holds even where it does
// not. A refusal answers 403 and the handler never runs.
func (s *Server) checkPost(w http.ResponseWriter, r *http.Request, v *visitor) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.message(w, r, v, http.StatusBadRequest, "Biểu mẫu không hợp lệ", "Nội dung gửi lên không đọc được hoặc quá dài.")
		return false
	}
	site := r.Header.Get("Sec-Fetch-Site")
	crossSite := site != "" && site != "same-origin" && site != "none"
	got := r.PostForm.Get(csrfField)
	if crossSite || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(v.session.CSRF)) != 1 {
		s.opts.Logger.Warn("web: refused a form without a valid CSRF token", "path", r.URL.Path, "admin", string(v.admin.User))
		s.message(w, r, v, http.StatusForbidden, "Biểu mẫu không hợp lệ",
			"Biểu mẫu này không được gửi từ trang quản lý trong phiên làm việc hiện tại, nên không được thực hiện. Xin tải lại trang rồi thử lại.")
		return false
	}
	return true
}
