package telegramtest_test

import (
	"bytes"
	"io"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A streamed file downloads like a held one, including the faults.
func TestAddFileFrom(t *testing.T) {
	srv, api := setup(t)
	content := bytes.Repeat([]byte("%PDF-1.7 streamed "), 5000)
	open := func() io.Reader { return bytes.NewReader(content) }
	fid := srv.AddFileFrom("lon.pdf", "application/pdf", len(content), open)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fid})
	if err != nil || f.FileSize != len(content) {
		t.Fatalf("getFile = %+v %v", f, err)
	}
	resp, data, err := download(t, srv, f)
	if err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(content)) || !bytes.Equal(data, content) ||
		resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download = %v %d bytes, %v", resp, len(data), err)
	}
	if got, ok := srv.FileContent(fid); !ok || !bytes.Equal(got, content) {
		t.Errorf("FileContent = %d bytes, %v", len(got), ok)
	}

	srv.CorruptDownload(fid)
	_, data, err = download(t, srv, f)
	if err != nil || len(data) != len(content) || data[0] != content[0]^0xFF {
		t.Errorf("corrupt download = %d bytes, %v", len(data), err)
	}
	srv.RestoreDownload(fid)
	srv.TruncateDownload(fid)
	if _, data, err = download(t, srv, f); err == nil || len(data) >= len(content) {
		t.Errorf("truncated download = %d bytes, %v", len(data), err)
	}
}
