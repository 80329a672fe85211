package store_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func TestTokens(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	db := openClocked(t, dir, c)

	_, err := db.Tokens(ctx, cchcbot.ChannelZalo)
	wantCode(t, "Tokens before any put", err, cchcbot.ENOTFOUND)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "zalo") || !strings.Contains(msg, "mã truy cập") {
		t.Errorf("message %q does not say which channel has no tokens", msg)
	}

	first := cchcbot.ChannelTokens{Access: "access-1", AccessExpires: t0.Add(time.Hour), Refresh: "refresh-1", RefreshExpires: t0.Add(90 * 24 * time.Hour)}
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, first); err != nil {
		t.Fatal(err)
	}
	// A refresh replaces the pair; its own UpdatedAt is kept.
	c.t = t0.Add(time.Hour)
	second := cchcbot.ChannelTokens{Access: "access-2", AccessExpires: c.t.Add(time.Hour), Refresh: "refresh-2", RefreshExpires: c.t.Add(90 * 24 * time.Hour), UpdatedAt: t0.Add(30 * time.Minute)}
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, second); err != nil {
		t.Fatal(err)
	}

	// The pair survives a restart: the old refresh token is gone for good.
	db.Close()
	db = openClocked(t, dir, c)
	got, err := db.Tokens(ctx, cchcbot.ChannelZalo)
	if err != nil || got.Access != "access-2" || got.Refresh != "refresh-2" || !got.AccessExpires.Equal(second.AccessExpires) ||
		!got.RefreshExpires.Equal(second.RefreshExpires) || !got.UpdatedAt.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("tokens after reopen = %+v, %v; want the second pair", got, err)
	}
	// Another channel's are its own.
	_, err = db.Tokens(ctx, cchcbot.ChannelTelegram)
	wantCode(t, "Tokens of a channel without any", err, cchcbot.ENOTFOUND)
}

func TestPutTokensStampsUpdatedAt(t *testing.T) {
	db := MustOpen(t)
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, cchcbot.ChannelTokens{Refresh: "r"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Tokens(ctx, cchcbot.ChannelZalo); err != nil || !got.UpdatedAt.Equal(t0) || got.Refresh != "r" {
		t.Errorf("tokens = %+v, %v; want UpdatedAt stamped now (%v)", got, err, t0)
	}
}

func TestPutTokensRefused(t *testing.T) {
	db := MustOpen(t)
	keep := cchcbot.ChannelTokens{Access: "secret-access-value", Refresh: "secret-refresh-value"}
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, keep); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, channel string
		t             cchcbot.ChannelTokens
	}{
		{"empty pair", cchcbot.ChannelZalo, cchcbot.ChannelTokens{AccessExpires: t0}},
		{"no channel", "", keep},
		{"zero byte in channel", "za\x00lo", keep},
		{"unencodable time", cchcbot.ChannelZalo, cchcbot.ChannelTokens{Access: "secret-access-value", AccessExpires: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.PutTokens(ctx, tc.channel, tc.t)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q holds a token", err)
			}
		})
	}
	if got, err := db.Tokens(ctx, cchcbot.ChannelZalo); err != nil || got.Access != keep.Access || got.Refresh != keep.Refresh {
		t.Errorf("a refused put changed the tokens: %+v, %v", got, err)
	}
	if _, err := db.Tokens(ctx, ""); err == nil {
		t.Error("Tokens of no channel answered")
	}
}

// TestTokensNotAudited: tokens are secrets, and the audit log is shown to
// staff and exported.
func TestTokensNotAudited(t *testing.T) {
	db := MustOpen(t)
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, cchcbot.ChannelTokens{Access: "secret-access-value", Refresh: "secret-refresh-value"}); err != nil {
		t.Fatal(err)
	}
	if entries, err := db.AuditEntries(ctx, 0, 0); err != nil || len(entries) != 0 {
		t.Errorf("audit log after PutTokens = %+v, %v; want nothing", entries, err)
	}
}

// TestTokensInBackup documents what the comment in tokens.go warns of: a
// backup holds the tokens, so it must be kept as private as the data
// directory.
func TestTokensInBackup(t *testing.T) {
	db := MustOpen(t)
	if err := db.PutTokens(ctx, cchcbot.ChannelZalo, cchcbot.ChannelTokens{Refresh: "secret-refresh-value"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := db.WriteBackup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("secret-refresh-value")) {
		t.Error("the backup does not hold the tokens; update the comment in tokens.go")
	}
	path := t.TempDir() + "/copy.db"
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if v, err := store.VerifyFile(path); err != nil || v != store.SchemaVersion {
		t.Errorf("backup verifies as schema %d, %v", v, err)
	}
}
