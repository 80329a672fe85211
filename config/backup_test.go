package config_test

import (
	"path/filepath"
	"testing"

	"cchcbot/config"
)

func TestBackupDefaults(t *testing.T) {
	c := mustParse(t, base)
	want := config.Backup{Time: config.DefaultBackupTime, Keep: 14, Dir: filepath.Join("data", "backups")}
	if c.Backup != want || !c.Backup.Enabled() || c.Backup.Time.String() != "02:30" {
		t.Errorf("backup defaults = %+v, want %+v", c.Backup, want)
	}
}

func TestBackupValues(t *testing.T) {
	c := mustParse(t, base+"data_dir: /srv/cchcbot\nbackup:\n  time: \"03:15\"\n  keep: 30\n")
	if c.Backup.Time.String() != "03:15" || c.Backup.Keep != 30 || c.Backup.Dir != "/srv/cchcbot/backups" {
		t.Errorf("backup = %+v", c.Backup)
	}
	c = mustParse(t, base+"backup:\n  keep: 0\n  dir: /var/backups/cchcbot\n")
	if c.Backup.Enabled() || c.Backup.Keep != 0 || c.Backup.Dir != "/var/backups/cchcbot" {
		t.Errorf("keep: 0 = %+v, want disabled", c.Backup)
	}
}

func TestValidateBackup(t *testing.T) {
	checkRules(t, []rule{
		{"time not HH:MM", base + "backup:\n  time: 2h30\n", 13, `backup.time: giờ "2h30" không hợp lệ`},
		{"negative keep", base + "backup:\n  keep: -1\n", 13, `backup.keep phải từ 0`},
		{"keep too large", base + "backup:\n  keep: 1000\n", 13, `backup.keep phải từ 0`},
		{"dir is data_dir", base + "data_dir: ./d\nbackup:\n  dir: d/\n", 14, `backup.dir không được trùng data_dir`},
		{"misspelt key", base + "backup:\n  kept: 3\n", 13, `kept`},
	})
}
