package store_test

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"cchcbot"
)

// fullDisk is a writer on a disk that fills up after room bytes.
type fullDisk struct {
	w    io.Writer
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.room {
		n, _ := d.w.Write(p[:d.room])
		d.room = 0
		return n, &os.PathError{Op: "write", Path: "/srv/cchcbot/data/files/tmp/up-123", Err: syscall.ENOSPC}
	}
	d.room -= len(p)
	return d.w.Write(p)
}

// wantFull checks a disk-full error as a person would see it: EFULL,
// saying nothing was submitted, naming no path.
func wantFull(tb testing.TB, what string, err error) {
	tb.Helper()
	wantCode(tb, what, err, cchcbot.EFULL)
	msg := cchcbot.ErrorMessage(err)
	if !strings.Contains(msg, "hết dung lượng") || !strings.Contains(msg, "CHƯA được nộp") {
		tb.Errorf("%s: message %q does not say the disk is full and nothing was submitted", what, msg)
	}
	if strings.Contains(err.Error(), "/") {
		tb.Errorf("%s: error %q names a path", what, err)
	}
}

func TestPutFileOnAFullDisk(t *testing.T) {
	db := MustOpen(t)
	db.WrapUploads(func(w io.Writer) io.Writer { return &fullDisk{w: w, room: 1000} })
	_, _, err := db.PutFile(ctx, strings.NewReader(strings.Repeat("x", 5000)), 1<<20)
	wantFull(t, "PutFile on a full disk", err)
	if stored, temp := blobs(t, db); stored != 0 || temp != 0 {
		t.Errorf("a failed upload left %d stored, %d temp files", stored, temp)
	}
	db.WrapUploads(nil) // room again
	if f := putFile(t, db, strings.Repeat("x", 5000)); !db.HasFile(f.SHA256) {
		t.Error("upload after the disk was freed not stored")
	}
}
