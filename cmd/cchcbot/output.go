package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cchcbot"
	"cchcbot/backup"
)

// absOutput makes -o's file name absolute: the bot that may write it runs
// in another directory.
func absOutput(args []string) ([]string, error) { return absFlag(args, "o") }

// absFlag makes the file name given to the flag named flag absolute.
func absFlag(args []string, flag string) ([]string, error) {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(out[i], "-"), "=")
		if name != flag || !strings.HasPrefix(out[i], "-") {
			continue
		}
		if !hasVal {
			if i+1 >= len(out) {
				break
			}
			i++
			val = out[i]
		}
		abs, err := filepath.Abs(val)
		if err != nil {
			return nil, cchcbot.FileErrorf(err, "Không xác định được đường dẫn đầy đủ của %s", val)
		}
		if hasVal {
			out[i] = "-" + flag + "=" + abs
		} else {
			out[i] = abs
		}
	}
	return out, nil
}

// checkOutput refuses, before any work, an output path that exists when
// force is not set, and one that is a directory.
func checkOutput(path string, force bool) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil // writeFileAtomic says what is wrong, if anything
	case fi.IsDir():
		return cchcbot.Errorf(cchcbot.EINVALID, "%s là một thư mục. Xin ghi đường dẫn của tệp cần tạo sau -o.", path)
	case !force:
		return existsError(path)
	}
	return nil
}

// writeFileAtomic writes path through a new temporary file in its
// directory, so a failed export never leaves half a file under the name
// staff expect. Without force it never replaces a file that is there,
// even one that appeared while it wrote.
func writeFileAtomic(path string, force bool, write func(w io.Writer) error) (int64, error) {
	if err := checkOutput(path, force); err != nil {
		return 0, err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không tạo được tệp trong thư mục %s", dir)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		var e *cchcbot.Error
		if errors.As(err, &e) {
			return 0, err
		}
		return 0, cchcbot.FileErrorf(err, "Không ghi được tệp %s", path)
	}
	fi, err := tmp.Stat()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o640)
	}
	if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không ghi được tệp %s", path)
	}
	if err := backup.Install(tmp.Name(), path, force); errors.Is(err, fs.ErrExist) {
		return 0, existsError(path)
	} else if err != nil {
		return 0, cchcbot.FileErrorf(err, "Không đặt được tệp vào %s", path)
	}
	if err := backup.SyncDir(dir); err != nil {
		return 0, cchcbot.FileErrorf(err, "Đã ghi tệp %s nhưng không đồng bộ được thư mục %s xuống đĩa", path, dir)
	}
	return fi.Size(), nil
}
