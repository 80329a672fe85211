//go:build unix

package main

import (
	"os"
	"syscall"
)

// matchOwner gives path the owner of dir when run as root: a restore run
// with sudo must leave a database the bot's own user can open.
func matchOwner(path, dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}
