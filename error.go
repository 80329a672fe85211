package cchcbot

import (
	"errors"
	"fmt"
)

// Error codes shared by every package. A transport (the chat) turns a code
// into a reply for a person; only EINTERNAL is logged as a fault.
const (
	ECONFLICT     = "conflict"     // the action clashes with the current state
	EINTERNAL     = "internal"     // a fault of ours: logged, never shown verbatim
	EINVALID      = "invalid"      // the input is malformed
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	EUNAUTHORIZED = "unauthorized" // the person may not do this
	EEXPIRED      = "expired"      // the thing existed but is no longer valid
	ETOOLARGE     = "too_large"    // a file or message over a limit
	EUNREACHABLE  = "unreachable"  // the recipient blocked the bot or is gone
	ELOCKED       = "locked"       // another process holds the store
	EFULL         = "full"         // the server's disk is full: nothing was recorded
)

// Error is a domain error: a code for programs and a message for people.
// Message is written so that it can be shown to a user as is.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("cchcbot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// or a generic message for any other error so that internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Hệ thống gặp lỗi nội bộ. Xin vui lòng thử lại sau ít phút."
}
