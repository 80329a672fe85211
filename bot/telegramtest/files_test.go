package telegramtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot/bot/telegramtest"
)

// download fetches a file the way the bot must: from FileEndpoint, never
// from tgbotapi's cloud constant.
func download(t *testing.T, srv *telegramtest.Server, f tgbotapi.File) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf(srv.FileEndpoint(), srv.Token(), f.FilePath))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestGetFileAndDownload(t *testing.T) {
	srv, api := setup(t)
	content := bytes.Repeat([]byte("%PDF-1.4 "), 1000)
	fid := srv.AddFile("Báo cáo.PDF", "application/pdf", content)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fid})
	if err != nil || f.FileID != fid || f.FileUniqueID == "" || f.FileSize != len(content) || !strings.HasSuffix(f.FilePath, ".pdf") {
		t.Fatalf("getFile = %+v %v", f, err)
	}
	resp, data, err := download(t, srv, f)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(data, content) || resp.ContentLength != int64(len(content)) ||
		resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download = %v %d bytes, %v", resp, len(data), err)
	}
	if srv.Requests("download") != 1 {
		t.Errorf("Requests(download) = %d", srv.Requests("download"))
	}
	_, err = api.GetFile(tgbotapi.FileConfig{FileID: "nope"})
	apiError(t, err, 400, "Bad Request: invalid file_id")
	resp, _, _ = download(t, srv, tgbotapi.File{FilePath: "documents/none.pdf"})
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
	resp, err = http.Get(fmt.Sprintf(srv.FileEndpoint(), "1:bad", f.FilePath))
	if err != nil || resp.StatusCode != 401 {
		t.Errorf("bad token download: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestGetFileSizeLimit(t *testing.T) {
	srv, api := setup(t)
	atLimit := srv.AddFileSized("vua.pdf", "application/pdf", nil, telegramtest.MaxDownload)
	if _, err := api.GetFile(tgbotapi.FileConfig{FileID: atLimit}); err != nil {
		t.Errorf("20 MB exactly: %v", err)
	}
	big := srv.AddFileSized("lon.pdf", "application/pdf", nil, telegramtest.MaxDownload+1)
	_, err := api.GetFile(tgbotapi.FileConfig{FileID: big})
	apiError(t, err, 400, "Bad Request: file is too big")
	// A big file can still be resent by file_id: no download involved.
	if _, err := api.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileID(big))); err != nil {
		t.Error(err)
	}
}

func TestSendDocument(t *testing.T) {
	srv, api := setup(t)
	// Upload: multipart.
	up := tgbotapi.NewDocument(alice.ID, tgbotapi.FileReader{Name: "tong-hop.xlsx", Reader: strings.NewReader("PK\x03\x04 data")})
	up.Caption = "Tổng hợp"
	sent, err := api.Send(up)
	if err != nil {
		t.Fatal(err)
	}
	d := sent.Document
	if d == nil || d.FileID == "" || d.FileName != "tong-hop.xlsx" || d.FileSize != 9 || sent.Caption != "Tổng hợp" {
		t.Fatalf("upload result = %+v", sent)
	}
	// The upload got a file_id: it can be fetched and resent.
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: d.FileID})
	if err != nil {
		t.Fatal(err)
	}
	if _, data, err := download(t, srv, f); err != nil || string(data) != "PK\x03\x04 data" {
		t.Errorf("uploaded bytes = %q %v", data, err)
	}
	if c, ok := srv.FileContent(d.FileID); !ok || string(c) != "PK\x03\x04 data" {
		t.Errorf("FileContent = %q", c)
	}
	if _, err := api.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID(d.FileID))); err != nil {
		t.Fatal(err)
	}
	_, err = api.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID("BQAC-unknown")))
	apiError(t, err, 400, "Bad Request: wrong file identifier/HTTP URL specified")
	long := tgbotapi.NewDocument(bob.ID, tgbotapi.FileID(d.FileID))
	long.Caption = strings.Repeat("c", telegramtest.MaxCaptionLength+1)
	_, err = api.Send(long)
	apiError(t, err, 400, "Bad Request: message caption is too long")

	a, b := srv.Messages(alice.ID), srv.Messages(bob.ID)
	if len(a) != 1 || a[0].Document == nil || string(a[0].Document.Content) != "PK\x03\x04 data" || a[0].Document.Caption != "Tổng hợp" ||
		a[0].Document.MimeType == "" || a[0].Document.FileID != d.FileID {
		t.Errorf("alice's document = %+v", a)
	}
	if len(b) != 1 || b[0].Document.Content != nil || b[0].Document.FileID != d.FileID || b[0].Document.FileName != "tong-hop.xlsx" {
		t.Errorf("bob's document = %+v", b)
	}
}

func TestDownloadFaults(t *testing.T) {
	srv, api := setup(t)
	content := bytes.Repeat([]byte("0123456789"), 1000)
	getFile := func(id string) tgbotapi.File {
		f, err := api.GetFile(tgbotapi.FileConfig{FileID: id})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	cut := srv.AddFile("cut.pdf", "application/pdf", content)
	srv.TruncateDownload(cut)
	if _, data, err := download(t, srv, getFile(cut)); !errors.Is(err, io.ErrUnexpectedEOF) || len(data) >= len(content) {
		t.Errorf("truncated download = %d bytes, %v", len(data), err)
	}
	bad := srv.AddFile("bad.pdf", "application/pdf", content)
	srv.CorruptDownload(bad)
	if _, data, err := download(t, srv, getFile(bad)); err != nil || len(data) != len(content) || bytes.Equal(data, content) {
		t.Errorf("corrupt download = %d bytes, %v", len(data), err)
	}
	srv.RestoreDownload(bad)
	srv.FailNext("download", 1, 500)
	if resp, _, err := download(t, srv, getFile(bad)); err != nil || resp.StatusCode != 500 {
		t.Errorf("failed download = %v %v", resp, err)
	}
	if _, data, err := download(t, srv, getFile(bad)); err != nil || !bytes.Equal(data, content) {
		t.Errorf("restored download = %d bytes, %v", len(data), err)
	}
}

func TestUploadTooLarge(t *testing.T) {
	srv, api := setup(t, telegramtest.WithMaxUpload(1000))
	_, err := api.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "big.bin", Bytes: bytes.Repeat([]byte("x"), 200<<10)}))
	// tgbotapi drops the code on uploads; the description stays.
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Message != "Request Entity Too Large" {
		t.Errorf("oversized upload = %v", err)
	}
	if srv.TotalMessages() != 0 {
		t.Error("an oversized upload was recorded")
	}
}
