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

	"cchcbot"
)

const (
	filesDir = "files"
	tmpDir   = "tmp"
)

// PutFile streams r into the file store: to a temp file while hashing,
// fsynced, then renamed to its content address and the directory fsynced.
// Only then may a record name the hash. At most limit bytes are taken.
func (db *DB) PutFile(ctx context.Context, r io.Reader, limit int64) (string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(db.dir, filesDir, tmpDir), "up-*")
	if err != nil {
		return "", 0, fmt.Errorf("temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	defer tmp.Close()

	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return "", 0, fmt.Errorf("receive file: %w", err)
	}
	if n > limit {
		return "", 0, cchcbot.Errorf(cchcbot.ETOOLARGE, "Tệp vượt quá giới hạn %d MB.", limit>>20)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("close file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := db.blobPath(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", 0, err
	}
	if _, err := os.Stat(dst); err == nil {
		return sum, n, nil // same content already stored
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", 0, err
	}
	return sum, n, nil
}

// OpenFile opens a stored file by its sha256.
func (db *DB) OpenFile(sum string) (io.ReadCloser, error) {
	path, err := db.FilePath(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không tìm thấy tệp %s.", sum)
	}
	return f, err
}

// HasFile reports whether a file with that sha256 is stored.
func (db *DB) HasFile(sum string) bool {
	path, err := db.FilePath(sum)
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// FilePath returns where the file with that sha256 lives. Anything but 64
// lower-case hex digits is refused, so a hash can never be a path trick.
func (db *DB) FilePath(sum string) (string, error) {
	if !validSHA256(sum) {
		return "", cchcbot.Errorf(cchcbot.EINVALID, "Mã tệp %q không hợp lệ.", sum)
	}
	return db.blobPath(sum), nil
}

func (db *DB) blobPath(sum string) string {
	return filepath.Join(db.dir, filesDir, sum[:2], sum)
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
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
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}

// ctxReader stops a long download when its context ends.
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
