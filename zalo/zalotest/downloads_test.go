package zalotest_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"cchcbot/zalo/zalotest"
)

func TestFileFaults(t *testing.T) {
	content := bytes.Repeat([]byte("%PDF-1.4 "), 4000)
	for _, tc := range []struct {
		name  string
		fault zalotest.FileFault
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"truncated", zalotest.FileTruncated, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || resp.ContentLength != int64(len(content)) || len(body) >= len(content) {
				t.Errorf("got %d of %d bytes, err %v", len(body), resp.ContentLength, err)
			}
		}},
		{"expired", zalotest.FileExpired, func(t *testing.T, resp *http.Response, _ []byte, err error) {
			if err != nil || resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, err %v", resp.StatusCode, err)
			}
		}},
		{"corrupt", zalotest.FileCorrupt, func(t *testing.T, resp *http.Response, body []byte, err error) {
			sum, want := md5.Sum(body), md5.Sum(content)
			if err != nil || resp.StatusCode != 200 || len(body) != len(content) || sum == want {
				t.Errorf("status %d, %d bytes, err %v", resp.StatusCode, len(body), err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := setup(t)
			newReceiver(t, srv, nil)
			id := srv.SendFile(alice, "bc.pdf", content, zalotest.WithFileFault(tc.fault))
			url := payloadOf(t, waitEvent(t, srv, id).Body)["url"]
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			tc.check(t, resp, body, err)
			// Restored, the same link serves the file.
			srv.SetFileFault(id, zalotest.FileOK)
			if status, got, err := get(t, url); err != nil || status != 200 || !bytes.Equal(got, content) {
				t.Errorf("after restore: %d %v", status, err)
			}
			if srv.Downloads(id) != 2 {
				t.Errorf("Downloads = %d", srv.Downloads(id))
			}
		})
	}
}

func TestFileHang(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	id := srv.SendFile(alice, "bc.pdf", []byte("%PDF"))
	url := payloadOf(t, waitEvent(t, srv, id).Body)["url"]
	srv.SetFileFault(id, zalotest.FileHang)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := client.Get(url)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("hanging download: %v", err)
	}
}

// TestDeclaredSize: the event may claim another size than the file has.
func TestDeclaredSize(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	content := []byte("%PDF small")
	ev := waitEvent(t, srv, srv.SendFile(alice, "lon.pdf", content, zalotest.WithDeclaredSize(30<<20)))
	p := payloadOf(t, ev.Body)
	sum := md5.Sum(content)
	if p["size"] != "31457280" || p["checksum"] != hex.EncodeToString(sum[:]) {
		t.Errorf("payload %v", p)
	}
	if status, got, _ := get(t, p["url"]); status != 200 || !bytes.Equal(got, content) {
		t.Errorf("download %d %q", status, got)
	}
}

func TestUnknownFile(t *testing.T) {
	srv, _ := setup(t)
	if status, _, err := get(t, srv.URL()+zalotest.PathFiles+"nope"); err != nil || status != 404 {
		t.Errorf("unknown file: %d %v", status, err)
	}
}

// TestDownloadPathFaults: the path faults apply to downloads too.
func TestDownloadPathFaults(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	id := srv.SendFile(alice, "bc.pdf", []byte("%PDF"))
	url := payloadOf(t, waitEvent(t, srv, id).Body)["url"]
	srv.FailNext(zalotest.PathFiles, 1, http.StatusGatewayTimeout)
	if status, _, err := get(t, url); err != nil || status != 504 {
		t.Errorf("failed download: %d %v", status, err)
	}
	srv.SetOutage(true)
	if _, _, err := get(t, url); err == nil {
		t.Error("a download during the outage")
	}
	srv.SetOutage(false)
	if status, got, err := get(t, url); err != nil || status != 200 || string(got) != "%PDF" {
		t.Errorf("download: %d %v", status, err)
	}
	if srv.Requests(zalotest.PathFiles) != 2 || srv.Downloads(id) != 1 {
		t.Errorf("%d requests, %d downloads served", srv.Requests(zalotest.PathFiles), srv.Downloads(id))
	}
}
