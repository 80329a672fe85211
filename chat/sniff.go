package chat

import (
	"bytes"
	"fmt"
	"io"
)

// A file's name is the sender's word; its first bytes are the file's. A
// program renamed "bao-cao.pdf" would otherwise be stored and later opened
// by phòng Nội vụ, so after the download begins the content must belong to
// the family its extension claims.

// fileFamily is a kind of content several extensions share.
type fileFamily struct {
	label string // what a person would call it: "PDF", "Word/Excel (DOC/XLS)"
	match func(head []byte) bool
}

var (
	famPDF = fileFamily{"PDF", func(h []byte) bool {
		// Readers accept the header anywhere in the first 1024 bytes, and
		// some scanners write a preamble before it.
		return bytes.Contains(h[:min(len(h), 1024)], []byte("%PDF"))
	}}
	famOLE2 = fileFamily{"Word/Excel cũ (DOC/XLS)", func(h []byte) bool {
		// Word also saves Rich Text under .doc, and offices send those.
		return bytes.HasPrefix(h, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) || bytes.HasPrefix(h, []byte(`{\rtf`))
	}}
	famZIP = fileFamily{"DOCX/XLSX/ODT/ODS/ZIP", prefix("PK\x03\x04")}
	famRAR = fileFamily{"RAR", prefix("Rar!\x1a\x07")} // RAR 4 and 5 share it
	// A scanned page saved as .png but really a JPEG (or the reverse) is
	// still a picture: either image is taken under either name.
	famImage = fileFamily{"ảnh JPG/PNG", func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("\xFF\xD8\xFF")) || bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n"))
	}}
)

func prefix(p string) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, []byte(p)) }
}

// familyOf maps every allowed extension to its content family.
var familyOf = map[string]fileFamily{
	".pdf": famPDF,
	".doc": famOLE2, ".xls": famOLE2,
	".docx": famZIP, ".xlsx": famZIP, ".odt": famZIP, ".ods": famZIP, ".zip": famZIP,
	".rar": famRAR,
	".jpg": famImage, ".jpeg": famImage, ".png": famImage,
}

// sniffLen is how much of a file is read before it is stored.
const sniffLen = 1024

// contentMismatch is a file whose content is not what its name says.
type contentMismatch struct {
	name   string
	family fileFamily
}

func (e *contentMismatch) Error() string {
	return fmt.Sprintf("file %q is not %s by content", e.name, e.family.label)
}

// message tells the sender what happened and what to send instead.
func (e *contentMismatch) message() string {
	return fmt.Sprintf("Tệp \"%s\" có tên của tệp %s nhưng nội dung không phải %s (có thể tệp bị hỏng hoặc bị đổi tên) nên KHÔNG được nhận. "+
		"Xin mở tệp gốc bằng phần mềm đã soạn, lưu hoặc xuất lại đúng định dạng (%s) rồi gửi lại.", e.name, e.family.label, e.family.label, allowedList)
}

// sniff reads the first bytes of r and checks them against the family of
// name's extension. It returns a reader that gives the whole stream again,
// so the check costs no second download. A name without a known family
// passes: fileName has already refused those.
func sniff(name string, r io.Reader) (io.Reader, error) {
	fam, ok := familyOf[extOf(name)]
	if !ok {
		return r, nil
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	head = head[:n]
	if !fam.match(head) {
		return nil, &contentMismatch{name: name, family: fam}
	}
	return io.MultiReader(bytes.NewReader(head), r), nil
}
