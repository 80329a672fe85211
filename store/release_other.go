//go:build !linux

package store

// dropPages does nothing where this package does not speak to the kernel
// about mappings.
func dropPages(uintptr, int64) error { return nil }
