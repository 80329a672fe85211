package web

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"cchcbot/export"
)

// Downloads stream: a file from disk as it is read, a workbook or an
// archive as it is written. Nothing is held whole in memory on the
// dashboard's side, and there is no size limit (unlike a chat's 50 MB).
// What is downloaded is named by ids only; the file store is reached by
// the sha256 the record holds, never by a path from the request.

// downloadFile is /tep/{id}/{index}: file index of submission id.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := idOf(r)
	index, err := strconv.Atoi(r.PathValue("index"))
	if !ok || err != nil || index < 0 {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Không có tệp này.")
		return
	}
	sub, err := s.opts.Store.Submission(r.Context(), id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if index >= len(sub.Files) {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", fmt.Sprintf("Hồ sơ %s không có tệp số %d.", sub.ReceiptNo(), index+1))
		return
	}
	f := sub.Files[index]
	rc, err := s.opts.Store.OpenFile(f.SHA256)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	defer rc.Close()
	name := f.Name
	if strings.TrimSpace(name) == "" {
		name = fmt.Sprintf("%s-tep-%d", sub.ReceiptNo(), index+1)
	}
	if r.Header.Get("Range") == "" { // a resumed download is the same one
		s.audit(r.Context(), v.admin, "web.download.file", sub.PeriodID+" "+sub.UnitCode, fmt.Sprintf("tải tệp %d của báo cáo %s", index+1, sub.ReceiptNo()))
	}
	h := w.Header()
	h.Set("Content-Type", safeMIME(f.MIME))
	h.Set("Content-Disposition", attachment(name, fmt.Sprintf("%s-tep-%d", sub.ReceiptNo(), index+1)))
	if rs, ok := rc.(io.ReadSeeker); ok {
		// Ranges, so a large file interrupted resumes where it stopped.
		http.ServeContent(w, r, "", sub.SubmittedAt, rs)
		return
	}
	if f.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	if _, err := io.Copy(w, rc); err != nil {
		s.opts.Logger.Warn("web: a file download was cut", "submission", sub.ID, "err", err)
	}
}

// downloadWorkbook is /tai/nam/{year}: the year's Excel workbook.
func (s *Server) downloadWorkbook(w http.ResponseWriter, r *http.Request, v *visitor) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2200 {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Năm không hợp lệ.")
		return
	}
	ctx := r.Context()
	d, err := export.Load(ctx, s.opts.Store, s.calendar(), s.opts.Office, export.Selection{Year: y}, s.now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if len(d.Kinds) == 0 {
		s.message(w, r, v, http.StatusNotFound, "Chưa có gì để tổng hợp",
			fmt.Sprintf("Chưa có kỳ báo cáo nào năm %d bắt đầu nhận báo cáo: chưa có gì để tổng hợp.", y), link{"Về năm " + strconv.Itoa(y), fmt.Sprintf("/nam/%d", y)})
		return
	}
	s.audit(ctx, v.admin, "web.download.workbook", strconv.Itoa(y), "tải bảng tổng hợp Excel năm "+strconv.Itoa(y))
	s.stream(w, r, v, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		fmt.Sprintf("Tổng hợp CCHC năm %d.xlsx", y), fmt.Sprintf("tong-hop-cchc-nam-%d.xlsx", y),
		func(out io.Writer) error { return export.WriteWorkbook(ctx, out, s.opts.Store, d) })
}

// downloadArchive is /tai/ky/{kind}/{key}: a period's report files in
// one zip, with the manifest.
func (s *Server) downloadArchive(w http.ResponseWriter, r *http.Request, v *visitor) {
	p, err := s.periodOf(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	ctx := r.Context()
	d, err := export.Load(ctx, s.opts.Store, s.calendar(), s.opts.Office, export.Selection{PeriodID: p.ID}, s.now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if len(d.Kinds) == 0 || len(d.Kinds[0].Periods) == 0 {
		s.message(w, r, v, http.StatusNotFound, "Không tìm thấy", "Không có dữ liệu của "+p.Label+".")
		return
	}
	pd := &d.Kinds[0].Periods[0]
	s.audit(ctx, v.admin, "web.download.archive", p.ID, "tải tệp nén báo cáo "+p.Label)
	s.stream(w, r, v, "application/zip", export.WindowsSafeName(p.Label)+".zip", strings.ReplaceAll(p.ID, "/", "-")+".zip",
		func(out io.Writer) error {
			_, err := export.WriteArchive(ctx, out, s.opts.Store, pd)
			return err
		})
}

// stream sends what write makes as an attachment. A failure before the
// first byte is an error page; after it, the connection is cut, so the
// browser reports a failed download rather than keep a truncated file.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, v *visitor, mime, name, fallback string, write func(io.Writer) error) {
	sw := &startWriter{w: w, start: func() {
		w.Header().Set("Content-Type", mime)
		w.Header().Set("Content-Disposition", attachment(name, fallback))
		w.WriteHeader(http.StatusOK)
	}}
	err := write(sw)
	switch {
	case err == nil:
	case !sw.started:
		s.fail(w, r, v, err)
	default:
		s.opts.Logger.Error("web: a download failed midway; the connection is cut", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// startWriter sends the headers with the first byte.
type startWriter struct {
	w       io.Writer
	start   func()
	started bool
}

func (s *startWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}

// attachment is a Content-Disposition that keeps a Vietnamese file name:
// RFC 6266's filename* in UTF-8 (RFC 5987), which every current browser
// reads, and an ASCII filename for the rest, the name without diacritics.
func attachment(name, fallback string) string {
	name = export.WindowsSafeName(name)
	ascii := asciiName(name)
	base := ascii
	if ext := path.Ext(ascii); len(ext) <= 6 {
		base = strings.TrimSuffix(ascii, ext)
	}
	if !strings.ContainsFunc(base, func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
		ascii = asciiName(fallback) // a name in another script keeps nothing readable
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + encode5987(name)
}

// asciiName writes name in ASCII: diacritics dropped ("Báo cáo" → "Bao
// cao", đ → d), anything else outside a safe set → "_". The result never
// holds a quote or a backslash, so it sits in a quoted string as is.
func asciiName(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, name); err == nil {
		name = out
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_()+,", r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// encode5987 percent-encodes s as RFC 5987's value-chars: every byte but
// the attr-chars.
func encode5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// safeMIME passes the types reports come in; anything else, whatever the
// sender's app declared, is served as bytes to save (with nosniff, a
// browser then renders nothing).
func safeMIME(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	switch m {
	case "application/pdf", "image/jpeg", "image/png",
		"application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/zip":
		return m
	}
	return "application/octet-stream"
}
