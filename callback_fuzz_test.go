package cchcbot_test

import (
	"slices"
	"strings"
	"testing"

	"cchcbot"
)

// FuzzCallbackVerify checks the properties the chat relies on when it acts
// on a button press:
//   - Sign either fails with EINVALID or returns at most MaxCallbackData
//     bytes that Verify gives back as the same action and fields, for the
//     same user and key only;
//   - a signed value with any one byte changed is refused;
//   - the signature binds the (user, body) pair: grafting it onto another
//     body or pressing it as another user is refused;
//   - arbitrary data verifies only if Sign, with the same key and user,
//     produces exactly that data from what Verify returned.
//
// Seeds: below and testdata/fuzz/FuzzCallbackVerify.
func FuzzCallbackVerify(f *testing.F) {
	f.Add([]byte("test-key"), "tg:1", "tg:2", "ak", "bao-cao-thang/2024-02", "before-7", "ak|x|AAAAAAAAAAA", uint8(0), uint8(1))
	f.Add([]byte(""), "", "", "", "", "", "", uint8(3), uint8(0x80))
	f.Add([]byte("k"), "tg:1", "tg:1", "sb", "", "", "|", uint8(64), uint8(0xff))
	f.Add([]byte("k"), "tg:1", "tg:10", "cf", "n|x", "", strings.Repeat("a", 65)+"|x", uint8(9), uint8('|'))
	f.Add([]byte("k"), "tg:1", "tg:1", "pp", strings.Repeat("x", 40), "y", "pp|||", uint8(200), uint8(1))
	// The MAC input is user NUL body: a NUL in the user would let a button
	// signed for "a" with body "b\x00c" verify for user "a\x00b" as "c".
	f.Add([]byte("k"), "a", "a\x00b", "b\x00c", "", "", "c", uint8(0), uint8(1))
	f.Add([]byte("k"), "tg:1\x00", "tg:1", "ak", "p", "", "\x00ak|p", uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, key []byte, user, other, action, f1, f2, data string, pos, flip uint8) {
		s := cchcbot.CallbackSigner{Key: key}
		u, o := cchcbot.UserID(user), cchcbot.UserID(other)

		// Arbitrary data: verifies only when Sign reproduces it exactly.
		if a, fs, err := s.Verify(u, data); err != nil {
			if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
				t.Fatalf("Verify(%q, %q): %v is not EINVALID", user, data, err)
			}
		} else if re, err := s.Sign(u, a, fs...); err != nil || re != data {
			t.Fatalf("Verify(%q, %q) accepted %q %q, but Sign gives %q %v", user, data, a, fs, re, err)
		}

		for _, fields := range [][]string{nil, {f1}, {f1, f2}} {
			signed, err := s.Sign(u, action, fields...)
			if err != nil {
				if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
					t.Fatalf("Sign(%q, %q, %q): %v is not EINVALID", user, action, fields, err)
				}
				continue
			}
			if len(signed) > cchcbot.MaxCallbackData {
				t.Fatalf("Sign(%q, %q, %q) = %d bytes, over %d", user, action, fields, len(signed), cchcbot.MaxCallbackData)
			}
			for _, p := range append([]string{action}, fields...) {
				if strings.Contains(p, "|") {
					t.Fatalf("Sign accepted a field with '|': %q", p)
				}
			}
			// Round trip.
			a, fs, err := s.Verify(u, signed)
			if err != nil || a != action || !slices.Equal(fs, fields) && !(len(fs) == 0 && len(fields) == 0) {
				t.Fatalf("Verify(Sign(%q, %q, %q) = %q) = %q %q %v", user, action, fields, signed, a, fs, err)
			}
			// Another user, another key.
			if other != user {
				if _, _, err := s.Verify(o, signed); err == nil {
					t.Fatalf("%q signed for %q verifies for %q", signed, user, other)
				}
			}
			if string(key) != "other-key" {
				if _, _, err := (cchcbot.CallbackSigner{Key: []byte("other-key")}).Verify(u, signed); err == nil {
					t.Fatalf("%q signed with key %q verifies with another key", signed, key)
				}
			}
			// Any single byte changed.
			flipped := []byte(signed)
			i := int(pos) % len(flipped)
			flipped[i] ^= max(flip, 1)
			if _, _, err := s.Verify(u, string(flipped)); err == nil {
				t.Fatalf("%q with byte %d changed (%q) still verifies", signed, i, flipped)
			}
			// The signature grafted onto another body, pressed by other.
			sig := signed[strings.LastIndexByte(signed, '|')+1:]
			body := signed[:len(signed)-len(sig)-1]
			for _, graft := range []string{data, other + "\x00" + data, strings.TrimPrefix(user+"\x00"+body, other+"\x00")} {
				if other == user && graft == body {
					continue
				}
				if a, fs, err := s.Verify(o, graft+"|"+sig); err == nil {
					t.Fatalf("signature of %q for %q verifies %q for %q as %q %q", body, user, graft, other, a, fs)
				}
			}
		}
	})
}
