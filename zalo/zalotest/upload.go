package zalotest

import (
	"errors"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
)

// MaxUploadSize is the largest file /upload/file accepts: 5 MB.
const MaxUploadSize = 5 << 20

// uploadTypes are the extensions /upload/file accepts: Zalo takes only
// PDF, DOC and DOCX as files.
var uploadTypes = []string{".pdf", ".doc", ".docx"}

// serveUpload stores the multipart part "file" and answers with the id a
// file message carries, as data.token or data.attachment_id
// (WithUploadKey). The type is judged by the part's file name, as
// Zalo does; the part is streamed, so a 6 MB upload never sits in memory
// whole.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if aerr := s.checkAccess(r.Header.Get("access_token")); aerr != nil {
		writeError(w, aerr)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, invalidParams("Body is not a multipart form"))
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			writeError(w, invalidParams("The form has no part \"file\""))
			return
		}
		if err != nil {
			writeError(w, invalidParams("Body is not a valid multipart form"))
			return
		}
		if part.FormName() != "file" {
			continue
		}
		name := part.FileName()
		if !slices.Contains(uploadTypes, strings.ToLower(path.Ext(name))) {
			writeError(w, &apiError{CodeInvalidFileType, "File type is invalid"})
			return
		}
		data, err := io.ReadAll(io.LimitReader(part, MaxUploadSize+1))
		switch {
		case err != nil:
			writeError(w, invalidParams("Cannot read the file"))
			return
		case len(data) > MaxUploadSize:
			writeError(w, &apiError{CodeFileTooLarge, "File is too large"})
			return
		case len(data) == 0:
			writeError(w, invalidParams("File is empty"))
			return
		}
		f := &File{Token: randomToken(48), Key: s.opts.uploadKey, Name: name, Content: data}
		s.mu.Lock()
		s.uploads[f.Token] = f
		s.notifyLocked()
		s.mu.Unlock()
		writeOK(w, map[string]string{f.Key: f.Token})
		return
	}
}

// Upload returns the file uploaded under token (the id the upload
// answered with, whatever its key).
func (s *Server) Upload(token string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.uploads[token]
	if f == nil {
		return File{}, false
	}
	return *f, true
}

// Uploads returns how many files the bot uploaded.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.uploads)
}
