package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"cchcbot"
	"cchcbot/store"
)

// Source is the live database a copy is taken from: store.DB.
type Source interface {
	// WriteBackup writes a consistent copy of the database to w.
	WriteBackup(ctx context.Context, w io.Writer) (int64, error)
	// Path returns the live database file, which a copy must never
	// replace: bbolt would go on writing to an unlinked file.
	Path() string
}

// Write writes a verified copy of src's database to path and returns its
// size. The copy goes to a new temp file in path's directory (created
// 0700 if missing), made exclusively under a random name so that nothing
// planted there is followed or truncated; it is fsynced, checked
// (store.VerifyFile: bbolt's tx.Check and the schema version) and only
// then renamed over path, and the directory fsynced: a bad or partial
// copy never replaces the previous good one.
//
// Write refuses a path that is the live database, a symlink or not a
// regular file, and, unless replace, one that exists (the error then
// wraps fs.ErrExist). When ctx ends it stops within a chunk of the copy,
// removes the temp file and returns an error wrapping ctx.Err(): bbolt's
// tx.WriteTo takes no context, and a stop must fit systemd's timeout.
// Every error carries a *cchcbot.Error with a Vietnamese message.
func Write(ctx context.Context, src Source, path string, replace bool) (size int64, err error) {
	path = filepath.Clean(path)
	if err := checkTarget(src, path, replace); err != nil {
		return 0, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, cchcbot.FileErrorf(err, "Không tạo được thư mục %s để chứa bản sao lưu", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*"+tmpSuffix)
	if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không tạo được tệp tạm trong thư mục %s", dir)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close() // a second Close only reports os.ErrClosed
			os.Remove(tmp)
		}
	}()

	size, err = src.WriteBackup(ctx, &ctxWriter{ctx: ctx, w: f})
	if ctx.Err() != nil {
		return 0, stopped(ctx, path)
	} else if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không ghi được bản sao lưu vào %s", path)
	}
	if err := f.Sync(); err != nil {
		return 0, cchcbot.FileErrorf(err, "Không ghi được bản sao lưu vào %s", path)
	}
	if err := f.Close(); err != nil {
		return 0, cchcbot.FileErrorf(err, "Không ghi được bản sao lưu vào %s", path)
	}
	if err := verify(ctx, tmp); ctx.Err() != nil {
		return 0, stopped(ctx, path)
	} else if err != nil {
		return 0, cchcbot.FileErrorf(err, "Bản sao vừa ghi không qua được bước kiểm tra nên không được dùng (bản sao lưu cũ, nếu có, vẫn giữ nguyên)")
	}
	if err := Install(tmp, path, replace); errors.Is(err, fs.ErrExist) {
		return 0, exists(path, err)
	} else if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không đặt được bản sao lưu vào %s", path)
	}
	if err := SyncDir(dir); err != nil {
		// The copy is in place; only its durability across a power cut
		// is in doubt.
		return size, cchcbot.FileErrorf(err, "Đã ghi bản sao lưu %s nhưng không đồng bộ được thư mục %s xuống đĩa", path, dir)
	}
	return size, nil
}

// tmpSuffix ends the temp file of a copy in progress.
const tmpSuffix = ".tmp"

// checkTarget refuses a destination Write must not touch: the live
// database, a symlink (it would put the copy, or an overwrite, wherever
// the link points), anything but a regular file, and an existing file
// unless replace. A link planted after this check is replaced by the
// rename, never followed.
func checkTarget(src Source, path string, replace bool) error {
	if isLiveFile(src.Path(), path) {
		return cchcbot.Errorf(cchcbot.EINVALID, "Không thể sao lưu đè lên chính kho dữ liệu đang dùng %s. Xin chọn một đường dẫn khác.", src.Path())
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOTDIR):
		return nil // MkdirAll or CreateTemp will say what is wrong
	case err != nil:
		return cchcbot.FileErrorf(err, "Không kiểm tra được đường dẫn %s", path)
	case fi.Mode()&fs.ModeSymlink != 0:
		return cchcbot.Errorf(cchcbot.EINVALID, "%s là một liên kết tượng trưng (symlink). Để an toàn, bản sao lưu không ghi qua liên kết; xin chọn một đường dẫn khác.", path)
	case fi.IsDir():
		return cchcbot.Errorf(cchcbot.EINVALID, "%s là một thư mục. Xin ghi đường dẫn của tệp sao lưu, ví dụ %s.", path, filepath.Join(path, "cchcbot.db"))
	case !fi.Mode().IsRegular():
		return cchcbot.Errorf(cchcbot.EINVALID, "%s không phải là một tệp thông thường. Xin chọn một đường dẫn khác.", path)
	case !replace:
		return exists(path, &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist})
	}
	return nil
}

// exists is the refusal to replace an existing file.
func exists(path string, cause error) error {
	return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.ECONFLICT, "Tệp %s đã có; bản sao lưu không ghi đè lên tệp có sẵn.", path), cause)
}

// stopped is the error of a copy cut short by ctx.
func stopped(ctx context.Context, path string) error {
	return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINTERNAL,
		"Việc sao lưu vào %s đã dừng giữa chừng vì lệnh bị hủy hoặc chương trình đang tắt. Tệp dở dang đã được xóa; bản sao lưu cũ (nếu có) vẫn giữ nguyên.", path), ctx.Err())
}

// isLiveFile reports whether path names the live database file, by name
// or as the same file (a hard link, a path through a symlinked folder).
func isLiveFile(live, path string) bool {
	a, errA := filepath.Abs(path)
	b, errB := filepath.Abs(live)
	if errA == nil && errB == nil && a == b {
		return true
	}
	fa, errA := os.Stat(path)
	fb, errB := os.Stat(live)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// chunk bounds how much is written between two looks at the context.
const chunk = 1 << 20

// ctxWriter stops a copy when its context ends. bbolt's tx.WriteTo takes
// no context and writes the file in 32 KiB pieces (io.CopyN), so the
// writer is where it can be stopped.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (n int, err error) {
	for len(p) > 0 {
		if err := c.ctx.Err(); err != nil {
			return n, err
		}
		m, err := c.w.Write(p[:min(len(p), chunk)])
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// verify checks the copy at path, or gives up when ctx ends: tx.Check
// cannot be stopped, and reads the whole file. An abandoned check goes on
// reading the (by then removed) file until it finishes or the process
// exits.
func verify(ctx context.Context, path string) error {
	done := make(chan error, 1)
	go func() {
		_, err := store.VerifyFile(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Install moves a finished file tmp (a backup, an export the CLI wrote) to
// path. Unless replace, it never replaces a file, even one that appeared
// while tmp was being written: a hard link fails where one exists, a
// rename would not. The caller fsyncs the folder after it (SyncDir).
func Install(tmp, path string, replace bool) error {
	if replace {
		return os.Rename(tmp, path)
	}
	err := os.Link(tmp, path)
	if err == nil {
		return os.Remove(tmp)
	} else if errors.Is(err, fs.ErrExist) {
		return err
	}
	// A file system without hard links: look, then rename.
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "rename", Path: path, Err: fs.ErrExist}
	}
	return os.Rename(tmp, path)
}

// SyncDir fsyncs a directory, so that a rename in it survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
