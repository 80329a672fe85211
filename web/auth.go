package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"cchcbot"
)

// tokenBytes is the entropy of a login link's token and of a session id:
// 256 bits, beyond guessing however many tries are allowed.
const tokenBytes = 32

// tokenLen is a token's length as text: unpadded base64url.
const tokenLen = (tokenBytes*8 + 5) / 6

// newToken returns a fresh random token and the hash under which it is
// stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("web: random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is the form in which tokens are stored and looked up. A plain
// hash suffices: a token has 256 random bits, nothing to salt.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// validToken reports whether s has a token's shape, so that nothing else
// is ever hashed and looked up.
func validToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NewLoginLink makes a one-time link that signs admin in to the dashboard
// at baseURL, valid LoginTTL from now. Only its hash is stored; the link
// itself is for the admin's eyes (their chat, the staff member's
// terminal) and never for a log. A person who is not an admin is
// EUNAUTHORIZED. The CLI's web-login calls it directly, the bot's /web
// through Server.LoginLink.
func NewLoginLink(ctx context.Context, st LoginStore, baseURL string, admin cchcbot.UserID, now time.Time) (link string, expires time.Time, err error) {
	base, err := ParseBaseURL(baseURL)
	if err != nil {
		return "", time.Time{}, err
	}
	a, err := st.Admin(ctx, admin)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return "", time.Time{}, cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Trang quản lý chỉ dành cho cán bộ quản trị.")
	} else if err != nil {
		return "", time.Time{}, err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expires = now.Add(LoginTTL)
	if err := st.CreateWebLogin(ctx, cchcbot.WebLogin{Hash: hash, Admin: a.User, CreatedAt: now, ExpiresAt: expires}); err != nil {
		return "", time.Time{}, err
	}
	// The audit names the link by a prefix of its hash, never the token.
	if err := st.Audit(ctx, cchcbot.AuditEntry{At: now, Actor: string(a.User), Action: "web.link", Subject: string(a.User),
		Detail: actorName(a) + " nhận đường link đăng nhập trang quản lý (" + hash[:12] + ")"}); err != nil {
		return "", time.Time{}, err
	}
	return base.String() + "/dang-nhap/" + token, expires, nil
}

// LoginLink makes a one-time login link for admin on this server: what
// the chat's /web answers with (chat.Options.WebLogin).
func (s *Server) LoginLink(ctx context.Context, admin cchcbot.UserID) (string, time.Time, error) {
	return NewLoginLink(ctx, s.opts.Store, s.base.String(), admin, s.opts.Clock.Now())
}

// loginPage is where a login link leads. Opening it consumes nothing: a
// chat app's link preview, or a mail scanner, fetches it too. The admin
// presses "Đăng nhập", which posts the token: only that starts a session.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowLogin(w, r) {
		return
	}
	token := r.PathValue("token")
	if _, ok := s.checkLogin(w, r, token); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "login", nil, page{Title: "Đăng nhập trang quản lý", Data: struct{ Token string }{token}})
}

// login starts a session from a login link's token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.allowLogin(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	token := r.PostFormValue("token")
	l, ok := s.checkLogin(w, r, token)
	if !ok {
		return
	}
	ctx := r.Context()
	a, err := s.opts.Store.Admin(ctx, l.Admin)
	if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		s.message(w, r, nil, http.StatusForbidden, "Không có quyền truy cập", s.forbiddenText())
		return
	} else if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	sid, sidHash, err := newToken()
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	csrf, _, err := newToken()
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	now := s.opts.Clock.Now()
	sess, err := s.opts.Store.StartWebSession(ctx, hashToken(token), cchcbot.WebSession{Hash: sidHash, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}, now)
	if err != nil {
		s.loginRefused(w, r, err) // a second press of the button, or a race
		return
	}
	http.SetCookie(w, s.sessionCookie(sid, sess.ExpiresAt))
	s.audit(ctx, a, "web.login", string(a.User), "đăng nhập trang quản lý")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkLogin looks a login link's token up and, unless it may still sign
