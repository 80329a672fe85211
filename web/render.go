package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"cchcbot"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates under templates/, each a "content" block
// shown inside layout.html.
var pageNames = []string{"message", "login", "overview", "period", "remind", "unit", "submission", "invite"}

// pages holds each page parsed with the layout.
type pages struct {
	t map[string]*template.Template
}

func parsePages() (*pages, error) {
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.t[name] = t
	}
	return p, nil
}

// funcs are the helpers templates may call.
var funcs = template.FuncMap{
	"size": cchcbot.FormatSize,
	"add":  func(a, b int) int { return a + b },
}

// page is what every template gets: the page's own Data, and what the
// layout shows around it.
type page struct {
	Title string
	Data  any

	Office string
	Admin  *cchcbot.Admin // nil on the sign-in and error pages: no navigation
	CSRF   string
	Year   int // the navigation's year
}

// render writes a page with status. It is rendered into a buffer first,
// so that a template's failure answers 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *visitor, p page) {
	p.Office = s.opts.Office
	p.Year = s.now().Year()
	if v != nil {
		p.Admin, p.CSRF = &v.admin, v.session.CSRF
	}
	var buf bytes.Buffer
	if err := s.pages.t[name].Execute(&buf, p); err != nil {
		s.opts.Logger.Error("web: rendering a page failed", "page", name, "err", err)
		http.Error(w, "Lỗi nội bộ khi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// link is a link a message page offers.
type link struct {
	Text, URL string
}

// message answers with a page of text: an error, a refusal, the outcome
// of an action. Pages for people not signed in (v nil) show no data.
func (s *Server) message(w http.ResponseWriter, r *http.Request, v *visitor, status int, title, text string, links ...link) {
	s.render(w, r, status, "message", v, page{Title: title, Data: struct {
		Text  string
		Links []link
	}{text, links}})
}

// fail answers with err: a domain error's own Vietnamese message and the
// status its code means, or, for a fault of ours, a generic page while
// the fault is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	status, title := http.StatusInternalServerError, "Lỗi hệ thống"
	switch cchcbot.ErrorCode(err) {
	case cchcbot.ENOTFOUND:
		status, title = http.StatusNotFound, "Không tìm thấy"
	case cchcbot.EINVALID, cchcbot.ETOOLARGE:
		status, title = http.StatusBadRequest, "Yêu cầu không hợp lệ"
	case cchcbot.ECONFLICT:
		status, title = http.StatusConflict, "Không thực hiện được"
	case cchcbot.EUNAUTHORIZED:
		status, title = http.StatusForbidden, "Không có quyền"
	case cchcbot.EEXPIRED:
		status, title = http.StatusGone, "Đã hết hạn"
	case cchcbot.EFULL:
		status, title = http.StatusInsufficientStorage, "Máy chủ hết dung lượng"
	default:
		s.opts.Logger.Error("web: request failed", "path", redactPath(r.URL.Path), "err", err)
	}
	s.message(w, r, v, status, title, cchcbot.ErrorMessage(err))
}

// notFound answers any path the dashboard does not have.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, nil, http.StatusNotFound, "Không tìm thấy trang", "Địa chỉ này không có trong trang quản lý.", link{"Về trang đầu", "/"})
}

// staticHandler serves the embedded style sheet and images.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed above guarantees the directory
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}

// timeVN writes an instant as the chat does, in the calendar's zone:
// "06/02/2024 09:00".
func (s *Server) timeVN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.calendar().Location).Format("02/01/2006 15:04")
}
