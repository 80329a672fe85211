package export

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cchcbot"
)

// ManifestName is the archive's list of what it holds.
const ManifestName = "00 - Danh mục tệp.csv"

// ArchiveEntry is one file of a period archive, as the manifest lists it.
type ArchiveEntry struct {
	Unit       cchcbot.Unit
	Name       string // the entry's name in the zip; "" for a unit with no file
	SHA256     string
	Size       int64
	Submission *cchcbot.Submission // nil when the unit has nothing
	State      cchcbot.UnitState
}

// ArchiveFiles picks what a period archive holds: for every unit owing
// the period, the files of its latest accepted version, else of its latest
// version. Units with nothing get an entry with no name, so the manifest
// shows them too.
func ArchiveFiles(pd *PeriodData) []ArchiveEntry {
	var out []ArchiveEntry
	used := map[string]bool{strings.ToLower(ManifestName): true}
	for us := range pd.Units() {
		vs := pd.Versions[us.Unit.Code]
		var pick *cchcbot.Submission
		for _, s := range vs {
			if s.State == cchcbot.StateAccepted {
				pick = s
			}
		}
		if pick == nil && len(vs) > 0 {
			pick = vs[len(vs)-1]
		}
		if pick == nil || len(pick.Files) == 0 {
			out = append(out, ArchiveEntry{Unit: us.Unit, Submission: pick, State: us.State})
			continue
		}
		for _, f := range pick.Files {
			name := uniqueName(used, WindowsSafeName(us.Unit.Code+" - "+us.Unit.Name+" - "+f.Name))
			out = append(out, ArchiveEntry{Unit: us.Unit, Name: name, SHA256: f.SHA256, Size: f.Size, Submission: pick, State: us.State})
		}
	}
	return out
}

// ArchiveSize is the sum of the archive's file sizes, an upper bound on its
// size give or take the zip headers: reports are PDFs and Office files,
// already compressed.
func ArchiveSize(entries []ArchiveEntry) int64 {
	var n int64
	for _, e := range entries {
		n += e.Size
	}
	return n
}

// WriteArchive writes pd's archive to w: the files ArchiveFiles picks and
// the manifest. Every file is checked against its sha256 on the way: a
// file changed on disk fails the archive rather than ship silently.
//
// Each entry is dated in the office's zone (the calendar's, from the
// period's deadline): a file by its submission, the manifest by
// pd.Generated. Zip readers show the MS-DOS date as it is, and an
// undated entry shows 1980.
func WriteArchive(ctx context.Context, w io.Writer, files FileStore, pd *PeriodData) ([]ArchiveEntry, error) {
	entries := ArchiveFiles(pd)
	loc := pd.Period.Deadline.Location()
	zw := zip.NewWriter(w)
	for _, e := range entries {
		if e.Name == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := addFile(zw, files, e, loc); err != nil {
			return nil, err
		}
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: manifestTime(pd, entries).In(loc)})
	if err != nil {
		return nil, err
	}
	if err := writeManifest(mw, entries, loc); err != nil {
		return nil, err
	}
	return entries, zw.Close()
}

// manifestTime dates the manifest: when the export was made, or, for a
// PeriodData not made by Load, the newest submission it lists, else the
// period's opening.
func manifestTime(pd *PeriodData, entries []ArchiveEntry) time.Time {
	if !pd.Generated.IsZero() {
		return pd.Generated
	}
	t := pd.Period.Opens
	for _, e := range entries {
		if e.Submission != nil && e.Submission.SubmittedAt.After(t) {
			t = e.Submission.SubmittedAt
		}
	}
	return t
}

func addFile(zw *zip.Writer, files FileStore, e ArchiveEntry, loc *time.Location) error {
	r, err := files.OpenFile(e.SHA256)
	if err != nil {
		return unreadable(e, err)
	}
	defer r.Close()
	hdr := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: e.Submission.SubmittedAt.In(loc)}
	fw, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(fw, h), r); err != nil {
		return unreadable(e, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return cchcbot.Errorf(cchcbot.EINTERNAL,
			"Tệp %s trong kho tệp báo cáo đã bị thay đổi hoặc hư hỏng (mã sha256 hiện là %s, hồ sơ ghi %s), nên tệp lưu trữ không được lập. Xin báo cán bộ quản trị máy chủ kiểm tra thư mục files của kho dữ liệu.",
			e.Name, got, e.SHA256)
	}
	return nil
}

// unreadable is a report file the archive cannot read from the file
// store, said for staff, wrapping the cause for the log.
func unreadable(e ArchiveEntry, err error) error {
	why := "tệp không đọc được"
	if errors.Is(err, fs.ErrNotExist) || cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		why = "tệp không còn trong kho (thư mục files bị xóa, hoặc chưa được chép lại sau khi khôi phục?)"
	}
	return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINTERNAL,
		"Không lấy được tệp %s (mã sha256 %s) từ kho tệp báo cáo: %s. Tệp lưu trữ không được lập.", e.Name, e.SHA256, why), err)
}

// ManifestColumns are the manifest's headings.
var ManifestColumns = []string{"Mã đơn vị", "Đơn vị", "Tệp", "SHA-256", "Dung lượng (byte)", "Lần nộp", "Số biên nhận", "Thời điểm nộp", "Trạng thái"}

// writeManifest writes the manifest as CSV with a byte-order mark, which
// is what makes Excel read it as UTF-8 rather than mangle the diacritics.
func writeManifest(w io.Writer, entries []ArchiveEntry, loc *time.Location) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ManifestColumns); err != nil {
		return err
	}
	for _, e := range entries {
		rec := []string{e.Unit.Code, e.Unit.Name, e.Name, e.SHA256, "", "", "", "", e.State.Label()}
		if e.Name != "" {
			rec[4] = strconv.FormatInt(e.Size, 10)
		}
		if s := e.Submission; s != nil {
			rec[5], rec[6], rec[7] = strconv.Itoa(s.Version), s.ReceiptNo(), s.SubmittedAt.In(loc).Format("02/01/2006 15:04")
			if e.Name == "" && s.Note != "" {
				rec[2] = "(không kèm tệp) " + s.Note
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// maxEntryName keeps an entry's full path under Windows' 260-character
// limit once unpacked a few folders deep.
const maxEntryName = 150

// WindowsSafeName makes name usable as a file name on Windows, where staff
// unpack the archive: no characters Windows refuses or that hide text, no
// trailing dots or spaces, no device names, bounded length with the
// extension kept.
func WindowsSafeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`<>:"/\|?*`, r):
			return '_'
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimSpace(name), ". ")
	if utf8.RuneCountInString(name) > maxEntryName {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i >= 0 && utf8.RuneCountInString(name[i:]) <= 10 {
			ext = name[i:]
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimRight(string(r[:maxEntryName-utf8.RuneCountInString(ext)]), ". ") + ext
	}
	base, _, _ := strings.Cut(name, ".")
	switch strings.ToUpper(strings.TrimSpace(base)) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		name = "_" + name
	}
	if name == "" {
		name = "tep"
	}
	return name
}

// uniqueName adds " (2)", " (3)"... before the extension of a name already
// used: a unit may send two files of the same name. Windows compares
// names without case.
func uniqueName(used map[string]bool, name string) string {
	key := strings.ToLower(name)
	if !used[key] {
		used[key] = true
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		ext = name[i:]
	}
	stem := strings.TrimSuffix(name, ext)
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)%s", stem, n, ext)
		if !used[strings.ToLower(c)] {
			used[strings.ToLower(c)] = true
			return c
		}
	}
}
