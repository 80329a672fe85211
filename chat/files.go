package chat

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"cchcbot"
)

// allowedExt lists the file types a report may come in.
var allowedExt = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
	".odt": true, ".ods": true, ".zip": true, ".rar": true,
	".jpg": true, ".jpeg": true, ".png": true, // scanned pages
}

const allowedList = "PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, ZIP/RAR hoặc ảnh JPG/PNG"

// maxDraftFiles bounds a submission: a report and its appendices.
const maxDraftFiles = 10

// cleanName makes a sender's file name safe to show and to log: no path,
// no control or direction-changing characters, bounded length. The file is
// never stored under it.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '/' {
			continue
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if r := []rune(out); len(r) > 120 {
		ext := path.Ext(out)
		if len([]rune(ext)) > 10 {
			ext = ""
		}
		// Trimmed again: the cut may end on a space.
		out = strings.TrimSpace(string(r[:120-len([]rune(ext))])) + ext
	}
	if out == "" || out == "." || out == ".." {
		out = "tep-khong-ten"
	}
	return out
}

func extOf(name string) string { return strings.ToLower(path.Ext(name)) }

// fileName returns the name a sent file is shown and kept under, and
// whether its type is taken. A photo (a scanned page) is a JPEG whatever
// the network called it.
func fileName(f cchcbot.IncomingFile, n int) (string, bool) {
	name := cleanName(f.Name)
	if f.Photo {
		if e := extOf(name); e != ".jpg" && e != ".jpeg" && e != ".png" {
			name = fmt.Sprintf("anh-%d.jpg", n)
		}
	}
	return name, allowedExt[extOf(name)]
}
