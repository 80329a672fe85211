package cchcbot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
)

// FileErrorf returns an error staff can read for a failed file or disk
// operation: the Vietnamese sentence, then why in Vietnamese, as an
// *Error wrapping cause for errors.Is and the log. A full disk is EFULL; a
// path staff can fix (no permission, not found, not a folder, read-only)
// EINVALID; anything else EINTERNAL.
func FileErrorf(cause error, format string, args ...any) error {
	code := EINTERNAL
	switch {
	case errors.Is(cause, syscall.ENOSPC):
		code = EFULL
	case errors.Is(cause, fs.ErrPermission), errors.Is(cause, fs.ErrNotExist), errors.Is(cause, syscall.EROFS),
		errors.Is(cause, syscall.ENOTDIR), errors.Is(cause, syscall.EISDIR):
		code = EINVALID
	}
	msg := fmt.Sprintf(format, args...) + ": " + strings.TrimRight(ReasonVN(cause), ".") + "."
	return fmt.Errorf("%w: %w", Errorf(code, "%s", msg), cause)
}

// ReasonVN says in Vietnamese why an operation failed. The operating
// system's own words, in English, are kept only for a cause it does not
// name.
func ReasonVN(err error) string {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Message
	case errors.Is(err, context.Canceled):
		return "lệnh đã bị hủy"
	case errors.Is(err, context.DeadlineExceeded):
		return "đã quá thời gian cho phép"
	case errors.Is(err, syscall.ENOSPC):
		return "ổ đĩa đã đầy"
	case errors.Is(err, syscall.EROFS):
		return "ổ đĩa chỉ cho phép đọc"
	case errors.Is(err, fs.ErrPermission):
		return "không đủ quyền (lệnh có đang chạy bằng đúng người dùng của bot không?)"
	case errors.Is(err, syscall.ENOTDIR):
		return "một phần của đường dẫn là tệp chứ không phải thư mục"
	case errors.Is(err, syscall.EISDIR):
		return "đường dẫn là một thư mục"
	case errors.Is(err, fs.ErrNotExist):
		return "đường dẫn không tồn tại"
	case errors.Is(err, fs.ErrExist):
		return "đã có một tệp trùng tên"
	case errors.Is(err, syscall.EIO):
		return "lỗi đọc ghi ổ đĩa"
	}
	return "lỗi hệ thống (" + err.Error() + ")"
}
