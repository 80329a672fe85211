package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"cchcbot/config"
)

// envOf returns a getenv over vars that records the variables read.
func envOf(vars map[string]string, read *[]string) func(string) string {
	return func(k string) string {
		if read != nil {
			*read = append(*read, k)
		}
		return vars[k]
	}
}

// Plausible secrets, in the forms Zalo issues them.
const (
	appSecret    = "AbCdEf0123456789XyZw"
	oaSecretKey  = "Qk7Lm2Np9Rs4Tv6Wx8Yz"
	refreshToken = "Rt1-abcDEF_ghiJKL.mnoPQR-stuVWX_yz0123456789"
)

// assertNoValue fails if msg holds any four characters of value in a
// row: no part of a secret may reach a log through its error.
func assertNoValue(t *testing.T, msg, value string) {
	t.Helper()
	v := strings.TrimSpace(value)
	for i := 0; i+4 <= len(v); i++ {
		if part := v[i : i+4]; strings.Contains(msg, part) {
			t.Errorf("error %q holds %q from the value", msg, part)
			return
		}
	}
}

func TestZaloSecretsFrom(t *testing.T) {
	valid := map[string]string{config.ZaloAppSecretEnv: appSecret, config.ZaloOASecretKeyEnv: oaSecretKey}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range valid {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // parts of the error, each naming a variable; nil when valid
		bad  string   // the value that must not leak
	}{
		{"none set", nil, []string{"thiếu biến môi trường " + config.ZaloAppSecretEnv, "thiếu biến môi trường " + config.ZaloOASecretKeyEnv}, ""},
		{"no OA secret key", with(config.ZaloOASecretKeyEnv, ""), []string{"thiếu biến môi trường " + config.ZaloOASecretKeyEnv}, ""},
		{"only spaces", with(config.ZaloAppSecretEnv, "  \r\n"), []string{"thiếu biến môi trường " + config.ZaloAppSecretEnv}, ""},
		{"quoted", with(config.ZaloAppSecretEnv, `"`+appSecret+`"`), []string{"biến môi trường " + config.ZaloAppSecretEnv + " có giá trị nằm trong dấu ngoặc"}, appSecret},
		{"single-quoted", with(config.ZaloOASecretKeyEnv, "'"+oaSecretKey+"'"), []string{config.ZaloOASecretKeyEnv + " có giá trị nằm trong dấu ngoặc"}, oaSecretKey},
		{"typographic quotes", with(config.ZaloAppSecretEnv, "“"+appSecret+"”"), []string{config.ZaloAppSecretEnv + " có giá trị nằm trong dấu ngoặc"}, appSecret},
		{"a space inside", with(config.ZaloAppSecretEnv, "AbCdEf0123 456789XyZw"), []string{"biến môi trường " + config.ZaloAppSecretEnv + " không hợp lệ: giá trị phải viết liền"}, "AbCdEf0123 456789XyZw"},
		{"a quote inside", with(config.ZaloOASecretKeyEnv, `Qk7Lm2Np9"Rs4Tv6Wx8Yz`), []string{config.ZaloOASecretKeyEnv + " không hợp lệ"}, `Qk7Lm2Np9"Rs4Tv6Wx8Yz`},
		{"not ASCII", with(config.ZaloAppSecretEnv, "AbCdEfđ0123456789"), []string{config.ZaloAppSecretEnv + " không hợp lệ"}, "AbCdEfđ0123456789"},
		{"too long", with(config.ZaloAppSecretEnv, strings.Repeat("Ab1", 1400)), []string{config.ZaloAppSecretEnv + " dài hơn 4096 ký tự"}, strings.Repeat("Ab1", 1400)},
		{"bad refresh token", with(config.ZaloRefreshTokenEnv, `"`+refreshToken+`"`), []string{config.ZaloRefreshTokenEnv + " có giá trị nằm trong dấu ngoặc"}, refreshToken},
		{"valid, refresh token unset", valid, nil, ""},
		{"valid, with spaces around", with(config.ZaloAppSecretEnv, " "+appSecret+"\r\n"), nil, ""},
		{"valid, with refresh token", with(config.ZaloRefreshTokenEnv, refreshToken), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := config.ZaloSecretsFrom(envOf(tc.env, nil))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("ZaloSecretsFrom: %v", err)
				}
				if s.AppSecret != strings.TrimSpace(tc.env[config.ZaloAppSecretEnv]) || s.OASecretKey != oaSecretKey || s.RefreshToken != tc.env[config.ZaloRefreshTokenEnv] {
					t.Errorf("secrets = %+v", s)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			if s != (config.ZaloSecrets{}) {
				t.Errorf("secrets returned with the error: %+v", s)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if n := strings.Count(msg, "\n") + 1; n != len(tc.want) {
				t.Errorf("error has %d lines, want %d:\n%s", n, len(tc.want), msg)
			}
			if tc.bad != "" {
				assertNoValue(t, msg, tc.bad)
			}
			// The valid secrets beside the fault never appear either.
			assertNoValue(t, msg, appSecret)
			assertNoValue(t, msg, oaSecretKey)
		})
	}
}

