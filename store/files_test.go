package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/store"
)

// blobs counts the stored files, temp files aside.
func blobs(tb testing.TB, db *store.DB) (stored, temp int) {
	tb.Helper()
	err := filepath.WalkDir(filepath.Join(db.Dir(), "files"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "tmp" {
			temp++
		} else {
			stored++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return stored, temp
}

func TestPutFile(t *testing.T) {
	db := MustOpen(t)
	content := "Báo cáo CCHC tháng 02/2024"
	sum := sha256.Sum256([]byte(content))
	f := putFile(t, db, content)
	if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(content)) {
		t.Fatalf("PutFile = %s, %d; want %x, %d", f.SHA256, f.Size, sum, len(content))
	}
	if p, _ := db.FilePath(f.SHA256); p != filepath.Join(db.Dir(), "files", f.SHA256[:2], f.SHA256) {
		t.Errorf("stored at %s", p)
	}
	if again := putFile(t, db, content); again.SHA256 != f.SHA256 {
		t.Error("same content, different hash")
	}
	putFile(t, db, "khác")
	if stored, temp := blobs(t, db); stored != 2 || temp != 0 {
		t.Errorf("files on disk = %d stored, %d temp; want 2 and 0 (identical content once)", stored, temp)
	}
	if !db.HasFile(f.SHA256) {
		t.Error("HasFile of a stored file = false")
	}
	rc, err := db.OpenFile(f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != content {
		t.Errorf("read back %q", got)
	}

	// Exactly at the limit is fine; one byte more is not.
	if _, n, err := db.PutFile(ctx, strings.NewReader(strings.Repeat("x", 1024)), 1024); err != nil || n != 1024 {
		t.Errorf("file at the limit = %d, %v", n, err)
	}
	_, _, err = db.PutFile(ctx, strings.NewReader(strings.Repeat("y", 1025)), 1024)
	wantCode(t, "oversize file", err, cchcbot.ETOOLARGE)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "1 KB") {
		t.Errorf("oversize message %q does not state the limit", msg)
	}
	if stored, temp := blobs(t, db); stored != 3 || temp != 0 {
		t.Errorf("after an oversize file: %d stored, %d temp; want 3 and 0", stored, temp)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestPutFileFailuresLeaveNothing(t *testing.T) {
	db := MustOpen(t)
	if _, _, err := db.PutFile(ctx, io.MultiReader(strings.NewReader("abc"), errReader{}), 1024); err == nil {
		t.Error("a broken stream was stored")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := db.PutFile(cancelled, strings.NewReader("abc"), 1024); !errors.Is(err, context.Canceled) {
		t.Errorf("PutFile with a cancelled context = %v", err)
	}
	if stored, temp := blobs(t, db); stored != 0 || temp != 0 {
		t.Errorf("failed uploads left %d stored, %d temp files", stored, temp)
	}
}

func TestOpenFileRejectsPathTricks(t *testing.T) {
	db := MustOpen(t)
	f := putFile(t, db, "nội dung")
	for _, bad := range []string{"../cchcbot.db", "../../etc/passwd", "..", strings.ToUpper(f.SHA256), f.SHA256[:63], f.SHA256 + "0",
		"", strings.Repeat("g", 64), "../" + f.SHA256[3:]} {
		_, err := db.OpenFile(bad)
		wantCode(t, "OpenFile("+bad+")", err, cchcbot.EINVALID)
		if db.HasFile(bad) {
			t.Errorf("HasFile(%q) = true", bad)
		}
		if _, err := db.FilePath(bad); err == nil {
			t.Errorf("FilePath(%q) accepted", bad)
		}
	}
	_, err := db.OpenFile(strings.Repeat("a", 64))
	wantCode(t, "OpenFile of a missing file", err, cchcbot.ENOTFOUND)
}

func TestOpenCleansTempFiles(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	putFile(t, db, "giữ lại")
	db.Close()
	leftover := filepath.Join(dir, "files", "tmp", "up-123")
	if err := os.WriteFile(leftover, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	if stored, temp := blobs(t, db); stored != 1 || temp != 0 {
		t.Errorf("after reopen: %d stored, %d temp; want 1 and 0", stored, temp)
	}
}
