package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"cchcbot"
	"cchcbot/control"
)

// errorText is what the staff member reads for err, in Vietnamese. A
// domain error gives its message, after the (Vietnamese) context wrapped
// around it; the technical causes joined after it ("%w: %w") are for the
// log, not for staff. A file or cancellation error is put into words.
// Anything else (a config problem, a message from the running bot) is
// shown as it is.
func errorText(err error) string {
	var re *control.RemoteError
	var e *cchcbot.Error
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &re):
		return re.Message // the bot already wrote it for staff
	case errors.As(err, &e):
		text := err.Error()
		if i := strings.Index(text, e.Error()); i >= 0 {
			return text[:i] + e.Message
		}
		return e.Message
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "Lệnh đã dừng giữa chừng: " + cchcbot.ReasonVN(err) + "."
	case errors.As(err, &pe):
		return fmt.Sprintf("Lỗi với tệp %s: %s.", pe.Path, cchcbot.ReasonVN(pe.Err))
	case errors.As(err, &le):
		return fmt.Sprintf("Lỗi khi chuyển %s thành %s: %s.", le.Old, le.New, cchcbot.ReasonVN(le.Err))
	}
	return err.Error()
}

// existsError refuses to overwrite path: staff must say -force.
func existsError(path string) error {
	return cchcbot.Errorf(cchcbot.ECONFLICT,
		"Tệp %s đã có. Lệnh không ghi đè lên tệp có sẵn: xin chọn tên khác, hoặc thêm tùy chọn -force nếu muốn ghi đè.", path)
}

// The flag package's errors, in English, by their fixed wording.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: (.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: (.+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?(-[^:]+): `)
	flagSyntax    = regexp.MustCompile(`^bad flag syntax: (.+)$`)
)

// flagErrorVN puts an error of the flag package into Vietnamese.
func flagErrorVN(cmd string, err error) error {
	msg := err.Error()
	var vn string
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		vn = fmt.Sprintf("Lệnh %s không có tùy chọn %s.", cmd, m[1])
	} else if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		vn = fmt.Sprintf("Tùy chọn %s cần một giá trị đi kèm.", m[1])
	} else if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		vn = fmt.Sprintf("Giá trị %s của tùy chọn %s không hợp lệ.", m[1], m[2])
	} else if m := flagSyntax.FindStringSubmatch(msg); m != nil {
		vn = fmt.Sprintf("Không hiểu tùy chọn %s.", m[1])
	} else {
		vn = msg
	}
	return usageError("%s Xem hướng dẫn: cchcbot %s -h", vn, cmd)
}
