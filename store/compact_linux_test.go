//go:build linux

package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// openFDs counts this process's descriptors open on path's current file.
func openFDs(t *testing.T, path string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && target == path {
			n++
		}
	}
	return n
}

// TestOpenWaitingThroughCompaction: an Open that was waiting for the
// lock while a live compaction swapped the file ends on the new file,
// not on the old one the compaction let go of.
func TestOpenWaitingThroughCompaction(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)

	type opened struct {
		db  *store.DB
		err error
	}
	waiter := make(chan opened, 1)
	db.OnCompact(func(stage string) error {
		if stage != "rename" {
			return nil
		}
		// The waiter has the old file open, waiting for its lock.
		for end := time.Now().Add(20 * time.Second); openFDs(t, db.Path()) < 2; time.Sleep(time.Millisecond) {
			if time.Now().After(end) {
				t.Fatal("the second Open never opened the file")
			}
		}
		return nil
	})
	go func() {
		w, err := store.Open(dir, store.Options{LockTimeout: 30 * time.Second})
		waiter <- opened{w, err}
	}()
	if _, err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: "telegram:5", Note: "sau khi thu gọn"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	w := <-waiter
	if w.err != nil {
		t.Fatal(w.err)
	}
	defer w.db.Close()
	if d, err := w.db.Draft(ctx, "telegram:5"); err != nil || d.Note != "sau khi thu gọn" {
		t.Errorf("the waiting Open does not see the write made after the compaction: %+v, %v", d, err)
	}
}

// TestCompactNeedsRoom: with less free space than the file's size, a
// compaction is refused before it writes anything, in words staff act on.
func TestCompactNeedsRoom(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=16m"); err != nil {
		t.Fatalf("mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	db := mustOpenDir(t, dir)
	bloatDrafts(t, db, 40) // data about 1.5 MB, in a file of a few MB
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	t.Logf("file %d bytes, %d free", fi.Size(), int64(st.Bavail)*st.Bsize)
	// Leave half the file's size free.
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, int64(st.Bavail)*st.Bsize-fi.Size()/2), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = db.Compact(ctx)
	wantCode(t, "Compact on a disk without room", err, cchcbot.EFULL)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "Không đủ chỗ trống") || !strings.Contains(msg, "giữ nguyên") {
		t.Errorf("message %q", msg)
	}
	noCompactFile(t, dir)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Compact(ctx); err != nil {
		t.Fatalf("Compact once there is room: %v", err)
	}
}
