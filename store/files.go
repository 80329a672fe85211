package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"cchcbot"
)

// The layout of report files: dir/files/<first two hex digits>/<sha256>,
// and uploads in progress in dir/files/tmp, removed at Open.
const (
	filesDir = "files"
	tmpDir   = "tmp"
)

// PutFile streams r into the file store and returns its sha256 and size:
// to a temp file while hashing, fsynced, renamed to its content address and
// the directory fsynced. Only then may a record name the hash. At most
// limit bytes are taken: a longer stream is ETOOLARGE and leaves nothing.
// Identical content is stored once. A full disk is EFULL, and leaves
// nothing either.
func (db *DB) PutFile(ctx context.Context, r io.Reader, limit int64) (string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(db.dir, filesDir, tmpDir), "up-*") // mode 0600
	if err != nil {
		return "", 0, fileError("store file", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	defer tmp.Close()

	var w io.Writer = tmp
	if db.wrapTemp != nil {
		w = db.wrapTemp(w)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return "", 0, fileError("store file: receive", err)
	}
	if n > limit {
		return "", 0, cchcbot.Errorf(cchcbot.ETOOLARGE,
			"Tệp vượt quá dung lượng cho phép (%s). Xin vui lòng gửi tệp nhỏ hơn, hoặc nén hay chia nhỏ tệp rồi gửi lại.", cchcbot.FormatSize(limit))
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fileError("store file: sync", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fileError("store file: close", err)
	}

	sum := hex.EncodeToString(h.Sum(nil))
	dst := db.blobPath(sum)
	db.fileMu.Lock()
	defer db.fileMu.Unlock()
	if err := db.makeBlobDir(filepath.Dir(dst)); err != nil {
		return "", 0, fileError("store file", err)
	}
	// Renamed even over the same content already stored: the blob's
	// modification time is then this upload's, so CollectOrphanFiles,
	// which takes only old files, leaves it for the record about to name
	// it.
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fileError("store file", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", 0, fileError("store file", err)
	}
	return sum, n, nil
}

// fileError is EFULL for a full disk, else err wrapped with op.
func fileError(op string, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return errFull()
	}
	return fmt.Errorf("%s: %w", op, err)
}

// makeBlobDir creates a files/<aa> directory, and fsyncs its parent when
// it is new so that the directory itself survives a crash.
func (db *DB) makeBlobDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// OpenFile opens a stored file by its sha256: ENOTFOUND if there is none,
// EINVALID if sum is not a sha256.
func (db *DB) OpenFile(sum string) (io.ReadCloser, error) {
	path, err := db.FilePath(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy tệp báo cáo trong kho lưu trữ (mã %s).", sum[:12])
	} else if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	return f, nil
}

// HasFile reports whether a file with that sha256 is stored.
func (db *DB) HasFile(sum string) bool {
	path, err := db.FilePath(sum)
	if err != nil {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// FilePath returns where the file with that sha256 lives, stored or not.
// Anything but 64 lower-case hex digits is EINVALID, so that a hash can
// never be a path trick ("../cchcbot.db").
func (db *DB) FilePath(sum string) (string, error) {
	if !validSHA256(sum) {
		return "", cchcbot.Errorf(cchcbot.EINVALID, "Mã tệp không hợp lệ.")
	}
	return db.blobPath(sum), nil
}

func (db *DB) blobPath(sum string) string {
	return filepath.Join(db.dir, filesDir, sum[:2], sum)
}

func validSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// ctxReader stops a long upload when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
