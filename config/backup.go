package config

import (
	"path/filepath"

	"cchcbot"
)

// Defaults of the backup section.
var (
	DefaultBackupTime = cchcbot.TimeOfDay{Hour: 2, Minute: 30}
)

// DefaultBackupKeep is how many daily copies are kept by default: two weeks.
const DefaultBackupKeep = 14

// MaxBackupKeep bounds backup.keep: a year of daily copies.
const MaxBackupKeep = 366

// Backup holds the daily backup: a verified copy of the database written
// every day at Time (in the configured zone) into Dir, the Keep newest
// kept. The report files in data_dir/files are not copied: they are
// immutable and content-addressed, so a plain copy of that directory backs
// them up.
type Backup struct {
	Time cchcbot.TimeOfDay
	Keep int    // daily copies kept; 0 turns the daily backup off
	Dir  string // default data_dir/backups; relative to the working directory unless absolute
}

// Enabled reports whether daily backups run.
func (b Backup) Enabled() bool { return b.Keep > 0 }

func (v *validator) backup(c *Config, r rawBackup) {
	p := []any{"backup"}
	c.Backup = Backup{
		Time: v.timeOfDay(at(p, "time"), "backup.time", r.Time, DefaultBackupTime),
		Keep: orP(r.Keep, DefaultBackupKeep),
		Dir:  or(r.Dir, filepath.Join(c.DataDir, "backups")),
	}
	if c.Backup.Keep < 0 || c.Backup.Keep > MaxBackupKeep {
		v.errorf(at(p, "keep"), "backup.keep phải từ 0 (tắt sao lưu hằng ngày) đến %d (số bản sao lưu hằng ngày được giữ lại)", MaxBackupKeep)
	}
	if filepath.Clean(c.Backup.Dir) == filepath.Clean(c.DataDir) {
		v.errorf(at(p, "dir"), "backup.dir không được trùng data_dir: hãy dùng một thư mục riêng, ví dụ %s", quote(filepath.Join(c.DataDir, "backups")))
	}
}
