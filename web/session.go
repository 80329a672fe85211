package web

import (
	"net/http"
	"time"

	"cchcbot"
)

// visitor is the signed-in admin a request comes from.
type visitor struct {
	admin       cchcbot.Admin
	session     cchcbot.WebSession
	sessionHash string
}

// cookieName is the session cookie's name. Over https it carries the
// __Host- prefix, which browsers accept only Secure, for this host and
// path "/": no sibling domain can set or shadow it.
func (s *Server) cookieName() string {
	if s.secure {
		return "__Host-cchcbot"
	}
	return "cchcbot"
}

// sessionCookie carries a session id: never to scripts (HttpOnly), not
// on cross-site requests other than top-level navigation (Lax), only
// over https when the dashboard is served so.
func (s *Server) sessionCookie(id string, expires time.Time) *http.Cookie {
	return &http.Cookie{Name: s.cookieName(), Value: id, Path: "/", Expires: expires, MaxAge: int(SessionTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

func (s *Server) clearCookie() *http.Cookie {
	return &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// maxForm bounds a form's body: a reason for returning a report is the
// largest thing any form carries.
const maxForm = 64 << 10

// admin lets a request through to h only from a signed-in admin: a live
// session whose person is an admin now (one removed from the admins loses
// access at the next request, whatever session they hold). A POST must
// also carry the session's CSRF token and come from the dashboard's own
// pages; one refused changes nothing.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, *visitor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		c, err := r.Cookie(s.cookieName())
		if err != nil || !validToken(c.Value) {
			s.message(w, r, nil, http.StatusUnauthorized, "Chưa đăng nhập",
				"Trang này chỉ dành cho cán bộ quản trị của "+s.opts.Office+" đã đăng nhập. Để đăng nhập, xin gửi lệnh /web cho bot rồi mở đường link bot gửi về.")
			return
		}
		hash := hashToken(c.Value)
		sess, err := s.opts.Store.WebSession(ctx, hash, s.opts.Clock.Now())
		switch cchcbot.ErrorCode(err) {
		case "":
		case cchcbot.ENOTFOUND, cchcbot.EEXPIRED:
			http.SetCookie(w, s.clearCookie())
			s.message(w, r, nil, http.StatusUnauthorized, "Phiên làm việc đã kết thúc",
				"Phiên làm việc đã hết hạn hoặc đã đăng xuất. Để đăng nhập lại, xin gửi lệnh /web cho bot rồi mở đường link bot gửi về.")
			return
		default:
			s.fail(w, r, nil, err)
			return
		}
		a, err := s.opts.Store.Admin(ctx, sess.Admin)
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
			if err := s.opts.Store.DeleteWebSession(ctx, hash); err != nil {
				s.opts.Logger.Error("web: ending the session of a former admin failed", "err", err)
			}
			http.SetCookie(w, s.clearCookie())
			s.message(w, r, nil, http.StatusForbidden, "Không có quyền truy cập", s.forbiddenText())
			return
		} else if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		v := &visitor{admin: a, session: sess, sessionHash: hash}
		if r.Method == http.MethodPost && !s.checkPost(w, r, v) {
			return
		}
		h(w, r, v)
	}
}

// forbiddenText is what a signed-in person who is not an admin is told. It
// holds for a unit's member who never was one as for a former admin, and
// gives no way forward: /web would not let them in either.
func (s *Server) forbiddenText() string {
	return "Trang quản lý chỉ dành cho cán bộ quản trị của " + s.opts.Office + ". Tài khoản này không có quyền xem trang quản lý."
}
