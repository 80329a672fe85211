package telegramtest

import (
	"io"
	"net/http"
	"strconv"
)

// AddFileFrom is AddFile for big files: instead of bytes held in memory,
// open returns a fresh reader of the file's size bytes for each download,
// streamed to the bot. Benchmarks use it so that the server does not hold
// every file whole (20 files of 20 MB would be 400 MB of the process's
// heap that the bot is not responsible for). TruncateDownload and
// CorruptDownload apply as to AddFile's files.
func (s *Server) AddFileFrom(name, mime string, size int, open func() io.Reader) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.addFileLocked(name, mime, nil, size)
	f.open = open
	return f.id
}

// serveStream answers a download of a file added with AddFileFrom, its
// headers but Content-Length already set.
func serveStream(w http.ResponseWriter, r *http.Request, f *file, truncate, corrupt bool) {
	w.Header().Set("Content-Length", strconv.Itoa(f.size))
	if r.Method == http.MethodHead {
		return
	}
	var body io.Reader = io.LimitReader(f.open(), int64(f.size))
	if corrupt {
		body = xorReader{body}
	}
	if truncate {
		io.CopyN(w, body, int64(f.size/2))
		abort(w)
	}
	io.Copy(w, body)
}

// xorReader flips every byte: other bytes, the same length.
type xorReader struct{ r io.Reader }

func (x xorReader) Read(p []byte) (int, error) {
	n, err := x.r.Read(p)
	for i := range p[:n] {
		p[i] ^= 0xFF
	}
	return n, err
}
