package store

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// VerifyFile checks that the file at path is a cchcbot database this code
// can open, without changing it: a non-empty bbolt file that passes the
// consistency check, with a schema version from 1 to SchemaVersion (an
// older one is migrated when opened). It returns that version. restore
// runs it on a backup before the backup may replace the live database.
func VerifyFile(path string) (version int, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if fi.Size() == 0 {
		// bbolt would make a fresh, empty database of it.
		return 0, cchcbot.Errorf(cchcbot.EINVALID, "Tệp %s rỗng: không phải một bản sao lưu.", path)
	}
	// A damaged file can make bbolt panic on a page it cannot decode.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("consistency check: the file is damaged: %v", r)
		}
	}()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: DefaultLockTimeout})
	if err != nil {
		return 0, fmt.Errorf("open: %w", err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		version, err = readVersion(tx)
		return err
	})
	switch {
	case err != nil:
		return 0, err
	case version == 0:
		return 0, cchcbot.Errorf(cchcbot.EINVALID, "Tệp %s là một tệp bbolt nhưng không phải cơ sở dữ liệu của cchcbot.", path)
	case version > SchemaVersion:
		return version, cchcbot.Errorf(cchcbot.ECONFLICT,
			"Tệp %s có phiên bản cấu trúc %d, mới hơn phiên bản %d mà chương trình này hiểu. Xin dùng bản cchcbot mới hơn.", path, version, SchemaVersion)
	}
	return version, nil
}
