package cchcbot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Callback actions: the first field of a button's data. The scheduler puts
// reminder buttons on its messages and the chat logic handles the presses,
// so both name actions through these constants.
const (
	ActionAck        = "ak" // "Đã nhận" on a reminder: period, step
	ActionSubmit     = "sb" // "Nộp báo cáo" on a reminder: period
	ActionPickPeriod = "pp" // a period chosen for a draft: draft nonce, period
	ActionConfirm    = "cf" // "Xác nhận nộp": draft nonce
	ActionCancel     = "cx" // "Hủy": draft nonce
	ActionSkip       = "sk" // skip the optional document number: draft nonce
	ActionAccept     = "ac" // admin accepts: submission id
	ActionReturn     = "rt" // admin returns: submission id
	ActionStatus     = "st" // admin /status paging: period, page
	ActionRemindNow  = "rn" // admin confirms /nhacnho: period
	ActionExtend     = "gh" // "Xin gia hạn" on a reminder: period
	ActionExtDecide  = "gd" // admin decides an extension: extension id, verdict (ExtVerdict*)
	ActionRequest    = "yc" // a step of /yeucau: the wizard's nonce, choice
	ActionExplain    = "gt" // skip the optional late explanation: draft nonce
)

// The verdicts of ActionExtDecide.
const (
	ExtVerdictApprove = "a" // grant the date asked
	ExtVerdictShorten = "s" // grant an earlier date: the admin types it
	ExtVerdictRefuse  = "r" // refuse: the admin types the reason
)

// MaxCallbackData is Telegram's limit on a button's data, in bytes.
const MaxCallbackData = 64

// sigLen is the bytes of HMAC kept in a button: 64 bits make forging a
// press by guessing hopeless while leaving room for the fields.
const sigLen = 8

// CallbackSigner signs button data so that a forged or altered press is
// refused: the data is "action|field|...|sig" and the signature covers the
// user the button was sent to, so a button forwarded to someone else is
// refused as well.
type CallbackSigner struct {
	Key []byte
}

// Sign returns the data for a button sent to user. The action must not be
// empty (Verify could not split it off), fields must not contain "|" and
// the user must not contain NUL (the MAC's separator). It fails when the
// result would exceed MaxCallbackData.
func (s CallbackSigner) Sign(user UserID, action string, fields ...string) (string, error) {
	if action == "" {
		return "", Errorf(EINVALID, "callback action is empty")
	}
	if strings.IndexByte(string(user), 0) >= 0 {
		return "", Errorf(EINVALID, "user %q contains NUL", user)
	}
	parts := append([]string{action}, fields...)
	for _, p := range parts {
		if strings.Contains(p, "|") {
			return "", Errorf(EINVALID, "callback field %q contains '|'", p)
		}
	}
	body := strings.Join(parts, "|")
	data := body + "|" + s.mac(user, body)
	if len(data) > MaxCallbackData {
		return "", Errorf(EINVALID, "callback data %q is %d bytes, over %d", body, len(data), MaxCallbackData)
	}
	return data, nil
}

// Verify checks data pressed by user and returns its action and fields. Any
// tampering, a wrong user or a malformed value is EINVALID.
func (s CallbackSigner) Verify(user UserID, data string) (action string, fields []string, err error) {
	i := strings.LastIndexByte(data, '|')
	if i <= 0 || len(data) > MaxCallbackData || strings.IndexByte(string(user), 0) >= 0 {
		return "", nil, Errorf(EINVALID, "Nút bấm không hợp lệ.")
	}
	body, sig := data[:i], data[i+1:]
	if !hmac.Equal([]byte(sig), []byte(s.mac(user, body))) {
		return "", nil, Errorf(EINVALID, "Nút bấm không hợp lệ.")
	}
	parts := strings.Split(body, "|")
	return parts[0], parts[1:], nil
}

// mac covers user NUL body. user holds no NUL (Sign and Verify refuse one),
// so the pair is read back unambiguously: without that rule a button signed
// for "a" with body "b\x00c" would verify for user "a\x00b" as "c".
func (s CallbackSigner) mac(user UserID, body string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(user))
	m.Write([]byte{0})
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:sigLen])
}
