package backup_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/backup"
	"cchcbot/store"
)

// openStore opens a real store in a temp dir with one key set.
func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PutState(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	return db
}

// checkCopy fails unless path is a regular file holding a store with the
// key openStore set.
func checkCopy(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("the copy %s is not a regular file: %v %v", path, fi, err)
	}
	dir := t.TempDir()
	raw, _ := os.ReadFile(path)
	os.WriteFile(filepath.Join(dir, store.FileName), raw, 0o600)
	db, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer db.Close()
	if v, _ := db.GetState(ctx, "k"); string(v) != "v" {
		t.Errorf("the copy holds k = %q, want v", v)
	}
}

// vietnamese matches a letter only Vietnamese writes: a message that has
// none is not in Vietnamese.
var vietnamese = regexp.MustCompile(`(?i)[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]`)

// checkVietnamese fails unless err carries a Vietnamese message for staff.
func checkVietnamese(t *testing.T, err error) {
	t.Helper()
	var e *cchcbot.Error
	if !errors.As(err, &e) || !vietnamese.MatchString(e.Message) {
		t.Errorf("error %q has no Vietnamese message for staff", err)
	}
}

// TestWriteFollowsNoLinks: a symlink planted at the name the temp file
// used to have is neither followed nor truncated, and a symlink at the
// destination is refused, whether or not an existing file may be
// replaced; the files they point to are untouched.
func TestWriteFollowsNoLinks(t *testing.T) {
	db := openStore(t)
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("do not touch"), 0o600); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "copy.db")
	if err := os.Symlink(victim, path+".tmp"); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Write(ctx, db, path, false); err != nil {
		t.Fatalf("a link at the old temp name stopped the copy: %v", err)
	}
	checkCopy(t, path)
	if got, _ := os.ReadFile(victim); string(got) != "do not touch" {
		t.Errorf("the file behind the link at %s.tmp became %q", path, got)
	}

	for _, tc := range []struct {
		name    string
		target  string
		replace bool
	}{
		{"a link to a file", victim, false},
		{"a link to a file, replace", victim, true},
		{"a dangling link, replace", filepath.Join(outside, "none"), true},
		{"a link to a folder, replace", outside, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "copy.db")
			if err := os.Symlink(tc.target, dest); err != nil {
				t.Fatal(err)
			}
			_, err := backup.Write(ctx, db, dest, tc.replace)
			if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
				t.Fatalf("a link at the destination: %v, want EINVALID", err)
			}
			checkVietnamese(t, err)
			if got, err := os.Readlink(dest); err != nil || got != tc.target {
				t.Errorf("the link became %q (%v)", got, err)
			}
			if got, _ := os.ReadFile(victim); string(got) != "do not touch" {
				t.Errorf("the file behind the link became %q", got)
			}
			if _, err := os.Stat(filepath.Join(outside, "none")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the dangling link's target was created: %v", err)
			}
			if got := names(t, filepath.Dir(dest)); !slices.Equal(got, []string{"copy.db"}) {
				t.Errorf("files left: %q", got)
			}
		})
	}
}

// cancelAfter cancels the copy's context once limit bytes have passed,
// and counts the bytes that passed after that.
type cancelAfter struct {
	*store.DB
	limit  int64
	cancel context.CancelFunc

	passed, afterCancel int64
}

