//go:build !linux

package store

// freeSpace cannot ask the file system here: a compaction then goes ahead
// and fails with EFULL, leaving nothing, if the disk fills.
func freeSpace(string) (int64, error) { return 0, errNoStatfs }
