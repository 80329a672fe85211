package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// TestCollectOrphans: the daily job removes a report file no submission
// names once it is older than the longest a period stays open (the
// example's: 30 days open, 90 late), and leaves a younger one.
func TestCollectOrphans(t *testing.T) {
	path, dataDir := tempConfig(t)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
	db, err := store.Open(dataDir, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	old, _, err := db.PutFile(ctx, strings.NewReader("%PDF bỏ dở từ năm ngoái"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	young, _, err := db.PutFile(ctx, strings.NewReader("%PDF bỏ dở tuần trước"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	oldPath, _ := db.FilePath(old)
	youngPath, _ := db.FilePath(young)
	os.Chtimes(oldPath, now.AddDate(0, 0, -200), now.AddDate(0, 0, -200))
	os.Chtimes(youngPath, now.AddDate(0, 0, -100), now.AddDate(0, 0, -100)) // within 30+90 days

	var logs bytes.Buffer
	env := NewEnv(cfg, db, cchcbot.ClockFunc(func() time.Time { return now }))
	if err := collectOrphans(ctx, env, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	if db.HasFile(old) || !db.HasFile(young) {
		t.Errorf("after the clean-up: old kept %v, young kept %v; want false, true", db.HasFile(old), db.HasFile(young))
	}
	if !strings.Contains(logs.String(), "files=1") {
		t.Errorf("log: %s", logs.String())
	}
}
