package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// vietnamese matches a letter only Vietnamese writes.
var vietnamese = regexp.MustCompile(`(?i)[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]`)

// english matches the wording of the messages these commands used to
// print, and of Go's flag and os packages.
var english = regexp.MustCompile(`(?i)\busage\b|is not a|not defined|needs an|invalid value|takes no|no such file|permission denied|not a directory|has not opened|does not answer|is before|must be`)

// TestMessagesAreVietnamese: every mistake a staff member can make with
// these commands is answered in Vietnamese, with the right exit code.
func TestMessagesAreVietnamese(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-03-01T09:00:00+07:00")
	cfg, dataDir := tempConfig(t)
	seedStore(t, cfg, dataDir)
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	os.WriteFile(aFile, []byte("x"), 0o600)
	out := filepath.Join(dir, "out.xlsx")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"export", "-config", cfg, "--year", "1999", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "--year", "năm nay", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "--year", "2024"}, exitUsage},
		{[]string{"export", "-config", cfg, "--year", "2024", "--period", "02/2024", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "2024", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "-x", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "-o"}, exitUsage},
		{[]string{"export", "-config", cfg, "-o", out, "-force=chac"}, exitUsage},
		{[]string{"export", "-config", cfg, "--period", "13/2024", "-o", out}, exitUsage},
		{[]string{"export", "-config", cfg, "-o", filepath.Join(aFile, "x.xlsx")}, exitFailure},
		{[]string{"export", "-config", cfg, "-o", dir}, exitFailure},
		{[]string{"archive", "-config", cfg, "-o", out}, exitUsage},
		{[]string{"archive", "-config", cfg, "02/2024"}, exitUsage},
		{[]string{"archive", "-config", cfg, "12/2024", "-o", out}, exitUsage}, // not open yet
		{[]string{"summary", "-config", cfg, "02/2024", "03/2024"}, exitUsage},
		{[]string{"calendar", "-config", cfg, "--from", "2024-13-01"}, exitUsage},
		{[]string{"calendar", "-config", cfg, "--from", "32/01/2024"}, exitUsage},
		{[]string{"calendar", "-config", cfg, "--from", "01/03/2024", "--to", "01/02/2024"}, exitUsage},
		{[]string{"calendar", "-config", cfg, "2024"}, exitUsage},
		{[]string{"check", "-config", cfg, "units"}, exitUsage},
		{[]string{"check", "-config"}, exitUsage},
		{[]string{"invite", "-config", cfg}, exitUsage},
		{[]string{"invite", "-config", cfg, "-ttl", "abc", "xa-chau-loc"}, exitUsage},
		{[]string{"invite", "-config", cfg, "-ttl", "30s", "xa-chau-loc"}, exitUsage},
		{[]string{"invite", "-config", cfg, "--admin", "A", "xa-chau-loc"}, exitUsage},
		{[]string{"status", "-config", cfg, "13/2024"}, exitUsage},
		{[]string{"status", "-config", cfg, "02/2024", "ke-hoach-khac-phuc"}, exitUsage},
		{[]string{"backup", "-config", cfg}, exitUsage},
		{[]string{"backup", "-config", cfg, filepath.Join(aFile, "x.db")}, exitFailure},
		{[]string{"backup", "-config", cfg, dir}, exitFailure},
		{[]string{"backup", "-config", cfg, filepath.Join(dataDir, "cchcbot.db")}, exitFailure},
		{[]string{"restore", "-config", cfg}, exitUsage},
		{[]string{"restore", "-config", cfg, filepath.Join(dir, "khong-co.db")}, exitFailure},
		{[]string{"restore", "-config", cfg, aFile}, exitFailure},
	} {
		code, stdout, stderr := run(t, tc.args...)
		msg := strings.TrimPrefix(stderr, "cchcbot "+tc.args[0]+": ")
		if code != tc.code || stdout != "" || !vietnamese.MatchString(msg) || english.MatchString(msg) || strings.Contains(msg, "code=") {
			t.Errorf("%q: exit %d (want %d), stdout %q, stderr:\n%s", tc.args, code, tc.code, stdout, stderr)
		}
	}
	t.Setenv("CCHCBOT_NOW", "yesterday")
	if code, _, stderr := run(t, "status", "-config", cfg); code != exitUsage || !vietnamese.MatchString(stderr) {
		t.Errorf("a bad CCHCBOT_NOW: exit %d, %s", code, stderr)
	}
}
