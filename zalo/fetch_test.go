package zalo_test

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// TestFetchFile: the limits of a download, each checked against a file
// server that answers as the case needs. The URL carries a token in its
// query, which no error or log line may show.
func TestFetchFile(t *testing.T) {
	const limit = 1 << 20
	const urlSecret = "FILEQUERYSECRET-77"
	tests := []struct {
		name     string
		declared int64
		serve    func(w http.ResponseWriter)
		url      string // instead of the server's
		noFetch  bool   // refused before any request
		code     string // ErrorCode of the error, from FetchFile or the read
		temp     bool   // a temporary error
		want     []byte // the content, when all goes well
	}{
		{name: "whole", declared: 5, serve: func(w http.ResponseWriter) { w.Write([]byte("%PDF-")) }, want: []byte("%PDF-")},
		{name: "size unknown", serve: func(w http.ResponseWriter) { w.Write([]byte("ảnh")) }, want: []byte("ảnh")},
		{name: "declared over the limit", declared: limit + 1, noFetch: true, code: cchcbot.ETOOLARGE},
		{name: "longer than declared", declared: 3, serve: func(w http.ResponseWriter) { w.Write([]byte("12345")) }, code: cchcbot.EINVALID},
		{name: "over the limit while read", serve: func(w http.ResponseWriter) {
			w.(http.Flusher).Flush() // chunked: no length announced
			w.Write(bytes.Repeat([]byte("x"), limit+10))
		}, code: cchcbot.ETOOLARGE},
		{name: "announced over the limit", serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(limit+1))
		}, code: cchcbot.ETOOLARGE},
		{name: "shorter than declared", declared: 10, serve: func(w http.ResponseWriter) { w.Write([]byte("12345")) }, temp: true},
		{name: "connection cut mid-body", declared: 10, serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "10")
			w.Write([]byte("12345"))
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, temp: true},
		{name: "gone", serve: func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }, code: cchcbot.ENOTFOUND},
		{name: "expired link", serve: func(w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) }, code: cchcbot.ENOTFOUND},
		{name: "server error", serve: func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, temp: true},
		{name: "dropped before answering", serve: func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, temp: true},
		{name: "not http", url: "file:///etc/passwd", noFetch: true, code: cchcbot.EINVALID},
		{name: "no host", url: "https:///x", noFetch: true, code: cchcbot.EINVALID},
		{name: "ftp", url: "ftp://files.example/x.pdf", noFetch: true, code: cchcbot.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t, func(c *zalo.Config) { c.MaxFileSize = limit })
			u.watch.secret("the file URL's token", urlSecret)
			var hits atomic.Int32
			u.api.Files = func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				tt.serve(w)
			}
			url := u.api.srv.URL + "/files/abc?token=" + urlSecret
			if tt.url != "" {
				url = tt.url
			}
			rc, err := u.c.FetchFile(ctx, cchcbot.IncomingFile{Channel: cchcbot.ChannelZalo, ChannelFileID: url, Size: tt.declared})
			var got []byte
			if err == nil {
				got, err = readAll(rc)
			}
			u.watch.err(err)
			if tt.noFetch && hits.Load() != 0 {
				t.Errorf("%d requests, want none", hits.Load())
			}
			var temp *cchcbot.TemporaryError
			switch {
			case tt.want != nil:
				if err != nil || !bytes.Equal(got, tt.want) {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
			case tt.temp:
				if !errors.As(err, &temp) {
					t.Errorf("err = %v, want temporary", err)
				}
			default:
				if cchcbot.ErrorCode(err) != tt.code || errors.As(err, &temp) {
					t.Errorf("err = %v (code %q), want %q", err, cchcbot.ErrorCode(err), tt.code)
				}
				if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "Zalo") {
					t.Errorf("message %q is not for people", msg)
				}
			}
		})
	}
}

// TestFetchFileTimeoutFollowsSize: a download that stalls fails as
// temporary after its own limit, which grows with the declared size.
func TestFetchFileTimeoutFollowsSize(t *testing.T) {
	u := newUnit(t)
	u.c.SetPace(50*time.Millisecond, 1<<20) // 50 ms plus 1 s per MB
	release := make(chan struct{})
	defer close(release)
	u.api.Files = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		w.Write([]byte("12345"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	rc, err := u.c.FetchFile(ctx, cchcbot.IncomingFile{Channel: cchcbot.ChannelZalo, ChannelFileID: u.api.srv.URL + "/files/x", Size: 10})
	if err == nil {
		_, err = readAll(rc)
	}
	var temp *cchcbot.TemporaryError
	if !errors.As(err, &temp) {
		t.Errorf("err = %v, want temporary", err)
	}
}
