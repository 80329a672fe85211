package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cchcbot/store"
)

// setState writes key=val into the store at dataDir, with no bot running.
func setState(t *testing.T, dataDir, key, val string) {
	t.Helper()
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PutState(context.Background(), key, []byte(val)); err != nil {
		t.Fatal(err)
	}
}

func getState(t *testing.T, dataDir, key string) string {
	t.Helper()
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.GetState(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return string(v)
}

// TestBackupRestoreRoundTrip: back up, change and delete, restore: the
// backed-up data is back, the replaced database kept aside, mode 0600.
func TestBackupRestoreRoundTrip(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	setState(t, dataDir, "giu", "bản gốc")
	setState(t, dataDir, "xoa", "sẽ bị xóa")
	bk := filepath.Join(t.TempDir(), "cchcbot-2026-12-02.db")
	if code, _, errOut := run(t, "backup", bk, "-config", cfg); code != exitOK {
		t.Fatalf("backup exit %d: %s", code, errOut)
	}

	setState(t, dataDir, "giu", "đã sửa")
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.PutState(context.Background(), "xoa", nil)
	db.Close()
	if got := getState(t, dataDir, "xoa"); got != "" {
		t.Fatalf("the key was not deleted: %q", got)
	}

	code, out, errOut := run(t, "restore", bk, "-config", cfg)
	if code != exitOK {
		t.Fatalf("restore exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Đã khôi phục cơ sở dữ liệu từ " + bk, "38 đơn vị", "cchcbot.db.before-restore-", "systemctl start cchcbot"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	if got := getState(t, dataDir, "giu"); got != "bản gốc" {
		t.Errorf("after restore giu = %q, want the backed-up value", got)
	}
	if got := getState(t, dataDir, "xoa"); got != "sẽ bị xóa" {
		t.Errorf("after restore xoa = %q, want the deleted value back", got)
	}
	fi, err := os.Stat(filepath.Join(dataDir, store.FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("restored file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	// The replaced database is kept, and is the changed one.
	aside, _ := filepath.Glob(filepath.Join(dataDir, store.FileName+".before-restore-*"))
	if len(aside) != 1 {
		t.Fatalf("kept databases %q, want one", aside)
	}
	keptDir := t.TempDir()
	raw, _ := os.ReadFile(aside[0])
	os.WriteFile(filepath.Join(keptDir, store.FileName), raw, 0o600)
	if got := getState(t, keptDir, "giu"); got != "đã sửa" {
		t.Errorf("the kept database holds giu = %q, want the replaced value", got)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dataDir, ".restore-*")); len(tmp) != 0 {
		t.Errorf("restore left %q behind", tmp)
	}

	// A second restore in the same second (CCHCBOT_NOW fixes it) keeps
	// both replaced databases.
	t.Setenv("CCHCBOT_NOW", "2026-12-02T09:00:00+07:00")
	for range 2 {
		if code, _, errOut := run(t, "restore", bk, "-config", cfg); code != exitOK {
			t.Fatalf("restore exit %d: %s", code, errOut)
		}
	}
	if aside, _ := filepath.Glob(filepath.Join(dataDir, store.FileName+".before-restore-20261202-090000*")); len(aside) != 2 {
		t.Errorf("kept databases after two restores in one second: %q, want two", aside)
	}
}

// TestRestoreRefusedWhileLocked: with the store held (the bot running),
// restore changes nothing and exits 3.
func TestRestoreRefusedWhileLocked(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	setState(t, dataDir, "k", "v1")
	bk := filepath.Join(t.TempDir(), "b.db")
	if code, _, errOut := run(t, "backup", bk, "-config", cfg); code != exitOK {
		t.Fatalf("backup exit %d: %s", code, errOut)
	}
	setState(t, dataDir, "k", "v2")

	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "restore", bk, "-config", cfg)
	db.Close()
	if code != exitLocked || !strings.Contains(errOut, "hãy dừng bot trước") {
		t.Errorf("restore while locked: exit %d, %q; want %d and a request to stop the bot", code, errOut, exitLocked)
	}
	if got := getState(t, dataDir, "k"); got != "v2" {
		t.Errorf("k = %q after a refused restore, want v2", got)
	}
	if aside, _ := filepath.Glob(filepath.Join(dataDir, "*.before-restore-*")); len(aside) != 0 {
		t.Errorf("a refused restore moved the database aside: %q", aside)
	}
}

// TestRestoreRefusesBadFiles: garbage, a truncated copy, an empty file
// and the live database itself are refused, the live database untouched
// byte for byte.
func TestRestoreRefusesBadFiles(t *testing.T) {
	cfg, dataDir := tempConfig(t)
	setState(t, dataDir, "k", "v")
	bk := filepath.Join(t.TempDir(), "b.db")
	if code, _, errOut := run(t, "backup", bk, "-config", cfg); code != exitOK {
		t.Fatalf("backup exit %d: %s", code, errOut)
	}
	good, _ := os.ReadFile(bk)
	live := filepath.Join(dataDir, store.FileName)
	before, _ := os.ReadFile(live)

	dir := t.TempDir()
	damaged := bytes.Clone(good)
	for i := 4096 * 2; i < len(damaged); i++ { // keep the meta pages, wreck the rest
		damaged[i] ^= 0xA5
	}
	for name, content := range map[string][]byte{
		"garbage":   []byte(strings.Repeat("không phải bbolt ", 1000)),
		"truncated": good[:len(good)/3],
		"empty":     nil,
		"damaged":   damaged,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".db")
			os.WriteFile(path, content, 0o600)
			code, _, errOut := run(t, "restore", path, "-config", cfg)
			if code == exitOK || !strings.Contains(errOut, "không phải một bản sao lưu dùng được") {
				t.Errorf("exit %d, %q; want a refusal", code, errOut)
			}
			if after, _ := os.ReadFile(live); !bytes.Equal(after, before) {
				t.Error("a refused restore changed the live database")
			}
			if left, _ := filepath.Glob(filepath.Join(dataDir, "*.before-restore-*")); len(left) != 0 {
				t.Errorf("a refused restore moved the database aside: %q", left)
			}
			if tmp, _ := filepath.Glob(filepath.Join(dataDir, ".restore-*")); len(tmp) != 0 {
				t.Errorf("restore left %q behind", tmp)
			}
		})
	}
	if code, _, errOut := run(t, "restore", live, "-config", cfg); code != exitUsage {
		t.Errorf("restore of the live file itself: exit %d, %q; want %d", code, errOut, exitUsage)
	}
	if code, _, _ := run(t, "restore", filepath.Join(dir, "khong-co.db"), "-config", cfg); code == exitOK {
		t.Error("restore of a missing file succeeded")
	}
	if got := getState(t, dataDir, "k"); got != "v" {
		t.Errorf("k = %q after refused restores", got)
	}
}