func (c *cancelAfter) WriteBackup(ctx context.Context, w io.Writer) (int64, error) {
	return c.DB.WriteBackup(ctx, writerFunc(func(p []byte) (int, error) {
		cancelled := c.passed >= c.limit
		n, err := w.Write(p)
		if cancelled {
			c.afterCancel += int64(n)
		}
		c.passed += int64(n)
		if c.passed >= c.limit {
			c.cancel()
		}
		return n, err
	}))
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestWriteStopsWhenCancelled: a copy of a store of a few MB whose
// context ends after its first MB stops there, leaves no partial file,
// keeps the previous copy and returns the context's error.
func TestWriteStopsWhenCancelled(t *testing.T) {
	db := openStore(t)
	big := bytes.Repeat([]byte("sao lưu "), 64<<10) // 512 KiB
	for i := range 8 {
		if err := db.PutState(ctx, "big"+string(rune('a'+i)), big); err != nil {
			t.Fatal(err)
		}
	}
	size, err := db.Size()
	if err != nil || size < 4<<20 {
		t.Fatalf("store size %d (%v), want a few MB", size, err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(path, []byte("the previous copy"), 0o600); err != nil {
		t.Fatal(err)
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := &cancelAfter{DB: db, limit: 1 << 20, cancel: cancel}
	_, err = backup.Write(cctx, src, path, true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	checkVietnamese(t, err)
	if src.passed >= size {
		t.Errorf("the whole store (%d bytes) was copied before Write stopped", src.passed)
	}
	if src.afterCancel > 0 {
		t.Errorf("%d bytes were written after the cancellation", src.afterCancel)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"copy.db"}) {
		t.Errorf("files after a cancelled copy %q, want only the previous copy", got)
	}
	if got, _ := os.ReadFile(path); string(got) != "the previous copy" {
		t.Errorf("the previous copy became %d bytes", len(got))
	}

	// A context ended before the start writes nothing.
	_, err = backup.Write(cctx, db, filepath.Join(dir, "other.db"), false)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write with an ended context = %v, want context.Canceled", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"copy.db"}) {
		t.Errorf("files %q, want only the previous copy", got)
	}
}

// TestWriteMakesFolders: "cchcbot backup data/backups/x.db" on a fresh
// install creates data/backups, 0700.
func TestWriteMakesFolders(t *testing.T) {
	db := openStore(t)
	root := t.TempDir()
	path := filepath.Join(root, "data", "backups", "x.db")
	n, err := backup.Write(ctx, db, path, false)
	if err != nil {
		t.Fatal(err)
	}
	checkCopy(t, path)
	if fi, _ := os.Stat(path); fi.Size() != n {
		t.Errorf("Write reported %d bytes, the file has %d", n, fi.Size())
	}
	for _, d := range []string{filepath.Join(root, "data"), filepath.Join(root, "data", "backups")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", d, fi.Mode().Perm(), err)
		}
	}
}

// TestWriteRefusals: what Write refuses, each with a Vietnamese message,
// leaving what was there as it was.
func TestWriteRefusals(t *testing.T) {
	db := openStore(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	os.WriteFile(existing, []byte("keep"), 0o600)
	aFile := filepath.Join(dir, "a-file")
	os.WriteFile(aFile, []byte("keep"), 0o600)
	liveLink := filepath.Join(dir, "live-hardlink.db")
	if err := os.Link(db.Path(), liveLink); err != nil {
		t.Fatal(err)
	}
	dataLink := filepath.Join(dir, "data-link")
	if err := os.Symlink(filepath.Dir(db.Path()), dataLink); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		replace    bool
		code       string
	}{
		{"the live database", db.Path(), true, cchcbot.EINVALID},
		{"the live database through a linked folder", filepath.Join(dataLink, store.FileName), true, cchcbot.EINVALID},
		{"a hard link to the live database", liveLink, true, cchcbot.EINVALID},
		{"a directory", dir, true, cchcbot.EINVALID},
		{"a folder that is a file", filepath.Join(aFile, "x.db"), true, cchcbot.EINVALID},
		{"an existing file", existing, false, cchcbot.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := backup.Write(ctx, db, tc.path, tc.replace)
			if cchcbot.ErrorCode(err) != tc.code {
				t.Fatalf("Write(%s) = %v, want %s", tc.path, err, tc.code)
			}
			checkVietnamese(t, err)
			if msg := cchcbot.ErrorMessage(err); strings.Contains(msg, "code=") {
				t.Errorf("message %q", msg)
			}
		})
	}
	if _, err := backup.Write(ctx, db, existing, false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("the refusal to replace does not wrap fs.ErrExist: %v", err)
	}
	if got, _ := os.ReadFile(existing); string(got) != "keep" {
		t.Errorf("a refused copy changed the existing file")
	}
	if _, err := backup.Write(ctx, db, existing, true); err != nil {
		t.Fatalf("replace: %v", err)
	}
	checkCopy(t, existing)
	if v, _ := db.GetState(ctx, "k"); string(v) != "v" {
		t.Error("the live database was harmed")
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %q", tmp)
	}
}

// TestWriteUnwritableFolder: a folder the process may not write to is
// refused with a Vietnamese message naming it.
func TestWriteUnwritableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	db := openStore(t)
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	_, err := backup.Write(ctx, db, filepath.Join(dir, "x.db"), false)
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(cchcbot.ErrorMessage(err), dir) {
		t.Fatalf("Write into a read-only folder = %v", err)
	}
	checkVietnamese(t, err)
}
