package store

import (
	"fmt"
	"syscall"
)

// dropPages advises the kernel that the n bytes mapped at addr are not
// needed (MADV_DONTNEED): for bbolt's read-only shared file mapping this
// drops the page table entries only; the file's data stays intact.
func dropPages(addr uintptr, n int64) error {
	if n <= 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(n), syscall.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("madvise: %w", errno)
	}
	return nil
}
