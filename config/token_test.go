package config_test

import (
	"strings"
	"testing"
	"unicode"

	"cchcbot/config"
)

func TestTokenFrom(t *testing.T) {
	const secret = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == config.TokenEnv {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, value, want string
		quoted            bool // the error must say the quotes are the fault
	}{
		{"valid", secret, secret, false},
		{"valid, short", "42:test_-X", "42:test_-X", false},
		{"spaces and newline around", " " + secret + "\n", secret, false},
		{"Windows line end", secret + "\r", secret, false},
		{"missing", "", "", false},
		{"blank", "  \n", "", false},
		{"double quotes", `"` + secret + `"`, "", true},
		{"single quotes", "'" + secret + "'", "", true},
		{"quotes and spaces", ` "` + secret + `" `, "", true},
		{"opening quote only", `"` + secret, "", true},
		{"typographic quotes", "“" + secret + "”", "", true},
		{"space inside", "123456789:AAHdqTcv CH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"space after the colon", "123456789: AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"no colon", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"letters before the colon", "bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"two colons", "123456789:AAHdqTcv:CH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"nothing after the colon", "123456789:", "", false},
		{"slash", "123456789:AAHdqTcv/CH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"percent", "123456789:AAHdqTcv%20CH1vGWJxfSeofSAs0K5PALDsaw", "", false},
		{"variable name pasted too", config.TokenEnv + "=" + secret, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := config.TokenFrom(env(tc.value))
			if tok != tc.want || (err == nil) != (tc.want != "") {
				t.Fatalf("TokenFrom = %q, %v; want %q", tok, err, tc.want)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			for _, want := range []string{config.TokenEnv, "<các chữ số>:<chuỗi chữ cái, chữ số, dấu _ hoặc dấu ->"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if strings.TrimSpace(tc.value) != "" && !strings.Contains(msg, "bỏ dấu ngoặc kép") {
				t.Errorf("error %q does not say to remove quotes", msg)
			}
			if tc.quoted && !strings.Contains(msg, "giá trị hiện có nằm trong dấu ngoặc") {
				t.Errorf("error %q does not say the value is quoted", msg)
			}
			// No part of the value: no digit of the bot's id, no run of
			// four characters of the secret.
			if strings.ContainsFunc(msg, unicode.IsDigit) {
				t.Errorf("error %q holds a digit", msg)
			}
			v := strings.TrimSpace(tc.value)
			for i := 0; i+4 <= len(v); i++ {
				if part := v[i : i+4]; part != config.TokenEnv[:4] && strings.Contains(msg, part) && !strings.Contains(config.TokenEnv, part) {
					t.Errorf("error %q holds %q from the value", msg, part)
				}
			}
		})
	}
}