func TestRequireRefreshToken(t *testing.T) {
	if err := (config.ZaloSecrets{RefreshToken: refreshToken}).RequireRefreshToken(); err != nil {
		t.Errorf("with a refresh token: %v", err)
	}
	err := (config.ZaloSecrets{AppSecret: appSecret, OASecretKey: oaSecretKey}).RequireRefreshToken()
	if err == nil || !strings.Contains(err.Error(), "thiếu mã làm mới của Zalo") || !strings.Contains(err.Error(), config.ZaloRefreshTokenEnv) {
		t.Errorf("without one: %v", err)
	}
}

// TestSecretsFrom: each configured network's secrets are asked for, and
// only those: a Zalo-only office is never asked for a bot token.
func TestSecretsFrom(t *testing.T) {
	const token = "42:qwerty-secret_value"
	all := map[string]string{config.TokenEnv: token, config.ZaloAppSecretEnv: appSecret, config.ZaloOASecretKeyEnv: oaSecretKey}
	both := base + "zalo:\n  app_id: \"1\"\n  oa_id: \"2\"\n"
	for _, tc := range []struct {
		name     string
		yaml     string
		env      map[string]string
		want     config.Secrets
		wantErr  []string // variables the error names
		mustRead []string
		never    []string // variables that must not be read
	}{
		{"telegram only", base, all, config.Secrets{TelegramToken: token}, nil, []string{config.TokenEnv}, []string{config.ZaloAppSecretEnv, config.ZaloOASecretKeyEnv, config.ZaloRefreshTokenEnv}},
		{"telegram only, no token", base, map[string]string{config.ZaloAppSecretEnv: appSecret}, config.Secrets{}, []string{config.TokenEnv}, nil, []string{config.ZaloAppSecretEnv}},
		{"zalo only", zaloOnly, all, config.Secrets{Zalo: config.ZaloSecrets{AppSecret: appSecret, OASecretKey: oaSecretKey}}, nil, []string{config.ZaloAppSecretEnv}, []string{config.TokenEnv}},
		{"zalo only, no token set", zaloOnly, map[string]string{config.ZaloAppSecretEnv: appSecret, config.ZaloOASecretKeyEnv: oaSecretKey},
			config.Secrets{Zalo: config.ZaloSecrets{AppSecret: appSecret, OASecretKey: oaSecretKey}}, nil, nil, []string{config.TokenEnv}},
		{"both", both, all, config.Secrets{TelegramToken: token, Zalo: config.ZaloSecrets{AppSecret: appSecret, OASecretKey: oaSecretKey}}, nil, []string{config.TokenEnv, config.ZaloOASecretKeyEnv}, nil},
		{"both, nothing set", both, nil, config.Secrets{}, []string{config.TokenEnv, config.ZaloAppSecretEnv, config.ZaloOASecretKeyEnv}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var read []string
			s, err := mustParse(t, tc.yaml).SecretsFrom(envOf(tc.env, &read))
			if s != tc.want {
				t.Errorf("secrets = %+v, want %+v", s, tc.want)
			}
			if (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("error = %v, want one naming %v", err, tc.wantErr)
			}
			for _, v := range tc.wantErr {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
			if err != nil {
				assertNoValue(t, err.Error(), token)
				assertNoValue(t, err.Error(), appSecret)
			}
			for _, v := range tc.mustRead {
				if !slices.Contains(read, v) {
					t.Errorf("%s was not read (read %v)", v, read)
				}
			}
			for _, v := range tc.never {
				if slices.Contains(read, v) {
					t.Errorf("%s was read for a network the file does not configure", v)
				}
			}
		})
	}
	// The errors of both networks are joined, each its own.
	_, err := mustParse(t, both).SecretsFrom(envOf(nil, nil))
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("error = %v, want the two networks' errors joined", err)
	}
}
