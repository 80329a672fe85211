//go:build linux

package chat

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDiskFullDuringUpload: the server's disk fills up while a member
// confirms a report. They are told clearly, in Vietnamese, that nothing
// was recorded; nothing half-recorded is left; and once room is made the
// same button records the report. The store is on a small tmpfs, which
// needs root to mount (CI runs as root).
func TestDiskFullDuringUpload(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	h := newHarnessIn(t, testUnits(), dir) // closed before the unmount
	h.join(chairLoc, "xa-chau-loc")
	body := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("báo cáo "), 128<<10)...) // 1.1 MB
	pick := h.send(chairLoc, file{Name: "bao-cao.pdf", Body: body})
	docno, _ := h.press(chairLoc, pick, "tháng 02/2024")
	confirm, _ := h.press(chairLoc, docno, "Bỏ qua")

	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler, 512<<10) // leaves less room than the report needs
	m, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, m.Text, "Máy chủ đã hết dung lượng", "CHƯA được nộp", "giữ nguyên")
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 0 {
		t.Fatalf("%d versions recorded on a full disk", n)
	}
	if blobs := h.blobs(); len(blobs) != 0 {
		t.Errorf("a failed upload left files: %v", blobs)
	}
	if _, ok := h.draft(chairLoc); !ok {
		t.Fatal("the draft was lost")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r, _ := h.press(chairLoc, confirm, "Xác nhận nộp")
	wantText(t, r.Text, "BIÊN NHẬN")
	if n := len(h.versions("bao-cao-thang/2024-02", "xa-chau-loc")); n != 1 {
		t.Fatalf("%d versions after room was made, want 1", n)
	}
	if err := h.db.Check(); err != nil {
		t.Error(err)
	}
}

// fillDisk writes to path until the file system has less than leave
// bytes free.
func fillDisk(t *testing.T, path string, leave int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
			t.Fatal(err)
		}
		free := int64(st.Bavail) * st.Bsize
		if free <= leave {
			return
		}
		n := min(int64(len(chunk)), free-leave)
		if _, err := f.Write(chunk[:n]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}
