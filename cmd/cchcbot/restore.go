package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cchcbot"
	"cchcbot/backup"
	"cchcbot/store"
)

// RestoreCommand puts a backup in place of the database, with the bot
// stopped.
type RestoreCommand struct {
	Stdout io.Writer
}

// Usage prints the command's help.
func (c *RestoreCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot restore [-config TỆP] BẢN_SAO_LƯU

Thay cơ sở dữ liệu data_dir/cchcbot.db bằng BẢN_SAO_LƯU (một tệp do lệnh
cchcbot backup hoặc bản sao lưu hằng ngày trong backup.dir ghi ra). Hãy
dừng bot trước (sudo systemctl stop cchcbot): lệnh từ chối khi bot đang
chạy.

BẢN_SAO_LƯU được kiểm tra trước khi thay đổi bất cứ điều gì (bước kiểm tra
tính nhất quán của bbolt, và phiên bản cấu trúc: bản cũ hơn được nâng cấp,
bản mới hơn bị từ chối); một tệp hỏng để nguyên cơ sở dữ liệu như cũ. Cơ
sở dữ liệu hiện tại được giữ lại tại data_dir/cchcbot.db.before-restore-<thời điểm>.
Các tệp báo cáo trong data_dir/files không nằm trong bản sao lưu: nếu
chúng bị mất, hãy chép lại cả thư mục đó; lệnh cho biết thiếu bao nhiêu tệp.

Tùy chọn:
`+configUsage+envUsage)
}

// Run restores the backup.
func (c *RestoreCommand) Run(ctx context.Context, args []string) error {
	_, rest, cfg, clk, err := setup(args)
	if err != nil {
		return err
	}
	pos, err := parseInterspersed(newFlagSet("restore"), rest)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("Cú pháp: cchcbot restore [-config TỆP] BẢN_SAO_LƯU")
	}
	src := pos[0]
	if fi, err := os.Stat(src); err != nil {
		return cchcbot.FileErrorf(err, "Không đọc được bản sao lưu %s", src)
	} else if !fi.Mode().IsRegular() {
		return usageError("%s không phải là một tệp.", src)
	} else if fi.Size() == 0 {
		// Said here: the check below runs on a copy, whose name would
		// mean nothing to staff.
		return cchcbot.Errorf(cchcbot.EINVALID, "%s không phải một bản sao lưu dùng được, cơ sở dữ liệu không bị thay đổi: tệp rỗng.", src)
	}
	live := filepath.Join(cfg.DataDir, store.FileName)
	if sameFile(src, live) {
		return usageError("%s chính là cơ sở dữ liệu đang dùng: xin chọn một bản sao lưu.", src)
	}

	// Hold the live database's lock for the whole swap: a running bot
	// holds it too, and must never see its file replaced.
	var warnings []string
	if _, err := os.Stat(live); err == nil {
		db, err := store.Open(cfg.DataDir, store.Options{LockTimeout: lockProbe, Now: clk.Now})
		switch {
		case cchcbot.ErrorCode(err) == cchcbot.ELOCKED:
			return &exitError{exitLocked, cchcbot.Errorf(cchcbot.ELOCKED, "Bot đang chạy trên %s: hãy dừng bot trước (ví dụ: sudo systemctl stop cchcbot) rồi chạy lại lệnh restore; không có gì bị thay đổi.", cfg.DataDir)}
		case err != nil:
			// A damaged database is a reason to restore: its lock was
			// free, so no bot runs on it.
			warnings = append(warnings, fmt.Sprintf("cơ sở dữ liệu cũ không mở được (%s); nó vẫn được giữ lại như dưới đây", cchcbot.ReasonVN(err)))
		default:
			defer db.Close()
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return cchcbot.FileErrorf(err, "Không kiểm tra được cơ sở dữ liệu %s", live)
	} else if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return cchcbot.FileErrorf(err, "Không tạo được thư mục dữ liệu %s", cfg.DataDir)
	}

	tmpDir, err := os.MkdirTemp(cfg.DataDir, ".restore-")
	if err != nil {
		return cchcbot.FileErrorf(err, "Không tạo được thư mục tạm trong %s", cfg.DataDir)
	}
	defer os.RemoveAll(tmpDir)
	size, err := verifyBackup(src, tmpDir, clk)
	if err != nil {
		var e *cchcbot.Error
		if !errors.As(err, &e) {
			// bbolt's words for a damaged or foreign file.
			err = fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINVALID, "tệp bị hỏng hoặc không phải cơ sở dữ liệu của cchcbot (chi tiết kỹ thuật: %v)", err), err)
		}
		return cchcbot.FileErrorf(err, "%s không phải một bản sao lưu dùng được, cơ sở dữ liệu không bị thay đổi", src)
	}

	if err := matchOwner(filepath.Join(tmpDir, store.FileName), cfg.DataDir); err != nil {
		return cchcbot.FileErrorf(err, "Không đặt được chủ sở hữu cho bản khôi phục")
	}
	aside := ""
	if _, err := os.Lstat(live); err == nil {
		aside = live + ".before-restore-" + clk.Now().Format("20060102-150405")
		for i := 2; ; i++ { // never overwrite an earlier restore's
			if _, err := os.Lstat(aside); errors.Is(err, os.ErrNotExist) {
				break
			}
			aside = fmt.Sprintf("%s.before-restore-%s-%d", live, clk.Now().Format("20060102-150405"), i)
		}
		// A link keeps cchcbot.db in place until the rename below swaps
		// it: there is never a moment without one.
		if err := os.Link(live, aside); err != nil {
			if err := os.Rename(live, aside); err != nil {
				return cchcbot.FileErrorf(err, "Không giữ lại được cơ sở dữ liệu cũ; không có gì bị thay đổi")
			}
		}
	}
	if err := os.Rename(filepath.Join(tmpDir, store.FileName), live); err != nil {
		return cchcbot.FileErrorf(err, "Không đặt được bản sao lưu vào chỗ của cơ sở dữ liệu")
	}
	if err := backup.SyncDir(cfg.DataDir); err != nil {
		return cchcbot.FileErrorf(err, "Đã khôi phục nhưng không đồng bộ được thư mục %s xuống đĩa", cfg.DataDir)
	}

	// Open the restored database where the bot will: the proof it works,
	// and the count of report files it names that data_dir lacks.
	db, err := store.Open(cfg.DataDir, store.Options{LockTimeout: lockProbe, Now: clk.Now})
	if err != nil {
		return cchcbot.FileErrorf(err, "Cơ sở dữ liệu đã khôi phục không mở được")
	}
	defer db.Close()
	units, err := db.Units(ctx)
	if err != nil {
		return cchcbot.FileErrorf(err, "Không đọc được cơ sở dữ liệu đã khôi phục")
	}
	subs, missing := 0, 0
	if err := db.AllSubmissions(ctx, func(s *cchcbot.Submission) error {
		subs++
		for _, f := range s.Files {
			if !db.HasFile(f.SHA256) {
				missing++
			}
		}
		return nil
	}); err != nil {
		return cchcbot.FileErrorf(err, "Không đọc được cơ sở dữ liệu đã khôi phục")
	}

	w := c.Stdout
	fmt.Fprintf(w, "Đã khôi phục cơ sở dữ liệu từ %s (%d byte, đã kiểm tra).\n", src, size)
	fmt.Fprintf(w, "  Dữ liệu khôi phục: %d đơn vị, %d lần nộp báo cáo.\n", len(units), subs)
	if aside != "" {
		fmt.Fprintf(w, "  Cơ sở dữ liệu cũ được giữ tại %s (xóa khi không cần nữa).\n", aside)
	}
	if missing > 0 {
		fmt.Fprintf(w, "  CẢNH BÁO: %d tệp báo cáo được nhắc đến không có trong %s: hãy chép lại thư mục files từ bản sao lưu.\n",
			missing, filepath.Join(cfg.DataDir, "files"))
	}
	for _, s := range warnings {
		fmt.Fprintf(w, "  Lưu ý: %s.\n", s)
	}
	fmt.Fprintln(w, "Hãy khởi động lại bot (ví dụ: sudo systemctl start cchcbot).")
	return nil
}

// verifyBackup copies src into dir as the database file, fsynced, checks
// the copy (store.VerifyFile: bbolt's consistency check, a cchcbot schema
// no newer than this code's), then opens it as the bot would, which brings
// an older schema up to date. It returns src's size.
func verifyBackup(src, dir string, clk cchcbot.Clock) (size int64, err error) {
	dst := filepath.Join(dir, store.FileName)
	if size, err = copyFile(src, dst); err != nil {
		return 0, err
	}
	if _, err := store.VerifyFile(dst); err != nil {
		return 0, err
	}
	db, err := store.Open(dir, store.Options{LockTimeout: lockProbe, Now: clk.Now})
	if err != nil {
		return 0, err
	}
	err = db.Check()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return size, err
}

// copyFile copies src to a new file dst, mode 0600, fsynced.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
