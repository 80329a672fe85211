package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/store"
	"cchcbot/zalo/zalotest"
)

// TestZaloAuth: zalo-auth reads the refresh token from standard input,
// trades it for a pair and stores it; a token Zalo refuses changes
// nothing; the token never appears in the output or an error.
func TestZaloAuth(t *testing.T) {
	zl := zalotest.New(t)
	cfg, dataDir, _ := tempConfigServer(t)
	raw, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(raw, fmt.Sprintf("\nzalo:\n  app_id: \"%s\"\n  oa_id: \"%s\"\n  api_base: %s\n  oauth_base: %s\n  webhook_listen: \"\"\n", zl.AppID(), zl.OAID(), zl.URL(), zl.URL())...), 0o600)
	t.Setenv("ZALO_APP_SECRET", zl.AppSecret())
	t.Setenv("ZALO_OA_SECRET_KEY", zl.OASecretKey())
	auth := func(input string) (int, string) {
		var out, errOut bytes.Buffer
		cmd := &ZaloAuthCommand{Stdin: strings.NewReader(input), Stdout: &out}
		err := cmd.Run(context.Background(), []string{"-config", cfg})
		if err != nil {
			fmt.Fprint(&errOut, errorText(err))
			return exitCodeOf(err), out.String() + errOut.String()
		}
		return 0, out.String()
	}
	first := zl.RefreshToken()
	if code, out := auth(first + "\n"); code != 0 || !strings.Contains(out, "Đã cài mã Zalo mới") {
		t.Fatalf("zalo-auth: %d %s", code, out)
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.Tokens(context.Background(), cchcbot.ChannelZalo)
	db.Close()
	if err != nil || tok.Refresh != zl.RefreshToken() || tok.Access != zl.AccessToken() {
		t.Fatalf("stored tokens are not the pair Zalo returned (%v)", err)
	}
	// The same token again is used up: Zalo refuses it, nothing changes.
	code, out := auth(first)
	if code == 0 || strings.Contains(out, first) {
		t.Errorf("a used token: exit %d, %s", code, out)
	}
	for _, bad := range []string{"", "\n", "\"quoted\"\n", "two words\n"} {
		if code, out := auth(bad); code != exitUsage {
			t.Errorf("input %q: exit %d, %s", bad, code, out)
		}
	}
	if code, _, errOut := run(t, "zalo-auth", "tok", "-config", cfg); code != exitUsage || !strings.Contains(errOut, "đầu vào chuẩn") {
		t.Errorf("a token on the command line: exit %d, %s", code, errOut)
	}
}

// TestCheckBothNetworks: check validates a config with Telegram and Zalo
// and names both networks.
func TestCheckBothNetworks(t *testing.T) {
	cfg, _, _ := tempConfigServer(t)
	raw, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(raw, "\nzalo:\n  app_id: \"2840191035281746190\"\n  oa_id: \"4318957236581928461\"\n"...), 0o600)
	code, out, errOut := run(t, "check", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "Kênh nhắn tin: Telegram (bot @") ||
		!strings.Contains(out, "Zalo (Official Account https://zalo.me/4318957236581928461, webhook 127.0.0.1:8081/zalo/webhook, hạn mức 1000 tin chủ động/tháng)") {
		t.Errorf("check: exit %d\n%s%s", code, out, errOut)
	}
	os.WriteFile(cfg, append(raw, "\nzalo:\n  app_id: \"abc\"\n"...), 0o600)
	if code, _, errOut := run(t, "check", "-config", cfg); code != exitUsage || !strings.Contains(errOut, "app_id") {
		t.Errorf("a bad app_id: exit %d, %s", code, errOut)
	}
}
