package cchcbot

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"time"
)

// InviteCodeBytes is the entropy of an invite code: 128 bits, so codes
// cannot be guessed even with unlimited tries.
const InviteCodeBytes = 16

// InviteCodeLen is the length of an invite code as text: InviteCodeBytes
// in unpadded base64url.
const InviteCodeLen = (InviteCodeBytes*8 + 5) / 6

// NewInviteCode returns a fresh invite code and its hash. The code fits
// Telegram's /start parameter (A-Z, a-z, 0-9, _ and -, at most 64).
func NewInviteCode(r io.Reader) (code, hash string, err error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, InviteCodeBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", "", err
	}
	code = base64.RawURLEncoding.EncodeToString(b)
	return code, HashInviteCode(code), nil
}

// HashInviteCode returns the form in which a code is stored and looked up.
// A plain hash suffices: the code has 128 random bits, nothing to salt.
func HashInviteCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// Invitation is a fresh invite for a new member of a unit, with what a
// person needs to use it on each configured network.
type Invitation struct {
	Code      string // the secret: shown to the admin, never logged
	Unit      Unit
	ExpiresAt time.Time
	// TelegramLink opens the bot with the code (https://t.me/<bot>?start=<code>);
	// "" when Telegram is not configured.
	TelegramLink string
	// ZaloOALink is the Official Account to follow before sending the code
	// as a message; "" when Zalo is not configured.
	ZaloOALink string
	// HowToJoin says it in Vietnamese, as /moi does.
	HowToJoin string
}
