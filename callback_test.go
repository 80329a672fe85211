package cchcbot_test

import (
	"strings"
	"testing"

	"cchcbot"
)

func TestCallbackSigner(t *testing.T) {
	s := cchcbot.CallbackSigner{Key: []byte("test-key")}
	alice, bob := cchcbot.TelegramUser(1), cchcbot.TelegramUser(2)
	data, err := s.Sign(alice, cchcbot.ActionAck, "bao-cao-thang/2024-02", "before-7")
	if err != nil {
		t.Fatal(err)
	}
	action, fields, err := s.Verify(alice, data)
	if err != nil || action != cchcbot.ActionAck || strings.Join(fields, ",") != "bao-cao-thang/2024-02,before-7" {
		t.Fatalf("Verify = %q %q %v", action, fields, err)
	}
	forged := strings.Replace(data, "2024-02", "2024-03", 1)
	for name, tc := range map[string]struct {
		user cchcbot.UserID
		data string
	}{
		"other user": {bob, data},
		"altered":    {alice, forged},
		"no sig":     {alice, "ak|bao-cao-thang/2024-02|before-7"},
		"empty":      {alice, ""},
		"other key":  {alice, must(cchcbot.CallbackSigner{Key: []byte("x")}.Sign(alice, "ak", "p"))},
		"too long":   {alice, strings.Repeat("a", 65) + "|x"},
	} {
		if _, _, err := s.Verify(tc.user, tc.data); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
			t.Errorf("%s: Verify err = %v, want EINVALID", name, err)
		}
	}
	if _, err := s.Sign(alice, "ak", "a|b"); err == nil {
		t.Error("Sign accepted a field with '|'")
	}
	if _, err := s.Sign(alice, "ak", strings.Repeat("x", 60)); err == nil {
		t.Error("Sign accepted data over 64 bytes")
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
