//go:build linux

package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"cchcbot"
)

// TestFullDisk runs the store on a real file system that fills up: a
// small tmpfs, which needs root to mount (CI runs as root).
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m"); err != nil {
		t.Fatalf("mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	db := mustOpenDir(t, dir) // closed before the unmount: cleanups run last first

	// An upload bigger than the disk.
	_, _, err := db.PutFile(ctx, strings.NewReader(strings.Repeat("x", 3<<20)), 10<<20)
	wantFull(t, "PutFile of a file bigger than the disk", err)
	if stored, temp := blobs(t, db); stored != 0 || temp != 0 {
		t.Errorf("a failed upload left %d stored, %d temp files", stored, temp)
	}

	// A commit when the disk is full: nothing is recorded, and once room
	// is made the store works on, consistent.
	small := &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: "telegram:1", Text: "trước"}
	if err := db.Queue(ctx, small); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	big := &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: "telegram:1", Text: strings.Repeat("Báo cáo ", 60_000)}
	wantFull(t, "a commit on a full disk", db.Queue(ctx, big))
	if n, _ := db.OutboxLen(ctx); n != 1 {
		t.Errorf("outbox holds %d after a failed commit, want 1", n)
	}
	s := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", SubmittedBy: "telegram:1", Note: strings.Repeat("ghi chú ", 60_000)}
	_, err = db.RecordSubmission(ctx, s, receiptFor)
	wantFull(t, "RecordSubmission on a full disk", err)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := db.Queue(ctx, big); err != nil {
		t.Fatalf("Queue after room was made: %v", err)
	}
	if created, err := db.RecordSubmission(ctx, s, receiptFor); err != nil || !created || s.ID != 1 {
		t.Fatalf("RecordSubmission after room was made = %v, %v, id %d; want the first id", created, err, s.ID)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	if n, _ := db.OutboxLen(ctx); n != 4 {
		t.Errorf("outbox holds %d, want 4", n)
	}
}

// fill writes to path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); errors.Is(err, syscall.ENOSPC) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
	}
}
