package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cchcbot/store"
)

// TestOutputNotOverwritten: export, archive and backup refuse to replace
// an existing file, saying so in Vietnamese and leaving it as it was;
// with -force they replace it.
func TestOutputNotOverwritten(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-03-01T09:00:00+07:00")
	cfg, dataDir := tempConfig(t)
	seedStore(t, cfg, dataDir)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args func(out string) []string
	}{
		{"export", func(out string) []string { return []string{"export", "-config", cfg, "--year", "2024", "-o", out} }},
		{"export -o=", func(out string) []string { return []string{"export", "-config", cfg, "-o=" + out} }},
		{"archive", func(out string) []string { return []string{"archive", "02/2024", "-o", out, "-config", cfg} }},
		{"backup", func(out string) []string { return []string{"backup", out, "-config", cfg} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".out")
			if err := os.WriteFile(out, []byte("tệp của cán bộ"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, tc.args(out)...)
			if code != exitFailure || !strings.Contains(stderr, "đã có") || !strings.Contains(stderr, "-force") || stdout != "" {
				t.Errorf("over an existing file: exit %d, %q %q; want %d and a refusal naming -force", code, stdout, stderr, exitFailure)
			}
			if got, _ := os.ReadFile(out); string(got) != "tệp của cán bộ" {
				t.Errorf("the existing file was changed (%d bytes)", len(got))
			}
			code, stdout, stderr = run(t, append(tc.args(out), "-force")...)
			if code != exitOK || !strings.HasPrefix(stdout, "Đã ") {
				t.Fatalf("-force: exit %d, %q %q", code, stdout, stderr)
			}
			if got, _ := os.ReadFile(out); string(got) == "tệp của cán bộ" {
				t.Error("-force did not replace the file")
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temp files left: %q", left)
	}
}

// TestBackupMakesFolders: "cchcbot backup data/backups/x.db" on a fresh
// install creates the folders, 0700.
func TestBackupMakesFolders(t *testing.T) {
	cfg, _ := tempConfig(t)
	root := t.TempDir()
	out := filepath.Join(root, "data", "backups", "x.db")
	code, stdout, stderr := run(t, "backup", out, "-config", cfg)
	if code != exitOK || !strings.Contains(stdout, "Đã sao lưu cơ sở dữ liệu vào "+out) {
		t.Fatalf("backup into missing folders: exit %d, %q %q", code, stdout, stderr)
	}
	for _, d := range []string{filepath.Join(root, "data"), filepath.Dir(out)} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v (%v), want a folder 0700", d, fi, err)
		}
	}
	if _, err := store.VerifyFile(out); err != nil {
		t.Errorf("the copy fails its check: %v", err)
	}
}
