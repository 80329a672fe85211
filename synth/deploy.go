package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// Years is how much history a prepared deployment holds: every monthly
// period from January five years before End's year... to End.
const Years = 5

// End is the "now" of every prepared deployment: late November 2026, with
// December's period just opened.
var End = time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// Deployment is a generated deployment on disk, kept between benchmark
// runs: generating 10,000 units' five years takes minutes, reading it
// back takes none.
type Deployment struct {
	Dir        string
	ConfigPath string
	Config     *config.Config
	Stats      Stats
	Units      int
}

// Prepare returns the deployment of n units under cacheDir, generating it
// from base (config.example.yaml) when it is not there yet. The store is
// closed on return: open it with store.Open(d.Config.DataDir, ...).
func Prepare(cacheDir string, base []byte, n int) (*Deployment, error) {
	dir := filepath.Join(cacheDir, fmt.Sprintf("synth-%d-units-v2", n))
	d := &Deployment{Dir: dir, ConfigPath: filepath.Join(dir, "config.yaml"), Units: n}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, err
	}
	// Benchmarks of several packages may ask at once: one generates.
	unlock, err := lock(dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if raw, err := os.ReadFile(filepath.Join(dir, "stats.json")); err == nil {
		if err := json.Unmarshal(raw, &d.Stats); err != nil {
			return nil, err
		}
		// The config is written again from today's base: the data stays
		// valid across a config key's rename, the cached file would not.
		cfg, err := Config(base, Units(n), filepath.Join(dir, "data"), cchcbot.D(End.Year()-Years+1, 1, 1))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(d.ConfigPath, cfg, 0o600); err != nil {
			return nil, err
		}
		if d.Config, err = config.Load(d.ConfigPath); err != nil {
			return nil, err
		}
		// Bring a deployment made by an older schema up to date once, so
		// benchmarks may open it read-only.
		db, err := store.Open(d.Config.DataDir, store.Options{LockTimeout: time.Minute, Now: func() time.Time { return End }})
		if err != nil {
			return nil, err
		}
		return d, db.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	// data_dir is relative to the config's directory, so the finished
	// directory can be renamed into place.
	raw, err := Config(base, Units(n), filepath.Join(dir, "data"), cchcbot.D(End.Year()-Years+1, 1, 1))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "config.yaml"), raw, 0o600); err != nil {
		return nil, err
	}
	cfg, err := config.Parse(raw, "config.yaml")
	if err != nil {
		return nil, err
	}
	db, err := store.Open(filepath.Join(tmp, "data"), store.Options{Now: func() time.Time { return End }})
	if err != nil {
		return nil, err
	}
	st, err := Populate(context.Background(), db, cfg.Calendar(), Options{Units: n, End: End, Seed: 1, KeepLogYears: cfg.Reminders.KeepLogYears})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	js, _ := json.Marshal(st)
	if err := os.WriteFile(filepath.Join(tmp, "stats.json"), js, 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	d.Stats = st
	d.Config, err = config.Load(d.ConfigPath)
	return d, err
}

// CacheDir is where benchmarks keep prepared deployments:
// $CCHCBOT_BENCH_DIR, else a directory under the system's temp dir.
func CacheDir() string {
	if d := os.Getenv("CCHCBOT_BENCH_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "cchcbot-bench")
}

// lock takes an exclusive lock file, waiting for another generator to
// finish; a lock older than an hour is a crashed generator's and is taken.
func lock(path string) (func(), error) {
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(path)
			continue
		}
		time.Sleep(200 * time.Millisecond)
	}
}
