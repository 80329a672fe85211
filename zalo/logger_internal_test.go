package zalo

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestLogRedactsSecrets: whatever reaches the adapter's logger, in the
// message, an attribute, an error or a group, leaves it without a secret.
func TestLogRedactsSecrets(t *testing.T) {
	var buf bytes.Buffer
	c, err := New(Config{AppID: "1", AppSecret: "APP-s3cret", OASecretKey: "OA-k3y", Logger: slog.New(slog.NewTextHandler(&buf, nil))}, nopTokens{})
	if err != nil {
		t.Fatal(err)
	}
	c.sec.add("ACCESS-t0k", "REFRESH-t0k")
	c.log.With("early", "APP-s3cret").Info("saw OA-k3y", "token", "ACCESS-t0k",
		"err", errors.New(`Post "https://x/?refresh_token=REFRESH-t0k": EOF`),
		slog.Group("g", "quoted", `"APP-s3cret"`))
	out := buf.String()
	for _, s := range []string{"APP-s3cret", "OA-k3y", "ACCESS-t0k", "REFRESH-t0k"} {
		if strings.Contains(out, s) {
			t.Errorf("log holds %s: %s", s, out)
		}
	}
	if strings.Count(out, "<redacted>") != 5 {
		t.Errorf("log = %s", out)
	}
}

type nopTokens struct{ TokenStore }
