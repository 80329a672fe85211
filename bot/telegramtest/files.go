package telegramtest

import (
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxDownload is the cloud Bot API's getFile limit.
const MaxDownload = 20 << 20

type file struct {
	id, name, mime, path string
	content              []byte
	size                 int // declared size; may differ from len(content)
	truncate, corrupt    bool
}

// AddFile makes a file known to the server, as if a user had uploaded it,
// and returns its file_id.
func (s *Server) AddFile(name, mime string, content []byte) string {
	return s.AddFileSized(name, mime, content, len(content))
}

// AddFileSized is AddFile with a declared size that may differ from the
// content: a 25 MB file needs no 25 MB of memory to be refused.
func (s *Server) AddFileSized(name, mime string, content []byte, size int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextFile++
	id := "BQAC" + strconv.Itoa(s.nextFile)
	s.files[id] = &file{id: id, name: name, mime: mime, content: content, size: size, path: "documents/file_" + strconv.Itoa(s.nextFile)}
	return id
}

// TruncateDownload makes the file's download stop half-way.
func (s *Server) TruncateDownload(fileID string) {
	s.setFile(fileID, func(f *file) { f.truncate = true })
}

// CorruptDownload makes the file's download return other bytes of the same
// length.
func (s *Server) CorruptDownload(fileID string) {
	s.setFile(fileID, func(f *file) { f.corrupt = true })
}

func (s *Server) setFile(id string, fn func(*file)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		fn(f)
	}
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.files[r.FormValue("file_id")]
	s.mu.Unlock()
	switch {
	case f == nil:
		writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", 0)
	case f.size > MaxDownload:
		writeError(w, http.StatusBadRequest, "Bad Request: file is too big", 0)
	default:
		writeOK(w, tgbotapi.File{FileID: f.id, FileUniqueID: "u" + f.id, FileSize: f.size, FilePath: f.path})
	}
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, path string) {
	s.mu.Lock()
	s.requests["download"]++
	var f *file
	for _, c := range s.files {
		if c.path == path {
			f = c
		}
	}
	s.mu.Unlock()
	if f == nil || strings.Contains(path, "..") {
		http.NotFound(w, r)
		return
	}
	content := f.content
	if f.corrupt {
		content = []byte(strings.Repeat("x", len(content)))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	if f.truncate {
		w.Write(content[:len(content)/2])
		// Drop the connection mid-body, as a flaky network does.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	w.Write(content)
}
