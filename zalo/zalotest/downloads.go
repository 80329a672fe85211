package zalotest

import (
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
)

// FileFault is how the server serves a file a user sent.
type FileFault int

// The ways a download can go wrong.
const (
	FileOK        FileFault = iota
	FileTruncated           // the full Content-Length is declared, half the bytes come, the connection drops
	FileExpired             // 404, as a link past its life
	FileHang                // no answer until the client gives up
	FileCorrupt             // the right length of other bytes: only the checksum tells
)

// servedFile is a file users "sent", served at /files/<id>.
type servedFile struct {
	id, name, mime string
	content        []byte
	fault          FileFault
	downloads      int
}

// FileOption changes how SendFile and SendImage present a file.
type FileOption func(*fileOptions)

type fileOptions struct {
	size    int64 // the size the event declares; -1 for the true size
	numeric bool  // declare it as a JSON number, not a string
	fault   FileFault
}

// WithDeclaredSize makes the event declare size bytes whatever the file
// holds, so a test can claim a 30 MB file with no 30 MB of memory, or
// understate a file the bot must not trust.
func WithDeclaredSize(size int64) FileOption { return func(o *fileOptions) { o.size = size } }

// WithNumericSize makes the event declare the size as a JSON number
// (233947) rather than a string ("233947"): samples of Zalo's events have
// both (docs/ZALO.md §1).
func WithNumericSize() FileOption { return func(o *fileOptions) { o.numeric = true } }

// WithFileFault serves the file with fault from the first download on:
// the event may reach the bot before a later SetFileFault would.
func WithFileFault(f FileFault) FileOption { return func(o *fileOptions) { o.fault = f } }

func newFileOptions(opts []FileOption) fileOptions {
	o := fileOptions{size: -1}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// serveLocked publishes content at a new URL and returns the file; s.mu
// must be held.
func (s *Server) serveLocked(name, mimeType string, content []byte, fault FileFault) *servedFile {
	f := &servedFile{id: newID(), name: name, mime: mimeType, content: slices.Clone(content), fault: fault}
	s.served[f.id] = f
	return f
}

// fileURL is where f is downloaded from.
func (s *Server) fileURL(f *servedFile) string { return s.srv.URL + PathFiles + f.id }

// SetFileFault changes how the files of the event msgID (a file, or an
// image and its thumbnail) are served from now on; FileOK restores them.
func (s *Server) SetFileFault(msgID string, f FileFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev := s.eventsByID[msgID]; ev != nil {
		for _, id := range ev.files {
			s.served[id].fault = f
		}
	}
}

// Downloads returns how many requests reached the files of the event
// msgID, file faults included; a path fault (FailNext(PathFiles...))
// answers before the file is looked up and is not counted here.
func (s *Server) Downloads(msgID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	if ev := s.eventsByID[msgID]; ev != nil {
		for _, id := range ev.files {
			n += s.served[id].downloads
		}
	}
	return n
}

// serveFile serves GET /files/<id> with the file's fault. Downloads need
// no token: Zalo's file links are bearer URLs.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	f := s.served[id]
	var content []byte
	var fault FileFault
	var name, mimeType string
	if f != nil {
		f.downloads++
		content, fault, name, mimeType = f.content, f.fault, f.name, f.mime
		s.notifyLocked()
	}
	s.mu.Unlock()
	if f == nil || fault == FileExpired {
		http.NotFound(w, r)
		return
	}
	if fault == FileHang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		dropConn(w)
		return
	}
	if fault == FileCorrupt {
		content = slices.Clone(content)
		for i := range content {
			content[i] ^= 0xFF // every byte differs, the length does not
		}
	}
	if mimeType == "" {
		mimeType = mime.TypeByExtension(path.Ext(name))
	}
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", mimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	if r.Method == http.MethodHead {
		return
	}
	if fault == FileTruncated {
		w.Write(content[:len(content)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush() // the half must reach the client before the drop
		}
		panic(http.ErrAbortHandler)
	}
	w.Write(content)
}
