package telegramtest

import (
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxDownload is the cloud Bot API's getFile limit (20 MB): bigger files
// can be received and resent by file_id but never downloaded.
const MaxDownload = 20 << 20

// file is an entry of the server's file table: files users sent (AddFile)
// and files the bot uploaded.
type file struct {
	id, name, mime, path string
	content              []byte
	size                 int // declared size; may exceed len(content)
	truncate, corrupt    bool
	// open streams the content of an AddFileFrom file, held nowhere.
	open func() io.Reader
}

// AddFile makes a file known to the server, as if a user had uploaded it,
// and returns its file_id, to pass to SendDocument or SendPhoto.
func (s *Server) AddFile(name, mime string, content []byte) string {
	return s.AddFileSized(name, mime, content, len(content))
}

// AddFileSized is AddFile with a declared size that may differ from the
// content, so that a 25 MB file needs no 25 MB of memory to be refused.
func (s *Server) AddFileSized(name, mime string, content []byte, size int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFileLocked(name, mime, content, size).id
}

func (s *Server) addFileLocked(name, mimeType string, content []byte, size int) *file {
	s.nextFile++
	n := strconv.Itoa(s.nextFile)
	dir := "documents"
	if strings.HasPrefix(mimeType, "image/") {
		dir = "photos"
	}
	// Telegram's file_ids are opaque base64-like strings starting with a
	// type tag; BQAC marks a document.
	f := &file{id: "BQACAgIAAxkBAAI" + n, name: name, mime: mimeType, content: content, size: size,
		path: dir + "/file_" + n + strings.ToLower(path.Ext(name))}
	s.files[f.id] = f
	s.filePath[f.path] = f
	return f
}

// FileContent returns the bytes stored for fileID: what a user's file
// holds or what the bot uploaded.
func (s *Server) FileContent(fileID string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[fileID]
	if f == nil {
		return nil, false
	}
	if f.open != nil {
		b, _ := io.ReadAll(io.LimitReader(f.open(), int64(f.size)))
		return b, true
	}
	return slices.Clone(f.content), true
}

// TruncateDownload makes downloads of the file stop half-way through a
// response that declared the full Content-Length, as a dropped connection
// does.
func (s *Server) TruncateDownload(fileID string) {
	s.setFile(fileID, func(f *file) { f.truncate = true })
}

// CorruptDownload makes downloads of the file return other bytes of the
// same length, so only a checksum or magic-byte check can tell.
func (s *Server) CorruptDownload(fileID string) {
	s.setFile(fileID, func(f *file) { f.corrupt = true })
}

// RestoreDownload undoes TruncateDownload and CorruptDownload.
func (s *Server) RestoreDownload(fileID string) {
	s.setFile(fileID, func(f *file) { f.truncate, f.corrupt = false, false })
}

func (s *Server) setFile(id string, fn func(*file)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		fn(f)
	}
}

// getFile answers with the file's download path, or refuses an unknown id
// or a file over the 20 MB limit as Telegram does.
func (s *Server) getFile(c *call) (any, *apiError) {
	id := c.str("file_id")
	s.mu.Lock()
	f := s.files[id]
	s.mu.Unlock()
	switch {
	case id == "":
		return nil, badRequest("file_id is empty") // tgbotapi always sends it
	case f == nil:
		return nil, badRequest("invalid file_id")
	case f.size > s.opts.maxDownloadBytes:
		return nil, badRequest("file is too big")
	}
	return tgbotapi.File{FileID: f.id, FileUniqueID: uniqueID(f.id), FileSize: f.size, FilePath: f.path}, nil
}

// serveDownload serves GET <URL>/file/bot<token>/<file_path>, with the
// faults set for the file and for the pseudo-method "download".
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, filePath string) {
	s.countRequest("download")
	if s.injectFault(w, r, "download") {
		return
	}
	s.mu.Lock()
	f := s.filePath[filePath]
	var content []byte
	var truncate, corrupt bool
	if f != nil {
		content, truncate, corrupt = f.content, f.truncate, f.corrupt
		if f.corrupt && f.open == nil {
			content = slices.Clone(content)
			for i := range content {
				content[i] ^= 0xFF // every byte differs, the length does not
			}
		}
	}
	s.mu.Unlock()
	if f == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	ct := f.mime
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(f.name))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if f.open != nil {
		serveStream(w, r, f, truncate, corrupt)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	if r.Method == http.MethodHead {
		return
	}
	if truncate {
		w.Write(content[:len(content)/2])
		abort(w)
	}
	w.Write(content)
}

// abort drops the connection mid-response. Flushing first makes sure the
// bytes written so far reach the client; http.ErrAbortHandler makes the
// server close the connection without logging a panic.
func abort(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}