// in, answers with a page saying why. No page for a bad link shows any of
// the office's data.
func (s *Server) checkLogin(w http.ResponseWriter, r *http.Request, token string) (cchcbot.WebLogin, bool) {
	if !validToken(token) {
		s.loginRefused(w, r, cchcbot.Errorf(cchcbot.ENOTFOUND, "Đường link đăng nhập không đúng."))
		return cchcbot.WebLogin{}, false
	}
	l, err := s.opts.Store.WebLogin(r.Context(), hashToken(token))
	switch {
	case err != nil:
		s.loginRefused(w, r, err)
	case l.Used():
		s.loginRefused(w, r, cchcbot.Errorf(cchcbot.ECONFLICT, "Đường link đăng nhập này đã được dùng."))
	case s.opts.Clock.Now().After(l.ExpiresAt):
		s.loginRefused(w, r, cchcbot.Errorf(cchcbot.EEXPIRED, "Đường link đăng nhập đã hết hạn."))
	default:
		return l, true
	}
	return cchcbot.WebLogin{}, false
}

// loginRefused explains a link that cannot sign in: unknown (401), used
// or expired (410).
func (s *Server) loginRefused(w http.ResponseWriter, r *http.Request, err error) {
	status, title := http.StatusUnauthorized, "Đường link đăng nhập không đúng"
	switch cchcbot.ErrorCode(err) {
	case cchcbot.ECONFLICT:
		status, title = http.StatusGone, "Đường link đăng nhập đã được dùng"
	case cchcbot.EEXPIRED:
		status, title = http.StatusGone, "Đường link đăng nhập đã hết hạn"
	case cchcbot.ENOTFOUND:
	default:
		s.fail(w, r, nil, err)
		return
	}
	text := title + ". Mỗi đường link chỉ dùng được một lần và chỉ có hiệu lực trong " +
		fmt.Sprint(int(LoginTTL.Minutes())) + " phút. Để đăng nhập, xin gửi lệnh /web cho bot trong cuộc trò chuyện quen thuộc, rồi mở đường link mới bot gửi về."
	s.message(w, r, nil, status, title, text)
}

// allowLogin applies the sign-in rate limits, answering 429 past them.
func (s *Server) allowLogin(w http.ResponseWriter, r *http.Request) bool {
	if s.limits.allow(clientIP(r, s.opts.TrustedProxies), s.opts.Clock.Now()) {
		return true
	}
	w.Header().Set("Retry-After", "60")
	s.message(w, r, nil, http.StatusTooManyRequests, "Quá nhiều lần thử đăng nhập",
		"Có quá nhiều lần thử đăng nhập trong thời gian ngắn. Xin đợi một phút rồi thử lại.")
	return false
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := s.opts.Store.DeleteWebSession(r.Context(), v.sessionHash); err != nil {
		s.fail(w, r, v, err)
		return
	}
	http.SetCookie(w, s.clearCookie())
	s.audit(r.Context(), v.admin, "web.logout", string(v.admin.User), "đăng xuất trang quản lý")
	s.message(w, r, nil, http.StatusOK, "Đã đăng xuất", "Đồng chí đã đăng xuất khỏi trang quản lý. Để đăng nhập lại, xin gửi lệnh /web cho bot.")
}

// actorName names an admin in the audit log.
func actorName(a cchcbot.Admin) string {
	if n := strings.TrimSpace(a.Name); n != "" {
		return n
	}
	return string(a.User)
}

// audit records what an admin did on the dashboard, naming them. A
// failure is logged, not shown: the action itself is done.
func (s *Server) audit(ctx context.Context, a cchcbot.Admin, action, subject, detail string) {
	e := cchcbot.AuditEntry{At: s.opts.Clock.Now(), Actor: string(a.User), Action: action, Subject: subject, Detail: actorName(a) + ": " + detail}
	if err := s.opts.Store.Audit(context.WithoutCancel(ctx), e); err != nil {
		s.opts.Logger.Error("web: writing the audit log failed", "action", action, "err", err)
	}
}
